// What the voter card holds: the activation (written by the precinct computer's card writer)
// and the vote (written by the terminal or the portable ballot). Both are deterministic CBOR
// arrays whose first item is the format version; both end in an Ed25519 signature over a
// domain-separated encoding of the items before it. Byte-by-byte layout: docs/card.md.
//
// Privacy: the activation carries no voter identity, only a fresh random activation id; the
// vote's selections and verification code are HPKE-encrypted to the election key, so the
// member who carries the card to the accumulator learns nothing from it.

import { ProtocolError, bytesEqual, concatBytes, utf8Encode } from '../bytes';
import { decodeCbor, encodeCbor } from '../cbor';
import type { CborValue } from '../cbor';
import type { CryptoPort, EntropyPort } from '../crypto/port';
import { hpkeOpen, hpkeSeal } from '../crypto/hpke';

export const ACTIVATION_FORMAT_VERSION = 1;
export const VOTE_FORMAT_VERSION = 1;
/** Bytes of a key id: the first bytes of SHA-256(Ed25519 public key). */
export const KEY_ID_LENGTH = 8;
export const ACTIVATION_ID_LENGTH = 16;
export const FINGERPRINT_LENGTH = 32;
/** The vote plaintext is padded to a multiple of this, so its length does not tell the choice. */
export const DEFAULT_VOTE_PAD_BUCKET = 128;

const ACTIVATION_DOMAIN = utf8Encode('sailau/card/activation/v1');
const VOTE_DOMAIN = utf8Encode('sailau/card/vote/v1');
const HPKE_INFO_PREFIX = utf8Encode('sailau/card/vote-hpke/v1');

/** Why a record was refused. Stable strings: they go to the device event log. */
export type CardRefusal =
  | 'malformed'
  | 'wrong-version'
  | 'unknown-issuer'
  | 'unknown-terminal'
  | 'bad-signature'
  | 'wrong-election'
  | 'wrong-precinct'
  | 'wrong-activation'
  | 'expired'
  | 'replayed'
  | 'undecryptable';

export class CardRecordError extends ProtocolError {
  readonly reason: CardRefusal;
  constructor(reason: CardRefusal, message: string) {
    super(`card-record-${reason}`, message);
    this.name = 'CardRecordError';
    this.reason = reason;
  }
}

/** Contest and option ids are the election definition's; the card treats them as opaque. */
export type ContestId = number | string;
export type OptionId = number | string;
/** One contest's choice; option null is a deliberately blank (empty) choice. */
export interface Selection { contest: ContestId; option: OptionId | null }

export interface Activation {
  version: number;
  electionFingerprint: Uint8Array;
  precinct: number;
  ballotStyle: number;
  activationId: Uint8Array;
  /** Seconds since the Unix epoch, by the precinct computer's clock. */
  issuedAt: number;
  issuerKeyId: Uint8Array;
  signature: Uint8Array;
}

export interface VoteRecord {
  version: number;
  /** SHA-256 of the activation record's bytes: binds the vote to one activation. */
  activationHash: Uint8Array;
  /** HPKE encapsulated key (X25519 public key, 32 bytes). */
  enc: Uint8Array;
  ciphertext: Uint8Array;
  terminalKeyId: Uint8Array;
  signature: Uint8Array;
}

export interface VoteContent { selections: Selection[]; verificationCode: number }

function fail(reason: CardRefusal, message: string): never {
  throw new CardRecordError(reason, message);
}

export function keyIdOf(crypto: CryptoPort, publicKey: Uint8Array): Uint8Array {
  return crypto.sha256(publicKey).slice(0, KEY_ID_LENGTH);
}

export function activationHashOf(crypto: CryptoPort, activationBytes: Uint8Array): Uint8Array {
  return crypto.sha256(activationBytes);
}

function isUint(v: CborValue, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
}
function isBytes(v: CborValue, length?: number): v is Uint8Array {
  return v instanceof Uint8Array && (length === undefined || v.length === length);
}
function decodeArray(bytes: Uint8Array, what: string): CborValue[] {
  let v: CborValue;
  try {
    v = decodeCbor(bytes);
  } catch (e) {
    fail('malformed', `${what} is not deterministic CBOR (${(e as Error).message})`);
  }
  if (!Array.isArray(v) || v.length === 0) fail('malformed', `${what} is not a CBOR array`);
  return v;
}

/* ---------------------------------------------------------------- activation */

export interface ActivationParams {
  electionFingerprint: Uint8Array;
  precinct: number;
  ballotStyle: number;
  issuedAt: number;
}

function activationBody(a: Omit<Activation, 'signature'>): CborValue[] {
  return [a.version, a.electionFingerprint, a.precinct, a.ballotStyle, a.activationId, a.issuedAt, a.issuerKeyId];
}

/** Issues a signed activation with a fresh random activation id. Returns the record's bytes. */
export function createActivation(crypto: CryptoPort, entropy: EntropyPort, issuerSecretKey: Uint8Array, p: ActivationParams): { bytes: Uint8Array; activation: Activation } {
  if (!isBytes(p.electionFingerprint, FINGERPRINT_LENGTH)) throw new ProtocolError('card-bad-argument', 'election fingerprint must be 32 bytes');
  if (!isUint(p.precinct) || !isUint(p.ballotStyle) || !isUint(p.issuedAt)) throw new ProtocolError('card-bad-argument', 'precinct, ballot style and issue time are unsigned integers');
  const activationId = entropy.randomBytes(ACTIVATION_ID_LENGTH);
  if (activationId.length !== ACTIVATION_ID_LENGTH) throw new ProtocolError('card-bad-entropy', 'entropy port returned the wrong length');
  const body = {
    version: ACTIVATION_FORMAT_VERSION,
    electionFingerprint: p.electionFingerprint.slice(),
    precinct: p.precinct,
    ballotStyle: p.ballotStyle,
    activationId,
    issuedAt: p.issuedAt,
    issuerKeyId: keyIdOf(crypto, crypto.ed25519PublicKey(issuerSecretKey)),
  };
  const signature = crypto.ed25519Sign(concatBytes(ACTIVATION_DOMAIN, encodeCbor(activationBody(body))), issuerSecretKey);
  const activation: Activation = { ...body, signature };
  return { bytes: encodeCbor([...activationBody(body), signature]), activation };
}

/** Parses an activation's structure only (no signature check). */
export function decodeActivation(bytes: Uint8Array): Activation {
  const a = decodeArray(bytes, 'activation');
  if (a[0] !== ACTIVATION_FORMAT_VERSION) fail('wrong-version', `activation format ${String(a[0])}, expected ${ACTIVATION_FORMAT_VERSION}`);
  if (a.length !== 8) fail('malformed', `activation has ${a.length} items`);
  const [, fp, precinct, ballotStyle, id, issuedAt, keyId, sig] = a;
  if (!isBytes(fp, FINGERPRINT_LENGTH) || !isUint(precinct) || !isUint(ballotStyle) || !isBytes(id, ACTIVATION_ID_LENGTH)
    || !isUint(issuedAt) || !isBytes(keyId, KEY_ID_LENGTH) || !isBytes(sig, 64)) fail('malformed', 'activation item of the wrong type or size');
  return { version: ACTIVATION_FORMAT_VERSION, electionFingerprint: fp, precinct, ballotStyle, activationId: id, issuedAt, issuerKeyId: keyId, signature: sig };
}

export interface ActivationPolicy {
  electionFingerprint: Uint8Array;
  precinct: number;
  /** Ed25519 public keys of the issuing (precinct computer) keys this device trusts. */
  issuers: readonly Uint8Array[];
  /** With nowSeconds: refuse activations issued longer ago than this (or in the future beyond it). */
  maxAgeSeconds?: number;
  nowSeconds?: number;
  /** Refuse an activation whose id was already used (the accumulator's ledger). */
  isSpent?: (activationId: Uint8Array) => boolean;
}

/**
 * Verifies an activation: structure, version, issuer key, signature, then election and
 * precinct. The signature is checked before the contents are trusted for anything.
 */
export function verifyActivation(crypto: CryptoPort, bytes: Uint8Array, policy: ActivationPolicy): Activation {
  const a = decodeActivation(bytes);
  const issuer = policy.issuers.find((k) => bytesEqual(keyIdOf(crypto, k), a.issuerKeyId));
  if (!issuer) fail('unknown-issuer', 'activation signed by a key this device does not trust');
  if (!crypto.ed25519Verify(a.signature, concatBytes(ACTIVATION_DOMAIN, encodeCbor(activationBody(a))), issuer)) {
    fail('bad-signature', 'activation signature does not verify');
  }
  if (!bytesEqual(a.electionFingerprint, policy.electionFingerprint)) fail('wrong-election', 'activation is for another election');
  if (a.precinct !== policy.precinct) fail('wrong-precinct', `activation is for precinct ${a.precinct}`);
  if (policy.maxAgeSeconds !== undefined && policy.nowSeconds !== undefined) {
    if (Math.abs(policy.nowSeconds - a.issuedAt) > policy.maxAgeSeconds) fail('expired', 'activation issued outside the allowed window');
  }
  if (policy.isSpent && policy.isSpent(a.activationId)) fail('replayed', 'activation id already used');
  return a;
}

/* ---------------------------------------------------------------- vote */

function encodeSelections(selections: readonly Selection[]): CborValue[] {
  const pairs = selections.map((s) => {
    if (!isId(s.contest) || (s.option !== null && !isId(s.option))) throw new ProtocolError('card-bad-argument', 'contest/option ids are unsigned integers or text');
    return { key: encodeCbor(s.contest), pair: [s.contest, s.option] as CborValue[] };
  });
  pairs.sort((x, y) => compareKeys(x.key, y.key));
  for (let i = 1; i < pairs.length; i++) {
    if (compareKeys(pairs[i - 1].key, pairs[i].key) === 0) throw new ProtocolError('card-bad-argument', 'a contest is selected twice');
  }
  return pairs.map((p) => p.pair);
}
function isId(v: CborValue): v is ContestId {
  return isUint(v) || (typeof v === 'string' && v.length > 0);
}
function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** CBOR [version, selections, code, padding] with padding so the total is a multiple of `bucket`. */
export function encodeVotePlaintext(content: VoteContent, bucket = DEFAULT_VOTE_PAD_BUCKET): Uint8Array {
  if (!isUint(content.verificationCode, 9999)) throw new ProtocolError('card-bad-argument', 'verification code is 0–9999');
  const sel = encodeSelections(content.selections);
  const base = encodeCbor([VOTE_FORMAT_VERSION, sel, content.verificationCode, new Uint8Array(0)]).length - 1;
  // base + (head of the padding bstr) + pad = target; the head grows 1→2→3 bytes at 24 and 256.
  for (let target = Math.ceil((base + 1) / bucket) * bucket; ; target += bucket) {
    for (let pad = Math.max(0, target - base - 3); pad <= target - base - 1; pad++) {
      const head = pad < 24 ? 1 : pad < 256 ? 2 : 3;
      if (base + head + pad === target) return encodeCbor([VOTE_FORMAT_VERSION, sel, content.verificationCode, new Uint8Array(pad)]);
    }
  }
}

export function decodeVotePlaintext(bytes: Uint8Array): VoteContent {
  const a = decodeArray(bytes, 'vote plaintext');
  if (a[0] !== VOTE_FORMAT_VERSION) fail('wrong-version', `vote plaintext format ${String(a[0])}`);
  if (a.length !== 4) fail('malformed', 'vote plaintext has the wrong number of items');
  const [, sel, code, pad] = a;
  if (!Array.isArray(sel) || !isUint(code, 9999) || !isBytes(pad)) fail('malformed', 'vote plaintext item of the wrong type');
  for (let i = 0; i < pad.length; i++) if (pad[i] !== 0) fail('malformed', 'padding is not zero');
  const selections: Selection[] = [];
  let prev: Uint8Array | null = null;
  for (const item of sel) {
    if (!Array.isArray(item) || item.length !== 2 || !isId(item[0]) || !(item[1] === null || isId(item[1]))) fail('malformed', 'selection is not [contest, option|null]');
    const key = encodeCbor(item[0]);
    if (prev && compareKeys(prev, key) >= 0) fail('malformed', 'selections out of order or repeated');
    prev = key;
    selections.push({ contest: item[0], option: item[1] as OptionId | null });
  }
  return { selections, verificationCode: code };
}

function hpkeInfo(electionFingerprint: Uint8Array): Uint8Array {
  return concatBytes(HPKE_INFO_PREFIX, electionFingerprint);
}

function voteBody(v: Omit<VoteRecord, 'signature'>): CborValue[] {
  return [v.version, v.activationHash, v.enc, v.ciphertext, v.terminalKeyId];
}

export interface SealVoteParams {
  /** The activation record's bytes as read from the card (already verified by the caller). */
  activationBytes: Uint8Array;
  electionFingerprint: Uint8Array;
  /** The election's X25519 public key (HPKE recipient). */
  electionPublicKey: Uint8Array;
  terminalSecretKey: Uint8Array;
  content: VoteContent;
  padBucket?: number;
}

/** Encrypts and signs a vote. The HPKE aad is the activation hash: the ciphertext opens only with it. */
export function sealVote(crypto: CryptoPort, entropy: EntropyPort, p: SealVoteParams): { bytes: Uint8Array; record: VoteRecord } {
  const activationHash = activationHashOf(crypto, p.activationBytes);
  const plaintext = encodeVotePlaintext(p.content, p.padBucket);
  const { enc, ciphertext } = hpkeSeal(crypto, p.electionPublicKey, hpkeInfo(p.electionFingerprint), activationHash, plaintext, entropy.randomBytes(32));
  const body = {
    version: VOTE_FORMAT_VERSION,
    activationHash,
    enc,
    ciphertext,
    terminalKeyId: keyIdOf(crypto, crypto.ed25519PublicKey(p.terminalSecretKey)),
  };
  const signature = crypto.ed25519Sign(concatBytes(VOTE_DOMAIN, encodeCbor(voteBody(body))), p.terminalSecretKey);
  return { bytes: encodeCbor([...voteBody(body), signature]), record: { ...body, signature } };
}

export function decodeVoteRecord(bytes: Uint8Array): VoteRecord {
  const a = decodeArray(bytes, 'vote');
  if (a[0] !== VOTE_FORMAT_VERSION) fail('wrong-version', `vote format ${String(a[0])}, expected ${VOTE_FORMAT_VERSION}`);
  if (a.length !== 6) fail('malformed', `vote has ${a.length} items`);
  const [, ah, enc, ct, keyId, sig] = a;
  if (!isBytes(ah, 32) || !isBytes(enc, 32) || !isBytes(ct) || ct.length < 16 || !isBytes(keyId, KEY_ID_LENGTH) || !isBytes(sig, 64)) {
    fail('malformed', 'vote item of the wrong type or size');
  }
  return { version: VOTE_FORMAT_VERSION, activationHash: ah, enc, ciphertext: ct, terminalKeyId: keyId, signature: sig };
}

export interface VotePolicy {
  /** Ed25519 public keys of the terminals and portable ballots of this precinct. */
  terminals: readonly Uint8Array[];
}

/**
 * Verifies a vote against the activation read from the same card: structure, version,
 * terminal key, signature, and that it is bound to exactly that activation. Verify the
 * activation itself (election, precinct, issuer, replay) with verifyActivation.
 */
export function verifyVote(crypto: CryptoPort, voteBytes: Uint8Array, activationBytes: Uint8Array, policy: VotePolicy): VoteRecord {
  const v = decodeVoteRecord(voteBytes);
  const terminal = policy.terminals.find((k) => bytesEqual(keyIdOf(crypto, k), v.terminalKeyId));
  if (!terminal) fail('unknown-terminal', 'vote signed by a key this device does not trust');
  if (!crypto.ed25519Verify(v.signature, concatBytes(VOTE_DOMAIN, encodeCbor(voteBody(v))), terminal)) fail('bad-signature', 'vote signature does not verify');
  if (!bytesEqual(v.activationHash, activationHashOf(crypto, activationBytes))) fail('wrong-activation', 'vote is bound to another activation');
  return v;
}

/**
 * Verifies a vote on its own: structure, version, signer's key, signature. For the precinct's
 * count of an accumulator's read-out, which holds votes without their activations (the
 * accumulator verified each activation when it took the card); the vote stays bound to its
 * activation by the signed activation hash, which is also the HPKE aad.
 */
export function verifyVoteSignature(crypto: CryptoPort, voteBytes: Uint8Array, policy: VotePolicy): VoteRecord {
  const v = decodeVoteRecord(voteBytes);
  const terminal = policy.terminals.find((k) => bytesEqual(keyIdOf(crypto, k), v.terminalKeyId));
  if (!terminal) fail('unknown-terminal', 'vote signed by a key this device does not trust');
  if (!crypto.ed25519Verify(v.signature, concatBytes(VOTE_DOMAIN, encodeCbor(voteBody(v))), terminal)) fail('bad-signature', 'vote signature does not verify');
  return v;
}

/** Both records of a voted card, each fully verified. */
export function verifyVotedCard(crypto: CryptoPort, activationBytes: Uint8Array, voteBytes: Uint8Array, policy: ActivationPolicy & VotePolicy): { activation: Activation; vote: VoteRecord } {
  const activation = verifyActivation(crypto, activationBytes, policy);
  return { activation, vote: verifyVote(crypto, voteBytes, activationBytes, policy) };
}

/** Decrypts a verified vote with the election's secret key (at counting). */
export function openVote(crypto: CryptoPort, electionSecretKey: Uint8Array, electionFingerprint: Uint8Array, vote: VoteRecord): VoteContent {
  let plaintext: Uint8Array;
  try {
    plaintext = hpkeOpen(crypto, electionSecretKey, vote.enc, hpkeInfo(electionFingerprint), vote.activationHash, vote.ciphertext);
  } catch (e) {
    fail('undecryptable', `vote does not decrypt (${(e as Error).message})`);
  }
  return decodeVotePlaintext(plaintext);
}
