// Noise_KK_25519_ChaChaPoly_SHA256 (The Noise Protocol Framework, revision 34), on the
// CryptoPort. KK: both sides already know each other's static X25519 key (the device's
// key and the precinct computer's key are enrolled at commissioning), so the handshake is
// two messages and each side is authenticated by its static key:
//   pre-messages:  -> s   <- s
//   message 1:     -> e, es, ss   (+ encrypted payload)
//   message 2:     <- e, ee, se   (+ encrypted payload)
// This follows the spec's CipherState / SymmetricState / HandshakeState step by step; it
// is checked against the cacophony test vectors (tests/noise-vectors.test.ts).
// docs/handshake.md describes the bytes on the wire.

import { ProtocolError, concatBytes, utf8Encode } from '../bytes';
import type { CryptoPort } from './port';

export const NOISE_PROTOCOL_NAME = 'Noise_KK_25519_ChaChaPoly_SHA256';
export const NOISE_DH_LENGTH = 32;
export const NOISE_TAG_LENGTH = 16;
/** Noise messages are at most 65535 bytes (spec §3). */
export const NOISE_MAX_MESSAGE = 65535;
/** Largest plaintext that fits one transport message. */
export const NOISE_MAX_PLAINTEXT = NOISE_MAX_MESSAGE - NOISE_TAG_LENGTH;

export interface NoiseKeyPair { secretKey: Uint8Array; publicKey: Uint8Array } // X25519

/** A static or ephemeral key pair from a 32-byte X25519 secret key. */
export function noiseKeyPair(crypto: CryptoPort, secretKey: Uint8Array): NoiseKeyPair {
  checkKey(secretKey, 'secret key');
  return { secretKey, publicKey: crypto.x25519PublicKey(secretKey) };
}

export interface NoiseTransport {
  /** Uses and increments the send nonce. Returns ciphertext || 16-byte tag. */
  encrypt(plaintext: Uint8Array, ad?: Uint8Array): Uint8Array;
  /** Throws ProtocolError('noise-decrypt-failed'); increments the receive nonce only on success. */
  decrypt(ciphertext: Uint8Array, ad?: Uint8Array): Uint8Array;
  readonly handshakeHash: Uint8Array;
}

const EMPTY = new Uint8Array(0);
// Nonces are kept as JS numbers; 2^53 messages on one link is out of reach, and stopping
// there keeps the spec's rule that a nonce is never reused (spec reserves 2^64-1).
const MAX_NONCE = Number.MAX_SAFE_INTEGER;

function checkKey(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new ProtocolError('noise-bad-key', `${what} must be 32 bytes`);
}

/** The 96-bit ChaChaPoly nonce: 32 zero bits, then the 64-bit counter little-endian (spec §12.3). */
function chachaNonce(n: number): Uint8Array {
  const out = new Uint8Array(12);
  let lo = n % 0x100000000;
  let hi = Math.floor(n / 0x100000000);
  for (let i = 4; i < 8; i++) { out[i] = lo & 0xff; lo = lo >>> 8; }
  for (let i = 8; i < 12; i++) { out[i] = hi & 0xff; hi = hi >>> 8; }
  return out;
}

/** Spec §5.1. */
class CipherState {
  private k: Uint8Array | null = null;
  private n = 0;
  constructor(private readonly crypto: CryptoPort) {}
  initializeKey(key: Uint8Array | null): void { this.k = key; this.n = 0; }
  hasKey(): boolean { return this.k !== null; }
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.k === null) return plaintext;
    if (this.n >= MAX_NONCE) throw new ProtocolError('noise-nonce-exhausted', 'send nonce exhausted; start a new handshake');
    const out = this.crypto.chacha20poly1305Seal(this.k, chachaNonce(this.n), plaintext, ad);
    this.n++;
    return out;
  }
  /** null when the tag fails; the nonce then stays where it was. */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (this.k === null) return ciphertext;
    if (this.n >= MAX_NONCE) throw new ProtocolError('noise-nonce-exhausted', 'receive nonce exhausted; start a new handshake');
    if (ciphertext.length < NOISE_TAG_LENGTH) return null;
    const out = this.crypto.chacha20poly1305Open(this.k, chachaNonce(this.n), ciphertext, ad);
    if (out === null) return null;
    this.n++;
    return out;
  }
}

/** Spec §5.2. */
class SymmetricState {
  private ck: Uint8Array;
  h: Uint8Array;
  readonly cipher: CipherState;
  constructor(private readonly crypto: CryptoPort, protocolName: Uint8Array) {
    // HASHLEN is 32; a name of at most 32 bytes is zero-padded, a longer one hashed.
    if (protocolName.length <= 32) {
      this.h = new Uint8Array(32);
      this.h.set(protocolName);
    } else {
      this.h = crypto.sha256(protocolName);
    }
    this.ck = this.h;
    this.cipher = new CipherState(crypto);
  }
  /** Noise's HKDF(chaining_key, input_key_material, num_outputs) (spec §4.3). */
  private hkdf2(ikm: Uint8Array): [Uint8Array, Uint8Array] {
    const temp = this.crypto.hmacSha256(this.ck, ikm);
    const out1 = this.crypto.hmacSha256(temp, Uint8Array.of(1));
    const out2 = this.crypto.hmacSha256(temp, concatBytes(out1, Uint8Array.of(2)));
    return [out1, out2];
  }
  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = this.hkdf2(ikm);
    this.ck = ck;
    this.cipher.initializeKey(tempK); // HASHLEN 32 = key length, no truncation needed
  }
  mixHash(data: Uint8Array): void {
    this.h = this.crypto.sha256(concatBytes(this.h, data));
  }
  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ct = this.cipher.encryptWithAd(this.h, plaintext);
    this.mixHash(ct);
    return ct;
  }
  decryptAndHash(ciphertext: Uint8Array): Uint8Array | null {
    const pt = this.cipher.decryptWithAd(this.h, ciphertext);
    if (pt === null) return null;
    this.mixHash(ciphertext);
    return pt;
  }
  split(): [CipherState, CipherState] {
    const [k1, k2] = this.hkdf2(EMPTY);
    const c1 = new CipherState(this.crypto);
    const c2 = new CipherState(this.crypto);
    c1.initializeKey(k1);
    c2.initializeKey(k2);
    return [c1, c2];
  }
}

type Role = 'initiator' | 'responder';
interface HandshakeOptions {
  staticKey: NoiseKeyPair;
  remoteStaticPublicKey: Uint8Array;
  /** Must be fresh for every handshake (from the EntropyPort); passed in so tests are deterministic. */
  ephemeralSecretKey: Uint8Array;
  prologue: Uint8Array;
}

/**
 * One KK handshake (spec §5.3). Messages alternate: the initiator writes message 1, the
 * responder writes message 2; then split() gives the transport. Any failure (bad tag,
 * malformed or low-order input) ends the handshake for good: later calls throw
 * 'noise-handshake-failed', and the caller starts over with a new ephemeral key.
 */
export class NoiseHandshake {
  private readonly ss: SymmetricState;
  private readonly s: NoiseKeyPair;
  private readonly e: NoiseKeyPair;
  private readonly rs: Uint8Array;
  private re: Uint8Array | null = null;
  /** Index of the next message pattern (0 or 1); 2 when complete. */
  private step = 0;
  private failed = false;
  private splitDone = false;

  private constructor(private readonly crypto: CryptoPort, private readonly role: Role, opts: HandshakeOptions) {
    checkKey(opts.staticKey.secretKey, 'static secret key');
    checkKey(opts.staticKey.publicKey, 'static public key');
    checkKey(opts.remoteStaticPublicKey, 'remote static public key');
    checkKey(opts.ephemeralSecretKey, 'ephemeral secret key');
    this.s = { secretKey: opts.staticKey.secretKey.slice(), publicKey: opts.staticKey.publicKey.slice() };
    this.rs = opts.remoteStaticPublicKey.slice();
    this.e = noiseKeyPair(crypto, opts.ephemeralSecretKey.slice());
    this.ss = new SymmetricState(crypto, utf8Encode(NOISE_PROTOCOL_NAME));
    this.ss.mixHash(opts.prologue);
    // Pre-messages "-> s" then "<- s": the initiator's static key first.
    if (role === 'initiator') { this.ss.mixHash(this.s.publicKey); this.ss.mixHash(this.rs); }
    else { this.ss.mixHash(this.rs); this.ss.mixHash(this.s.publicKey); }
  }

  static initiator(crypto: CryptoPort, opts: HandshakeOptions): NoiseHandshake {
    return new NoiseHandshake(crypto, 'initiator', opts);
  }
  static responder(crypto: CryptoPort, opts: HandshakeOptions): NoiseHandshake {
    return new NoiseHandshake(crypto, 'responder', opts);
  }

  get complete(): boolean { return this.step === 2 && !this.failed; }

  private myTurnToWrite(): boolean {
    return (this.step === 0 && this.role === 'initiator') || (this.step === 1 && this.role === 'responder');
  }

  private checkUsable(): void {
    if (this.failed) throw new ProtocolError('noise-handshake-failed', 'this handshake already failed; start a new one');
    if (this.step === 2) throw new ProtocolError('noise-handshake-complete', 'the handshake is complete; use split()');
  }

  private dh(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    try {
      return this.crypto.x25519(secretKey, publicKey);
    } catch (err) {
      if (err instanceof ProtocolError && err.code === 'crypto-low-order') {
        throw new ProtocolError('noise-low-order', 'a DH result was all zeros (low-order public key)');
      }
      throw err;
    }
  }

  /** The DH tokens of the current step, in order, for this role (es/ss or ee/se). */
  private mixDhTokens(): void {
    const initiator = this.role === 'initiator';
    const re = this.re as Uint8Array;
    if (this.step === 0) {
      // es, ss
      this.ss.mixKey(initiator ? this.dh(this.e.secretKey, this.rs) : this.dh(this.s.secretKey, re));
      this.ss.mixKey(this.dh(this.s.secretKey, this.rs));
    } else {
      // ee, se
      this.ss.mixKey(this.dh(this.e.secretKey, re));
      this.ss.mixKey(initiator ? this.dh(this.s.secretKey, re) : this.dh(this.e.secretKey, this.rs));
    }
  }

  /** Writes the next handshake message: our ephemeral key, then the encrypted payload. */
  writeMessage(payload: Uint8Array): Uint8Array {
    this.checkUsable();
    if (!this.myTurnToWrite()) throw new ProtocolError('noise-wrong-turn', `the ${this.role} may not write message ${this.step + 1}`);
    if (payload.length > NOISE_MAX_MESSAGE - NOISE_DH_LENGTH - NOISE_TAG_LENGTH) {
      throw new ProtocolError('noise-message-too-long', 'handshake payload too long');
    }
    try {
      // e
      this.ss.mixHash(this.e.publicKey);
      this.mixDhTokens();
      const body = this.ss.encryptAndHash(payload);
      this.step++;
      return concatBytes(this.e.publicKey, body);
    } catch (err) {
      this.failed = true;
      throw err;
    }
  }

  /** Reads the peer's handshake message and returns its payload. */
  readMessage(message: Uint8Array): Uint8Array {
    this.checkUsable();
    if (this.myTurnToWrite()) throw new ProtocolError('noise-wrong-turn', `the ${this.role} may not read message ${this.step + 1}`);
    if (!(message instanceof Uint8Array) || message.length < NOISE_DH_LENGTH + NOISE_TAG_LENGTH || message.length > NOISE_MAX_MESSAGE) {
      this.failed = true;
      throw new ProtocolError('noise-malformed', 'handshake message has the wrong length');
    }
    try {
      // e
      this.re = message.slice(0, NOISE_DH_LENGTH);
      this.ss.mixHash(this.re);
      this.mixDhTokens();
      const payload = this.ss.decryptAndHash(message.subarray(NOISE_DH_LENGTH));
      if (payload === null) throw new ProtocolError('noise-decrypt-failed', 'handshake message did not authenticate');
      this.step++;
      return payload;
    } catch (err) {
      this.failed = true;
      throw err;
    }
  }

  /** After both messages: the transport. Initiator's send key = responder's receive key. Once only. */
  split(): NoiseTransport {
    if (this.failed) throw new ProtocolError('noise-handshake-failed', 'this handshake failed');
    if (this.step !== 2) throw new ProtocolError('noise-handshake-incomplete', 'split() before both handshake messages');
    // Two transports from one handshake would reuse nonces under the same keys.
    if (this.splitDone) throw new ProtocolError('noise-split-twice', 'split() may be called only once');
    this.splitDone = true;
    const [c1, c2] = this.ss.split();
    const send = this.role === 'initiator' ? c1 : c2;
    const receive = this.role === 'initiator' ? c2 : c1;
    return new Transport(send, receive, this.ss.h.slice());
  }
}

class Transport implements NoiseTransport {
  constructor(private readonly send: CipherState, private readonly receive: CipherState, private readonly h: Uint8Array) {}
  get handshakeHash(): Uint8Array { return this.h.slice(); }
  encrypt(plaintext: Uint8Array, ad: Uint8Array = EMPTY): Uint8Array {
    if (plaintext.length > NOISE_MAX_PLAINTEXT) throw new ProtocolError('noise-message-too-long', 'transport plaintext too long');
    return this.send.encryptWithAd(ad, plaintext);
  }
  decrypt(ciphertext: Uint8Array, ad: Uint8Array = EMPTY): Uint8Array {
    if (ciphertext.length > NOISE_MAX_MESSAGE) throw new ProtocolError('noise-decrypt-failed', 'transport message too long');
    const out = this.receive.decryptWithAd(ad, ciphertext);
    if (out === null) throw new ProtocolError('noise-decrypt-failed', 'transport message did not authenticate');
    return out;
  }
}
