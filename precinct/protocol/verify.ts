// Verifying a signed protocol, for anyone holding the file and the chairman's public key:
// the signatures, then the protocol's internal consistency (every figure that can be
// derived from others is recomputed and compared), and, given the election definition,
// that the names, ids and precinct are the definition's. Every problem found is reported.
import { bytesEqual, toHex } from '../../protocol/bytes';
import type { CryptoPort } from '../../protocol/crypto/port';
import { AGAINST_ALL_ID, ballotLines, type ElectionDefinition, type LocalizedText } from '../../protocol/election/model';
import { decodeProtocol, type Problem } from './decode';
import type { ProtocolDocument } from './document';
import {
  decodeSignedProtocol, decodeSummary, protocolSignatureMessage, protocolSummary, summarySignatureMessage, type SignedProtocol,
} from './sign';

export type { Problem } from './decode';

export interface VerifyOptions {
  /** The chairman's Ed25519 public key, obtained independently of the file. */
  chairmanKey: Uint8Array;
  /** When given, names, ids and precinct are checked against it. */
  election?: { definition: ElectionDefinition; fingerprint: Uint8Array };
}

export interface VerifyReport {
  ok: boolean;
  problems: Problem[];
  doc: ProtocolDocument | null;
  signed: SignedProtocol | null;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const REJECTED = (code: string): boolean => code.startsWith('rejected-');
const DUPLICATE = (code: string): boolean => code === 'duplicate-activation' || code === 'conflicting-activation';

export function verifySignedProtocol(crypto: CryptoPort, bytes: Uint8Array, options: VerifyOptions): VerifyReport {
  let signed: SignedProtocol;
  try {
    signed = decodeSignedProtocol(bytes);
  } catch (e) {
    return { ok: false, problems: [{ code: 'malformed', path: '', detail: (e as Error).message }], doc: null, signed: null };
  }
  const problems: Problem[] = [];
  const p = (code: string, path: string, detail: string): void => { problems.push({ code, path, detail }); };
  if (!bytesEqual(signed.chairmanKey, options.chairmanKey)) p('wrong-key', 'chairmanKey', `signed by ${toHex(signed.chairmanKey)}, not by the chairman's key given`);
  if (!crypto.ed25519Verify(signed.signature, protocolSignatureMessage(signed.protocol), options.chairmanKey)) p('bad-signature', 'signature', 'the chairman\'s signature does not verify over the protocol');
  if (!crypto.ed25519Verify(signed.summarySignature, summarySignatureMessage(signed.summary), options.chairmanKey)) p('bad-signature', 'summarySignature', 'the chairman\'s signature does not verify over the summary (QR code)');
  const { doc, problems: shape } = decodeProtocol(signed.protocol);
  problems.push(...shape);
  if (doc) {
    const expected = protocolSummary(crypto, doc, signed.protocol);
    if (!bytesEqual(expected, signed.summary)) {
      let detail = 'the signed summary does not match the protocol';
      try {
        const s = decodeSummary(signed.summary);
        if (!bytesEqual(s.protocolHash, crypto.sha256(signed.protocol))) detail += ' (protocol hash differs)';
      } catch { detail += ' (summary unreadable)'; }
      p('summary-mismatch', 'summary', detail);
    }
    if (shape.length === 0) problems.push(...checkConsistency(doc));
    if (options.election && shape.length === 0) problems.push(...checkAgainstElection(doc, options.election));
  }
  return { ok: problems.length === 0, problems, doc, signed };
}

/** Every derivable figure recomputed and compared. The document must be well-shaped. */
export function checkConsistency(doc: ProtocolDocument): Problem[] {
  const out: Problem[] = [];
  const p = (code: string, path: string, detail: string): void => { out.push({ code, path, detail }); };
  const r = doc.reconciliation;
  const an = doc.anomalies;
  const anomalyCount = (pred: (code: string) => boolean, device?: string | null, contest?: number | null): number =>
    sum(an.filter((a) => pred(a.code) && (device === undefined || a.device === device) && (contest === undefined || a.contest === contest)).map((a) => a.count));
  const is = (c: string) => (code: string): boolean => code === c;
  /** An anomaly that must be there with exactly this count when `expected` > 0, and absent otherwise. */
  const expectAnomaly = (code: string, expected: number, path: string): void => {
    const got = anomalyCount(is(code));
    if (got !== expected) p('anomaly-mismatch', path, `anomaly ${code} counts ${got}, the figures give ${expected}`);
  };

  // Contests: sums, and the portable ballot's separate figures.
  const forDecision = doc.flags.portableForDecision;
  if (forDecision !== !r.portableCounted) p('flag-mismatch', 'flags.portableForDecision', `flag ${forDecision} but reconciliation.portableCounted ${r.portableCounted}`);
  doc.contests.forEach((c, i) => {
    const at = `contests[${i}]`;
    const total = sum(c.options.map((o) => o.votes)) + (c.againstAll ?? 0) + c.blank + c.invalid;
    if (total !== c.ballots) p('sum-mismatch', at, `options + against all + blank + invalid = ${total}, ballots = ${c.ballots}`);
    if (c.ballots !== r.ballotsCounted) p('sum-mismatch', `${at}.ballots`, `${c.ballots} ballots in this contest, ${r.ballotsCounted} counted`);
    if (!c.blankAllowed && c.blank !== 0) p('blank-not-allowed', `${at}.blank`, 'blank votes counted in a contest that does not allow blank');
    if (new Set(c.options.map((o) => o.id)).size !== c.options.length || c.options.some((o) => o.id === AGAINST_ALL_ID)) p('bad-option-ids', `${at}.options`, 'option ids repeat or use 0');
    const lineKind = c.kind === 'candidates' ? 'candidate' : 'party';
    if (c.options.some((o) => o.kind !== lineKind || (o.person !== null) !== (lineKind === 'candidate'))) p('shape-mismatch', `${at}.options`, `every line of a ${c.kind} contest is a ${lineKind}${lineKind === 'candidate' ? ' with name parts' : ' without'}`);
    let invalidAll = c.invalid;
    if (forDecision !== (c.portable !== null)) p('flag-mismatch', `${at}.portable`, forDecision ? 'portable figures missing while set aside' : 'portable figures shown while counted');
    if (c.portable) {
      const q = c.portable;
      const ptotal = sum(q.options) + (q.againstAll ?? 0) + q.blank + q.invalid;
      if (q.options.length !== c.options.length || (q.againstAll === null) !== (c.againstAll === null)) p('shape-mismatch', `${at}.portable`, 'portable figures do not match the contest\'s lines');
      if (ptotal !== q.ballots) p('sum-mismatch', `${at}.portable`, `portable lines sum to ${ptotal}, ballots = ${q.ballots}`);
      if (q.ballots !== r.portableVotes) p('sum-mismatch', `${at}.portable.ballots`, `${q.ballots} portable ballots, ${r.portableVotes} portable votes`);
      if (!c.blankAllowed && q.blank !== 0) p('blank-not-allowed', `${at}.portable.blank`, 'blank votes where blank is not allowed');
      invalidAll += q.invalid;
    }
    const inv = anomalyCount(is('invalid-choice'), null, c.id);
    if (inv !== invalidAll) p('anomaly-mismatch', `${at}.invalid`, `${invalidAll} invalid choices, anomaly invalid-choice counts ${inv}`);
  });
  if (new Set(doc.contests.map((c) => c.id)).size !== doc.contests.length) p('bad-contest-ids', 'contests', 'contest ids repeat');

  // Reconciliation equations.
  const counted = r.portableVotes <= r.homeApplications && r.portableVotes <= r.portableMarkedVoters;
  if (r.portableCounted !== counted) p('reconciliation', 'reconciliation.portableCounted', `portable votes ${r.portableVotes}, applications ${r.homeApplications}, marked ${r.portableMarkedVoters}: counted must be ${counted}`);
  expectAnomaly('portable-exceeds-applications', Math.max(0, r.portableVotes - r.homeApplications), 'anomalies');
  expectAnomaly('portable-exceeds-marked', Math.max(0, r.portableVotes - r.portableMarkedVoters), 'anomalies');
  const ballots = r.votesInPremises + (r.portableCounted ? r.portableVotes : 0);
  if (r.ballotsCounted !== ballots) p('reconciliation', 'reconciliation.ballotsCounted', `votes in premises + counted portable votes = ${ballots}, ballots counted ${r.ballotsCounted}`);
  const outstanding = r.cardsActivated - r.cardsSpoiled - r.votesInPremises;
  if (r.cardsOutstanding !== Math.max(0, outstanding)) p('reconciliation', 'reconciliation.cardsOutstanding', `cards activated − spoiled − votes in premises = ${outstanding}, outstanding ${r.cardsOutstanding}`);
  expectAnomaly('votes-exceed-activations', Math.max(0, -outstanding), 'anomalies');
  expectAnomaly('votes-exceed-terminal-counts', Math.max(0, r.votesInPremises - r.terminalVotesWritten), 'anomalies');
  const delivered = r.votesInPremises + r.portableVotes + r.recordsRejected + r.recordsDuplicate;
  if (r.recordsDelivered !== delivered) p('reconciliation', 'reconciliation.recordsDelivered', `counted + rejected + duplicate = ${delivered}, delivered ${r.recordsDelivered}`);
  if (anomalyCount(REJECTED) !== r.recordsRejected) p('anomaly-mismatch', 'reconciliation.recordsRejected', `rejected anomalies count ${anomalyCount(REJECTED)}, figure ${r.recordsRejected}`);
  if (anomalyCount(DUPLICATE) !== r.recordsDuplicate) p('anomaly-mismatch', 'reconciliation.recordsDuplicate', `duplicate anomalies count ${anomalyCount(DUPLICATE)}, figure ${r.recordsDuplicate}`);

  // Devices.
  const ids = new Set(doc.devices.map((d) => d.id));
  if (ids.size !== doc.devices.length) p('bad-devices', 'devices', 'device ids repeat');
  const kindSum = (kind: string, f: (d: ProtocolDocument['devices'][number]) => number | null): number => sum(doc.devices.filter((d) => d.kind === kind).map((d) => f(d) ?? 0));
  if (kindSum('accumulator', (d) => d.accepted) !== r.votesInPremises) p('device-mismatch', 'devices', `accumulators' accepted records sum to ${kindSum('accumulator', (d) => d.accepted)}, votes in premises ${r.votesInPremises}`);
  if (kindSum('portable-ballot', (d) => d.accepted) !== r.portableVotes) p('device-mismatch', 'devices', `portable ballots' accepted records sum to ${kindSum('portable-ballot', (d) => d.accepted)}, portable votes ${r.portableVotes}`);
  if (kindSum('portable-ballot', (d) => d.markedVoters) !== r.portableMarkedVoters) p('device-mismatch', 'devices', 'marked voters do not sum to the reconciliation figure');
  if (kindSum('terminal', (d) => d.votesWritten) !== r.terminalVotesWritten) p('device-mismatch', 'devices', 'terminals\' votes written do not sum to the reconciliation figure');
  if (sum(doc.devices.map((d) => d.records)) !== r.recordsDelivered) p('device-mismatch', 'devices', 'device records do not sum to records delivered');
  let mismatched = 0;
  doc.devices.forEach((d, i) => {
    const at = `devices[${i}]`;
    const shapeOk = d.kind === 'terminal' ? d.records === 0 && d.accepted === 0 && d.votesWritten !== null && d.reportedCount === null && d.markedVoters === null
      : d.kind === 'accumulator' ? d.votesWritten === null && d.markedVoters === null
      : d.kind === 'portable-ballot' ? d.votesWritten === null && d.reportedCount === null && d.markedVoters !== null : false;
    if (!shapeOk) p('bad-devices', at, `figures do not fit a ${d.kind}`);
    const notCounted = anomalyCount((c) => REJECTED(c) || DUPLICATE(c), d.id);
    if (d.records - d.accepted !== notCounted) p('device-mismatch', at, `${d.records} records, ${d.accepted} accepted, but anomalies account for ${notCounted} not counted`);
    if (d.reportedCount !== null && d.reportedCount !== d.records) {
      const diff = Math.abs(d.reportedCount - d.records);
      mismatched += diff;
      if (anomalyCount(is('device-count-mismatch'), d.id) !== diff) p('anomaly-mismatch', at, `reported count differs from records by ${diff}, device-count-mismatch anomaly says ${anomalyCount(is('device-count-mismatch'), d.id)}`);
    } else if (anomalyCount(is('device-count-mismatch'), d.id) !== 0) p('anomaly-mismatch', at, 'device-count-mismatch anomaly while the reported count equals the records');
  });
  if (anomalyCount(is('device-count-mismatch')) !== mismatched) p('anomaly-mismatch', 'anomalies', 'device-count-mismatch anomalies do not match the devices');
  an.forEach((a, i) => {
    if (a.count === 0) p('anomaly-mismatch', `anomalies[${i}]`, 'an anomaly with count 0');
    // A device counted without (waived by the commission's decision) delivered nothing: it is not in the list.
    if (a.code === 'device-not-delivered') {
      if (a.device === null || ids.has(a.device) || a.count !== 1) p('anomaly-mismatch', `anomalies[${i}]`, 'a device-not-delivered anomaly names one device absent from the device list, once');
    } else if (a.device !== null && !ids.has(a.device)) p('anomaly-mismatch', `anomalies[${i}].device`, `no device ${a.device}`);
    if (a.contest !== null && !doc.contests.some((c) => c.id === a.contest)) p('anomaly-mismatch', `anomalies[${i}].contest`, `no contest ${a.contest}`);
  });

  // Verification codes: one per vote decrypted, sorted, and recounting them gives the results.
  const codes = doc.codes;
  if (codes.length !== r.votesInPremises + r.portableVotes) p('codes-mismatch', 'codes', `${codes.length} codes, ${r.votesInPremises + r.portableVotes} votes`);
  let repeats = 0;
  for (let i = 1; i < codes.length; i++) {
    if (codes[i].code < codes[i - 1].code) { p('codes-unsorted', `codes[${i}]`, 'codes not in ascending order'); break; }
    if (codes[i].code === codes[i - 1].code) repeats++;
  }
  expectAnomaly('duplicate-code', repeats, 'codes');
  const decisionCodes = codes.filter((c) => c.forDecision).length;
  if (decisionCodes !== (forDecision ? r.portableVotes : 0)) p('codes-mismatch', 'codes', `${decisionCodes} codes marked for decision`);
  doc.contests.forEach((c, i) => {
    const main = { options: c.options.map(() => 0), againstAll: 0, blank: 0, invalid: 0 };
    const aside = { options: c.options.map(() => 0), againstAll: 0, blank: 0, invalid: 0 };
    let bad = 0;
    for (const e of codes) {
      if (e.choices.length !== doc.contests.length) { bad++; continue; }
      const t = e.forDecision ? aside : main;
      const ch = e.choices[i];
      if (ch === 'invalid') t.invalid++;
      else if (ch === null) t.blank++;
      else if (ch === AGAINST_ALL_ID && c.againstAll !== null) t.againstAll++;
      else {
        const j = c.options.findIndex((o) => o.id === ch);
        if (j < 0) bad++; else t.options[j]++;
      }
    }
    const at = `contests[${i}]`;
    if (bad > 0) p('codes-mismatch', 'codes', `${bad} code entries name a choice not in contest ${c.id}`);
    const same = (a: typeof main, opts: number[], aa: number | null, blank: number, invalid: number): boolean =>
      a.options.every((v, j) => v === opts[j]) && a.againstAll === (aa ?? 0) && a.blank === blank && a.invalid === invalid;
    if (!same(main, c.options.map((o) => o.votes), c.againstAll, c.blank, c.invalid)) p('codes-mismatch', at, 'recounting the verification-code list does not give this contest\'s figures');
    if (c.portable && !same(aside, c.portable.options, c.portable.againstAll, c.portable.blank, c.portable.invalid)) p('codes-mismatch', `${at}.portable`, 'recounting the codes set aside does not give the portable figures');
  });

  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(doc.signedAt) || Number.isNaN(Date.parse(doc.signedAt))) p('bad-time', 'signedAt', 'not an ISO 8601 UTC time');
  return out;
}

const sameText = (a: LocalizedText | null, b: LocalizedText | null): boolean => (a === null || b === null ? a === b : a.kk === b.kk && a.ru === b.ru);

/** The protocol names the definition's election, precinct, contests and options exactly. */
export function checkAgainstElection(doc: ProtocolDocument, election: { definition: ElectionDefinition; fingerprint: Uint8Array }): Problem[] {
  const out: Problem[] = [];
  const p = (path: string, detail: string): void => { out.push({ code: 'election-mismatch', path, detail }); };
  const d = election.definition;
  if (!bytesEqual(doc.election.fingerprint, election.fingerprint)) p('election.fingerprint', 'another election definition');
  if (doc.election.id !== d.electionId || doc.election.date !== d.date || !sameText(doc.election.title, d.title)) p('election', 'id, date or title differ from the definition');
  if (doc.precinct !== d.precinct) p('precinct', `precinct ${doc.precinct}, the definition's is ${d.precinct}`);
  if (doc.contests.length !== d.contests.length) { p('contests', 'number of contests differs'); return out; }
  d.contests.forEach((c, i) => {
    const x = doc.contests[i];
    const at = `contests[${i}]`;
    if (x.id !== c.id || x.kind !== c.kind || !sameText(x.title, c.title) || x.blankAllowed !== c.blankAllowed) p(at, 'id, kind, title or blank rule differ');
    if ((x.againstAll !== null) !== c.againstAll) p(`${at}.againstAll`, 'the "against all" line differs');
    const lines = ballotLines(c).filter((l) => l.kind !== 'against-all');
    if (lines.length !== x.options.length) { p(`${at}.options`, 'number of options differs'); return; }
    lines.forEach((l, j) => {
      const o = x.options[j];
      if (o.id !== l.optionId || o.kind !== l.kind || !sameText(o.text, l.text) || !sameText(o.detail, l.detail)) p(`${at}.options[${j}]`, 'id, kind or text differ');
      const cand = c.kind === 'candidates' ? c.options[j] : null;
      const samePerson = cand === null ? o.person === null
        : o.person !== null && sameText(o.person.surname, cand.surname) && sameText(o.person.firstName, cand.firstName) && sameText(o.person.patronymic, cand.patronymic);
      if (!samePerson) p(`${at}.options[${j}].person`, 'name parts differ');
    });
  });
  return out;
}
