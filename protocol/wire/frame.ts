// Framing for any byte stream (UART, USB CDC, TCP). On the wire a frame is
//
//   0x00  COBS( version | kind | payload | CRC-32(version | kind | payload), big-endian )  0x00
//
// 0x00 never occurs inside a COBS block, so a receiver resynchronises at the next 0x00
// after garbage, a half frame or a reconnect; the leading 0x00 ends whatever half frame
// the receiver still holds, so the frame after a glitch is not lost with it. Empty blocks
// (two 0x00 in a row) are ignored. See docs/protocol.md §2.

import { ProtocolError } from '../bytes';
import { cobsDecode, cobsEncodeInto, cobsMaxEncodedLength } from './cobs';
import { crc32 } from '../crc32';

/** The version byte of every frame this code sends and the only one it accepts. */
export const FRAME_VERSION = 1;
/** Largest payload of one frame, in bytes. */
export const MAX_PAYLOAD = 4096;
/** version + kind before the payload, CRC-32 after it. */
export const FRAME_HEADER_BYTES = 2;
export const FRAME_CRC_BYTES = 4;

export const FrameKind = {
  /** Noise KK message 1, initiator → responder (precinct computer → device). */
  Handshake1: 0x01,
  /** Noise KK message 2, responder → initiator. */
  Handshake2: 0x02,
  /** A Noise transport message: an encrypted RPC envelope. */
  Transport: 0x03,
  /** An unencrypted, unauthenticated error (no session, unknown key): a hint, never trusted. */
  PlainError: 0x04,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export function frameKindName(kind: number): string {
  switch (kind) {
    case FrameKind.Handshake1: return 'handshake-1';
    case FrameKind.Handshake2: return 'handshake-2';
    case FrameKind.Transport: return 'transport';
    case FrameKind.PlainError: return 'plain-error';
    default: return `unknown-${kind}`;
  }
}

function isFrameKind(k: number): k is FrameKind {
  return k >= FrameKind.Handshake1 && k <= FrameKind.PlainError;
}

export interface Frame {
  kind: FrameKind;
  payload: Uint8Array;
}

/** Largest number of bytes a frame occupies on the wire, both delimiters included. */
export function maxWireFrameLength(maxPayload = MAX_PAYLOAD): number {
  return cobsMaxEncodedLength(FRAME_HEADER_BYTES + maxPayload + FRAME_CRC_BYTES) + 2;
}

/** The bytes to write for one frame. Throws ProtocolError('frame-too-large') past the bound. */
export function encodeFrame(kind: FrameKind, payload: Uint8Array, maxPayload = MAX_PAYLOAD): Uint8Array {
  if (!isFrameKind(kind)) throw new ProtocolError('frame-bad-kind', `no frame kind ${kind}`);
  if (payload.length > maxPayload) throw new ProtocolError('frame-too-large', `payload of ${payload.length} bytes exceeds ${maxPayload}`);
  const raw = new Uint8Array(FRAME_HEADER_BYTES + payload.length + FRAME_CRC_BYTES);
  raw[0] = FRAME_VERSION;
  raw[1] = kind;
  raw.set(payload, FRAME_HEADER_BYTES);
  const c = crc32(raw, 0, 0, raw.length - FRAME_CRC_BYTES);
  const p = raw.length - FRAME_CRC_BYTES;
  raw[p] = c >>> 24; raw[p + 1] = (c >>> 16) & 0xff; raw[p + 2] = (c >>> 8) & 0xff; raw[p + 3] = c & 0xff;
  const out = new Uint8Array(cobsMaxEncodedLength(raw.length) + 2);
  out[0] = 0;
  const n = cobsEncodeInto(raw, out, 1);
  out[n + 1] = 0;
  return out.slice(0, n + 2);
}

/** Why a block between two delimiters gave no frame. */
export type DropReason = 'oversize' | 'cobs' | 'short' | 'crc' | 'version' | 'kind';
export const DROP_REASONS: readonly DropReason[] = ['oversize', 'cobs', 'short', 'crc', 'version', 'kind'];

export interface FrameDecoderStats {
  bytesIn: number;
  frames: number;
  /** blocks dropped, by reason */
  framesDropped: Record<DropReason, number>;
  /** bytes of dropped blocks (delimiters not counted), by reason */
  bytesDropped: Record<DropReason, number>;
}

function zeroCounts(): Record<DropReason, number> {
  return { oversize: 0, cobs: 0, short: 0, crc: 0, version: 0, kind: 0 };
}

/**
 * Incremental frame decoder: push chunks split anywhere, get whole frames. It holds at most
 * one encoded frame's worth of bytes (maxBufferedBytes) and never throws on input.
 */
export class FrameDecoder {
  readonly maxPayload: number;
  /** Bound on the bytes held between two delimiters. */
  readonly maxBufferedBytes: number;
  readonly stats: FrameDecoderStats = { bytesIn: 0, frames: 0, framesDropped: zeroCounts(), bytesDropped: zeroCounts() };
  private readonly buf: Uint8Array;
  private len = 0;
  /** Bytes seen since the block overflowed; they are skipped up to the next delimiter. */
  private overflow = 0;

  constructor(opts: { maxPayload?: number } = {}) {
    this.maxPayload = opts.maxPayload ?? MAX_PAYLOAD;
    this.maxBufferedBytes = cobsMaxEncodedLength(FRAME_HEADER_BYTES + this.maxPayload + FRAME_CRC_BYTES);
    this.buf = new Uint8Array(this.maxBufferedBytes);
  }

  /** Bytes held now, waiting for a delimiter. */
  get bufferedBytes(): number {
    return this.len;
  }

  /** Forgets a partial frame (after a disconnect); counted as dropped ('short'). */
  reset(): void {
    if (this.overflow > 0) this.drop('oversize', this.len + this.overflow);
    else if (this.len > 0) this.drop('short', this.len);
    this.len = 0;
    this.overflow = 0;
  }

  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.stats.bytesIn += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      const z = chunk.indexOf(0, i);
      const end = z < 0 ? chunk.length : z;
      const n = end - i;
      if (this.overflow > 0 || this.len + n > this.maxBufferedBytes) {
        const room = this.overflow > 0 ? 0 : this.maxBufferedBytes - this.len;
        this.overflow += n - room;
        this.len += room;
      } else {
        this.buf.set(chunk.subarray(i, end), this.len);
        this.len += n;
      }
      if (z < 0) break;
      this.endBlock(frames);
      i = z + 1;
    }
    return frames;
  }

  private endBlock(frames: Frame[]): void {
    const len = this.len;
    const overflow = this.overflow;
    this.len = 0;
    this.overflow = 0;
    if (overflow > 0) { this.drop('oversize', len + overflow); return; }
    if (len === 0) return; // back-to-back delimiters: idle fill, not an error
    let raw: Uint8Array;
    try {
      raw = cobsDecode(this.buf, 0, len);
    } catch {
      this.drop('cobs', len);
      return;
    }
    if (raw.length < FRAME_HEADER_BYTES + FRAME_CRC_BYTES) { this.drop('short', len); return; }
    if (raw.length > FRAME_HEADER_BYTES + this.maxPayload + FRAME_CRC_BYTES) { this.drop('oversize', len); return; }
    const p = raw.length - FRAME_CRC_BYTES;
    const sent = ((raw[p] << 24) | (raw[p + 1] << 16) | (raw[p + 2] << 8) | raw[p + 3]) >>> 0;
    if (crc32(raw, 0, 0, p) !== sent) { this.drop('crc', len); return; }
    if (raw[0] !== FRAME_VERSION) { this.drop('version', len); return; }
    const kind = raw[1];
    if (!isFrameKind(kind)) { this.drop('kind', len); return; }
    this.stats.frames++;
    frames.push({ kind, payload: raw.slice(FRAME_HEADER_BYTES, p) });
  }

  private drop(reason: DropReason, bytes: number): void {
    this.stats.framesDropped[reason]++;
    this.stats.bytesDropped[reason] += bytes;
  }
}
