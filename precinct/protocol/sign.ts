// The chairman's electronic digital signature on the protocol (001 §20): Ed25519 over
//   utf8("sailau/protocol/v1") || 0x00 || protocol CBOR
// and, for the QR code on the paper copy, over a compact signed summary
//   utf8("sailau/protocol-summary/v1") || 0x00 || summary CBOR
// The summary holds the protocol's hash and its key figures, so the QR code alone can be
// checked with the chairman's public key, and tied to the full file by the hash.
import { ProtocolError, bytesEqual, concatBytes, utf8Encode } from '../../protocol/bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../../protocol/cbor';
import type { CryptoPort } from '../../protocol/crypto/port';
import { encodeProtocol, type ProtocolDocument } from './document';

export const PROTOCOL_SIGNATURE_DOMAIN = 'sailau/protocol/v1';
export const SUMMARY_SIGNATURE_DOMAIN = 'sailau/protocol-summary/v1';
export const SIGNED_PROTOCOL_TYPE = 'sailau/signed-protocol';
export const SUMMARY_FORMAT = 1;
export const QR_PREFIX = 'SAILAU-P1:';

export function protocolSignatureMessage(protocolBytes: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(PROTOCOL_SIGNATURE_DOMAIN), Uint8Array.of(0), protocolBytes);
}
export function summarySignatureMessage(summaryBytes: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(SUMMARY_SIGNATURE_DOMAIN), Uint8Array.of(0), summaryBytes);
}

export interface SignedProtocol {
  protocol: Uint8Array;
  chairmanKey: Uint8Array;
  signature: Uint8Array;
  summary: Uint8Array;
  summarySignature: Uint8Array;
}

/**
 * The summary: [format, election fingerprint, precinct, SHA-256(protocol), ballots counted,
 * portable set aside, [[contest id, [votes per option…], against all|null, blank, invalid], …]].
 */
export function protocolSummary(crypto: CryptoPort, doc: ProtocolDocument, protocolBytes: Uint8Array): Uint8Array {
  const head = [SUMMARY_FORMAT, doc.election.fingerprint, doc.precinct, crypto.sha256(protocolBytes), doc.reconciliation.ballotsCounted, doc.flags.portableForDecision];
  const full = encodeCbor([...head, doc.contests.map((c) => [c.id, c.options.map((o) => o.votes), c.againstAll, c.blank, c.invalid])]);
  // A big ballot (up to 8 × 64 lines) would make a QR code too dense to scan from paper:
  // then the summary keeps the hash (which binds every figure) and drops the per-line figures.
  return full.length <= SUMMARY_MAX_FIGURES_BYTES ? full : encodeCbor([...head, []]);
}

/** Largest summary that keeps its per-line figures (QR version ≈ 15 at level M). */
export const SUMMARY_MAX_FIGURES_BYTES = 300;

export interface DecodedSummary {
  electionFingerprint: Uint8Array;
  precinct: number;
  protocolHash: Uint8Array;
  ballotsCounted: number;
  portableForDecision: boolean;
  contests: { id: number; options: number[]; againstAll: number | null; blank: number; invalid: number }[];
}

export function decodeSummary(bytes: Uint8Array): DecodedSummary {
  const bad = (): never => { throw new ProtocolError('summary-malformed', 'not a protocol summary'); };
  const v = decodeCbor(bytes);
  if (!Array.isArray(v) || v.length !== 7 || v[0] !== SUMMARY_FORMAT) return bad();
  const [, fp, precinct, hash, ballots, forDecision, contests] = v;
  const isU = (x: CborValue): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!(fp instanceof Uint8Array) || !isU(precinct) || !(hash instanceof Uint8Array) || !isU(ballots) || typeof forDecision !== 'boolean' || !Array.isArray(contests)) return bad();
  return {
    electionFingerprint: fp, precinct, protocolHash: hash, ballotsCounted: ballots, portableForDecision: forDecision,
    contests: contests.map((c) => {
      if (!Array.isArray(c) || c.length !== 5 || !isU(c[0]) || !Array.isArray(c[1]) || !c[1].every(isU) || !(c[2] === null || isU(c[2])) || !isU(c[3]) || !isU(c[4])) return bad();
      return { id: c[0], options: c[1] as number[], againstAll: c[2] as number | null, blank: c[3], invalid: c[4] };
    }),
  };
}

/** Encodes and signs. `chairmanSecretKey` is the chairman's Ed25519 seed. */
export function signProtocol(crypto: CryptoPort, doc: ProtocolDocument, chairmanSecretKey: Uint8Array): SignedProtocol {
  const protocol = encodeProtocol(doc);
  const summary = protocolSummary(crypto, doc, protocol);
  return {
    protocol,
    chairmanKey: crypto.ed25519PublicKey(chairmanSecretKey),
    signature: crypto.ed25519Sign(protocolSignatureMessage(protocol), chairmanSecretKey),
    summary,
    summarySignature: crypto.ed25519Sign(summarySignatureMessage(summary), chairmanSecretKey),
  };
}

export function encodeSignedProtocol(s: SignedProtocol): Uint8Array {
  return encodeCbor({ type: SIGNED_PROTOCOL_TYPE, format: 1, ...s });
}

export function decodeSignedProtocol(bytes: Uint8Array): SignedProtocol {
  let v: CborValue;
  try { v = decodeCbor(bytes); } catch (e) { throw new ProtocolError('signed-protocol-malformed', `not deterministic CBOR (${(e as Error).message})`); }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof Map) throw new ProtocolError('signed-protocol-malformed', 'not a map');
  if (v.type !== SIGNED_PROTOCOL_TYPE || v.format !== 1) throw new ProtocolError('signed-protocol-malformed', 'not a signed protocol of format 1');
  const keys = Object.keys(v).sort().join(',');
  if (keys !== 'chairmanKey,format,protocol,signature,summary,summarySignature,type') throw new ProtocolError('signed-protocol-malformed', `fields ${keys}`);
  const b = (k: string, n?: number): Uint8Array => {
    const x = v[k];
    if (!(x instanceof Uint8Array) || (n !== undefined && x.length !== n)) throw new ProtocolError('signed-protocol-malformed', `${k} is not a byte string of the right length`);
    return x;
  };
  return { protocol: b('protocol'), chairmanKey: b('chairmanKey', 32), signature: b('signature', 64), summary: b('summary'), summarySignature: b('summarySignature', 64) };
}

/** The QR code's text: prefix + base64 of CBOR [summary, chairman key, summary signature]. */
export function qrPayload(s: SignedProtocol): string {
  return QR_PREFIX + Buffer.from(encodeCbor([s.summary, s.chairmanKey, s.summarySignature])).toString('base64');
}

/** Reads and checks a scanned QR text against the chairman's key. */
export function verifyQrPayload(crypto: CryptoPort, text: string, chairmanKey: Uint8Array): DecodedSummary {
  if (!text.startsWith(QR_PREFIX)) throw new ProtocolError('qr-malformed', 'not a sailau protocol QR code');
  const v = decodeCbor(new Uint8Array(Buffer.from(text.slice(QR_PREFIX.length), 'base64')));
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => x instanceof Uint8Array)) throw new ProtocolError('qr-malformed', 'not [summary, key, signature]');
  const [summary, key, sig] = v as Uint8Array[];
  if (!bytesEqual(key, chairmanKey)) throw new ProtocolError('qr-wrong-key', 'signed by another key than the chairman\'s');
  if (!crypto.ed25519Verify(sig, summarySignatureMessage(summary), chairmanKey)) throw new ProtocolError('qr-bad-signature', 'the summary signature does not verify');
  return decodeSummary(summary);
}
