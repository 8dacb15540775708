// Observers' counters during the day: the accumulators are asked for their counts over the
// link; an unreachable one keeps its last known figure (002 art. 20-1 §2.2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commissionDevice } from '../precinct/setup';
import { openPrecinct, selfTestAll } from '../precinct/morning';
import { readCounters } from '../precinct/counters';
import { refreshAccumulatedCounts } from '../precinct/devices/observers';
import { makeAccumulator, makeTerminal, station } from './precinct-devices-rig';

test('counters follow the accumulator while linked and keep the last count when it is not', async () => {
  const s = await station();
  try {
    const term = makeTerminal('t1');
    const acc = makeAccumulator('a1');
    await commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(term), devicePublicKey: term.noisePublic });
    await commissionDevice(s.work, { kind: 'accumulator', address: s.plugMemory(acc), devicePublicKey: acc.noisePublic });
    await selfTestAll(s.work, { pollMs: 20 });
    await openPrecinct(s.work, s.password);
    assert.equal(await refreshAccumulatedCounts(s.work), [{ deviceId: 'accumulator-1', accepted: 0 }]);
    assert.is(readCounters(s.db).votedInPremises, 0);

    // The device's own count moves (cards taken): the precinct learns it on the next refresh.
    const real = acc.acc.counters.bind(acc.acc);
    acc.acc.counters = () => ({ ...real(), accepted: 5 });
    assert.equal(await refreshAccumulatedCounts(s.work), [{ deviceId: 'accumulator-1', accepted: 5 }]);
    assert.is(readCounters(s.db).votedInPremises, 5);

    // Unplugged: reported as unreachable, the last known count stays.
    s.pairs.get('a1')!.disconnect();
    const r = await refreshAccumulatedCounts(s.work);
    assert.is(r.length, 1);
    assert.ok(r[0].error !== undefined && r[0].accepted === undefined);
    assert.is(readCounters(s.db).votedInPremises, 5);
  } finally { await s.dispose(); }
});

test.run();
