// Observers may learn at any moment how many have voted in the premises (002 art. 20-1 §2.2):
// the accumulators' own counts, asked over their links, kept in the database as the last
// known figure (precinct/counters.ts), so the counters still print when a link is down.
import { listDevices } from '../db/devices';
import { recordAccumulatedCount } from '../counters';
import type { DeviceWork } from '../setup';
import { accumulatorCounters } from './calls';

export interface CountRefresh { deviceId: string; accepted?: number; error?: string }

/** Asks every active accumulator for its count of accepted cards and records it. */
export async function refreshAccumulatedCounts(w: DeviceWork): Promise<CountRefresh[]> {
  const out: CountRefresh[] = [];
  for (const d of listDevices(w.db).filter((x) => x.kind === 'accumulator' && x.status === 'active')) {
    try {
      const c = await accumulatorCounters(w.pool.link(d.deviceId));
      recordAccumulatedCount(w.db, w.clock, d.deviceId, c.accepted);
      out.push({ deviceId: d.deviceId, accepted: c.accepted });
    } catch (e) {
      out.push({ deviceId: d.deviceId, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
