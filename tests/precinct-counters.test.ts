import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister } from '../precinct/register';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { homeVoting } from '../precinct/home-voting';
import { createAdmissionDesk } from '../precinct/admission';
import { readCounters, recordAccumulatedCount, logCounters } from '../precinct/counters';
import { enrollDevice, setDeviceStatus, listDevices } from '../precinct/db/devices';
import { readEvents, verifyEventLog } from '../precinct/event-log';
import { PrecinctError } from '../precinct/errors';

const code = (c: string) => (e: unknown) => e instanceof PrecinctError && e.code === c;
const key = (b: number) => new Uint8Array(32).fill(b);

async function day() {
  const t = tempDb();
  const mc = manualClock('2026-03-15T03:00:00.000Z');
  importRegister(t.db, sampleRegisterCsv({ seed: 9, count: 100 }), mc.clock);
  enrollDevice(t.db, mc.clock, { deviceId: 'acc-1', kind: 'accumulator', serial: 'A-001', signPublicKey: key(1), kexPublicKey: key(2) });
  enrollDevice(t.db, mc.clock, { deviceId: 'acc-2', kind: 'accumulator', serial: 'A-002', signPublicKey: key(3), kexPublicKey: null });
  enrollDevice(t.db, mc.clock, { deviceId: 'term-1', kind: 'terminal', serial: 'T-001', signPublicKey: key(4), kexPublicKey: key(5) });
  const desk = createAdmissionDesk({ db: t.db, clock: mc.clock, activateCard: async () => {} });
  const hv = homeVoting(t.db, mc.clock, { electionDay: '2026-03-15' });
  return { ...t, mc, desk, hv };
}

test('counters follow admissions, accumulator reports and the portable ballot upload', async () => {
  const s = await day();
  assert.equal(readCounters(s.db), { registered: 100, admitted: 0, pending: 0, votedInPremises: 0, cardsOutstanding: 0, homeApplications: 0, votedOutside: 0, votedTotal: 0 });
  for (let n = 1; n <= 10; n++) await s.desk.admit(n);
  for (const n of [20, 21, 22]) s.hv.apply(n);
  recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', 4);
  recordAccumulatedCount(s.db, s.mc.clock, 'acc-2', 3);
  recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', 5);
  s.hv.markLoaded([20, 21, 22]);
  s.hv.markVotedOutside([20, 22]);
  assert.equal(readCounters(s.db), { registered: 100, admitted: 10, pending: 0, votedInPremises: 8, cardsOutstanding: 2, homeApplications: 3, votedOutside: 2, votedTotal: 10 });
  s.dispose();
});

test('an accumulator count never goes down; unknown, non-accumulator and withdrawn devices are refused; all logged', async () => {
  const s = await day();
  recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', 7);
  assert.throws(() => recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', 6), code('count-decreased'));
  assert.throws(() => recordAccumulatedCount(s.db, s.mc.clock, 'acc-9', 1), code('count-unknown-device'));
  assert.throws(() => recordAccumulatedCount(s.db, s.mc.clock, 'term-1', 1), code('count-unknown-device'));
  assert.throws(() => recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', -1), code('count-invalid'));
  assert.throws(() => recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', 1.5), code('count-invalid'));
  setDeviceStatus(s.db, 'acc-2', 'withdrawn');
  assert.throws(() => recordAccumulatedCount(s.db, s.mc.clock, 'acc-2', 1), code('count-inactive-device'));
  recordAccumulatedCount(s.db, s.mc.clock, 'acc-1', 7); // same count again: accepted, no change
  assert.is(readCounters(s.db).votedInPremises, 7);
  const rejected = readEvents(s.db).filter((e) => e.event === 'accumulated-count').map((e) => JSON.parse(e.detail).reason);
  assert.equal(rejected, ['count-decreased', 'count-unknown-device', 'count-unknown-device', 'count-invalid', 'count-invalid', 'count-inactive-device']);
  assert.ok(verifyEventLog(s.db).ok);
  s.dispose();
});

test('devices: enrolment stores keys; a duplicate id or serial is refused', async () => {
  const s = await day();
  const accs = listDevices(s.db, 'accumulator');
  assert.equal(accs.map((d) => [d.deviceId, d.serial, d.status]), [['acc-1', 'A-001', 'active'], ['acc-2', 'A-002', 'active']]);
  assert.equal(Array.from(accs[0].signPublicKey), Array.from(key(1)));
  assert.is(accs[1].kexPublicKey, null);
  assert.throws(() => enrollDevice(s.db, s.mc.clock, { deviceId: 'acc-3', kind: 'accumulator', serial: 'A-001', signPublicKey: key(9), kexPublicKey: null }), code('device-duplicate'));
  assert.throws(() => enrollDevice(s.db, s.mc.clock, { deviceId: 'acc-4', kind: 'accumulator', serial: 'A-004', signPublicKey: new Uint8Array(31), kexPublicKey: null }), code('device-key-length'));
  s.dispose();
});

test('a counters snapshot goes to the event log as totals only', async () => {
  const s = await day();
  await s.desk.admit(1);
  const c = logCounters(s.db, s.mc.clock);
  const ev = readEvents(s.db).at(-1)!;
  assert.equal(JSON.parse(ev.detail), { ...c });
  assert.is(c.admitted, 1);
  s.dispose();
});

test.run();
