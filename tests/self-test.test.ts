// The self-test framework: failures are contained, time-outs and the budget hold, the
// report encodes deterministically and decodes strictly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SelfTest, flashCheck, clockCheck, batteryCheck, buttonsCheck, screenCheck, cardReaderCheck,
  journalCheck, eventLogCheck, keysCheck, electionCheck, encodeSelfTestReport, decodeSelfTestReport,
  summarise, passed, failed, selfTestReportMessage, SelfTestRuns, registerCommonChecks, selfTestOutcome, type SelfTestReport,
} from '../runtime/self-test';
import { SimFlash } from '../runtime/flash/sim';
import { Journal } from '../runtime/journal';
import { EventLog } from '../runtime/event-log';
import { EVENTS } from '../runtime/events';
import { nobleCrypto } from '../protocol/crypto/noble';
import { SelfTestReport as SelfTestReportMessage } from '../protocol/wire/messages';
import { VirtualClock } from '../runtime/virtual-clock';
import type { CardReaderPort, DisplayPort, FlashPort } from '../runtime/ports';
import { SimulatedPower } from '../hosts/node/power';
import { SimulatedButtons } from '../hosts/node/buttons';
import { ProtocolError, toHex } from '../protocol/bytes';
import { encodeCbor } from '../protocol/cbor';

/** NOR flash in RAM: erase to 0xFF, program clears bits. */
class RamFlash implements FlashPort {
  readonly blockSize = 4096;
  readonly mem: Uint8Array;
  constructor(readonly blockCount: number) { this.mem = new Uint8Array(blockCount * 4096).fill(0xff); }
  read(offset: number, length: number): Uint8Array { return this.mem.slice(offset, offset + length); }
  program(offset: number, data: Uint8Array): void { for (let i = 0; i < data.length; i++) this.mem[offset + i] &= data[i]; }
  erase(block: number): void { this.mem.fill(0xff, block * 4096, (block + 1) * 4096); }
}

/** Wraps a flash so that reads come back with one bit flipped at a given offset. */
class CorruptingReads implements FlashPort {
  constructor(private readonly inner: FlashPort, private readonly badOffset: number) {}
  get blockSize(): number { return this.inner.blockSize; }
  get blockCount(): number { return this.inner.blockCount; }
  read(offset: number, length: number): Uint8Array {
    const b = this.inner.read(offset, length);
    const i = this.badOffset - offset;
    if (i >= 0 && i < b.length) b[i] ^= 0x10;
    return b;
  }
  program(offset: number, data: Uint8Array): void { this.inner.program(offset, data); }
  erase(block: number): void { this.inner.erase(block); }
}

const WALL = Date.UTC(2025, 2, 1, 8, 0, 0);

function deviceChecks(clock: VirtualClock, flash: FlashPort, calls: string[]): SelfTest {
  return new SelfTest(clock, { device: 'terminal' })
    .register(flashCheck(flash, 3))
    .register(journalCheck(() => { calls.push('journal'); return passed('12 records'); }))
    .register(eventLogCheck(() => { calls.push('event-log'); return true; }))
    .register(clockCheck(clock))
    .register(batteryCheck(new SimulatedPower({ source: 'battery', batteryPercent: 80 })))
    .register(keysCheck(() => { calls.push('keys'); }));
}

test('all checks pass on good hardware, and the flash scratch block is left erased', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const flash = new RamFlash(8);
  const calls: string[] = [];
  const report = await clock.runUntilSettled(deviceChecks(clock, flash, calls).run());
  assert.equal(report.checks.map((c) => [c.id, c.status]), [
    ['flash', 'passed'], ['journal', 'passed'], ['event-log', 'passed'], ['clock', 'passed'], ['battery', 'passed'], ['keys', 'passed'],
  ]);
  assert.equal(calls, ['journal', 'event-log', 'keys']);
  assert.ok(flash.read(3 * 4096, 4096).every((b) => b === 0xff));
  assert.is(report.checks.find((c) => c.id === 'clock')!.durationMs, 50);
  assert.is(report.startedAt, WALL);
  assert.ok(summarise(report).ok);
});

test('a flash that corrupts reads fails the flash check; the other checks still run', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const flash = new CorruptingReads(new RamFlash(8), 3 * 4096 + 1000);
  const calls: string[] = [];
  const report = await clock.runUntilSettled(deviceChecks(clock, flash, calls).run());
  const f = report.checks.find((c) => c.id === 'flash')!;
  assert.is(f.status, 'failed');
  assert.match(f.detail, /after erase: block 3 byte 1000 is ef, expected ff/);
  assert.equal(calls, ['journal', 'event-log', 'keys']);
  assert.is(report.checks.filter((c) => c.status === 'passed').length, 5);
  assert.not.ok(summarise(report).ok);
});

test('a flash that loses programmed bits fails after programming', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const ram = new RamFlash(4);
  const lossy: FlashPort = { blockSize: 4096, blockCount: 4, read: (o, l) => ram.read(o, l), erase: (b) => ram.erase(b), program: (o, d) => ram.program(o, d.map((x, i) => (i === 7 ? 0xff : x))) };
  const report = await clock.runUntilSettled(new SelfTest(clock, { device: 't' }).register(flashCheck(lossy, 0)).run());
  assert.is(report.checks[0].status, 'failed');
  assert.match(report.checks[0].detail, /after program: block 0 byte 7/);
});

test('a throwing check (sync or async) fails alone; the checks after it run', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const ran: string[] = [];
  const st = new SelfTest(clock, { device: 't' })
    .register({ id: 'a', kind: 'automatic', title: { kk: 'a', ru: 'a' }, run: () => { throw new ProtocolError('journal-corrupt', 'bad record 7'); } })
    .register({ id: 'b', kind: 'automatic', title: { kk: 'b', ru: 'b' }, run: async () => { throw new Error('boom'); } })
    .register({ id: 'c', kind: 'automatic', title: { kk: 'c', ru: 'c' }, run: () => { ran.push('c'); } })
    .register({ id: 'd', kind: 'automatic', title: { kk: 'd', ru: 'd' }, run: () => false });
  const report = await clock.runUntilSettled(st.run());
  assert.equal(report.checks.map((c) => [c.id, c.status, c.detail]), [
    ['a', 'failed', 'error journal-corrupt'], ['b', 'failed', 'error: boom'], ['c', 'passed', ''], ['d', 'failed', 'check returned false'],
  ]);
  assert.equal(ran, ['c']);
});

test('a hanging automatic check times out as failed and the run goes on', async () => {
  const clock = new VirtualClock();
  const st = new SelfTest(clock, { device: 't' })
    .register({ id: 'hang', kind: 'automatic', timeoutMs: 500, title: { kk: 'h', ru: 'h' }, run: () => new Promise<void>(() => {}) })
    .register({ id: 'next', kind: 'automatic', title: { kk: 'n', ru: 'n' }, run: () => passed('ok') });
  const report = await clock.runUntilSettled(st.run());
  assert.equal(report.checks[0], { id: 'hang', kind: 'automatic', status: 'failed', durationMs: 500, detail: 'time-out after 500 ms' });
  assert.is(report.checks[1].status, 'passed');
});

test('the automatic part never exceeds its budget: later checks are reported not run', async () => {
  const clock = new VirtualClock();
  const slow = (id: string) => ({ id, kind: 'automatic' as const, timeoutMs: 4000, title: { kk: id, ru: id }, run: () => new Promise<void>(() => {}) });
  const st = new SelfTest(clock, { device: 't' }).register(slow('s1')).register(slow('s2')).register(slow('s3')).register(slow('s4'));
  const report = await clock.runUntilSettled(st.run());
  assert.ok(report.automaticMs <= 10_000, `automatic part took ${report.automaticMs} ms`);
  assert.equal(report.checks.map((c) => [c.status, c.durationMs]), [['failed', 4000], ['failed', 4000], ['failed', 2000], ['failed', 0]]);
  assert.match(report.checks[2].detail, /budget/);
  assert.match(report.checks[3].detail, /not run/);
});

test('a synchronous check that overruns its time-out is failed even though it returned', async () => {
  const clock = new VirtualClock();
  const st = new SelfTest(clock, { device: 't' })
    .register({ id: 'slow-sync', kind: 'automatic', timeoutMs: 100, title: { kk: 's', ru: 's' }, run: () => { clock.advance(300); } });
  const report = await clock.runUntilSettled(st.run());
  assert.is(report.checks[0].status, 'failed');
  assert.match(report.checks[0].detail, /too slow: 300 ms > 100 ms/);
});

test('operator checks: buttons pressed in time pass; missing presses time out as needs-operator', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const buttons = new SimulatedButtons(['1', '2', '3']);
  const prompts: string[][] = [];
  const st = new SelfTest(clock, { device: 't' }).register(buttonsCheck(buttons, { timeoutMs: 30_000, prompt: (r) => prompts.push([...r]) }));

  const run1 = st.run();
  await clock.advanceAsync(1000); buttons.press('2');
  await clock.advanceAsync(1000); buttons.press('2'); buttons.press('1');
  await clock.advanceAsync(1000); buttons.press('3');
  const r1 = await clock.runUntilSettled(run1);
  assert.equal([r1.checks[0].status, r1.checks[0].durationMs], ['passed', 3000]);
  assert.equal(prompts, [['1', '2', '3'], ['1', '3'], ['3'], []]);

  const run2 = st.run();
  await clock.advanceAsync(500); buttons.press('3');
  const r2 = await clock.runUntilSettled(run2);
  assert.equal(r2.checks[0].status, 'needs-operator');
  assert.is(r2.checks[0].detail, 'not pressed: 1, 2');
  assert.is(r2.checks[0].durationMs, 30_000);
});

test('operator checks: screen confirmed, rejected, or unanswered; skipped without an operator', async () => {
  const clock = new VirtualClock();
  let touch: (id: string) => void = () => {};
  const shown: string[] = [];
  const display: DisplayPort<string> = { show: (s) => shown.push(s), onTouch: (h) => { touch = h; } };
  const st = new SelfTest(clock, { device: 't' }).register(screenCheck(display, 'pattern', { timeoutMs: 10_000 }));

  let run = st.run();
  await clock.advanceAsync(2000); touch('elsewhere'); touch('self-test-ok');
  assert.is((await clock.runUntilSettled(run)).checks[0].status, 'passed');

  run = st.run();
  await clock.advanceAsync(100); touch('self-test-bad');
  const bad = (await clock.runUntilSettled(run)).checks[0];
  assert.equal([bad.status, bad.detail], ['failed', 'operator reported a bad screen']);

  const none = (await clock.runUntilSettled(st.run())).checks[0];
  assert.equal([none.status, none.durationMs], ['needs-operator', 10_000]);
  touch('self-test-ok'); // a late touch changes nothing and does not throw

  const skipped = (await clock.runUntilSettled(st.run({ withOperator: false }))).checks[0];
  assert.equal([skipped.status, skipped.detail], ['needs-operator', 'skipped: no operator']);
  assert.equal(shown, ['pattern', 'pattern', 'pattern']);
});

test('operator time is outside the automatic budget', async () => {
  const clock = new VirtualClock();
  const buttons = new SimulatedButtons(['1']);
  const st = new SelfTest(clock, { device: 't' })
    .register(buttonsCheck(buttons, { timeoutMs: 60_000 }))
    .register({ id: 'auto', kind: 'automatic', timeoutMs: 1000, title: { kk: 'a', ru: 'a' }, run: () => new Promise<void>(() => {}) });
  const report = await clock.runUntilSettled(st.run());
  assert.is(report.automaticMs, 1000);
  assert.ok(report.totalMs >= 61_000);
  assert.equal(report.checks.map((c) => c.id), ['buttons', 'auto']); // registration order in the report
});

test('clock check: unset or implausible wall clock, late timers', async () => {
  let clock = new VirtualClock();
  let r = await clock.runUntilSettled(new SelfTest(clock, { device: 't' }).register(clockCheck(clock)).run());
  assert.equal([r.checks[0].status, r.checks[0].detail], ['failed', 'wall clock not set']);
  r = await clock.runUntilSettled(new SelfTest(clock, { device: 't' }).register(clockCheck(clock, { requireWallClock: false })).run());
  assert.is(r.checks[0].status, 'passed');
  clock = new VirtualClock({ wallClockMs: Date.UTC(1970, 0, 2) });
  r = await clock.runUntilSettled(new SelfTest(clock, { device: 't' }).register(clockCheck(clock)).run());
  assert.match(r.checks[0].detail, /implausible/);
  // a clock whose monotonic time stands still
  const frozen = new VirtualClock({ wallClockMs: WALL });
  const stuck = Object.assign(Object.create(frozen) as VirtualClock, { monotonicMs: () => 5 });
  r = await frozen.runUntilSettled(new SelfTest(stuck, { device: 't' }).register(clockCheck(stuck)).run());
  assert.match(r.checks[0].detail, /monotonic clock advanced 0 ms/);
});

test('battery check: mains, low battery, no gauge', async () => {
  const clock = new VirtualClock();
  const p = new SimulatedPower({ source: 'mains', batteryPercent: 5 });
  const st = new SelfTest(clock, { device: 't' }).register(batteryCheck(p, 25));
  const status = async () => (await clock.runUntilSettled(st.run())).checks[0];
  assert.equal((await status()).status, 'passed');
  p.setSource('battery');
  assert.equal((await status()).detail, 'battery 5% below 25%');
  p.setBatteryPercent(undefined);
  assert.equal((await status()).detail, 'on battery with no gauge');
  p.setBatteryPercent(30);
  assert.equal((await status()).status, 'passed');
});

test('card reader check: no card, good card, refusing card, reader error', async () => {
  const clock = new VirtualClock();
  let present = false;
  let sw = [0x90, 0x00];
  let fail = false;
  const reader: CardReaderPort = {
    isCardPresent: () => present,
    onCardChange: () => {},
    powerOn: async () => { if (fail) throw new Error('reader not answering'); return Uint8Array.of(0x3b, 0x8f, 0x80, 0x01, 0x80); },
    transmit: async () => Uint8Array.from(sw),
  };
  const st = new SelfTest(clock, { device: 't' }).register(cardReaderCheck(reader, { selectApdu: Uint8Array.of(0, 0xa4, 4, 0, 0) }));
  const one = async () => (await clock.runUntilSettled(st.run())).checks[0];
  assert.equal((await one()).status, 'needs-operator');
  present = true;
  assert.equal((await one()).status, 'passed');
  sw = [0x6a, 0x82];
  assert.equal((await one()).detail, 'select refused, SW 6a82');
  fail = true;
  assert.equal((await one()).detail, 'error: reader not answering');
});

test('election check reports the fingerprint and fails a bad signature', async () => {
  const clock = new VirtualClock();
  const fp = Uint8Array.from({ length: 32 }, (_, i) => i);
  let valid = true;
  const st = new SelfTest(clock, { device: 't' }).register(electionCheck(() => ({ signatureValid: valid, fingerprint: fp })));
  assert.equal((await clock.runUntilSettled(st.run())).checks[0].detail, 'fingerprint 0001020304050607');
  valid = false;
  assert.equal((await clock.runUntilSettled(st.run())).checks[0].status, 'failed');
});

test('the report encodes deterministically, decodes to itself, and is recorded through the callback', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const recorded: Uint8Array[] = [];
  const st = new SelfTest(clock, { device: 'accumulator' })
    .register({ id: 'x', kind: 'automatic', title: { kk: 'x', ru: 'x' }, run: () => failed('д'.repeat(200)) })
    .register(buttonsCheck(new SimulatedButtons(['a']), { timeoutMs: 1000 }));
  const report = await clock.runUntilSettled(st.run({ record: (bytes) => { recorded.push(bytes); } }));
  assert.is(recorded.length, 1);
  assert.equal(recorded[0], encodeSelfTestReport(report));
  assert.equal(decodeSelfTestReport(recorded[0]), report);
  assert.is(report.checks[0].detail.length, 120);
  // same report, same bytes (fixed expected encoding of a small report)
  const small: SelfTestReport = { v: 1, device: 'd', startedAt: undefined, budgetMs: 10000, automaticMs: 3, totalMs: 3, checks: [{ id: 'flash', kind: 'automatic', status: 'passed', durationMs: 3, detail: '' }] };
  // v, checks: [[id, kind 0, status 0, ms, detail]], device, totalMs, budgetMs, automaticMs; keys in CBOR order
  assert.is(toHex(encodeSelfTestReport(small)), 'a6' + '617601' + '66636865636b73' + '81' + '85' + '65666c617368' + '00' + '00' + '03' + '60'
    + '66646576696365' + '6164' + '67746f74616c4d73' + '03' + '686275646765744d73' + '192710' + '6b6175746f6d617469634d73' + '03');
});

test('decoding refuses malformed reports', () => {
  const good = { v: 1, device: 'd', budgetMs: 1, automaticMs: 1, totalMs: 1, checks: [['a', 0, 0, 1, '']] };
  assert.ok(decodeSelfTestReport(encodeCbor(good)));
  const bad = [
    { ...good, v: 2 },
    { ...good, extra: 1 },
    { ...good, checks: [['a', 0, 3, 1, '']] },
    { ...good, checks: [['a', 0, 0, -1, '']] },
    { ...good, checks: [['a', 0, 0, 1]] },
    { ...good, device: 5 },
    [1, 2],
  ];
  for (const b of bad) {
    try { decodeSelfTestReport(encodeCbor(b)); assert.unreachable(JSON.stringify(b)); }
    catch (e) { assert.instance(e, ProtocolError); assert.is((e as ProtocolError).code, 'bad-self-test-report'); }
  }
});

test('the report fits the wire message self-test.report', async () => {
  const clock = new VirtualClock({ wallClockMs: WALL });
  const st = new SelfTest(clock, { device: 't' })
    .register(keysCheck(() => true))
    .register(buttonsCheck(new SimulatedButtons(['1']), { timeoutMs: 1000 }));
  const report = await clock.runUntilSettled(st.run());
  const msg = selfTestReportMessage(report, 3);
  assert.equal(SelfTestReportMessage.response(msg as never, ''), msg);
  assert.equal(msg.checks, [{ name: 'keys', ok: true, detail: 'passed 0 ms' }, { name: 'buttons', ok: false, detail: 'needs-operator 1000 ms: not pressed: 1' }]);
  assert.is(msg.passed, true); // needs-operator is not a failure
  assert.is(msg.finishedAtMs, WALL + report.totalMs);
});

test('common checks: flash (given a scratch block), journal judged on its record count, event-log chain, clock', async () => {
  const flash = new SimFlash(10);
  const clock = new VirtualClock();
  const journal = Journal.open(flash, nobleCrypto, { firstBlock: 0, blockCount: 8 });
  const log = EventLog.open(journal, nobleCrypto, clock);
  log.record(EVENTS.boot, 'success', 'test');
  let counted = -1;
  const parts = { clock, flash, journal, log };
  const st = registerCommonChecks(new SelfTest(clock, { device: 't' }), { ...parts, scratchBlock: 9 }, (n) => { counted = n; return passed(`${n} records`); });
  assert.equal(st.list().map((c) => c.id), ['flash', 'journal', 'event-log', 'clock']);
  const running = st.run();
  await clock.advanceAsync(100);
  const r = await running;
  assert.ok(summarise(r).ok, JSON.stringify(r.checks));
  assert.ok(counted >= 1 && counted === [...journal.records()].length, `judged ${counted} records`);
  assert.is(r.checks[1].detail, `${counted} records`);
  // No scratch block: no flash check. The device's judgement of the journal decides that check.
  const bare = registerCommonChecks(new SelfTest(clock, { device: 't' }), { ...parts, scratchBlock: undefined }, () => failed('vote slots bad'));
  assert.equal(bare.list().map((c) => c.id), ['journal', 'event-log', 'clock']);
  const again = bare.run();
  await clock.advanceAsync(100);
  const r2 = await again;
  assert.is(r2.checks[0].status, 'failed');
  assert.equal(selfTestOutcome(r2), { disposition: 'failure', detail: 'journal' });
  assert.equal(selfTestOutcome(r), { disposition: 'success', detail: '' });
});

test('registration refuses bad and duplicate ids', () => {
  const st = new SelfTest(new VirtualClock(), { device: 't' });
  st.register(keysCheck(() => true));
  assert.throws(() => st.register(keysCheck(() => true)), /duplicate/);
  assert.throws(() => st.register({ id: 'Bad Id', kind: 'automatic', title: { kk: '', ru: '' }, run: () => {} }), /bad-id/);
});

test('SelfTestRuns: one run at a time, the report of the latest, passed only after a passing run', async () => {
  const runs = new SelfTestRuns();
  assert.equal(runs.reportMessage(), { state: 'never-run', checks: [] });
  const report = (status: 'passed' | 'failed'): SelfTestReport => ({ v: 1, device: 'd', startedAt: undefined, budgetMs: 10000, automaticMs: 1, totalMs: 1, checks: [{ id: 'flash', kind: 'automatic', status, durationMs: 1, detail: '' }] });
  let finish!: (r: SelfTestReport) => void;
  assert.equal(runs.start(() => new Promise((r) => { finish = r; })), { run: 1 });
  assert.is(runs.reportMessage().state, 'running');
  assert.throws(() => runs.start(() => Promise.resolve(report('passed'))), (e: unknown) => e instanceof ProtocolError && e.code === 'busy');
  assert.is(runs.passed, false);
  finish(report('passed'));
  await runs.finished();
  assert.is(runs.passed, true);
  assert.is(runs.reportMessage().state, 'done');
  assert.equal(runs.start(() => Promise.resolve(report('failed'))), { run: 2 });
  await runs.finished();
  assert.is(runs.passed, false, 'a failing run takes the pass away');
  assert.equal(runs.start(() => Promise.reject(new Error('crashed'))), { run: 3 });
  await runs.finished();
  assert.is(runs.passed, false);
});

test.run();
