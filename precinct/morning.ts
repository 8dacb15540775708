// The morning (issue 8 §3): the self-test of every device, run by the technician 30 minutes
// before voting starts (001 §4), and opening with the start password from the sealed envelope
// (001 §4-1) after a zero report shows every device holds no votes (VVSG 2.0 1.1.3-B; Brazil's
// "zerésima"). Both reports are stored in the database and printable (precinct/reports/).
import { bytesEqual, toHex } from '../protocol/bytes';
import type { PrecinctDb } from './db/open';
import { setSetting } from './db/open';
import { getDevice, type DeviceKind } from './db/devices';
import { eventLog } from './event-log';
import { PrecinctError } from './errors';
import { readCounters } from './counters';
import { checkStartPassword } from './keys/election-key';
import {
  accumulatorCounters, identify, openDevice, readEventLog, runSelfTest, setTime, status, type StatusAnswer,
} from './devices/calls';
import { DeviceError } from './devices/errors';
import { getDeviceLinkRow } from './devices/pool';
import { SETTING, dayPhase, readElection, sealedElectionKey, type DeviceWork } from './setup';

export type CheckOutcome = 'passed' | 'failed' | 'needs-operator';

export interface CheckLine { name: string; outcome: CheckOutcome; detail: string }

export interface DeviceSelfTest {
  deviceId: string;
  kind: DeviceKind;
  serial: string;
  outcome: CheckOutcome;
  /** The device's self-test run number, when it ran. */
  run: number | null;
  checks: CheckLine[];
}

export interface SelfTestSummary {
  reportId: number;
  madeAt: string;
  precinct: number;
  electionId: string;
  outcome: CheckOutcome;
  devices: DeviceSelfTest[];
}

function worst(outcomes: CheckOutcome[]): CheckOutcome {
  if (outcomes.includes('failed')) return 'failed';
  if (outcomes.includes('needs-operator')) return 'needs-operator';
  return 'passed';
}

/** The device's own check, from the self-test.report line: its detail starts with the status. */
function deviceCheck(c: { name: string; ok: boolean; detail?: string }): CheckLine {
  const d = c.detail ?? '';
  const outcome: CheckOutcome = c.ok ? 'passed' : d.startsWith('needs-operator') ? 'needs-operator' : 'failed';
  return { name: c.name, outcome, detail: d.replace(/^(passed|failed|needs-operator) /, '') };
}

/** Self-test of one device: identity, clock, election, event log (all checked here), then its own checks. */
export async function selfTestDevice(w: DeviceWork, deviceId: string, options: { pollMs?: number; waitMs?: number } = {}): Promise<DeviceSelfTest> {
  const { db, crypto } = w;
  const d = getDevice(db, deviceId);
  if (!d) throw new DeviceError('device-unknown', deviceId, 'is not enrolled');
  const out: DeviceSelfTest = { deviceId, kind: d.kind, serial: d.serial, outcome: 'passed', run: null, checks: [] };
  const add = (name: string, outcome: CheckOutcome, detail: string): void => { out.checks.push({ name, outcome, detail }); };
  const link = w.pool.link(deviceId);
  const election = readElection(db, crypto);
  try {
    const id = await identify(link);
    const row = getDeviceLinkRow(db, deviceId);
    const mismatch = id.kind !== d.kind ? `kind ${id.kind}` : id.serial !== d.serial ? `serial ${id.serial}`
      : !bytesEqual(id.publicKey, d.kexPublicKey ?? new Uint8Array(0)) ? 'link key'
        : !id.signingKey || !bytesEqual(id.signingKey, d.signPublicKey) ? 'signing key' : null;
    if (mismatch) add('identity', 'failed', `${mismatch} differs from the enrolled device: set it aside`);
    else if (row && !bytesEqual(row.firmwareHash, id.firmwareHash)) add('identity', 'failed', `firmware ${id.firmwareVersion} is not the one commissioned (${row.firmwareVersion}): call the technician`);
    else add('identity', 'passed', `${id.kind} ${id.serial}, firmware ${id.firmwareVersion}`);

    const before = await setTime(link, w.clock().getTime());
    const drift = before.previousMs === undefined ? null : Math.round((before.previousMs - w.clock().getTime()) / 1000);
    add('clock-set', 'passed', drift === null ? 'clock set (it had none)' : `clock set (it was ${drift} s off)`);

    const st = await status(link);
    if (!st.electionId) add('election-loaded', 'failed', `no election loaded (state ${st.state}): run commission --reprovision ${deviceId}`);
    else if (!bytesEqual(st.electionId, election.fingerprint)) add('election-loaded', 'failed', 'another election is loaded: run commission --reprovision');
    else add('election-loaded', 'passed', `fingerprint ${toHex(st.electionId).slice(0, 16)}…`);
    if (st.power?.source === 'battery') add('power', st.power.batteryPercent !== undefined && st.power.batteryPercent >= 20 ? 'needs-operator' : 'failed', `on battery ${st.power.batteryPercent ?? '?'} %: connect mains power`);

    try {
      const log = await readEventLog(link, crypto, { publicKey: d.signPublicKey });
      add('event-log-chain', 'passed', `${log.entries.length} entries verified${log.signed ? ', signed' : ''}`);
    } catch (e) {
      if (!(e instanceof DeviceError) || e.code !== 'device-log-broken') throw e;
      add('event-log-chain', 'failed', e.message);
    }

    const provisioned = row ? (JSON.parse(row.provisioned) as { what: string; ok: boolean; detail: string }[] | Record<string, never>) : [];
    const missing = Array.isArray(provisioned) ? provisioned.filter((s) => !s.ok) : [];
    if (missing.length > 0) add('provisioning', 'needs-operator', `not provisioned: ${missing.map((s) => s.what).join(', ')}`);

    w.progress?.(`${deviceId}: running its self-test …`);
    const r = await runSelfTest(link, w.pool.options.clock, options);
    out.run = r.run ?? null;
    for (const c of r.checks) out.checks.push(deviceCheck(c));
    if (r.checks.length === 0) add('device-self-test', r.passed ? 'passed' : 'failed', 'the device reported no checks');
  } catch (e) {
    if (!(e instanceof PrecinctError)) throw e;
    add('link', 'failed', e.message);
  }
  out.outcome = worst(out.checks.map((c) => c.outcome));
  return out;
}

/** The technician's one command: every active device's self-test, stored and logged. */
export async function selfTestAll(w: DeviceWork, options: { pollMs?: number; waitMs?: number } = {}): Promise<SelfTestSummary> {
  const { db, clock, crypto } = w;
  const election = readElection(db, crypto);
  const devices: DeviceSelfTest[] = [];
  // One at a time: the link is one request at a time anyway, and the output stays in order.
  for (const d of w.pool.devices()) {
    w.progress?.(`${d.deviceId}: self-test …`);
    const r = await selfTestDevice(w, d.deviceId, options);
    w.progress?.(`${d.deviceId}: ${r.outcome}`);
    devices.push(r);
  }
  const outcome = devices.length === 0 ? 'failed' : worst(devices.map((d) => d.outcome));
  const madeAt = clock().toISOString();
  const summary: Omit<SelfTestSummary, 'reportId'> = { madeAt, precinct: election.precinct, electionId: election.definition.electionId, outcome, devices };
  let reportId = 0;
  db.transaction(() => {
    reportId = Number(db.prepare('INSERT INTO self_test_reports (made_at, outcome, report) VALUES (?, ?, ?)').run(madeAt, outcome, JSON.stringify(summary)).lastInsertRowid);
    eventLog(db, clock).append({ event: 'self-test', disposition: outcome === 'failed' ? 'failed' : 'ok', detail: {
      reportId, outcome, devices: devices.length,
      failed: devices.filter((d) => d.outcome === 'failed').map((d) => d.deviceId).join(', '),
      needsOperator: devices.filter((d) => d.outcome === 'needs-operator').map((d) => d.deviceId).join(', '),
    } });
  }).immediate();
  return { reportId, ...summary };
}

export function latestSelfTest(db: PrecinctDb): SelfTestSummary | undefined {
  const r = db.prepare('SELECT report_id, report FROM self_test_reports ORDER BY report_id DESC LIMIT 1').get() as { report_id: number; report: string } | undefined;
  return r && { reportId: r.report_id, ...(JSON.parse(r.report) as Omit<SelfTestSummary, 'reportId'>) };
}

// ---------------------------------------------------------------- zero report and open

export interface ZeroLine {
  deviceId: string;
  kind: DeviceKind | 'precinct-computer';
  serial: string;
  reachable: boolean;
  state: string | null;
  /** Votes the device holds; null when it does not say. */
  votes: number | null;
  electionMatches: boolean;
  zero: boolean;
  /** Why it is not at zero or cannot open. */
  problem: string | null;
}

export interface ZeroReport {
  reportId: number;
  madeAt: string;
  precinct: number;
  electionId: string;
  fingerprint: string;
  allZero: boolean;
  /** The latest stored self-test, for the chairman to see before opening. */
  selfTest: { reportId: number; madeAt: string; outcome: CheckOutcome } | null;
  lines: ZeroLine[];
}

const VOTE_DETAIL_KEYS = ['accepted', 'votesStored', 'votesWritten', 'votes'] as const;

/** A device's vote count from its status detail (each device names it; see VOTE_DETAIL_KEYS). */
export function votesOf(st: StatusAnswer): number | null {
  const d = st.detail as Record<string, unknown> | undefined;
  if (!d) return null;
  for (const k of VOTE_DETAIL_KEYS) if (typeof d[k] === 'number') return d[k] as number;
  return null;
}

/** Asks every active device for its state and vote count; the precinct's own admissions too. */
export async function zeroCheck(w: DeviceWork, fingerprint: Uint8Array): Promise<ZeroLine[]> {
  const lines: ZeroLine[] = [];
  for (const d of w.pool.devices()) {
    const line: ZeroLine = { deviceId: d.deviceId, kind: d.kind, serial: d.serial, reachable: false, state: null, votes: null, electionMatches: false, zero: false, problem: null };
    try {
      const link = w.pool.link(d.deviceId);
      const st = await status(link);
      line.reachable = true;
      line.state = st.state;
      line.electionMatches = st.electionId !== undefined && bytesEqual(st.electionId, fingerprint);
      line.votes = votesOf(st);
      if (d.kind === 'accumulator') {
        const c = await accumulatorCounters(link);
        line.votes = Math.max(line.votes ?? 0, c.accepted);
      }
      if (!line.electionMatches) line.problem = 'the election is not loaded: commission --reprovision';
      else if (line.votes === null) line.problem = 'the device does not report how many votes it holds';
      else if (line.votes !== 0) line.problem = `holds ${line.votes} votes before opening: do not open; call the technician and record it`;
      else if (st.state !== 'loaded' && st.state !== 'open') line.problem = `state ${st.state}: not ready to open`;
    } catch (e) {
      if (!(e instanceof PrecinctError)) throw e;
      line.problem = e.message;
    }
    line.zero = line.reachable && line.electionMatches && line.votes === 0 && line.problem === null;
    lines.push(line);
  }
  const c = readCounters(w.db);
  const own = c.admitted + c.pending + c.votedInPremises + c.votedOutside;
  lines.push({
    deviceId: 'precinct-computer', kind: 'precinct-computer', serial: '-', reachable: true, state: dayPhase(w.db), votes: own, electionMatches: true,
    zero: own === 0, problem: own === 0 ? null : `${c.admitted + c.pending} admissions and ${c.votedInPremises + c.votedOutside} votes recorded before opening`,
  });
  return lines;
}

/** Opening refused: `report.lines` say which devices and why. */
export class OpenRefused extends PrecinctError {
  constructor(code: string, message: string, readonly report: ZeroReport | null, readonly devices: string[]) {
    super(code, message);
    this.name = 'OpenRefused';
  }
}

export interface OpenResult {
  report: ZeroReport;
  opened: { deviceId: string; openedAtMs: number | null }[];
}

/**
 * The chairman types the start password; the precinct computer checks it against the sealed
 * election key (nothing is sent before it matches), makes the zero report, refuses if any
 * device is unreachable or not at zero (listing them), then opens every device with the
 * password's verifier. Refusals: wrong-start-password, start-password-malformed,
 * open-refused-not-zero, open-incomplete (some devices refused: retry), already-open.
 */
export async function openPrecinct(w: DeviceWork, typedPassword: string): Promise<OpenResult> {
  const { db, clock, crypto } = w;
  const log = eventLog(db, clock);
  const phase = dayPhase(db);
  if (phase === 'closed') throw new OpenRefused('already-closed', 'voting was closed; it cannot be opened again', null, []);
  const election = readElection(db, crypto);
  let verifier: Uint8Array;
  try {
    verifier = await checkStartPassword(crypto, sealedElectionKey(db), typedPassword, election.fingerprint);
  } catch (e) {
    if (e instanceof PrecinctError) log.append({ event: 'open', disposition: 'refused', detail: { reason: e.code } });
    throw e;
  }
  w.progress?.('start password accepted; asking every device for its count …');
  const lines = await zeroCheck(w, election.fingerprint);
  const allZero = lines.length > 1 && lines.every((l) => l.zero);
  const report = storeZeroReport(db, clock().toISOString(), election, allZero, lines);
  log.append({ event: 'zero-report', disposition: allZero ? 'ok' : 'refused', detail: {
    reportId: report.reportId, devices: lines.length - 1, notZero: lines.filter((l) => !l.zero).map((l) => l.deviceId).join(', '),
  } });
  if (!allZero) {
    const bad = lines.filter((l) => !l.zero);
    const what = lines.length === 1 ? 'no device is commissioned' : bad.map((l) => `${l.deviceId} (${l.problem ?? 'not at zero'})`).join('; ');
    log.append({ event: 'open', disposition: 'refused', detail: { reason: 'not-zero', devices: bad.map((l) => l.deviceId).join(', ') } });
    verifier.fill(0);
    throw new OpenRefused('open-refused-not-zero', `voting cannot be opened: ${what}. Deal with each, then run open again`, report, bad.map((l) => l.deviceId));
  }
  const opened: OpenResult['opened'] = [];
  const failed: string[] = [];
  for (const l of lines) {
    if (l.kind === 'precinct-computer') continue;
    if (l.state === 'open') { opened.push({ deviceId: l.deviceId, openedAtMs: null }); continue; }
    try {
      w.progress?.(`${l.deviceId}: opening …`);
      const r = await openDevice(w.pool.link(l.deviceId), verifier);
      opened.push({ deviceId: l.deviceId, openedAtMs: r.openedAtMs ?? null });
      log.append({ event: 'device-opened', disposition: 'ok', detail: { deviceId: l.deviceId } });
    } catch (e) {
      if (!(e instanceof PrecinctError)) throw e;
      failed.push(`${l.deviceId}: ${e.message}`);
      log.append({ event: 'device-opened', disposition: 'failed', detail: { deviceId: l.deviceId, reason: e.code } });
    }
  }
  verifier.fill(0);
  if (failed.length > 0) {
    throw new OpenRefused('open-incomplete', `not every device opened — ${failed.join('; ')}. The others are open; fix these and run open again (open devices are left as they are)`, report, failed.map((f) => f.split(':')[0]));
  }
  db.transaction(() => {
    setSetting(db, SETTING.phase, 'open');
    log.append({ event: 'open', disposition: 'ok', detail: { devices: opened.length, zeroReport: report.reportId } });
  }).immediate();
  return { report, opened };
}

function storeZeroReport(db: PrecinctDb, madeAt: string, election: ReturnType<typeof readElection>, allZero: boolean, lines: ZeroLine[]): ZeroReport {
  const st = latestSelfTest(db);
  const body: Omit<ZeroReport, 'reportId'> = {
    madeAt, precinct: election.precinct, electionId: election.definition.electionId, fingerprint: toHex(election.fingerprint), allZero,
    selfTest: st ? { reportId: st.reportId, madeAt: st.madeAt, outcome: st.outcome } : null, lines,
  };
  const id = Number(db.prepare('INSERT INTO zero_reports (made_at, all_zero, report) VALUES (?, ?, ?)').run(madeAt, allZero ? 1 : 0, JSON.stringify(body)).lastInsertRowid);
  return { reportId: id, ...body };
}

export function latestZeroReport(db: PrecinctDb): ZeroReport | undefined {
  const r = db.prepare('SELECT report_id, report FROM zero_reports ORDER BY report_id DESC LIMIT 1').get() as { report_id: number; report: string } | undefined;
  return r && { reportId: r.report_id, ...(JSON.parse(r.report) as Omit<ZeroReport, 'reportId'>) };
}
