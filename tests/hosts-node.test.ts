// The Node host's simple adapters and the virtual clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeClock } from '../hosts/node/clock';
import { SimulatedPower } from '../hosts/node/power';
import { SimulatedButtons } from '../hosts/node/buttons';
import { memoryLinkPair, splitFault, corruptFault, dropFault, composeFaults } from '../hosts/node/memory-link';
import { VirtualClock } from '../runtime/virtual-clock';
import { bytesEqual, concatBytes } from '../protocol/bytes';

test('virtual clock: timers fire in due order with the clock at their due time; clear works', () => {
  const c = new VirtualClock({ startMs: 100 });
  const fired: [string, number][] = [];
  c.setTimeout(30, () => fired.push(['b', c.monotonicMs()]));
  c.setTimeout(10, () => { fired.push(['a', c.monotonicMs()]); c.setTimeout(5, () => fired.push(['a2', c.monotonicMs()])); });
  const h = c.setTimeout(20, () => fired.push(['never', 0]));
  c.setTimeout(30, () => fired.push(['b2', c.monotonicMs()]));
  c.clearTimeout(h);
  c.advance(29);
  assert.equal(fired, [['a', 110], ['a2', 115]]);
  assert.is(c.monotonicMs(), 129);
  c.advance(1);
  assert.equal(fired.slice(2), [['b', 130], ['b2', 130]]);
  assert.is(c.pendingTimers, 0);
});

test('virtual clock: wall clock unknown until set, then runs with monotonic time', () => {
  const c = new VirtualClock();
  assert.is(c.wallClockMs(), undefined);
  c.setWallClock(1_700_000_000_000);
  c.advance(1500);
  assert.is(c.wallClockMs(), 1_700_000_001_500);
});

test('virtual clock: runUntilSettled drives async code and detects a deadlock', async () => {
  const c = new VirtualClock();
  const sleep = (ms: number) => new Promise<void>((r) => c.setTimeout(ms, r));
  const v = await c.runUntilSettled((async () => { await sleep(1000); await sleep(500); return c.monotonicMs(); })());
  assert.is(v, 1500);
  try { await c.runUntilSettled(new Promise(() => {})); assert.unreachable(); }
  catch (e) { assert.match((e as Error).message, /other than a timer/); }
  try { await c.runUntilSettled(Promise.reject(new Error('x'))); assert.unreachable(); }
  catch (e) { assert.is((e as Error).message, 'x'); }
});

test('node clock: monotonic advances, timers fire and clear, wall clock unknown until set', async () => {
  const c = new NodeClock();
  assert.is(c.wallClockMs(), undefined);
  const t0 = c.monotonicMs();
  let cleared = false;
  const h = c.setTimeout(5, () => { cleared = true; });
  c.clearTimeout(h);
  await new Promise<void>((r) => c.setTimeout(20, r));
  assert.ok(c.monotonicMs() - t0 >= 19);
  assert.not.ok(cleared);
  c.setWallClock(1_800_000_000_000);
  assert.ok(Math.abs(c.wallClockMs()! - 1_800_000_000_000) < 50);
  assert.ok(Math.abs(new NodeClock({ trustHostWallClock: true }).wallClockMs()! - Date.now()) < 50);
});

test('power and buttons simulators', () => {
  const p = new SimulatedPower();
  assert.equal(p.status(), { source: 'mains', batteryPercent: 100 });
  p.setSource('battery'); p.setBatteryPercent(12);
  assert.equal(p.status(), { source: 'battery', batteryPercent: 12 });
  assert.throws(() => p.setBatteryPercent(101));
  assert.equal(new SimulatedPower({ batteryPercent: undefined }).status().batteryPercent, undefined);
  const b = new SimulatedButtons(['1', '2']);
  const pressed: string[] = [];
  b.onPress((n) => pressed.push(n));
  b.press('2'); b.press('1');
  assert.equal(pressed, ['2', '1']);
  assert.throws(() => b.press('3'), /no button/);
});

test('memory link: in order, never re-entrant, both directions', async () => {
  const pair = memoryLinkPair();
  const got: number[] = [];
  let inWrite = false;
  pair.b.onReceive((bytes) => { assert.not.ok(inWrite, 'delivered during write'); got.push(...bytes); pair.b.write(bytes.map((x) => x + 1)); });
  const back: number[] = [];
  pair.a.onReceive((bytes) => back.push(...bytes));
  const buf = Uint8Array.of(1, 2);
  inWrite = true; pair.a.write(buf); inWrite = false;
  buf[0] = 99; // the link copied it
  pair.a.write(Uint8Array.of(3));
  await pair.settle();
  assert.equal(got, [1, 2, 3]);
  assert.equal(back, [2, 3, 4]);
});

test('memory link: disconnect loses bytes in flight, notifies both ends; reconnect', async () => {
  const pair = memoryLinkPair();
  const got: number[] = [];
  const ev: string[] = [];
  pair.b.onReceive((bytes) => got.push(...bytes));
  pair.a.onConnectionChange((c) => ev.push(`a${c}`));
  pair.b.onConnectionChange((c) => ev.push(`b${c}`));
  pair.a.write(Uint8Array.of(1));
  pair.disconnect();
  pair.a.write(Uint8Array.of(2));
  await pair.settle();
  pair.connect();
  pair.a.write(Uint8Array.of(3));
  await pair.settle();
  assert.equal(got, [3]);
  assert.equal(ev, ['afalse', 'bfalse', 'atrue', 'btrue']);
});

test('memory link faults: split keeps the bytes, corrupt and drop change them deterministically', async () => {
  const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  const run = async (fault: Parameters<typeof memoryLinkPair>[0]) => {
    const pair = memoryLinkPair(fault);
    const chunks: Uint8Array[] = [];
    pair.b.onReceive((b) => chunks.push(b));
    for (let i = 0; i < 1000; i += 100) pair.a.write(data.subarray(i, i + 100));
    await pair.settle();
    return chunks;
  };
  const split = await run({ fault: splitFault(1, 5) });
  assert.ok(split.length > 200);
  assert.ok(bytesEqual(concatBytes(...split), data));
  const corrupt1 = concatBytes(...(await run({ fault: corruptFault(7, 0.5) })));
  const corrupt2 = concatBytes(...(await run({ fault: corruptFault(7, 0.5) })));
  assert.is(corrupt1.length, 1000);
  assert.not.ok(bytesEqual(corrupt1, data));
  assert.ok(bytesEqual(corrupt1, corrupt2), 'same seed, same faults');
  const dropped = concatBytes(...(await run({ fault: composeFaults(dropFault(3, 0.3), splitFault(2)) })));
  assert.ok(dropped.length < 1000 && dropped.length % 100 === 0);
  const onlyBack = concatBytes(...(await run({ fault: dropFault(3, 1, 'b->a') })));
  assert.ok(bytesEqual(onlyBack, data));
});

test.run();
