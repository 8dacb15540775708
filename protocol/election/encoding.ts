// The binary form of a definition: deterministic CBOR of the model plus a format number,
// so the same definition always gives the same bytes, the same fingerprint and the same
// signature. Layout (docs/election-definition.md): a text-keyed map
//   { format: 1, electionId, title, date, precinct, votingHours, contests }
// with the model's field names and shapes; absent patronymic/party are CBOR null.
import { ProtocolError, bytesEqual, toHex } from '../bytes';
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../cbor';
import type { CryptoPort } from '../crypto/port';
import { ElectionError, ElectionInvalidError } from './errors';
import { ELECTION_FORMAT_VERSION, LIMITS, type Contest, type ElectionDefinition, type LocalizedText } from './model';
import { validateElection } from './validate';

const lt = (t: LocalizedText): CborObject => ({ kk: t.kk, ru: t.ru });

/** A fresh CBOR value with exactly the model's fields: nothing a caller attached rides along. */
function toCbor(d: ElectionDefinition): CborObject {
  return {
    format: ELECTION_FORMAT_VERSION,
    electionId: d.electionId,
    title: lt(d.title),
    date: d.date,
    precinct: d.precinct,
    votingHours: { opens: d.votingHours.opens, closes: d.votingHours.closes },
    contests: d.contests.map(contestToCbor),
  };
}

function contestToCbor(c: Contest): CborObject {
  const base = { id: c.id, kind: c.kind, title: lt(c.title), againstAll: c.againstAll, blankAllowed: c.blankAllowed };
  if (c.kind === 'candidates') {
    return {
      ...base,
      options: c.options.map((o) => ({
        id: o.id, surname: lt(o.surname), firstName: lt(o.firstName),
        patronymic: o.patronymic ? lt(o.patronymic) : null, party: o.party ? lt(o.party) : null,
      })),
    };
  }
  return { ...base, options: c.options.map((o) => ({ id: o.id, name: lt(o.name) })) };
}

/** Encodes a valid definition; throws ElectionInvalidError (with every issue) for an invalid one. */
export function encodeElection(definition: ElectionDefinition): Uint8Array {
  const issues = validateElection(definition);
  if (issues.length > 0) throw new ElectionInvalidError(issues);
  const bytes = encodeCbor(toCbor(definition));
  if (bytes.length > LIMITS.maxEncodedBytes) throw new ElectionError('election-too-large', `${bytes.length} bytes; at most ${LIMITS.maxEncodedBytes}`);
  return bytes;
}

function malformed(e: unknown): never {
  if (e instanceof ElectionError) throw e;
  if (e instanceof ProtocolError) throw new ElectionError('election-malformed', `not a definition encoding: ${e.message}`);
  throw e; // a bug, not bad input: let it show
}

/**
 * Decodes and re-validates a definition (a device does this before trusting anything in it).
 * Any malformed input is an ElectionError: election-too-large, -malformed, -version, -invalid.
 */
export function decodeElection(bytes: Uint8Array): ElectionDefinition {
  if (bytes.length > LIMITS.maxEncodedBytes) throw new ElectionError('election-too-large', `${bytes.length} bytes; at most ${LIMITS.maxEncodedBytes}`);
  let value: CborValue;
  try { value = decodeCbor(bytes); } catch (e) { malformed(e); }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || value instanceof Map) {
    throw new ElectionError('election-malformed', 'a definition is a CBOR map with text keys');
  }
  if (!Object.prototype.hasOwnProperty.call(value, 'format')) throw new ElectionError('election-malformed', 'no format version');
  if (value.format !== ELECTION_FORMAT_VERSION) {
    throw new ElectionError('election-version', `format ${typeof value.format === 'number' ? value.format : '?'}; this device reads format ${ELECTION_FORMAT_VERSION}`);
  }
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(value)) if (k !== 'format') Object.defineProperty(rest, k, { value: value[k], enumerable: true, writable: true, configurable: true });
  const issues = validateElection(rest);
  if (issues.length > 0) throw new ElectionInvalidError(issues);
  const definition = rest as unknown as ElectionDefinition;
  // The decoder is strict and the validator refuses unknown fields, so this holds; checked
  // anyway because the fingerprint's meaning rests on it: one definition, one encoding.
  if (!bytesEqual(encodeCbor(toCbor(definition)), bytes)) throw new ElectionError('election-malformed', 'not the canonical encoding of its definition');
  return definition;
}

/** SHA-256 of the encoded definition: what devices show and protocols print. */
export function electionFingerprint(encoded: Uint8Array, crypto: CryptoPort): Uint8Array {
  return crypto.sha256(encoded);
}

/** Groups of the fingerprint for people to compare: the first 10 bytes, e.g. "3F2A 9C01 77E4 B5D0 11AA". */
export function shortFingerprint(fingerprint: Uint8Array): string {
  const hex = toHex(fingerprint.subarray(0, 10)).toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups.join(' ');
}
