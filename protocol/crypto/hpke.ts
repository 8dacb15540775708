// HPKE (RFC 9180), base mode, one suite only:
//   KEM 0x0020 DHKEM(X25519, HKDF-SHA256), KDF 0x0001 HKDF-SHA256, AEAD 0x0003 ChaCha20Poly1305.
// Each vote is sealed to the election's public key with the single-shot API (§6.1): a
// fresh ephemeral key per vote, `info` binding the election, `aad` binding the vote's
// context. Built on the CryptoPort, following the RFC's pseudocode step by step, and
// checked against RFC 9180 Appendix A.2.1 (tests/hpke-vectors.test.ts).

import { ProtocolError, concatBytes, utf8Encode } from '../bytes';
import type { CryptoPort } from './port';

const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0003;
const MODE_BASE = 0x00;
const N_SECRET = 32; // KEM shared secret
const N_PK = 32; // = Nenc, X25519 public key
const N_SK = 32;
const N_H = 32; // SHA-256
const N_K = 32; // ChaCha20Poly1305 key
const N_N = 12; // nonce
const N_T = 16; // tag

const EMPTY = new Uint8Array(0);
const HPKE_V1 = utf8Encode('HPKE-v1');
const KEM_SUITE_ID = concatBytes(utf8Encode('KEM'), i2osp(KEM_ID, 2));
const HPKE_SUITE_ID = concatBytes(utf8Encode('HPKE'), i2osp(KEM_ID, 2), i2osp(KDF_ID, 2), i2osp(AEAD_ID, 2));
const label = (s: string): Uint8Array => utf8Encode(s);

/** Big-endian, w bytes (RFC 8017 I2OSP), for n < 2^53. */
function i2osp(n: number, w: number): Uint8Array {
  const out = new Uint8Array(w);
  for (let i = w - 1; i >= 0 && n > 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

function checkLength(b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) throw new ProtocolError('hpke-bad-key', `${what} must be ${n} bytes`);
}

// RFC 5869 Extract and Expand as separate steps (HPKE needs them apart; the port's
// hkdfSha256 does both at once), on the port's HMAC-SHA256.
function extract(crypto: CryptoPort, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return crypto.hmacSha256(salt.length > 0 ? salt : new Uint8Array(N_H), ikm);
}
function expand(crypto: CryptoPort, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * N_H) throw new ProtocolError('hpke-bad-length', 'HKDF-Expand output too long');
  const out = new Uint8Array(length);
  let t: Uint8Array = EMPTY;
  for (let i = 1, o = 0; o < length; i++, o += N_H) {
    t = crypto.hmacSha256(prk, concatBytes(t, info, Uint8Array.of(i)));
    out.set(t.subarray(0, Math.min(N_H, length - o)), o);
  }
  return out;
}

function labeledExtract(crypto: CryptoPort, suiteId: Uint8Array, salt: Uint8Array, lbl: string, ikm: Uint8Array): Uint8Array {
  return extract(crypto, salt, concatBytes(HPKE_V1, suiteId, label(lbl), ikm));
}
function labeledExpand(crypto: CryptoPort, suiteId: Uint8Array, prk: Uint8Array, lbl: string, info: Uint8Array, length: number): Uint8Array {
  if (length > 0xffff) throw new ProtocolError('hpke-bad-length', 'LabeledExpand length exceeds 2 bytes');
  return expand(crypto, prk, concatBytes(i2osp(length, 2), HPKE_V1, suiteId, label(lbl), info), length);
}

function dh(crypto: CryptoPort, secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return crypto.x25519(secretKey, publicKey);
  } catch (err) {
    // RFC 9180 §7.1.4: an all-zero X25519 output is a ValidationError.
    if (err instanceof ProtocolError && err.code === 'crypto-low-order') throw new ProtocolError('hpke-low-order', 'DH with a low-order public key');
    throw err;
  }
}

function extractAndExpand(crypto: CryptoPort, dhResult: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract(crypto, KEM_SUITE_ID, EMPTY, 'eae_prk', dhResult);
  return labeledExpand(crypto, KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, N_SECRET);
}

export interface HpkeKeyPair { secretKey: Uint8Array; publicKey: Uint8Array }

/** RFC 9180 §7.1.3 DeriveKeyPair for X25519 (deterministic key from ≥32 bytes of entropy). */
export function hpkeDeriveKeyPair(crypto: CryptoPort, ikm: Uint8Array): HpkeKeyPair {
  const dkpPrk = labeledExtract(crypto, KEM_SUITE_ID, EMPTY, 'dkp_prk', ikm);
  const secretKey = labeledExpand(crypto, KEM_SUITE_ID, dkpPrk, 'sk', EMPTY, N_SK);
  return { secretKey, publicKey: crypto.x25519PublicKey(secretKey) };
}

/** §4.1 Encap with the caller's ephemeral key (fresh from the EntropyPort for every message). */
export function hpkeEncap(crypto: CryptoPort, recipientPublicKey: Uint8Array, ephemeralSecretKey: Uint8Array): { sharedSecret: Uint8Array; enc: Uint8Array } {
  checkLength(recipientPublicKey, N_PK, 'recipient public key');
  checkLength(ephemeralSecretKey, N_SK, 'ephemeral secret key');
  const dhResult = dh(crypto, ephemeralSecretKey, recipientPublicKey);
  const enc = crypto.x25519PublicKey(ephemeralSecretKey);
  return { sharedSecret: extractAndExpand(crypto, dhResult, concatBytes(enc, recipientPublicKey)), enc };
}

/** §4.1 Decap. */
export function hpkeDecap(crypto: CryptoPort, enc: Uint8Array, recipientSecretKey: Uint8Array): Uint8Array {
  checkLength(enc, N_PK, 'enc');
  checkLength(recipientSecretKey, N_SK, 'recipient secret key');
  const dhResult = dh(crypto, recipientSecretKey, enc);
  const pkRm = crypto.x25519PublicKey(recipientSecretKey);
  return extractAndExpand(crypto, dhResult, concatBytes(enc, pkRm));
}

/** An HPKE encryption context (§5.2, §5.3). A sender's only seals, a recipient's only opens. */
export interface HpkeContext {
  /** Seals with the next sequence number. */
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Opens with the next sequence number; throws ProtocolError('hpke-open-failed'), and then the sequence number stays. */
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /** §5.3 secret export. */
  export(exporterContext: Uint8Array, length: number): Uint8Array;
}

class Context implements HpkeContext {
  private seq = 0;
  constructor(
    private readonly crypto: CryptoPort,
    private readonly role: 'sender' | 'recipient',
    private readonly key: Uint8Array,
    private readonly baseNonce: Uint8Array,
    private readonly exporterSecret: Uint8Array,
  ) {}
  private nonce(): Uint8Array {
    // base_nonce XOR I2OSP(seq, Nn); the counter stops before JS numbers lose precision,
    // far before the RFC's 2^96 - 1 limit (MessageLimitReachedError).
    if (this.seq >= Number.MAX_SAFE_INTEGER) throw new ProtocolError('hpke-message-limit', 'sequence number exhausted');
    const seqBytes = i2osp(this.seq, N_N);
    const out = new Uint8Array(N_N);
    for (let i = 0; i < N_N; i++) out[i] = this.baseNonce[i] ^ seqBytes[i];
    return out;
  }
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.role !== 'sender') throw new ProtocolError('hpke-wrong-role', 'a recipient context cannot seal');
    const ct = this.crypto.chacha20poly1305Seal(this.key, this.nonce(), plaintext, aad);
    this.seq++;
    return ct;
  }
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (this.role !== 'recipient') throw new ProtocolError('hpke-wrong-role', 'a sender context cannot open');
    const pt = ciphertext.length < N_T ? null : this.crypto.chacha20poly1305Open(this.key, this.nonce(), ciphertext, aad);
    if (pt === null) throw new ProtocolError('hpke-open-failed', 'ciphertext did not authenticate');
    this.seq++;
    return pt;
  }
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    return labeledExpand(this.crypto, HPKE_SUITE_ID, this.exporterSecret, 'sec', exporterContext, length);
  }
}

/** §5.1 KeySchedule for mode_base (empty psk and psk_id). */
function keySchedule(crypto: CryptoPort, role: 'sender' | 'recipient', sharedSecret: Uint8Array, info: Uint8Array): Context {
  const pskIdHash = labeledExtract(crypto, HPKE_SUITE_ID, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = labeledExtract(crypto, HPKE_SUITE_ID, EMPTY, 'info_hash', info);
  const keyScheduleContext = concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
  const secret = labeledExtract(crypto, HPKE_SUITE_ID, sharedSecret, 'secret', EMPTY);
  const key = labeledExpand(crypto, HPKE_SUITE_ID, secret, 'key', keyScheduleContext, N_K);
  const baseNonce = labeledExpand(crypto, HPKE_SUITE_ID, secret, 'base_nonce', keyScheduleContext, N_N);
  const exporterSecret = labeledExpand(crypto, HPKE_SUITE_ID, secret, 'exp', keyScheduleContext, N_H);
  return new Context(crypto, role, key, baseNonce, exporterSecret);
}

/** §5.1.1 SetupBaseS. */
export function hpkeSetupBaseSender(crypto: CryptoPort, recipientPublicKey: Uint8Array, info: Uint8Array, ephemeralSecretKey: Uint8Array): { enc: Uint8Array; context: HpkeContext } {
  const { sharedSecret, enc } = hpkeEncap(crypto, recipientPublicKey, ephemeralSecretKey);
  return { enc, context: keySchedule(crypto, 'sender', sharedSecret, info) };
}

/** §5.1.1 SetupBaseR. */
export function hpkeSetupBaseRecipient(crypto: CryptoPort, recipientSecretKey: Uint8Array, enc: Uint8Array, info: Uint8Array): HpkeContext {
  return keySchedule(crypto, 'recipient', hpkeDecap(crypto, enc, recipientSecretKey), info);
}

export interface HpkeSealed { enc: Uint8Array; ciphertext: Uint8Array }

/** §6.1 single-shot Seal in base mode. `ciphertext` is the AEAD output (plaintext length + 16). */
export function hpkeSeal(crypto: CryptoPort, recipientPublicKey: Uint8Array, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, ephemeralSecretKey: Uint8Array): HpkeSealed {
  const { enc, context } = hpkeSetupBaseSender(crypto, recipientPublicKey, info, ephemeralSecretKey);
  return { enc, ciphertext: context.seal(aad, plaintext) };
}

/**
 * §6.1 single-shot Open in base mode. Throws ProtocolError: 'hpke-open-failed' (wrong key,
 * info, aad, or altered enc/ciphertext), 'hpke-low-order' (enc is a low-order point),
 * 'hpke-bad-key' (a key or enc of the wrong length).
 */
export function hpkeOpen(crypto: CryptoPort, recipientSecretKey: Uint8Array, enc: Uint8Array, info: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return hpkeSetupBaseRecipient(crypto, recipientSecretKey, enc, info).open(aad, ciphertext);
}

export const HPKE_SUITE = { kem: KEM_ID, kdf: KDF_ID, aead: AEAD_ID, encLength: N_PK, tagLength: N_T } as const;
