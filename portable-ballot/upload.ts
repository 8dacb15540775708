// What the portable ballot hands to the precinct computer after it comes back: the voters it
// marked (register numbers, ascending: list order, never marking order), its votes (each the
// activation it issued for a marked voter and the vote bound to it, in slot order: random),
// and its counters, under one Ed25519 signature by the device key. The pages travel over the
// authenticated link; the signature makes the upload a document the precinct computer can keep
// and re-check later, and any change to a mark, a vote or a counter fails verifyUpload.
// Device-safe: the precinct computer and the tests use the same code.

import { ProtocolError, bytesEqual, concatBytes, utf8Encode, writeU32BE } from '../protocol/bytes';
import { encodeCbor } from '../protocol/cbor';
import type { CryptoPort } from '../protocol/crypto/port';
import { CardRecordError, verifyActivation, verifyVote } from '../protocol/card/records';

const SUMMARY_DOMAIN = 'sailau/portable-upload/v1';
const MARKS_DOMAIN = utf8Encode('sailau/portable-upload/marks/v1');
const VOTES_DOMAIN = utf8Encode('sailau/portable-upload/votes/v1');

/** The paper rule (003) as the device reports it: why its votes go to the commission's decision. */
export type ExcessReason = 'votes-exceed-marked' | 'votes-exceed-applications';

export interface UploadSummary {
  electionFingerprint: Uint8Array;
  /** Voters loaded: the written applications the device carried. */
  applications: number;
  /** Voters marked as having voted. */
  marked: number;
  /** Votes stored. */
  votes: number;
  /** Sessions that ended without a vote (abandoned, or cut by a power loss). */
  interrupted: number;
  /** The loaded list's digest (voter-list.ts HomeListDigest): which list these marks refer to. */
  listDigest: Uint8Array;
  marksDigest: Uint8Array;
  votesDigest: Uint8Array;
  /** Reasons the device's votes must go to the commission's decision; empty when none. */
  forDecision: ExcessReason[];
  signature: Uint8Array;
}

export interface UploadedVote { activation: Uint8Array; vote: Uint8Array }

export interface Upload {
  summary: UploadSummary;
  marks: number[];
  votes: UploadedVote[];
}

export type UploadErrorCode = 'portable-upload-bad-signature' | 'portable-upload-mismatch' | 'portable-upload-bad-record' | 'portable-upload-wrong-election';
export class UploadError extends ProtocolError {
  constructor(code: UploadErrorCode, message: string) { super(code, message); this.name = 'UploadError'; }
}

/** Running digest of the marks: h0 = SHA-256(domain), h = SHA-256(h ‖ register number as 4 bytes). */
export class MarksDigest {
  private h: Uint8Array;
  constructor(private readonly crypto: CryptoPort) { this.h = crypto.sha256(MARKS_DOMAIN); }
  add(registerNo: number): void {
    const b = new Uint8Array(4);
    writeU32BE(b, 0, registerNo);
    this.h = this.crypto.sha256(concatBytes(this.h, b));
  }
  digest(): Uint8Array { return this.h.slice(); }
}

/** Running digest of the votes: h0 = SHA-256(domain), h = SHA-256(h ‖ SHA-256(activation) ‖ SHA-256(vote)). */
export class VotesDigest {
  private h: Uint8Array;
  constructor(private readonly crypto: CryptoPort) { this.h = crypto.sha256(VOTES_DOMAIN); }
  add(v: UploadedVote): void {
    this.h = this.crypto.sha256(concatBytes(this.h, this.crypto.sha256(v.activation), this.crypto.sha256(v.vote)));
  }
  digest(): Uint8Array { return this.h.slice(); }
}

/** The bytes the device signs. */
export function summaryMessage(s: Omit<UploadSummary, 'signature'>): Uint8Array {
  return encodeCbor([SUMMARY_DOMAIN, s.electionFingerprint, s.applications, s.marked, s.votes, s.interrupted,
    s.listDigest, s.marksDigest, s.votesDigest, s.forDecision.slice()]);
}

export function signSummary(crypto: CryptoPort, secretKey: Uint8Array, s: Omit<UploadSummary, 'signature'>): UploadSummary {
  return { ...s, signature: crypto.ed25519Sign(summaryMessage(s), secretKey) };
}

/** The paper rule: more votes than voters marked, or than applications, sends every vote to the commission. */
export function excessReasons(applications: number, marked: number, votes: number): ExcessReason[] {
  const out: ExcessReason[] = [];
  if (votes > marked) out.push('votes-exceed-marked');
  if (votes > applications) out.push('votes-exceed-applications');
  return out;
}

export interface VerifiedUpload {
  marks: number[];
  votes: UploadedVote[];
  /** The device's reasons, and the precinct's own check of the same rule (they must agree; the precinct's wins). */
  forDecision: ExcessReason[];
  summary: UploadSummary;
}

/**
 * What the precinct computer runs on an upload it reassembled from the pages: signature by the
 * device's enrolled key, counts and digests against the pages, marks ascending and unique,
 * every vote an activation issued by this device and a vote signed by it, and the paper rule
 * recomputed. Any failure is an UploadError and nothing of the upload is used.
 */
export function verifyUpload(crypto: CryptoPort, devicePublicKey: Uint8Array, expect: { electionFingerprint: Uint8Array; precinct: number }, u: Upload): VerifiedUpload {
  const s = u.summary;
  const { signature, ...body } = s;
  if (!crypto.ed25519Verify(signature, summaryMessage(body), devicePublicKey)) {
    throw new UploadError('portable-upload-bad-signature', 'the upload summary is not signed by this portable ballot');
  }
  if (!bytesEqual(s.electionFingerprint, expect.electionFingerprint)) throw new UploadError('portable-upload-wrong-election', 'the upload is for another election');
  if (u.marks.length !== s.marked || u.votes.length !== s.votes) {
    throw new UploadError('portable-upload-mismatch', `pages hold ${u.marks.length} marks and ${u.votes.length} votes; the summary says ${s.marked} and ${s.votes}`);
  }
  const md = new MarksDigest(crypto);
  for (let i = 0; i < u.marks.length; i++) {
    if (i > 0 && u.marks[i] <= u.marks[i - 1]) throw new UploadError('portable-upload-mismatch', 'marks are not in ascending register order');
    md.add(u.marks[i]);
  }
  if (!bytesEqual(md.digest(), s.marksDigest)) throw new UploadError('portable-upload-mismatch', 'the marks do not match the signed summary');
  const vd = new VotesDigest(crypto);
  for (const v of u.votes) vd.add(v);
  if (!bytesEqual(vd.digest(), s.votesDigest)) throw new UploadError('portable-upload-mismatch', 'the votes do not match the signed summary');
  for (const v of u.votes) {
    try {
      verifyActivation(crypto, v.activation, { electionFingerprint: expect.electionFingerprint, precinct: expect.precinct, issuers: [devicePublicKey] });
      verifyVote(crypto, v.vote, v.activation, { terminals: [devicePublicKey] });
    } catch (e) {
      if (e instanceof CardRecordError) throw new UploadError('portable-upload-bad-record', `a vote does not verify: ${e.reason}`);
      throw e;
    }
  }
  const forDecision = excessReasons(s.applications, s.marked, s.votes);
  return { marks: u.marks, votes: u.votes, forDecision, summary: s };
}
