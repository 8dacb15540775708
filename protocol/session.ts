// A session over a byte-stream link: framing (wire/frame) + Noise KK (crypto/noise) + RPC
// (wire/rpc). The precinct computer is the client and Noise initiator; a device is the
// server and responder. docs/protocol.md §3 gives the bytes.
//
// - handshake-1 payload: key hint (8 bytes: SHA-256 of the initiator's static key, first 8)
//   || Noise message 1, whose payload is CBOR { "client": bytes } (the client instance id:
//   the device keeps its retry cache per key and instance, across sessions).
// - handshake-2 payload: Noise message 2, whose payload is CBOR {} (reserved).
// - transport payload: Noise transport message of one RPC envelope; associated data is the
//   frame's version and kind bytes.
// - plain-error payload: CBOR { "code": text, "message": text }, unauthenticated: the client
//   takes it as a hint only (start a new handshake, or give up on a refused key).
// A decrypt failure ends the session; the client starts a new handshake and re-sends the
// request it was waiting on, which the device answers from its cache if it already ran it.
// A device keeps its current session until the new one's first transport frame arrives, so
// a replayed handshake-1 cannot end a working session.

import { ProtocolError, bytesEqual, toHex, utf8Encode } from './bytes';
import { decodeCbor, encodeCbor, type CborValue } from './cbor';
import type { CryptoPort, EntropyPort } from './crypto/port';
import { NoiseHandshake, type NoiseKeyPair, type NoiseTransport } from './crypto/noise';
import type { ClockPort, LinkPort } from '../runtime/ports';
import { FRAME_VERSION, FrameDecoder, FrameKind, encodeFrame, type Frame } from './wire/frame';
import { RpcClient, type RpcServer } from './wire/rpc';
import type { MessageDef } from './wire/messages';

/** Noise prologue: binds the handshake to this protocol and version. */
export const WIRE_PROLOGUE = utf8Encode('sailau-wire/1');
export const KEY_HINT_BYTES = 8;
export const CLIENT_ID_BYTES = 16;
/** Noise associated data of every transport message: the frame's version and kind bytes. */
export const TRANSPORT_AD = Uint8Array.of(FRAME_VERSION, FrameKind.Transport);

export const PLAIN_ERROR_CODES = ['no-session', 'unknown-key', 'handshake-failed'] as const;
export type PlainErrorCode = (typeof PLAIN_ERROR_CODES)[number];

export function keyHint(crypto: CryptoPort, publicKey: Uint8Array): Uint8Array {
  return crypto.sha256(publicKey).slice(0, KEY_HINT_BYTES);
}

export function encodePlainError(code: PlainErrorCode, message: string): Uint8Array {
  return encodeCbor({ code, message });
}

/** Throws ProtocolError('bad-plain-error') unless the payload is { code: text, message: text }. */
export function decodePlainError(payload: Uint8Array): { code: string; message: string } {
  let v: CborValue;
  try { v = decodeCbor(payload); } catch { throw new ProtocolError('bad-plain-error', 'not CBOR'); }
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || Array.isArray(v) || v instanceof Map
    || Object.keys(v).length !== 2 || typeof v.code !== 'string' || typeof v.message !== 'string') {
    throw new ProtocolError('bad-plain-error', 'expected { code, message }');
  }
  return { code: v.code, message: v.message };
}

export function encodeHello(clientId: Uint8Array): Uint8Array {
  return encodeCbor({ client: clientId });
}

/** The handshake-1 Noise payload; throws ProtocolError('bad-hello'). */
export function decodeHello(payload: Uint8Array): Uint8Array {
  let v: CborValue;
  try { v = decodeCbor(payload); } catch { throw new ProtocolError('bad-hello', 'not CBOR'); }
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || Array.isArray(v) || v instanceof Map
    || Object.keys(v).length !== 1 || !(v.client instanceof Uint8Array) || v.client.length < 8 || v.client.length > 32) {
    throw new ProtocolError('bad-hello', 'expected { client: bytes(8..32) }');
  }
  return v.client;
}

const EMPTY_MAP = encodeCbor({});

/** A refusal the device should write to its event log. */
export interface SecurityEvent {
  code: 'unknown-key' | 'handshake-failed' | 'decrypt-failed';
  detail: string;
}

export interface SessionServerOptions {
  link: LinkPort;
  crypto: CryptoPort;
  entropy: EntropyPort;
  /** The device's static X25519 key pair. */
  staticKey: NoiseKeyPair;
  /** Static public keys of the precinct computers this device was enrolled with. */
  enrolledKeys: readonly Uint8Array[];
  rpc: RpcServer;
  onSecurityEvent?: (event: SecurityEvent) => void;
}

interface ServerSession {
  transport: NoiseTransport;
  /** peer key hex / client id hex: the RPC cache key */
  peer: string;
}

/** The device side. Answers only enrolled keys; one session at a time. */
export class SessionServer {
  readonly decoder = new FrameDecoder();
  readonly stats = { handshakes: 0, refusedHandshakes: 0, decryptFailures: 0, ignoredFrames: 0 };
  private current: ServerSession | null = null;
  /** Sessions whose handshake-2 went out but which have not carried a request yet, newest last. */
  private pending: ServerSession[] = [];
  private enrolled: { key: Uint8Array; hint: Uint8Array }[] = [];

  constructor(private readonly opts: SessionServerOptions) {
    this.setEnrolledKeys(opts.enrolledKeys);
    opts.link.onReceive((chunk) => this.receive(chunk));
    opts.link.onConnectionChange((connected) => {
      if (!connected) { this.decoder.reset(); this.drop(); }
    });
  }

  setEnrolledKeys(keys: readonly Uint8Array[]): void {
    this.enrolled = keys.map((key) => ({ key: key.slice(), hint: keyHint(this.opts.crypto, key) }));
    this.drop(); // a session with a key no longer enrolled must not live on
  }

  get hasSession(): boolean { return this.current !== null; }

  /** Ends the session (and any half-made one). */
  drop(): void {
    this.current = null;
    this.pending = [];
  }

  private receive(chunk: Uint8Array): void {
    for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    switch (frame.kind) {
      case FrameKind.Handshake1: this.onHandshake1(frame.payload); break;
      case FrameKind.Transport: this.onTransport(frame.payload); break;
      default: this.stats.ignoredFrames++; // handshake-2 and plain-error go the other way
    }
  }

  private send(kind: FrameKind, payload: Uint8Array): void {
    this.opts.link.write(encodeFrame(kind, payload));
  }

  private refuse(code: PlainErrorCode, detail: string, event: SecurityEvent['code'] | null): void {
    if (event) this.opts.onSecurityEvent?.({ code: event, detail });
    this.send(FrameKind.PlainError, encodePlainError(code, detail));
  }

  private onHandshake1(payload: Uint8Array): void {
    const hint = payload.subarray(0, KEY_HINT_BYTES);
    const message = payload.subarray(KEY_HINT_BYTES);
    const candidates = payload.length < KEY_HINT_BYTES ? [] : this.enrolled.filter((e) => bytesEqual(e.hint, hint));
    if (candidates.length === 0) {
      this.stats.refusedHandshakes++;
      this.refuse('unknown-key', `no enrolled key with hint ${toHex(hint)}`, 'unknown-key');
      return;
    }
    const ephemeralSecretKey = this.opts.entropy.randomBytes(32);
    for (const { key } of candidates) {
      try {
        const hs = NoiseHandshake.responder(this.opts.crypto, {
          staticKey: this.opts.staticKey, remoteStaticPublicKey: key, ephemeralSecretKey, prologue: WIRE_PROLOGUE,
        });
        const clientId = decodeHello(hs.readMessage(message));
        const reply = hs.writeMessage(EMPTY_MAP);
        const session: ServerSession = { transport: hs.split(), peer: `${toHex(key)}/${toHex(clientId)}` };
        this.pending.push(session);
        if (this.pending.length > 2) this.pending.shift();
        this.stats.handshakes++;
        this.send(FrameKind.Handshake2, reply);
        return;
      } catch {
        // not this key (or a forged message): try the next candidate
      }
    }
    this.stats.refusedHandshakes++;
    this.refuse('handshake-failed', 'handshake message 1 did not authenticate', 'handshake-failed');
  }

  private onTransport(payload: Uint8Array): void {
    const sessions = [...this.pending].reverse();
    if (this.current) sessions.push(this.current);
    if (sessions.length === 0) {
      // normal after a restart or a dropped session: the client will start a handshake
      this.send(FrameKind.PlainError, encodePlainError('no-session', 'no session: start a handshake'));
      return;
    }
    for (const s of sessions) {
      let plaintext: Uint8Array;
      try {
        plaintext = s.transport.decrypt(payload, TRANSPORT_AD);
      } catch {
        continue;
      }
      if (s !== this.current) { this.current = s; this.pending = []; } // the new session is confirmed
      this.opts.rpc.receive(s.peer, plaintext, (response) => {
        if (this.current === s) this.send(FrameKind.Transport, s.transport.encrypt(response, TRANSPORT_AD));
      });
      return;
    }
    // Forged, replayed, re-ordered or lost-before frame: the session cannot go on.
    this.stats.decryptFailures++;
    this.drop();
    this.refuse('no-session', 'transport frame did not authenticate; session dropped', 'decrypt-failed');
  }
}

export interface SessionClientOptions {
  link: LinkPort;
  crypto: CryptoPort;
  entropy: EntropyPort;
  clock: ClockPort;
  /** The precinct computer's static X25519 key pair. */
  staticKey: NoiseKeyPair;
  /** The device's static public key, as enrolled. */
  remoteStaticPublicKey: Uint8Array;
  /** Wait for an answer (or a handshake) this long before trying again. */
  timeoutMs?: number;
  /** Sends of one request (handshakes included) before it fails with 'timeout'. */
  maxAttempts?: number;
}

export type ClientState = 'idle' | 'handshaking' | 'ready';

/** The precinct computer side: one device, one request at a time, re-handshaking when needed. */
export class SessionClient {
  readonly decoder = new FrameDecoder();
  readonly rpc: RpcClient;
  readonly stats = { handshakes: 0, sessionDrops: 0, plainErrors: 0, ignoredFrames: 0 };
  /** This client instance's id, sent in every handshake: the device's retry cache is per instance. */
  readonly clientId: Uint8Array;
  private transport: NoiseTransport | null = null;
  /** Handshakes sent and not answered, newest last (a retry may cross a late answer). */
  private handshakes: NoiseHandshake[] = [];
  /** The request waiting for the handshake to finish. */
  private queued: Uint8Array | null = null;
  private readonly hint: Uint8Array;

  constructor(private readonly opts: SessionClientOptions) {
    this.clientId = opts.entropy.randomBytes(CLIENT_ID_BYTES);
    this.hint = keyHint(opts.crypto, opts.staticKey.publicKey);
    this.rpc = new RpcClient({ send: (bytes, attempt) => this.sendRequest(bytes, attempt) }, opts.clock, {
      timeoutMs: opts.timeoutMs ?? 2000,
      maxAttempts: opts.maxAttempts ?? 4,
    });
    opts.link.onReceive((chunk) => { for (const f of this.decoder.push(chunk)) this.onFrame(f); });
    opts.link.onConnectionChange((connected) => {
      if (!connected) { this.decoder.reset(); this.dropSession('link down'); }
      else if (this.rpc.inFlight) this.rpc.resendNow();
    });
  }

  get state(): ClientState {
    return this.transport ? 'ready' : this.handshakes.length > 0 ? 'handshaking' : 'idle';
  }

  call<Req, Res>(def: MessageDef<Req, Res>, body: Req): Promise<Res> {
    return this.rpc.call(def, body);
  }

  /** Forgets the session; the next request starts a new handshake. */
  dropSession(why: string): void {
    if (this.transport || this.handshakes.length > 0) this.stats.sessionDrops++;
    this.transport = null;
    this.handshakes = [];
    this.rpc.problem = why;
  }

  private send(kind: FrameKind, payload: Uint8Array): void {
    this.opts.link.write(encodeFrame(kind, payload));
  }

  private sendRequest(bytes: Uint8Array, attempt: number): void {
    // A retry means a frame was lost (or the device is slow). Noise nonces are implicit, so
    // after a loss one direction of the session is out of step and a retry on it cannot
    // succeed: retry over a new session. A slow device loses nothing by it: it answers the
    // retry when the work is done (docs/protocol.md §6).
    if (attempt > 1 && this.transport) this.dropSession('no answer in time');
    if (this.transport) {
      this.send(FrameKind.Transport, this.transport.encrypt(bytes, TRANSPORT_AD));
      return;
    }
    this.queued = bytes;
    this.startHandshake();
  }

  private startHandshake(): void {
    const hs = NoiseHandshake.initiator(this.opts.crypto, {
      staticKey: this.opts.staticKey,
      remoteStaticPublicKey: this.opts.remoteStaticPublicKey,
      ephemeralSecretKey: this.opts.entropy.randomBytes(32),
      prologue: WIRE_PROLOGUE,
    });
    const message = hs.writeMessage(encodeHello(this.clientId));
    this.handshakes.push(hs);
    if (this.handshakes.length > 2) this.handshakes.shift();
    const payload = new Uint8Array(KEY_HINT_BYTES + message.length);
    payload.set(this.hint, 0);
    payload.set(message, KEY_HINT_BYTES);
    this.send(FrameKind.Handshake1, payload);
  }

  private onFrame(frame: Frame): void {
    switch (frame.kind) {
      case FrameKind.Handshake2: this.onHandshake2(frame.payload); break;
      case FrameKind.Transport: this.onTransport(frame.payload); break;
      case FrameKind.PlainError: this.onPlainError(frame.payload); break;
      default: this.stats.ignoredFrames++;
    }
  }

  private onHandshake2(payload: Uint8Array): void {
    for (let i = this.handshakes.length - 1; i >= 0; i--) {
      const hs = this.handshakes[i];
      try {
        const reply = decodeCbor(hs.readMessage(payload));
        if (reply === null || typeof reply !== 'object' || Array.isArray(reply) || reply instanceof Uint8Array) throw new ProtocolError('bad-hello', 'handshake-2 payload is not a map');
        this.transport = hs.split();
      } catch {
        continue; // a failed Noise handshake cannot be used again; the others may still match
      } finally {
        // this attempt is used up either way
        this.handshakes.splice(i, 1);
      }
      this.handshakes = [];
      this.stats.handshakes++;
      const q = this.queued;
      this.queued = null;
      if (q && this.rpc.inFlight) this.send(FrameKind.Transport, this.transport.encrypt(q, TRANSPORT_AD));
      return;
    }
    this.stats.ignoredFrames++;
    this.rpc.problem = 'handshake-2 did not authenticate (wrong device key?)';
  }

  private onTransport(payload: Uint8Array): void {
    if (!this.transport) { this.stats.ignoredFrames++; return; }
    let plaintext: Uint8Array;
    try {
      plaintext = this.transport.decrypt(payload, TRANSPORT_AD);
    } catch {
      this.dropSession('a transport frame did not authenticate');
      if (this.rpc.inFlight) this.rpc.resendNow();
      return;
    }
    this.rpc.receive(plaintext);
  }

  private onPlainError(payload: Uint8Array): void {
    this.stats.plainErrors++;
    let err: { code: string; message: string };
    try { err = decodePlainError(payload); } catch { return; }
    // Unauthenticated: at worst it costs a handshake or fails one call, as cutting the wire would.
    if (err.code === 'no-session') {
      if (!this.transport) return; // a handshake is already under way or not needed
      this.dropSession(`device: ${err.message}`);
      if (this.rpc.inFlight) this.rpc.resendNow();
    } else if ((err.code === 'unknown-key' || err.code === 'handshake-failed') && this.handshakes.length > 0) {
      this.dropSession(`device: ${err.message}`);
      this.rpc.failCurrent(new ProtocolError(err.code, `the device refused the handshake: ${err.message}`));
    }
  }
}
