// Counting (001 §16–§17): only when every enrolled voting device has delivered its data;
// then the election key is unsealed with the start password, every stored record is
// verified (activation issuer and signature, election, precinct; terminal signature by an
// enrolled key of the right device), activation ids are checked unique across all
// devices, the votes are decrypted and tallied per option per contest, and the figures
// are reconciled. Nothing is dropped silently: every record not counted is an anomaly
// with a stable code, and the portable ballot's votes are set aside (tallied apart, not
// counted) when they exceed the home applications or the voters it marked.
import { performance } from 'node:perf_hooks';
import { bytesEqual, toHex } from '../../protocol/bytes';
import { encodeCbor } from '../../protocol/cbor';
import { AGAINST_ALL_ID, type Contest } from '../../protocol/election/model';
import {
  CardRecordError, decodeVoteRecord, keyIdOf, openVote, verifyActivation, verifyVote, verifyVoteSignature,
  type Activation, type VoteContent, type VoteRecord,
} from '../../protocol/card/records';
import { unsealElectionKey } from '../keys/election-key';
import { PrecinctError } from '../errors';
import {
  DELIVERING_KINDS,
  type Anomaly, type Choice, type ContestTally, type CountInput, type CountResult, type Delivery,
  type DeviceSummary, type EnrolledDevice, type Reconciliation, type StoredVote, type VerificationCodeEntry,
} from './types';

export const DEVICE_DATA_DOMAIN = 'sailau/device-data/v1';

/** Refusal to count while devices have not delivered; `missing` lists them. */
export class CountRefusedError extends PrecinctError {
  constructor(code: string, message: string, readonly missing: string[] = []) {
    super(code, message);
    this.name = 'CountRefusedError';
  }
}

/** SHA-256 of the deterministic encoding of a device's delivery: printed in the protocol. */
export function deliveryFingerprint(input: Pick<CountInput, 'crypto'>, d: Delivery): Uint8Array {
  const body = d.kind === 'terminal'
    ? [DEVICE_DATA_DOMAIN, d.deviceId, d.kind, d.votesWritten]
    : [DEVICE_DATA_DOMAIN, d.deviceId, d.kind, d.records.map((r) => (r.activation ? [r.activation, r.vote] : [r.vote])),
      d.kind === 'accumulator' ? (d.reportedCount ?? null) : d.markedVoters];
  return input.crypto.sha256(encodeCbor(body));
}

/** Which enrolled devices must deliver: every voting device not withdrawn before use. */
export function requiredDevices(devices: readonly EnrolledDevice[]): EnrolledDevice[] {
  return devices.filter((d) => DELIVERING_KINDS.includes(d.kind) && d.status !== 'withdrawn');
}

/** Checks completeness; throws CountRefusedError listing every missing device. */
export function checkDeliveries(input: Pick<CountInput, 'devices' | 'deliveries' | 'waivers'>): void {
  const byId = new Map(input.devices.map((d) => [d.deviceId, d]));
  const seen = new Set<string>();
  for (const d of input.deliveries) {
    const dev = byId.get(d.deviceId);
    if (!dev) throw new CountRefusedError('count-unknown-device', `data from ${d.deviceId}, which is not enrolled at this precinct; set it aside and call the specialist`);
    if (dev.kind !== d.kind) throw new CountRefusedError('count-wrong-kind', `${d.deviceId} is enrolled as ${dev.kind} but delivered ${d.kind} data`);
    if (seen.has(d.deviceId)) throw new CountRefusedError('count-duplicate-delivery', `${d.deviceId} delivered twice; keep one read-out`);
    seen.add(d.deviceId);
  }
  const waived = new Set<string>();
  for (const w of input.waivers ?? []) {
    if (!byId.has(w.deviceId)) throw new CountRefusedError('count-unknown-device', `a waiver names ${w.deviceId}, which is not enrolled`);
    if (seen.has(w.deviceId)) throw new CountRefusedError('count-waiver-conflict', `${w.deviceId} delivered its data and is also waived; drop one`);
    if (w.decision.trim() === '') throw new CountRefusedError('count-waiver-empty', `the waiver for ${w.deviceId} must cite the commission's decision`);
    waived.add(w.deviceId);
  }
  const missing = requiredDevices(input.devices).filter((d) => !seen.has(d.deviceId) && !waived.has(d.deviceId)).map((d) => d.deviceId);
  if (missing.length > 0) {
    throw new CountRefusedError('count-devices-missing', `counting waits for the data of every device (001 §17); missing: ${missing.join(', ')}`, missing);
  }
}

interface Candidate {
  device: EnrolledDevice;
  index: number;
  stored: StoredVote;
  /** null when the read-out held the vote only (an accumulator) */
  activation: Activation | null;
  vote: VoteRecord;
}

class AnomalyList {
  private map = new Map<string, Anomaly>();
  add(code: string, device: string | null, contest: number | null, detail: string, count = 1): void {
    const key = `${code}\u0000${device ?? ''}\u0000${contest ?? ''}`;
    const a = this.map.get(key);
    if (a) a.count += count;
    else this.map.set(key, { code, device, contest, count, detail });
  }
  list(): Anomaly[] {
    return [...this.map.values()].sort((a, b) => cmp(a.code, b.code) || cmp(a.device ?? '', b.device ?? '') || (a.contest ?? 0) - (b.contest ?? 0));
  }
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function emptyTally(c: Contest): ContestTally {
  return {
    contestId: c.id,
    options: c.options.map((o) => ({ optionId: o.id, votes: 0 })),
    againstAll: c.againstAll ? 0 : null,
    blank: 0, invalid: 0, ballots: 0,
  };
}

/** The choice a decrypted vote makes in one contest, judged against the definition. */
export function choiceIn(contest: Contest, content: VoteContent): Choice {
  const sel = content.selections.find((s) => s.contest === contest.id);
  if (!sel || sel.option === null) return contest.blankAllowed ? null : 'invalid';
  if (typeof sel.option !== 'number') return 'invalid';
  if (sel.option === AGAINST_ALL_ID) return contest.againstAll ? AGAINST_ALL_ID : 'invalid';
  return contest.options.some((o) => o.id === sel.option) ? sel.option : 'invalid';
}

export function addToTally(t: ContestTally, choice: Choice): void {
  t.ballots++;
  if (choice === 'invalid') t.invalid++;
  else if (choice === null) t.blank++;
  else if (choice === AGAINST_ALL_ID && t.againstAll !== null) t.againstAll++;
  else {
    const o = t.options.find((x) => x.optionId === choice);
    if (!o) throw new Error(`choice ${choice} not in contest ${t.contestId}`); // choiceIn guarantees it
    o.votes++;
  }
}

const now = (): number => performance.now();

/**
 * Counts. Throws CountRefusedError (devices missing, unknown device), or the key module's
 * PrecinctError (wrong-start-password, start-password-malformed, sealed-key-*), each logged.
 */
export async function countVotes(input: CountInput): Promise<CountResult> {
  const { crypto, election, log } = input;
  const def = election.definition;
  try {
    checkDeliveries(input);
  } catch (e) {
    if (e instanceof CountRefusedError) {
      log?.append({ event: 'count', disposition: 'refused', detail: { reason: e.code, missing: e.missing.join(',') } });
    }
    throw e;
  }

  // 1. The election key.
  let t0 = now();
  let secretKey: Uint8Array;
  try {
    const unseal = input.unseal ?? ((c, s, p, f) => unsealElectionKey(c, s, p, f));
    secretKey = (await unseal(crypto, input.sealedElectionKey, input.startPassword, election.fingerprint)).secretKey;
  } catch (e) {
    const code = e instanceof PrecinctError ? e.code : 'unseal-failed';
    log?.append({ event: 'count', disposition: 'refused', detail: { reason: code } });
    throw e;
  }
  const tUnseal = now() - t0;

  // 2. Verify every record, per source, with the keys that source may hold.
  t0 = now();
  const anomalies = new AnomalyList();
  const enrolled = new Map(input.devices.map((d) => [d.deviceId, d]));
  const terminalKeys = input.devices.filter((d) => d.kind === 'terminal' && d.status !== 'withdrawn').map((d) => d.signPublicKey);
  const portableKeyIds = input.devices.filter((d) => d.kind === 'portable-ballot').map((d) => keyIdOf(crypto, d.signPublicKey));
  const signedByPortable = (vote: Uint8Array): boolean => {
    try { const id = decodeVoteRecord(vote).terminalKeyId; return portableKeyIds.some((k) => bytesEqual(k, id)); } catch { return false; }
  };
  const accepted: Candidate[] = [];
  // Accumulators first, then portable ballots, each by device id: a duplicate keeps its first copy.
  const order = { accumulator: 0, 'portable-ballot': 1, terminal: 2 } as const;
  const deliveries = [...input.deliveries].sort((a, b) => order[a.kind] - order[b.kind] || cmp(a.deviceId, b.deviceId));
  const summaries = new Map<string, DeviceSummary>();
  for (const d of deliveries) {
    const device = enrolled.get(d.deviceId)!;
    summaries.set(d.deviceId, {
      deviceId: d.deviceId, kind: d.kind,
      signKeyFingerprint: crypto.sha256(device.signPublicKey),
      kexKeyFingerprint: device.kexPublicKey ? crypto.sha256(device.kexPublicKey) : null,
      dataFingerprint: d.dataFingerprint ?? deliveryFingerprint(input, d),
      records: d.kind === 'terminal' ? 0 : d.records.length,
      accepted: 0,
      reportedCount: d.kind === 'accumulator' ? (d.reportedCount ?? null) : null,
      markedVoters: d.kind === 'portable-ballot' ? d.markedVoters : null,
      votesWritten: d.kind === 'terminal' ? d.votesWritten : null,
    });
    if (d.kind === 'terminal') continue;
    if (d.kind === 'accumulator' && d.reportedCount !== undefined && d.reportedCount !== d.records.length) {
      anomalies.add('device-count-mismatch', d.deviceId, null, `the accumulator reports ${d.reportedCount} votes stored but delivered ${d.records.length} records; count = the difference`, Math.abs(d.reportedCount - d.records.length));
    }
    // A terminal's vote reaches counting only through an accumulator; the portable ballot's
    // own votes only through its upload, signed by its own key. Activations come from the
    // precinct computer; the portable ballot may also issue its own (one per marked voter).
    const voteKeys = d.kind === 'accumulator' ? terminalKeys : [device.signPublicKey];
    const issuers = d.kind === 'accumulator' ? input.issuerKeys : [...input.issuerKeys, device.signPublicKey];
    d.records.forEach((stored, index) => {
      try {
        if (stored.activation) {
          const activation = verifyActivation(crypto, stored.activation, { electionFingerprint: election.fingerprint, precinct: def.precinct, issuers });
          const vote = verifyVote(crypto, stored.vote, stored.activation, { terminals: voteKeys });
          accepted.push({ device, index, stored, activation, vote });
        } else if (d.kind === 'accumulator') {
          // The accumulator checked issuer, election and precinct of the activation; the
          // election is checked again by decryption (HPKE info binds the fingerprint).
          accepted.push({ device, index, stored, activation: null, vote: verifyVoteSignature(crypto, stored.vote, { terminals: voteKeys }) });
        } else {
          throw new CardRecordError('malformed', 'the portable ballot uploads each vote with its activation');
        }
      } catch (e) {
        if (!(e instanceof CardRecordError)) throw e;
        if (e.reason === 'unknown-terminal' && d.kind === 'accumulator' && signedByPortable(stored.vote)) {
          anomalies.add('rejected-portable-vote-in-accumulator', d.deviceId, null, 'record not counted: a vote signed by a portable ballot reached an accumulator; the portable ballot\'s votes count only from its own upload');
        } else {
          anomalies.add(`rejected-${e.reason}`, d.deviceId, null, 'record not counted: ' + e.message);
        }
      }
    });
  }

  // 3. Activations are unique across all devices: one copy counted at most. The key is the
  //    activation hash every vote carries (signed); with the activation at hand it was
  //    checked to be SHA-256 of it, so one activation gives one key however delivered.
  const groups = new Map<string, Candidate[]>();
  for (const c of accepted) {
    const k = toHex(c.vote.activationHash);
    const g = groups.get(k);
    if (g) g.push(c); else groups.set(k, [c]);
  }
  const toOpen: Candidate[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) { toOpen.push(g[0]); continue; }
    const identical = g.every((c) => bytesEqual(c.stored.vote, g[0].stored.vote));
    if (identical) {
      toOpen.push(g[0]);
      for (const c of g.slice(1)) anomalies.add('duplicate-activation', c.device.deviceId, null, 'the same voted card stored again (also in another read-out); counted once');
    } else {
      for (const c of g) anomalies.add('conflicting-activation', c.device.deviceId, null, 'one activation carries different votes; none of them counted, for the commission to examine');
    }
  }
  const tVerify = now() - t0;

  // 4. Decrypt.
  t0 = now();
  const opened: { c: Candidate; content: VoteContent }[] = [];
  for (const c of toOpen) {
    try {
      opened.push({ c, content: openVote(crypto, secretKey, election.fingerprint, c.vote) });
    } catch (e) {
      if (!(e instanceof CardRecordError)) throw e;
      anomalies.add(`rejected-${e.reason}`, c.device.deviceId, null, 'record not counted: ' + e.message);
    }
  }
  secretKey.fill(0);
  const tDecrypt = now() - t0;

  // 5. Tally: premises and portable ballot apart; codes with their choices.
  t0 = now();
  const premises = def.contests.map(emptyTally);
  const portable = def.contests.map(emptyTally);
  const rawCodes: { code: number; choices: Choice[]; portable: boolean }[] = [];
  const contestIds = new Set(def.contests.map((c) => c.id));
  for (const { c, content } of opened) {
    const isPortable = c.device.kind === 'portable-ballot';
    const target = isPortable ? portable : premises;
    const choices = def.contests.map((contest, i) => {
      const ch = choiceIn(contest, content);
      addToTally(target[i], ch);
      if (ch === 'invalid') anomalies.add('invalid-choice', null, contest.id, 'a vote whose choice in this contest is not on the ballot (or blank where blank is not allowed); counted as invalid');
      return ch;
    });
    if (content.selections.some((s) => typeof s.contest !== 'number' || !contestIds.has(s.contest))) {
      anomalies.add('unknown-contest', c.device.deviceId, null, 'a vote names a contest not in the election definition; that part ignored');
    }
    summaries.get(c.device.deviceId)!.accepted++;
    rawCodes.push({ code: content.verificationCode, choices, portable: isPortable });
  }

  for (const w of input.waivers ?? []) {
    anomalies.add('device-not-delivered', w.deviceId, null, `counted without this device's data by the commission's decision: ${w.decision}`);
  }

  // 6. Reconcile.
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const devs = [...summaries.values()];
  const votesInPremises = sum(devs.filter((d) => d.kind === 'accumulator').map((d) => d.accepted));
  const portableVotes = sum(devs.filter((d) => d.kind === 'portable-ballot').map((d) => d.accepted));
  const portableMarkedVoters = sum(devs.map((d) => d.markedVoters ?? 0));
  const terminalVotesWritten = sum(devs.map((d) => d.votesWritten ?? 0));
  const reg = input.register;
  const rec = reconcile({
    registered: reg.registered, cardsActivated: reg.cardsActivated, cardsSpoiled: reg.cardsSpoiled,
    homeApplications: reg.homeApplications, votesInPremises, portableVotes, portableMarkedVoters, terminalVotesWritten,
    recordsDelivered: sum(devs.map((d) => d.records)),
  }, anomalies);
  const all = anomalies.list();
  rec.recordsRejected = sum(all.filter((a) => a.code.startsWith('rejected-')).map((a) => a.count));
  rec.recordsDuplicate = sum(all.filter((a) => a.code === 'duplicate-activation' || a.code === 'conflicting-activation').map((a) => a.count));

  const tallies = rec.portableCounted ? premises.map((t, i) => mergeTallies(t, portable[i])) : premises;
  const codes: VerificationCodeEntry[] = rawCodes
    .map((r) => ({ code: r.code, choices: r.choices, forDecision: r.portable && !rec.portableCounted }))
    .sort(compareCodes);
  const dupCodes = codes.filter((e, i) => i > 0 && codes[i - 1].code === e.code).length;
  if (dupCodes > 0) anomalies.add('duplicate-code', null, null, 'the same verification code in more than one vote (codes are unique by design: a device fault or a copied vote)', dupCodes);
  const tTally = now() - t0;

  const result: CountResult = {
    tallies, portableTallies: portable, reconciliation: rec, anomalies: anomalies.list(), codes,
    devices: devs.sort((a, b) => cmp(a.deviceId, b.deviceId)),
    timings: { unseal: tUnseal, verify: tVerify, decrypt: tDecrypt, tally: tTally },
  };
  // Each anomaly on its own line of the log (what, where, how many: never a vote or a code).
  for (const a of result.anomalies) {
    log?.append({ event: 'count-anomaly', disposition: a.code.startsWith('rejected-') ? 'rejected' : 'info', detail: { code: a.code, device: a.device, contest: a.contest, count: a.count } });
  }
  log?.append({
    event: 'count', disposition: 'ok', detail: {
      ballotsCounted: rec.ballotsCounted, votesInPremises, portableVotes, portableCounted: rec.portableCounted,
      recordsRejected: rec.recordsRejected, recordsDuplicate: rec.recordsDuplicate, anomalies: result.anomalies.length,
    },
  });
  return result;
}

/** Codes ascending; equal codes (an anomaly) by their choices, so the order says nothing of voting order. */
export function compareCodes(a: VerificationCodeEntry, b: VerificationCodeEntry): number {
  if (a.code !== b.code) return a.code - b.code;
  const ka = JSON.stringify([a.forDecision, a.choices]);
  const kb = JSON.stringify([b.forDecision, b.choices]);
  return cmp(ka, kb);
}

export function mergeTallies(a: ContestTally, b: ContestTally): ContestTally {
  return {
    contestId: a.contestId,
    options: a.options.map((o, i) => ({ optionId: o.optionId, votes: o.votes + b.options[i].votes })),
    againstAll: a.againstAll === null ? null : a.againstAll + (b.againstAll ?? 0),
    blank: a.blank + b.blank, invalid: a.invalid + b.invalid, ballots: a.ballots + b.ballots,
  };
}

export interface ReconcileInput {
  registered: number; cardsActivated: number; cardsSpoiled: number; homeApplications: number;
  votesInPremises: number; portableVotes: number; portableMarkedVoters: number; terminalVotesWritten: number;
  recordsDelivered: number;
}

/**
 * The reconciliation rules (docs/counting.md). Adds the anomalies they find; the
 * rejected/duplicate totals are filled by the caller from the anomaly list.
 */
export function reconcile(r: ReconcileInput, anomalies: { add(code: string, device: string | null, contest: number | null, detail: string, count?: number): void }): Reconciliation {
  const outstanding = r.cardsActivated - r.cardsSpoiled - r.votesInPremises;
  if (outstanding < 0) {
    anomalies.add('votes-exceed-activations', null, null, 'more votes accumulated than cards activated (less spoiled); count = the excess', -outstanding);
  }
  if (r.votesInPremises > r.terminalVotesWritten) {
    anomalies.add('votes-exceed-terminal-counts', null, null, 'more votes accumulated than the terminals report writing; count = the excess', r.votesInPremises - r.terminalVotesWritten);
  }
  const overApplications = r.portableVotes > r.homeApplications;
  const overMarked = r.portableVotes > r.portableMarkedVoters;
  if (overApplications) {
    anomalies.add('portable-exceeds-applications', null, null, 'the portable ballot holds more votes than written applications: all its votes go to the commission for decision, not counted; count = the excess', r.portableVotes - r.homeApplications);
  }
  if (overMarked) {
    anomalies.add('portable-exceeds-marked', null, null, 'the portable ballot holds more votes than voters it marked: all its votes go to the commission for decision, not counted; count = the excess', r.portableVotes - r.portableMarkedVoters);
  }
  const portableCounted = !overApplications && !overMarked;
  return {
    registered: r.registered, cardsActivated: r.cardsActivated, cardsSpoiled: r.cardsSpoiled,
    cardsOutstanding: Math.max(0, outstanding), votesInPremises: r.votesInPremises,
    terminalVotesWritten: r.terminalVotesWritten, homeApplications: r.homeApplications,
    portableMarkedVoters: r.portableMarkedVoters, portableVotes: r.portableVotes, portableCounted,
    ballotsCounted: r.votesInPremises + (portableCounted ? r.portableVotes : 0),
    recordsDelivered: r.recordsDelivered, recordsRejected: 0, recordsDuplicate: 0,
  };
}
