// The common messages (docs/protocol.md §5) as calls on a DeviceLink, with the work around
// them: polling the self-test, verifying the event log page by page (verifyEventPage, chained
// across pages), sending the election definition in chunks, reading results page by page.
// Device-specific messages: accumulator.load-keys / .counters, terminal.provision / .counters,
// portable.load-setup / .load-voters / .counters / .upload.*. A firmware that does not answer
// one gives device-not-supported.
import {
  Close, EventLogRead, Identify, LoadElection, MAX_ELECTION_CHUNK, MAX_PAGE_ENTRIES, Open, ResultsRead, SelfTestReport, SelfTestRun, SetTime, Status,
  type RequestOf, type ResponseOf,
} from '../../protocol/wire/messages';
import { Counters as AccumulatorCounters, LoadKeys as AccumulatorLoadKeys } from '../../accumulator/messages';
import { Counters as TerminalCounters, Provision as TerminalProvision } from '../../terminal/messages';
import {
  Counters as PortableCounters, LoadSetup as PortableLoadSetup, LoadVoters as PortableLoadVoters, MAX_MARKS_PAGE, MAX_UPLOAD_PAGE,
  UploadMarks as PortableUploadMarks, UploadSummaryMsg as PortableUploadSummary, UploadVotes as PortableUploadVotes,
} from '../../portable-ballot/messages';
import { homeListDigest, type HomeVoter } from '../../portable-ballot/voter-list';
import { bytesEqual } from '../../protocol/bytes';
import { verifyEventPage, type EventEntry } from '../../runtime/event-log';
import type { CryptoPort } from '../../protocol/crypto/port';
import type { ClockPort } from '../../runtime/ports';
import { DeviceError } from './errors';
import type { DeviceLink } from './link';

export type IdentifyAnswer = ResponseOf<typeof Identify>;
export type StatusAnswer = ResponseOf<typeof Status>;
export type SelfTestAnswer = ResponseOf<typeof SelfTestReport>;

export type Progress = (done: number, total: number) => void;

export function identify(link: DeviceLink): Promise<IdentifyAnswer> { return link.call(Identify, {}); }
export function status(link: DeviceLink): Promise<StatusAnswer> { return link.call(Status, {}); }
export function setTime(link: DeviceLink, wallClockMs: number): Promise<ResponseOf<typeof SetTime>> {
  return link.call(SetTime, { wallClockMs: Math.floor(wallClockMs) });
}
export function openDevice(link: DeviceLink, verifier: Uint8Array): Promise<ResponseOf<typeof Open>> { return link.call(Open, { password: verifier }); }
export function closeDevice(link: DeviceLink): Promise<ResponseOf<typeof Close>> { return link.call(Close, {}); }

const sleep = (clock: ClockPort, ms: number): Promise<void> => new Promise((r) => { clock.setTimeout(ms, r); });

/**
 * Starts a self-test and waits for its report (polled every pollMs, at most waitMs: a device's
 * automatic part is budgeted at 10 s; operator checks may add more).
 */
export async function runSelfTest(link: DeviceLink, clock: ClockPort, options: { pollMs?: number; waitMs?: number } = {}): Promise<SelfTestAnswer> {
  let run: number;
  try {
    ({ run } = await link.call(SelfTestRun, {}));
  } catch (e) {
    // A run already under way (started at power-on, or by a call that timed out): wait for it.
    if (!(e instanceof DeviceError) || e.remoteCode !== 'busy') throw e;
    const r = await link.call(SelfTestReport, {});
    if (r.state !== 'running' || r.run === undefined) throw e;
    run = r.run;
  }
  const pollMs = options.pollMs ?? 200;
  const deadline = clock.monotonicMs() + (options.waitMs ?? 90_000);
  for (;;) {
    const r = await link.call(SelfTestReport, {});
    if (r.state === 'done' && r.run === run) return r;
    if (r.state === 'never-run' || (r.run !== undefined && r.run !== run)) {
      throw new DeviceError('device-bad-answer', link.deviceId, `self-test run ${run} was started but the device reports ${r.state} run ${r.run ?? '-'}`);
    }
    if (clock.monotonicMs() > deadline) throw new DeviceError('device-unreachable', link.deviceId, `self-test run ${run} did not finish in time`);
    await sleep(clock, pollMs);
  }
}

export interface VerifiedLog {
  entries: EventEntry[];
  /** Hash of the last entry (the head to write down). */
  lastHash: Uint8Array;
  /** Every page was signed by the device's key (when one was given). */
  signed: boolean;
}

/** Reads the whole event log and verifies its chain across pages; throws device-log-broken. */
export async function readEventLog(link: DeviceLink, crypto: CryptoPort, options: { publicKey?: Uint8Array; progress?: Progress } = {}): Promise<VerifiedLog> {
  const entries: EventEntry[] = [];
  let from = 1;
  let prevHash: Uint8Array | undefined;
  let signed = options.publicKey !== undefined;
  for (;;) {
    const r = await link.call(EventLogRead, { from, limit: MAX_PAGE_ENTRIES });
    const v = verifyEventPage(r.page, crypto, { prevHash, fromSeq: from, publicKey: options.publicKey });
    if (!v.ok) throw new DeviceError('device-log-broken', link.deviceId, `event log entry ${v.seq}: ${v.reason}`);
    if (v.entries.length === 0) {
      if (from <= r.total) throw new DeviceError('device-log-broken', link.deviceId, `the device reports ${r.total} entries but returned none from ${from}`);
      return { entries, lastHash: v.lastHash, signed };
    }
    if (r.next !== v.lastSeq + 1) throw new DeviceError('device-bad-answer', link.deviceId, `event-log.read next ${r.next} after entries up to ${v.lastSeq}`);
    signed = signed && v.signed;
    entries.push(...v.entries);
    prevHash = v.lastHash;
    from = r.next;
    options.progress?.(entries.length, r.total);
  }
}

/** Sends a signed election definition in chunks; returns the electionId the device computed. */
export async function loadElection(link: DeviceLink, signed: Uint8Array, progress?: Progress): Promise<Uint8Array> {
  let offset = 0;
  for (;;) {
    const chunk = signed.subarray(offset, Math.min(signed.length, offset + MAX_ELECTION_CHUNK));
    const r = await link.call(LoadElection, { total: signed.length, offset, chunk });
    offset += chunk.length;
    if (r.received !== offset) throw new DeviceError('device-bad-answer', link.deviceId, `load-election: device has ${r.received} bytes, ${offset} were sent`);
    progress?.(offset, signed.length);
    if (offset === signed.length) {
      if (!r.electionId) throw new DeviceError('device-bad-answer', link.deviceId, 'load-election: the last chunk was not answered with the election id');
      return r.electionId;
    }
  }
}

/** Reads every results record (after close), page by page. */
export async function readResults(link: DeviceLink, progress?: Progress): Promise<Uint8Array[]> {
  const records: Uint8Array[] = [];
  let from = 0;
  for (;;) {
    const r = await link.call(ResultsRead, { from, limit: MAX_PAGE_ENTRIES });
    if (r.next !== from + r.records.length) throw new DeviceError('device-bad-answer', link.deviceId, `results.read from ${from}: ${r.records.length} records but next ${r.next}`);
    records.push(...r.records);
    progress?.(records.length, r.total);
    if (r.records.length === 0) {
      if (records.length !== r.total) throw new DeviceError('device-bad-answer', link.deviceId, `results.read: ${records.length} records read, the device reports ${r.total}`);
      return records;
    }
    from = r.next;
  }
}

// ---- device-specific ----

export type AccumulatorKeys = RequestOf<typeof AccumulatorLoadKeys>;

export function accumulatorLoadKeys(link: DeviceLink, keys: AccumulatorKeys): Promise<ResponseOf<typeof AccumulatorLoadKeys>> {
  return link.call(AccumulatorLoadKeys, keys);
}

export function accumulatorCounters(link: DeviceLink): Promise<ResponseOf<typeof AccumulatorCounters>> {
  return link.call(AccumulatorCounters, {});
}

/**
 * A provisioning step the device's firmware has no message for yet (terminal and portable
 * ballot keys and verification-code sets): a typed refusal, reported, never a silent skip.
 */
export function provisionNotSupported(deviceId: string, kind: string, what: string): DeviceError {
  return new DeviceError('device-not-supported', deviceId, `the ${kind} firmware has no message to load ${what} yet`);
}

// ---- terminal (terminal/messages.ts) ----

export type TerminalProvisioning = RequestOf<typeof TerminalProvision>;

export function terminalProvision(link: DeviceLink, p: TerminalProvisioning): Promise<ResponseOf<typeof TerminalProvision>> {
  return link.call(TerminalProvision, p);
}

export function terminalCounters(link: DeviceLink): Promise<ResponseOf<typeof TerminalCounters>> {
  return link.call(TerminalCounters, {});
}

// ---- portable ballot (portable-ballot/messages.ts) ----

export type PortableSetup = RequestOf<typeof PortableLoadSetup>;

export function portableLoadSetup(link: DeviceLink, s: PortableSetup): Promise<ResponseOf<typeof PortableLoadSetup>> {
  return link.call(PortableLoadSetup, s);
}

export function portableCounters(link: DeviceLink): Promise<ResponseOf<typeof PortableCounters>> {
  return link.call(PortableCounters, {});
}

/** Voters per portable.load-voters chunk: a voter's row is up to ~230 bytes; 12 stay well inside a frame. */
export const VOTERS_PER_CHUNK = 12;

/** Sends the home-voter list in chunks (ascending register numbers), the digest with the last. */
export async function portableLoadVoters(link: DeviceLink, crypto: CryptoPort, fingerprint: Uint8Array, voters: readonly HomeVoter[], progress?: Progress): Promise<Uint8Array> {
  const sorted = [...voters].sort((a, b) => a.registerNo - b.registerNo);
  const digest = homeListDigest(crypto, fingerprint, sorted);
  const row = (v: HomeVoter) => [v.registerNo, v.surname, v.firstName, v.patronymic, v.birthDate, v.address, v.appliedAt];
  let offset = 0;
  for (;;) {
    const chunk = sorted.slice(offset, offset + VOTERS_PER_CHUNK);
    const last = offset + chunk.length === sorted.length;
    const r = await link.call(PortableLoadVoters, { electionFingerprint: fingerprint, total: sorted.length, offset, voters: chunk.map(row), digest: last ? digest : undefined });
    offset += chunk.length;
    progress?.(offset, sorted.length);
    if (r.received !== offset) throw new DeviceError('device-bad-answer', link.deviceId, `portable.load-voters: the device has ${r.received} voters, ${offset} were sent`);
    if (last) {
      if (!r.listDigest || !bytesEqual(r.listDigest, digest)) throw new DeviceError('device-bad-answer', link.deviceId, 'the device\'s list digest differs from the list sent');
      return digest;
    }
  }
}

export interface PortableUpload {
  summary: ResponseOf<typeof PortableUploadSummary>;
  registerNos: number[];
  votes: { activation: Uint8Array; vote: Uint8Array }[];
}

/** After close: the signed summary, the marked voters and the [activation, vote] pairs, paged. */
export async function portableUpload(link: DeviceLink, progress?: Progress): Promise<PortableUpload> {
  const summary = await link.call(PortableUploadSummary, {});
  const registerNos: number[] = [];
  for (let from = 0; ;) {
    const r = await link.call(PortableUploadMarks, { from, limit: MAX_MARKS_PAGE });
    registerNos.push(...r.registerNos);
    if (r.registerNos.length === 0 || r.next >= r.total) break;
    from = r.next;
  }
  const votes: PortableUpload['votes'] = [];
  for (let from = 0; ;) {
    const r = await link.call(PortableUploadVotes, { from, limit: MAX_UPLOAD_PAGE });
    votes.push(...r.votes);
    progress?.(votes.length, r.total);
    if (r.votes.length === 0 || r.next >= r.total) break;
    from = r.next;
  }
  if (registerNos.length !== summary.marked || votes.length !== summary.votes) {
    throw new DeviceError('device-bad-answer', link.deviceId, `upload: ${registerNos.length} marks and ${votes.length} votes read, the signed summary says ${summary.marked} and ${summary.votes}`);
  }
  return { summary, registerNos, votes };
}
