// The election key (per precinct, per election): an X25519 key pair; terminals HPKE-seal
// every vote to its public half (protocol/card/records.ts). Its secret half exists in
// clear only twice: for a moment at generation, and at counting. In between it is sealed
// with the start password (age scrypt passphrase file, age-seal.ts) and bound to the
// election's fingerprint. docs/keys.md gives the whole procedure.
//
// Sealed file = deterministic CBOR (public, readable without the password):
//   { format: 1, kind: "sailau/sealed-election-key", electionFingerprint: bstr32,
//     publicKey: bstr32, logN, verifierSalt: bstr16, verifierCommitment: bstr32, age: bstr }
// and `age` decrypts (with the password) to the CBOR
//   { format: 1, kind: "sailau/election-secret-key", electionFingerprint: bstr32,
//     secretKey: bstr32, verifierCommitment: bstr32 }
// The outer fields are what setup provisions and "open" checks; unsealing checks every
// one of them against the authenticated inner copy (or, for publicKey, against the secret).
import { bytesEqual, constantTimeEqual } from '../../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../../protocol/cbor';
import type { CryptoPort, EntropyPort } from '../../protocol/crypto/port';
import { startPasswordCommitment } from '../../protocol/start-password';
import { PrecinctError } from '../errors';
import { ageOpenWithPassphrase, ageScryptLogN, ageSealWithPassphrase } from './age-seal';
import {
  DEFAULT_LOG_N, OneTimeStartPassword, checkLogN, generateStartPassword, normalizeStartPassword, startPasswordVerifier,
} from './start-password';

const SEALED_KIND = 'sailau/sealed-election-key';
const SECRET_KIND = 'sailau/election-secret-key';
const FORMAT = 1;

export interface SealedElectionKey {
  electionFingerprint: Uint8Array;
  publicKey: Uint8Array;
  logN: number;
  verifierSalt: Uint8Array;
  /** What every device is provisioned with to check the password at "open". */
  verifierCommitment: Uint8Array;
  age: Uint8Array;
}

export interface NewElectionKey {
  publicKey: Uint8Array;
  /** The sealed file (encodeSealedElectionKey); store it, back it up: it is useless without the password. */
  sealed: Uint8Array;
  verifierCommitment: Uint8Array;
  /** Take it once, to print the envelope sheet (envelope-sheet.ts); it is kept nowhere. */
  startPassword: OneTimeStartPassword;
}

export interface ElectionKeyOptions {
  /** scrypt work factor, log2 N; production DEFAULT_LOG_N (18). Tests use less. */
  logN?: number;
}

function checkFingerprint(fp: Uint8Array): void {
  if (!(fp instanceof Uint8Array) || fp.length !== 32) throw new PrecinctError('key-bad-argument', 'election fingerprint must be 32 bytes');
}

function wipe(...arrays: Uint8Array[]): void {
  for (const a of arrays) a.fill(0); // best effort: a JS engine may have copied them
}

/** Generates the key pair and the start password, and seals the secret half. */
export async function createElectionKey(crypto: CryptoPort, entropy: EntropyPort, electionFingerprint: Uint8Array, options: ElectionKeyOptions = {}): Promise<NewElectionKey> {
  checkFingerprint(electionFingerprint);
  const logN = options.logN ?? DEFAULT_LOG_N;
  checkLogN(logN);
  const secretKey = entropy.randomBytes(32);
  if (secretKey.length !== 32) throw new PrecinctError('key-bad-argument', 'the entropy port returned the wrong length');
  const publicKey = crypto.x25519PublicKey(secretKey);
  const password = normalizeStartPassword(generateStartPassword(entropy));
  const verifierSalt = entropy.randomBytes(16);
  const verifier = await startPasswordVerifier(password, electionFingerprint, verifierSalt, logN);
  const verifierCommitment = startPasswordCommitment(crypto, verifier);
  const inner = encodeCbor({ format: FORMAT, kind: SECRET_KIND, electionFingerprint, secretKey, verifierCommitment });
  const age = await ageSealWithPassphrase(inner, password, logN);
  wipe(secretKey, inner, verifier);
  const sealed = encodeSealedElectionKey({ electionFingerprint: electionFingerprint.slice(), publicKey, logN, verifierSalt, verifierCommitment, age });
  return { publicKey, sealed, verifierCommitment, startPassword: new OneTimeStartPassword(password) };
}

export function encodeSealedElectionKey(s: SealedElectionKey): Uint8Array {
  return encodeCbor({
    format: FORMAT, kind: SEALED_KIND, electionFingerprint: s.electionFingerprint, publicKey: s.publicKey,
    logN: s.logN, verifierSalt: s.verifierSalt, verifierCommitment: s.verifierCommitment, age: s.age,
  });
}

function isObject(v: CborValue): v is CborObject {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v) && !(v instanceof Map);
}
function bytesField(o: CborObject, key: string, length: number | null, code: string): Uint8Array {
  const v = o[key];
  if (!(v instanceof Uint8Array) || (length !== null && v.length !== length)) throw new PrecinctError(code, `field ${key} is missing or has the wrong length`);
  return v;
}

/** Reads the public part of a sealed election key (no password needed). */
export function decodeSealedElectionKey(bytes: Uint8Array): SealedElectionKey {
  const code = 'sealed-key-malformed';
  let v: CborValue;
  try {
    v = decodeCbor(bytes);
  } catch (err) {
    throw new PrecinctError(code, `not a sealed election key (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isObject(v) || v.kind !== SEALED_KIND) throw new PrecinctError(code, 'not a sealed election key');
  if (v.format !== FORMAT) throw new PrecinctError(code, `sealed election key format ${String(v.format)}; this program reads ${FORMAT}`);
  const keys = Object.keys(v).sort().join(',');
  if (keys !== 'age,electionFingerprint,format,kind,logN,publicKey,verifierCommitment,verifierSalt') throw new PrecinctError(code, `unexpected fields: ${keys}`);
  const logN = v.logN;
  if (typeof logN !== 'number') throw new PrecinctError(code, 'logN is not a number');
  try { checkLogN(logN); } catch { throw new PrecinctError(code, `scrypt work factor 2^${logN} out of range`); }
  return {
    electionFingerprint: bytesField(v, 'electionFingerprint', 32, code),
    publicKey: bytesField(v, 'publicKey', 32, code),
    logN,
    verifierSalt: bytesField(v, 'verifierSalt', 16, code),
    verifierCommitment: bytesField(v, 'verifierCommitment', 32, code),
    age: bytesField(v, 'age', null, code),
  };
}

function forElection(sealed: Uint8Array, expectedFingerprint: Uint8Array): SealedElectionKey {
  checkFingerprint(expectedFingerprint);
  const s = decodeSealedElectionKey(sealed);
  if (!bytesEqual(s.electionFingerprint, expectedFingerprint)) {
    throw new PrecinctError('sealed-key-wrong-election', 'this sealed election key belongs to another election definition; load the key made for this one');
  }
  return s;
}

/**
 * "Open" (001 §4-1): checks the typed start password against the sealed file's verifier,
 * without decrypting anything. Returns the verifier V, which the precinct computer sends to
 * every device over its Noise link; each device checks it against its own provisioned
 * commitment (protocol/start-password.ts) and refuses and logs a mismatch.
 */
export async function checkStartPassword(crypto: CryptoPort, sealed: Uint8Array, typed: string, expectedFingerprint: Uint8Array): Promise<Uint8Array> {
  const s = forElection(sealed, expectedFingerprint);
  const password = normalizeStartPassword(typed);
  const verifier = await startPasswordVerifier(password, s.electionFingerprint, s.verifierSalt, s.logN);
  if (!constantTimeEqual(startPasswordCommitment(crypto, verifier), s.verifierCommitment)) {
    throw new PrecinctError('wrong-start-password', 'the start password is not the one sealed in the envelope for this election; type it again from the envelope sheet');
  }
  return verifier;
}

export interface ElectionKeyPair { secretKey: Uint8Array; publicKey: Uint8Array }

/**
 * Counting: recovers the election's secret key with the start password. Refusals:
 * start-password-malformed, wrong-start-password, sealed-key-wrong-election,
 * sealed-key-malformed, sealed-key-corrupt (the password is right but the file was altered).
 */
export async function unsealElectionKey(crypto: CryptoPort, sealed: Uint8Array, typed: string, expectedFingerprint: Uint8Array): Promise<ElectionKeyPair> {
  const s = forElection(sealed, expectedFingerprint);
  // The verifier first: it tells a wrong password apart from a damaged file.
  await checkStartPassword(crypto, sealed, typed, expectedFingerprint);
  const password = normalizeStartPassword(typed);
  // The verifier has vouched for the outer logN; an age stanza asking for more work (up to
  // age's 2^20, a gigabyte of memory) would be an alteration, refused before running it.
  if (ageScryptLogN(s.age) !== s.logN) throw new PrecinctError('sealed-key-corrupt', 'the sealed key\'s work factor differs from the recorded one: the file was altered');
  const inner = await ageOpenWithPassphrase(s.age, password, 'sealed-key-corrupt');
  if (inner === null) throw new PrecinctError('sealed-key-corrupt', 'the password matches the envelope but the sealed key does not open: the file was altered; restore it from the backup');
  let v: CborValue;
  try { v = decodeCbor(inner); } catch { throw new PrecinctError('sealed-key-corrupt', 'the sealed key holds no valid record'); }
  if (!isObject(v) || v.kind !== SECRET_KIND || v.format !== FORMAT) throw new PrecinctError('sealed-key-corrupt', 'the sealed key holds no election secret key');
  const innerFp = bytesField(v, 'electionFingerprint', 32, 'sealed-key-corrupt');
  const secretKey = bytesField(v, 'secretKey', 32, 'sealed-key-corrupt');
  const innerCommitment = bytesField(v, 'verifierCommitment', 32, 'sealed-key-corrupt');
  if (!bytesEqual(innerFp, expectedFingerprint)) {
    throw new PrecinctError('sealed-key-wrong-election', 'the sealed secret key was made for another election definition');
  }
  if (!bytesEqual(innerCommitment, s.verifierCommitment)) throw new PrecinctError('sealed-key-corrupt', 'the verifier commitment outside the seal differs from the sealed one');
  const publicKey = crypto.x25519PublicKey(secretKey);
  if (!bytesEqual(publicKey, s.publicKey)) throw new PrecinctError('sealed-key-corrupt', 'the sealed secret key does not match the published election public key');
  return { secretKey, publicKey };
}
