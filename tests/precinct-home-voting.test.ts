import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister } from '../precinct/register';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { homeVoting, deadlineOf } from '../precinct/home-voting';
import { createAdmissionDesk, standingOf } from '../precinct/admission';
import { readEvents, verifyEventLog } from '../precinct/event-log';
import { PrecinctError } from '../precinct/errors';

const POLICY = { electionDay: '2026-03-15' };
const code = (c: string) => (e: unknown) => e instanceof PrecinctError && e.code === c;

function setup(at = '2026-03-15T06:59:00.000Z') { // 11:59 local (UTC+5)
  const t = tempDb();
  const mc = manualClock(at);
  importRegister(t.db, sampleRegisterCsv({ seed: 5, count: 300 }), mc.clock);
  return { ...t, mc, hv: homeVoting(t.db, mc.clock, POLICY) };
}

test('the deadline is 12:00 local time on election day (UTC+5), whatever the machine\'s time zone', () => {
  assert.is(deadlineOf(POLICY).toISOString(), '2026-03-15T07:00:00.000Z');
  assert.is(deadlineOf({ ...POLICY, deadline: '14:30', utcOffsetMinutes: 360 }).toISOString(), '2026-03-15T08:30:00.000Z');
});

test('applications are recorded up to 11:59:59.999 and refused from 12:00:00, with a logged refusal', () => {
  const s = setup();
  const app = s.hv.apply(1);
  assert.is(app.receivedAt, '2026-03-15 11:59');
  assert.is(app.location, app.voter.address);
  s.mc.set('2026-03-15T06:59:59.999Z');
  s.hv.apply(2, { location: 'Городская больница №1, палата 12' });
  s.mc.set('2026-03-15T07:00:00.000Z');
  assert.throws(() => s.hv.apply(3), (e: unknown) => code('home-deadline-passed')(e) && /12:00/.test((e as Error).message) && /vote in the premises/.test((e as Error).message));
  const ev = readEvents(s.db).at(-1)!;
  assert.equal([ev.event, ev.disposition, JSON.parse(ev.detail).reason], ['home-application', 'refused', 'home-deadline-passed']);
  assert.equal(s.hv.list().map((a) => a.voter.registerNo), [1, 2]);
  assert.is(standingOf(s.db, 3), 'eligible');
  s.dispose();
});

test('applications days before election day are accepted; a configured deadline is honoured', () => {
  const s = setup('2026-03-12T10:00:00.000Z');
  s.hv.apply(1);
  const early = homeVoting(s.db, s.mc.clock, { ...POLICY, deadline: '10:00' });
  s.mc.set('2026-03-15T05:00:00.000Z'); // 10:00 local
  assert.throws(() => early.apply(2), code('home-deadline-passed'));
  s.dispose();
});

test('refused: twice, not on the list, already admitted in the premises, after withdrawal', async () => {
  const s = setup();
  s.hv.apply(1);
  assert.throws(() => s.hv.apply(1), code('home-duplicate'));
  assert.throws(() => s.hv.apply(9999), code('home-not-on-list'));
  const desk = createAdmissionDesk({ db: s.db, clock: s.mc.clock, activateCard: async () => {} });
  await desk.admit(5);
  assert.throws(() => s.hv.apply(5), code('home-already-admitted'));
  s.hv.apply(6);
  s.hv.withdraw(6, 'came to the precinct');
  assert.throws(() => s.hv.apply(6), code('home-withdrawn'));
  assert.is((await desk.admit(6)).standing, 'admitted', 'a withdrawn applicant votes in the premises');
  assert.ok(verifyEventLog(s.db).ok);
  s.dispose();
});

test('the list for the portable ballot; once loaded an application cannot be withdrawn; the upload marks voters', () => {
  const s = setup();
  for (const n of [3, 1, 2]) s.hv.apply(n);
  const list = s.hv.listForPortableBallot();
  assert.equal(list.map((a) => a.voter.registerNo), [1, 2, 3]);
  assert.ok(list.every((a) => a.voter.iin.length === 12 && a.voter.surname));
  s.hv.markLoaded([1, 2, 3]);
  assert.throws(() => s.hv.withdraw(2, 'x'), code('home-not-withdrawable'));
  s.hv.markVotedOutside([1, 3]);
  assert.equal(s.hv.list().map((a) => a.status), ['voted', 'loaded', 'voted']);
  assert.throws(() => s.hv.markVotedOutside([2, 250]), code('home-not-loaded'));
  assert.is(s.hv.list()[1].status, 'loaded', 'all-or-nothing: voter 2 not marked when 250 failed');
  s.dispose();
});

test('the portable ballot capacity bounds the number of applications', () => {
  const s = setup();
  const small = homeVoting(s.db, s.mc.clock, { ...POLICY, capacity: 2 });
  small.apply(1);
  small.apply(2);
  assert.throws(() => small.apply(3), code('home-capacity'));
  s.dispose();
});

test.run();
