// The signed definition: the encoded definition, the election authority's Ed25519
// signature over it and the authority's public key. A device accepts a definition only
// when the key is one it was provisioned with and the signature verifies; the signed
// message starts with a domain-separation prefix so that a signature made for anything
// else (a protocol, a card record) can never pass as a signed election definition.
//
// Envelope: deterministic CBOR map
//   { type: "sailau/signed-election", format: 1, definition: bstr, authorityKey: bstr .size 32, signature: bstr .size 64 }
import { ProtocolError, bytesEqual, concatBytes, toHex, utf8Encode } from '../bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../cbor';
import type { CryptoPort } from '../crypto/port';
import { decodeElection, electionFingerprint } from './encoding';
import { ElectionError } from './errors';
import { ELECTION_FORMAT_VERSION, LIMITS, type ElectionDefinition } from './model';

export const ELECTION_SIGNATURE_DOMAIN = 'sailau/election/v1';
export const SIGNED_ELECTION_TYPE = 'sailau/signed-election';

export interface SignedElection {
  /** The encoded definition (encodeElection), exactly the bytes signed and fingerprinted. */
  definition: Uint8Array;
  authorityKey: Uint8Array;
  signature: Uint8Array;
}

/** What is signed: the domain prefix, a zero byte, then the encoded definition. */
export function electionSignatureMessage(definition: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(ELECTION_SIGNATURE_DOMAIN), Uint8Array.of(0), definition);
}

/** Signs an encoded definition with the authority's 32-byte Ed25519 secret key (seed). */
export function signElection(definition: Uint8Array, authoritySecretKey: Uint8Array, crypto: CryptoPort): SignedElection {
  if (authoritySecretKey.length !== 32) throw new ProtocolError('election-bad-key', 'an authority secret key is 32 bytes');
  decodeElection(definition); // never sign what a device would refuse
  return {
    definition,
    authorityKey: crypto.ed25519PublicKey(authoritySecretKey),
    signature: crypto.ed25519Sign(electionSignatureMessage(definition), authoritySecretKey),
  };
}

export function encodeSignedElection(s: SignedElection): Uint8Array {
  return encodeCbor({ type: SIGNED_ELECTION_TYPE, format: ELECTION_FORMAT_VERSION, definition: s.definition, authorityKey: s.authorityKey, signature: s.signature });
}

const ENVELOPE_KEYS = ['authorityKey', 'definition', 'format', 'signature', 'type'];

/** The envelope's parts, structure checked only: no signature, key or definition check (verifySignedElection does those). */
export function decodeSignedElection(bytes: Uint8Array): SignedElection {
  if (bytes.length > LIMITS.maxEncodedBytes + 256) throw new ElectionError('election-too-large', `${bytes.length} bytes`);
  let v: CborValue;
  try { v = decodeCbor(bytes); } catch (e) {
    if (e instanceof ProtocolError) throw new ElectionError('election-malformed', `not a signed election: ${e.message}`);
    throw e;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof Map) {
    throw new ElectionError('election-malformed', 'a signed election is a CBOR map with text keys');
  }
  if (v.type !== SIGNED_ELECTION_TYPE) throw new ElectionError('election-malformed', `not a signed election (type ${JSON.stringify(typeof v.type === 'string' ? v.type : null)})`);
  if (typeof v.format === 'number' && v.format !== ELECTION_FORMAT_VERSION) throw new ElectionError('election-version', `envelope format ${v.format}; this device reads format ${ELECTION_FORMAT_VERSION}`);
  const keys = Object.keys(v).sort();
  if (keys.join() !== ENVELOPE_KEYS.join()) throw new ElectionError('election-malformed', `envelope fields are ${ENVELOPE_KEYS.join(', ')}; got ${keys.join(', ')}`);
  if (v.format !== ELECTION_FORMAT_VERSION) throw new ElectionError('election-malformed', 'format is not a number');
  const { definition, authorityKey, signature } = v;
  if (!(definition instanceof Uint8Array)) throw new ElectionError('election-malformed', 'definition is not a byte string');
  if (!(authorityKey instanceof Uint8Array) || authorityKey.length !== 32) throw new ElectionError('election-malformed', 'authorityKey is not 32 bytes');
  if (!(signature instanceof Uint8Array) || signature.length !== 64) throw new ElectionError('election-malformed', 'signature is not 64 bytes');
  return { definition, authorityKey, signature };
}

export interface VerifiedElection {
  definition: ElectionDefinition;
  /** The encoded definition, as signed. */
  definitionBytes: Uint8Array;
  /** SHA-256 of definitionBytes. */
  fingerprint: Uint8Array;
  /** The trusted key that signed it. */
  authorityKey: Uint8Array;
}

/**
 * What a device runs on a definition it is given. Checks, in this order: the envelope is
 * well-formed and of a known version; its key is one of `trustedAuthorityKeys`; the
 * signature verifies; the definition decodes and passes every rule. Each failure is an
 * ElectionError (election-malformed, -version, -unknown-key, -bad-signature, -invalid);
 * nothing inside the definition is parsed before its signature has verified.
 */
export function verifySignedElection(bytes: Uint8Array, trustedAuthorityKeys: readonly Uint8Array[], crypto: CryptoPort): VerifiedElection {
  const s = decodeSignedElection(bytes);
  if (!trustedAuthorityKeys.some((k) => bytesEqual(k, s.authorityKey))) {
    throw new ElectionError('election-unknown-key', `signed by ${toHex(s.authorityKey)}, not a key this device trusts`);
  }
  if (!crypto.ed25519Verify(s.signature, electionSignatureMessage(s.definition), s.authorityKey)) {
    throw new ElectionError('election-bad-signature', 'the signature does not verify: the definition or the signature was altered');
  }
  const definition = decodeElection(s.definition);
  return { definition, definitionBytes: s.definition, fingerprint: electionFingerprint(s.definition, crypto), authorityKey: s.authorityKey };
}
