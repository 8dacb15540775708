// Close (issue 8 §10): end voting on every device, then collect each device's data
// (results.read, paged) into the database for counting — the raw records per device with a
// fingerprint — and say which devices are missing: counting waits for every one (001 §17).
import { encodeCbor, decodeCbor, type CborValue } from '../../protocol/cbor';
import type { Delivery, StoredVote } from '../count/types';
import { toHex } from '../../protocol/bytes';
import { setSetting } from '../db/open';
import type { PrecinctDb } from '../db/open';
import { getDevice, listDevices, type DeviceKind } from '../db/devices';
import { eventLog } from '../event-log';
import { PrecinctError } from '../errors';
import { recordAccumulatedCount } from '../counters';
import { SETTING, dayPhase, deviceDataFingerprint, readElection, type DeviceWork } from '../setup';
import { UploadError, verifyUpload, type ExcessReason, type VerifiedUpload } from '../../portable-ballot/upload';
import { DeviceError } from './errors';
import { closeDevice, portableUpload, readResults, status, terminalCounters } from './calls';
import { getSetting } from '../db/open';
import { homeVoting } from '../home-voting';

/** Kinds that hold data for counting (a card writer holds none). */
export const COLLECTED_KINDS: readonly DeviceKind[] = ['terminal', 'accumulator', 'portable-ballot'];

export interface CollectedDevice { deviceId: string; kind: DeviceKind; records: number; fingerprint: string }
export interface MissingDevice { deviceId: string; kind: DeviceKind; problem: string }

export interface CloseResult {
  collected: CollectedDevice[];
  missing: MissingDevice[];
  /** What the commission should know (marks not applied, votes set aside by a device). */
  notes: string[];
  /** true when every device's data is in: counting may start. */
  complete: boolean;
}

/** Closes and collects every active device; safe to run again for the missing ones. */
export async function closeAndCollect(w: DeviceWork): Promise<CloseResult> {
  const { db, clock, crypto } = w;
  const log = eventLog(db, clock);
  if (dayPhase(db) === 'setup') throw new PrecinctError('not-open', 'voting was never opened: there is nothing to close');
  if (dayPhase(db) === 'open') {
    db.transaction(() => {
      setSetting(db, SETTING.phase, 'closed');
      log.append({ event: 'close', disposition: 'ok', detail: {} });
    }).immediate();
  }
  const collected: CollectedDevice[] = [];
  const missing: MissingDevice[] = [];
  const notes: string[] = [];
  for (const d of listDevices(db).filter((x) => x.status !== 'withdrawn' && COLLECTED_KINDS.includes(x.kind))) {
    const have = storedDeviceData(db, d.deviceId);
    if (have) { collected.push({ deviceId: d.deviceId, kind: d.kind, records: have.records.length, fingerprint: toHex(have.fingerprint) }); continue; }
    try {
      const link = w.pool.link(d.deviceId);
      const st = await status(link);
      if (st.state === 'open') {
        w.progress?.(`${d.deviceId}: closing …`);
        await closeDevice(link);
        log.append({ event: 'device-closed', disposition: 'ok', detail: { deviceId: d.deviceId } });
      }
      w.progress?.(`${d.deviceId}: reading its data …`);
      const records = await readDeviceData(w, d.deviceId, d.kind, notes);
      const fp = deviceDataFingerprint(crypto, d.deviceId, d.kind, records);
      db.transaction(() => {
        db.prepare('INSERT INTO device_data (device_id, collected_at, record_count, records, fingerprint) VALUES (?, ?, ?, ?, ?)')
          .run(d.deviceId, clock().toISOString(), records.length, encodeCbor(records), fp);
        log.append({ event: 'device-data-collected', disposition: 'ok', detail: { deviceId: d.deviceId, records: records.length, fingerprint: toHex(fp) } });
      }).immediate();
      if (d.kind === 'accumulator' && d.status === 'active') {
        try { recordAccumulatedCount(db, clock, d.deviceId, records.length); } catch { /* logged by recordAccumulatedCount; the data are stored regardless */ }
      }
      collected.push({ deviceId: d.deviceId, kind: d.kind, records: records.length, fingerprint: toHex(fp) });
    } catch (e) {
      if (!(e instanceof PrecinctError)) throw e;
      missing.push({ deviceId: d.deviceId, kind: d.kind, problem: e.message });
      log.append({ event: 'device-data-collected', disposition: 'failed', detail: { deviceId: d.deviceId, reason: e.code } });
    }
  }
  return { collected, missing, complete: missing.length === 0 && collected.length > 0, notes };
}

/** The record a terminal's data is kept as: it holds no votes, only how many it wrote to cards. */
export const TERMINAL_RECORD_KIND = 'sailau/terminal-votes-written';

/**
 * One device's data, as raw records: an accumulator's results.read records; a terminal's
 * count of votes written (terminal.counters), as one record; the portable ballot's upload
 * (portable.upload.*): its [activation, vote] pairs, and the voters it marked, which are
 * marked as having voted outside in the home-voting list.
 */
async function readDeviceData(w: DeviceWork, deviceId: string, kind: DeviceKind, notes: string[]): Promise<Uint8Array[]> {
  const link = w.pool.link(deviceId);
  const progress = (n: number, total: number): void => w.progress?.(`${deviceId}: ${n}/${total} records`);
  if (kind === 'terminal') {
    const c = await terminalCounters(link);
    return [encodeCbor({ kind: TERMINAL_RECORD_KIND, votesWritten: c.votes })];
  }
  if (kind === 'portable-ballot') {
    const up = await portableUpload(link, progress);
    // Signed by this device's enrolled key, pages matching the signed digests, every vote its own: else nothing is used.
    const device = getDevice(w.db, deviceId)!;
    const election = readElection(w.db, w.crypto);
    let verified: VerifiedUpload;
    try {
      verified = verifyUpload(w.crypto, device.signPublicKey, { electionFingerprint: election.fingerprint, precinct: election.precinct },
        { summary: { ...up.summary, forDecision: up.summary.forDecision as ExcessReason[] }, marks: up.registerNos, votes: up.votes });
    } catch (e) {
      if (e instanceof UploadError) throw new DeviceError('device-bad-answer', deviceId, `its upload does not verify (${e.message}); keep the device sealed and call the technician`);
      throw e;
    }
    if (verified.forDecision.length > 0) notes.push(`${deviceId}: by the precinct's own check its votes go to the commission's decision (${verified.forDecision.join(', ')})`);
    const day = getSetting(w.db, SETTING.electionDate);
    try {
      if (!day) throw new PrecinctError('precinct-not-created', 'no election date');
      homeVoting(w.db, w.clock, { electionDay: day }).markVotedOutside(up.registerNos);
    } catch (e) {
      if (!(e instanceof PrecinctError)) throw e;
      notes.push(`${deviceId}: its ${up.registerNos.length} marked voters could not be marked in the home-voting list (${e.message}); the commission checks the applications by hand`);
    }
    if (up.summary.forDecision.length > 0) notes.push(`${deviceId}: the device set its votes aside for the commission's decision (${up.summary.forDecision.join(', ')})`);
    return up.votes.map((v) => encodeCbor([v.activation, v.vote]));
  }
  return readResults(link, progress);
}

export interface StoredDeviceData { deviceId: string; collectedAt: string; records: Uint8Array[]; fingerprint: Uint8Array }

export function storedDeviceData(db: PrecinctDb, deviceId: string): StoredDeviceData | undefined {
  const r = db.prepare('SELECT device_id, collected_at, records, fingerprint FROM device_data WHERE device_id = ?').get(deviceId) as
    { device_id: string; collected_at: string; records: Uint8Array; fingerprint: Uint8Array } | undefined;
  if (!r) return undefined;
  const records = decodeCbor(new Uint8Array(r.records)) as Uint8Array[];
  return { deviceId: r.device_id, collectedAt: r.collected_at, records, fingerprint: new Uint8Array(r.fingerprint) };
}

/**
 * What counting takes (precinct/count/types.ts Delivery) from the stored data. An accumulator
 * reads out bare vote records (it checked each card's activation when it took the card and
 * never reads activations out); a portable ballot's record carries its own activation with the
 * vote, as CBOR [activation, vote] or { activation, vote }, and one that does not is refused
 * (count-records-format) rather than guessed at. A terminal holds no votes: its one record is
 * its count of votes written to cards.
 */
export function collectedDeliveries(db: PrecinctDb): Delivery[] {
  const out: Delivery[] = [];
  for (const d of listDevices(db)) {
    const data = storedDeviceData(db, d.deviceId);
    if (!data) continue;
    if (d.kind === 'terminal') out.push({ deviceId: d.deviceId, kind: 'terminal', votesWritten: terminalVotes(d.deviceId, data.records) });
    else if (d.kind === 'accumulator') out.push({ deviceId: d.deviceId, kind: 'accumulator', records: data.records.map((vote) => ({ vote })), reportedCount: data.records.length });
    else if (d.kind === 'portable-ballot') {
      const marked = (db.prepare("SELECT count(*) AS n FROM home_applications WHERE status = 'voted'").get() as { n: number }).n;
      out.push({ deviceId: d.deviceId, kind: 'portable-ballot', records: data.records.map((r, i) => storedVote(d.deviceId, i, r)), markedVoters: marked });
    }
  }
  return out;
}

function terminalVotes(deviceId: string, records: Uint8Array[]): number {
  let v: CborValue = null;
  try { if (records.length === 1) v = decodeCbor(records[0]); } catch { v = null; }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map) && v.kind === TERMINAL_RECORD_KIND && typeof v.votesWritten === 'number') return v.votesWritten;
  throw new PrecinctError('count-records-format', `${deviceId}: its stored data is not a terminal's count of votes written`);
}

function storedVote(deviceId: string, index: number, record: Uint8Array): StoredVote {
  let v: CborValue;
  try { v = decodeCbor(record); } catch { v = null; }
  if (Array.isArray(v) && v.length === 2 && v[0] instanceof Uint8Array && v[1] instanceof Uint8Array) return { activation: v[0], vote: v[1] };
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map) && v.activation instanceof Uint8Array && v.vote instanceof Uint8Array) {
    return { activation: v.activation, vote: v.vote };
  }
  throw new PrecinctError('count-records-format', `${deviceId} record ${index} is not an [activation, vote] pair: counting needs the card's activation with each vote (the device's results.read record format and precinct/count must agree)`);
}
