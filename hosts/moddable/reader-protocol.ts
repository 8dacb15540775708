// The byte protocol between the device and its smart-card front-end (a TDA8029-class reader
// chip: an 80C51 with its own firmware that does ISO 7816-3 T=0/T=1 and card power). The
// framing follows NXP's ALPAR pattern; the command set is ours, the front-end's firmware
// implements it (docs/hosts.md §card reader):
//
//   frame   = SOF | LEN_HI | LEN_LO | CMD | DATA[LEN] | LRC
//   SOF     = 0x60 (command, or a successful answer) / 0xE0 (error answer; DATA = 1 status byte)
//   LRC     = XOR of every byte before it
//   answers carry the CMD of the command they answer; one command at a time.
//
//   CMD 0x6E power-up     → ATR            0x4D power-off → (empty)
//   CMD 0x00 APDU (C-APDU) → R-APDU (data + SW1 SW2)
//   CMD 0x09 presence     → 1 byte (1 present / 0 absent)
//   CMD 0xA0 card event   (unsolicited, front-end → device) 1 byte (1 inserted / 0 removed)
// Pure code: no Moddable imports, so Node tests exercise it.

import { ProtocolError } from '../../protocol/bytes';

export const SOF_OK = 0x60;
export const SOF_ERROR = 0xe0;
export const ReaderCmd = { Apdu: 0x00, Presence: 0x09, PowerOff: 0x4d, PowerUp: 0x6e, CardEvent: 0xa0 } as const;
export const ReaderStatus = { NoCard: 0x01, CardMute: 0x02, CardRemoved: 0x03, CardProtocol: 0x04, BadCommand: 0x05, CardTimeout: 0x06 } as const;
/** Extended APDUs are not used; 261 bytes hold any short R-APDU, 300 leaves room. */
export const MAX_READER_DATA = 300;

export interface ReaderFrame { ok: boolean; cmd: number; data: Uint8Array }

export function encodeReaderFrame(cmd: number, data: Uint8Array = new Uint8Array(0), ok = true): Uint8Array {
  if (data.length > MAX_READER_DATA) throw new ProtocolError('reader-frame-too-large', `${data.length} bytes`);
  const out = new Uint8Array(5 + data.length);
  out[0] = ok ? SOF_OK : SOF_ERROR;
  out[1] = data.length >> 8; out[2] = data.length & 0xff;
  out[3] = cmd;
  out.set(data, 4);
  let lrc = 0;
  for (let i = 0; i < out.length - 1; i++) lrc ^= out[i];
  out[out.length - 1] = lrc;
  return out;
}

/** Incremental parser: bytes in any split, frames out; skips noise and resynchronises on a bad LRC. */
export class ReaderFrameParser {
  private buf = new Uint8Array(2 * (MAX_READER_DATA + 5));
  private len = 0;
  /** Bytes thrown away while looking for a frame (noise, bad LRC). */
  discarded = 0;

  push(chunk: Uint8Array): ReaderFrame[] {
    const frames: ReaderFrame[] = [];
    for (let i = 0; i < chunk.length; ) {
      const n = Math.min(chunk.length - i, this.buf.length - this.len);
      this.buf.set(chunk.subarray(i, i + n), this.len);
      this.len += n;
      i += n;
      this.scan(frames);
    }
    return frames;
  }

  reset(): void { this.discarded += this.len; this.len = 0; }

  private scan(frames: ReaderFrame[]): void {
    let p = 0;
    let inFrames = 0;
    for (;;) {
      while (p < this.len && this.buf[p] !== SOF_OK && this.buf[p] !== SOF_ERROR) p++;
      if (this.len - p < 5) break;
      const dataLen = (this.buf[p + 1] << 8) | this.buf[p + 2];
      if (dataLen > MAX_READER_DATA) { p++; continue; } // not a real header
      const total = 5 + dataLen;
      if (this.len - p < total) break;
      let lrc = 0;
      for (let k = 0; k < total - 1; k++) lrc ^= this.buf[p + k];
      if (lrc !== this.buf[p + total - 1]) { p++; continue; } // resync just after this false SOF
      frames.push({ ok: this.buf[p] === SOF_OK, cmd: this.buf[p + 3], data: this.buf.slice(p + 4, p + 4 + dataLen) });
      p += total;
      inFrames += total;
    }
    this.discarded += p - inFrames;
    this.buf.copyWithin(0, p, this.len);
    this.len -= p;
  }
}
