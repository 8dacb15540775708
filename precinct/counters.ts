// Figures observers may ask for at any time (002 art. 20-1 §2.2): admitted, voted in the
// premises (as the accumulators report), voted outside (from the portable ballot's upload),
// cards activated and not yet accumulated. All are totals: nothing here is per voter.
import type { PrecinctDb } from './db/open';
import type { Clock } from './db/clock';
import { getDevice } from './db/devices';
import { eventLog } from './event-log';
import { PrecinctError } from './errors';

export interface Counters {
  registered: number;
  /** admissions completed = cards activated at the desk */
  admitted: number;
  /** admissions whose card activation has not finished */
  pending: number;
  /** sum of the latest count each accumulator reported */
  votedInPremises: number;
  /** cards activated and not yet accumulated: admitted − votedInPremises (never below 0) */
  cardsOutstanding: number;
  homeApplications: number;
  /** voters the portable ballot's upload marked as voted outside */
  votedOutside: number;
  /** votedInPremises + votedOutside */
  votedTotal: number;
}

const one = (db: PrecinctDb, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

export function readCounters(db: PrecinctDb): Counters {
  return db.transaction((): Counters => {
    const registered = one(db, 'SELECT count(*) AS n FROM voters');
    const admitted = one(db, "SELECT count(*) AS n FROM admissions WHERE status = 'admitted'");
    const pending = one(db, "SELECT count(*) AS n FROM admissions WHERE status = 'pending'");
    const votedInPremises = one(db, "SELECT coalesce(sum(c.count), 0) AS n FROM device_counts c JOIN devices d USING (device_id) WHERE d.kind = 'accumulator'");
    const homeApplications = one(db, "SELECT count(*) AS n FROM home_applications WHERE status <> 'withdrawn'");
    const votedOutside = one(db, "SELECT count(*) AS n FROM home_applications WHERE status = 'voted'");
    return {
      registered, admitted, pending, votedInPremises,
      cardsOutstanding: Math.max(0, admitted - votedInPremises),
      homeApplications, votedOutside, votedTotal: votedInPremises + votedOutside,
    };
  })();
}

/**
 * The accumulator side calls this with an accumulator's running total of votes it has
 * added. Counts only grow: a lower count than the last one is refused and logged (a
 * reset or a replayed old report), as is a report from a device that is not an
 * enrolled, active accumulator.
 */
export function recordAccumulatedCount(db: PrecinctDb, clock: Clock, deviceId: string, count: number): void {
  const log = eventLog(db, clock);
  const device = getDevice(db, deviceId);
  let problem: [string, string] | null = null;
  if (!Number.isSafeInteger(count) || count < 0) problem = ['count-invalid', `count ${count} is not a non-negative integer`];
  else if (!device || device.kind !== 'accumulator') problem = ['count-unknown-device', `${deviceId} is not an enrolled accumulator; enroll it before it reports`];
  else if (device.status !== 'active') problem = ['count-inactive-device', `accumulator ${deviceId} is ${device.status}; its reports are not counted`];
  if (!problem) {
    problem = db.transaction((): [string, string] | null => {
      const prev = db.prepare('SELECT count FROM device_counts WHERE device_id = ?').get(deviceId) as { count: number } | undefined;
      if (prev && count < prev.count) return ['count-decreased', `accumulator ${deviceId} reported ${count} after ${prev.count}; counts never decrease — call the specialist (a reset or replayed report)`];
      if (prev && count === prev.count) return null;
      db.prepare('INSERT INTO device_counts (device_id, count, reported_at) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET count = excluded.count, reported_at = excluded.reported_at')
        .run(deviceId, count, clock().toISOString());
      return null;
    }).immediate();
  }
  if (problem) {
    log.append({ event: 'accumulated-count', disposition: 'rejected', detail: { deviceId, count: Number.isFinite(count) ? count : null, reason: problem[0] } });
    throw new PrecinctError(problem[0], problem[1]);
  }
}

/** Writes the current totals to the event log (e.g. at the hourly turnout report). */
export function logCounters(db: PrecinctDb, clock: Clock): Counters {
  const c = readCounters(db);
  eventLog(db, clock).append({ event: 'counters', disposition: 'info', detail: { ...c } });
  return c;
}
