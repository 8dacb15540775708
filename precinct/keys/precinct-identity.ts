// The precinct computer's own keys, and the chairman's.
//
// - Noise static (X25519): its side of every device link (Noise KK, docs/handshake.md).
// - Issuing (Ed25519): signs card activations (protocol/card/records.ts).
// - Chairman (Ed25519): signs the electronic protocol (001 §20). Kept apart from the other
//   two, in its own file under the chairman's own passphrase, meant to live on a medium
//   the chairman holds (docs/keys.md: what is done now and what production needs).
//
// At rest each set is a deterministic-CBOR "key file": the public keys in clear (so the
// program can show fingerprints and enrol devices without a passphrase) and the secret
// keys in an age scrypt passphrase file (age-seal.ts). Opening checks every public key
// against the one derived from its secret, so a swapped public half is caught.
//   outer: { format: 1, kind, precinct, public: { name: bstr32 … }, age: bstr }
//   inner: { format: 1, kind, precinct, secret: { name: bstr32 … } }
import { bytesEqual } from '../../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../../protocol/cbor';
import type { CryptoPort, EntropyPort } from '../../protocol/crypto/port';
import { PrecinctError } from '../errors';
import { ageOpenWithPassphrase, ageSealWithPassphrase } from './age-seal';
import { DEFAULT_LOG_N, checkLogN, generateDigitGroups } from './start-password';

const FORMAT = 1;
export const PRECINCT_IDENTITY_KIND = 'sailau/precinct-identity';
export const CHAIRMAN_KEY_KIND = 'sailau/chairman-key';
/** A chosen passphrase shorter than this is refused; generateOperatorPassphrase gives 20 digits (66 bits). */
export const MIN_PASSPHRASE_LENGTH = 12;

export interface KeyPair { secretKey: Uint8Array; publicKey: Uint8Array }

export interface PrecinctIdentity {
  precinct: number;
  /** X25519, the precinct computer's Noise static key. */
  noise: KeyPair;
  /** Ed25519, signs card activations. */
  issuing: KeyPair;
}

export interface PrecinctIdentityPublic { precinct: number; noisePublicKey: Uint8Array; issuingPublicKey: Uint8Array }

export interface ChairmanKey { precinct: number; signing: KeyPair }

export interface SealOptions { logN?: number }

function checkPrecinct(precinct: number): void {
  if (!Number.isSafeInteger(precinct) || precinct < 1) throw new PrecinctError('key-bad-argument', `precinct number ${precinct}`);
}

function random32(entropy: EntropyPort): Uint8Array {
  const k = entropy.randomBytes(32);
  if (k.length !== 32) throw new PrecinctError('key-bad-argument', 'the entropy port returned the wrong length');
  return k;
}

export function generatePrecinctIdentity(crypto: CryptoPort, entropy: EntropyPort, precinct: number): PrecinctIdentity {
  checkPrecinct(precinct);
  const noiseSecret = random32(entropy);
  const issuingSecret = random32(entropy);
  return {
    precinct,
    noise: { secretKey: noiseSecret, publicKey: crypto.x25519PublicKey(noiseSecret) },
    issuing: { secretKey: issuingSecret, publicKey: crypto.ed25519PublicKey(issuingSecret) },
  };
}

export function generateChairmanKey(crypto: CryptoPort, entropy: EntropyPort, precinct: number): ChairmanKey {
  checkPrecinct(precinct);
  const secretKey = random32(entropy);
  return { precinct, signing: { secretKey, publicKey: crypto.ed25519PublicKey(secretKey) } };
}

/** A passphrase for the operator or the chairman: five groups of four digits, like the start password. */
export function generateOperatorPassphrase(entropy: EntropyPort): string {
  return generateDigitGroups(entropy);
}

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || [...passphrase.trim()].length < MIN_PASSPHRASE_LENGTH) {
    throw new PrecinctError('passphrase-too-weak', `a passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters; use generateOperatorPassphrase`);
  }
}

/* ---------------------------------------------------------------- the key file */

type Derive = (crypto: CryptoPort, secretKey: Uint8Array) => Uint8Array;
const x25519: Derive = (c, s) => c.x25519PublicKey(s);
const ed25519: Derive = (c, s) => c.ed25519PublicKey(s);

interface KeyFileSpec { kind: string; keys: Record<string, Derive> }
const IDENTITY_SPEC: KeyFileSpec = { kind: PRECINCT_IDENTITY_KIND, keys: { noise: x25519, issuing: ed25519 } };
const CHAIRMAN_SPEC: KeyFileSpec = { kind: CHAIRMAN_KEY_KIND, keys: { chairman: ed25519 } };

function isObject(v: CborValue | undefined): v is CborObject {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v) && !(v instanceof Map);
}

function keyMap(v: CborValue | undefined, names: string[], code: string): Record<string, Uint8Array> {
  if (!isObject(v)) throw new PrecinctError(code, 'key map missing');
  if (Object.keys(v).sort().join(',') !== [...names].sort().join(',')) throw new PrecinctError(code, 'unexpected keys in the key file');
  const out: Record<string, Uint8Array> = {};
  for (const n of names) {
    const k = v[n];
    if (!(k instanceof Uint8Array) || k.length !== 32) throw new PrecinctError(code, `key ${n} is not 32 bytes`);
    out[n] = k;
  }
  return out;
}

function checkRecord(v: CborValue, spec: KeyFileSpec, fields: string, code: string): CborObject {
  if (!isObject(v) || v.kind !== spec.kind) throw new PrecinctError(code, `not a ${spec.kind} file`);
  if (v.format !== FORMAT) throw new PrecinctError(code, `format ${String(v.format)}; this program reads ${FORMAT}`);
  if (Object.keys(v).sort().join(',') !== fields) throw new PrecinctError(code, 'unexpected fields in the key file');
  if (typeof v.precinct !== 'number' || !Number.isSafeInteger(v.precinct) || v.precinct < 1) throw new PrecinctError(code, 'bad precinct number');
  return v;
}

async function sealKeyFile(crypto: CryptoPort, spec: KeyFileSpec, precinct: number, secrets: Record<string, Uint8Array>, passphrase: string, logN: number): Promise<Uint8Array> {
  checkPassphrase(passphrase);
  checkLogN(logN);
  const pub: Record<string, Uint8Array> = {};
  for (const [name, derive] of Object.entries(spec.keys)) pub[name] = derive(crypto, secrets[name]);
  const inner = encodeCbor({ format: FORMAT, kind: spec.kind, precinct, secret: secrets });
  const age = await ageSealWithPassphrase(inner, passphrase, logN);
  inner.fill(0);
  return encodeCbor({ format: FORMAT, kind: spec.kind, precinct, public: pub, age });
}

function readKeyFilePublic(bytes: Uint8Array, spec: KeyFileSpec): { precinct: number; pub: Record<string, Uint8Array>; age: Uint8Array } {
  const code = 'key-file-malformed';
  let v: CborValue;
  try { v = decodeCbor(bytes); } catch (err) { throw new PrecinctError(code, `not a key file (${err instanceof Error ? err.message : String(err)})`); }
  const o = checkRecord(v, spec, 'age,format,kind,precinct,public', code);
  if (!(o.age instanceof Uint8Array)) throw new PrecinctError(code, 'no sealed part');
  return { precinct: o.precinct as number, pub: keyMap(o.public, Object.keys(spec.keys), code), age: o.age };
}

async function openKeyFile(crypto: CryptoPort, bytes: Uint8Array, spec: KeyFileSpec, passphrase: string): Promise<{ precinct: number; pairs: Record<string, KeyPair> }> {
  const outer = readKeyFilePublic(bytes, spec);
  const inner = await ageOpenWithPassphrase(outer.age, passphrase, 'key-file-corrupt');
  if (inner === null) throw new PrecinctError('wrong-passphrase', 'the passphrase does not open this key file');
  let v: CborValue;
  try { v = decodeCbor(inner); } catch { throw new PrecinctError('key-file-corrupt', 'the sealed part holds no valid record'); }
  const o = checkRecord(v, spec, 'format,kind,precinct,secret', 'key-file-corrupt');
  if (o.precinct !== outer.precinct) throw new PrecinctError('key-file-corrupt', 'the precinct number outside the seal differs from the sealed one');
  const secrets = keyMap(o.secret, Object.keys(spec.keys), 'key-file-corrupt');
  const pairs: Record<string, KeyPair> = {};
  for (const [name, derive] of Object.entries(spec.keys)) {
    const publicKey = derive(crypto, secrets[name]);
    if (!bytesEqual(publicKey, outer.pub[name])) throw new PrecinctError('key-file-corrupt', `the public ${name} key outside the seal does not match the sealed secret`);
    pairs[name] = { secretKey: secrets[name], publicKey };
  }
  return { precinct: outer.precinct, pairs };
}

/* ---------------------------------------------------------------- precinct identity */

export function sealPrecinctIdentity(crypto: CryptoPort, id: PrecinctIdentity, passphrase: string, options: SealOptions = {}): Promise<Uint8Array> {
  checkPrecinct(id.precinct);
  return sealKeyFile(crypto, IDENTITY_SPEC, id.precinct, { noise: id.noise.secretKey, issuing: id.issuing.secretKey }, passphrase, options.logN ?? DEFAULT_LOG_N);
}

/** The public keys, without the passphrase (for fingerprints and device enrolment). */
export function readPrecinctIdentityPublic(bytes: Uint8Array): PrecinctIdentityPublic {
  const f = readKeyFilePublic(bytes, IDENTITY_SPEC);
  return { precinct: f.precinct, noisePublicKey: f.pub.noise, issuingPublicKey: f.pub.issuing };
}

/** Refusals: key-file-malformed, wrong-passphrase, key-file-corrupt. */
export async function unsealPrecinctIdentity(crypto: CryptoPort, bytes: Uint8Array, passphrase: string): Promise<PrecinctIdentity> {
  const f = await openKeyFile(crypto, bytes, IDENTITY_SPEC, passphrase);
  return { precinct: f.precinct, noise: f.pairs.noise, issuing: f.pairs.issuing };
}

/* ---------------------------------------------------------------- chairman key */

export function sealChairmanKey(crypto: CryptoPort, key: ChairmanKey, passphrase: string, options: SealOptions = {}): Promise<Uint8Array> {
  checkPrecinct(key.precinct);
  return sealKeyFile(crypto, CHAIRMAN_SPEC, key.precinct, { chairman: key.signing.secretKey }, passphrase, options.logN ?? DEFAULT_LOG_N);
}

export function readChairmanPublicKey(bytes: Uint8Array): { precinct: number; publicKey: Uint8Array } {
  const f = readKeyFilePublic(bytes, CHAIRMAN_SPEC);
  return { precinct: f.precinct, publicKey: f.pub.chairman };
}

export async function unsealChairmanKey(crypto: CryptoPort, bytes: Uint8Array, passphrase: string): Promise<ChairmanKey> {
  const f = await openKeyFile(crypto, bytes, CHAIRMAN_SPEC, passphrase);
  return { precinct: f.precinct, signing: f.pairs.chairman };
}
