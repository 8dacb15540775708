import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister } from '../precinct/register';
import { createAdmissionDesk, iinFromScannerLine, AdmissionRefused, standingOf, type ActivateCard } from '../precinct/admission';
import { homeVoting } from '../precinct/home-voting';
import { readEvents, verifyEventLog } from '../precinct/event-log';
import { IinError, generateIin } from '../precinct/iin';
import { PrecinctError } from '../precinct/errors';

const CSV = [
  'register_no,iin,surname,first_name,patronymic,birth_date,address',
  '1,061211600012,Қасымова,Айгүл,Серікқызы,2006-12-11,"ул. Толе би, 5"',
  '2,300101400008,Фёдоров,Пётр,Иванович,1930-01-01,"пр. Абая, 3"',
  '3,310101400008,Ким,Ольга,,1931-01-01,"пр. Абая, 7"',
].join('\n');

function setup(activateCard: ActivateCard = async () => ({ activationId: 'a1b2c3', cardSerial: 'CARD-0042' })) {
  const t = tempDb();
  const mc = manualClock();
  importRegister(t.db, CSV, mc.clock);
  const desk = createAdmissionDesk({ db: t.db, clock: mc.clock, activateCard });
  return { ...t, mc, desk };
}

const refusedWith = (code: string) => (e: unknown) => e instanceof AdmissionRefused && e.refusal === code && e.code === `admission-${code}`;

test('scanner line: digits + CR/LF trimmed, check digit validated, typed error names the rule', () => {
  assert.is(iinFromScannerLine('061211600012\r\n'), '061211600012');
  assert.is(iinFromScannerLine('  061211600012\n'), '061211600012');
  assert.throws(() => iinFromScannerLine('061211600013\r'), (e: unknown) => e instanceof IinError && e.rule === 'check-digit');
  assert.throws(() => iinFromScannerLine('06121160001\n'), (e: unknown) => e instanceof IinError && e.rule === 'format');
});

test('a bad scan is logged (rule only) and finds nobody', () => {
  const s = setup();
  assert.throws(() => s.desk.lookupScan('061211600013\n'), (e: unknown) => e instanceof IinError);
  const ev = readEvents(s.db).at(-1)!;
  assert.is(ev.event, 'iin-scan');
  assert.is(ev.detail, '{"rule":"check-digit"}');
  s.dispose();
});

test('lookup by scan shows the record to compare with the ID; admission activates a card once', async () => {
  let activations = 0;
  const s = setup(async () => { activations++; return { activationId: 'deadbeef', cardSerial: 'SER-1' }; });
  const found = s.desk.lookupScan('300101400008\r\n');
  assert.is(found.voter.surname, 'Фёдоров');
  assert.is(found.voter.birthDate, '1930-01-01');
  assert.is(found.standing, 'eligible');
  const admitted = await s.desk.admit(found.voter.registerNo);
  assert.is(admitted.standing, 'admitted');
  assert.is(activations, 1);
  s.dispose();
});

test('refused: already admitted — logged, card not activated again, message says what to do', async () => {
  let activations = 0;
  const s = setup(async () => { activations++; });
  await s.desk.admit(2);
  const err = await s.desk.admit(2).then(() => null, (e: unknown) => e);
  assert.ok(refusedWith('already-admitted')(err));
  assert.match((err as Error).message, /Call the chairman/);
  assert.is(activations, 1);
  assert.is(s.desk.lookupIin('300101400008').standing, 'admitted');
  const ev = readEvents(s.db).at(-1)!;
  assert.is(ev.event, 'admission-refused');
  assert.equal(JSON.parse(ev.detail), { reason: 'already-admitted', registerNo: 2 });
  s.dispose();
});

test('refused: not on the list (valid IIN scanned, or name not found) — logged, procedure given', () => {
  const s = setup();
  const notListed = generateIin({ birthDate: '1985-03-15', sex: 'male', serial: 11 }).iin;
  assert.throws(() => s.desk.lookupScan(notListed + '\n'), (e: unknown) => refusedWith('not-on-list')(e) && /supplementary list/.test((e as Error).message));
  assert.throws(() => s.desk.refuseNotOnList({ name: 'Иванов Иван' }), refusedWith('not-on-list'));
  const refusals = readEvents(s.db).filter((r) => r.event === 'admission-refused').map((r) => JSON.parse(r.detail));
  assert.equal(refusals, [{ reason: 'not-on-list', iin: notListed }, { reason: 'not-on-list', iin: null, name: 'Иванов Иван' }]);
  s.dispose();
});

test('refused: a voter with a home-voting application is not admitted in the premises', async () => {
  let activations = 0;
  const s = setup(async () => { activations++; });
  homeVoting(s.db, s.mc.clock, { electionDay: '2026-03-15' }).apply(3);
  assert.is(s.desk.lookupIin('310101400008').standing, 'home');
  const err = await s.desk.admit(3).then(() => null, (e: unknown) => e);
  assert.ok(refusedWith('voting-at-home')(err));
  assert.is(activations, 0);
  assert.is(standingOf(s.db, 3), 'home');
  s.dispose();
});

test('refused: an unknown register number', async () => {
  const s = setup();
  const err = await s.desk.admit(99).then(() => null, (e: unknown) => e);
  assert.ok(refusedWith('not-on-list')(err));
  s.dispose();
});

test('activation fails → the voter is not admitted, the failure is logged without the voter, and a retry works', async () => {
  let fail = true;
  const s = setup(async () => { if (fail) throw new PrecinctError('card-removed', 'card pulled out'); });
  const err = await s.desk.admit(1).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof PrecinctError && err.code === 'card-activation-failed');
  assert.is(standingOf(s.db, 1), 'eligible');
  const ev = readEvents(s.db).at(-1)!;
  assert.is(ev.event, 'card-activation');
  assert.is(ev.detail, '{"error":"card-removed"}');
  fail = false;
  assert.is((await s.desk.admit(1)).standing, 'admitted');
  s.dispose();
});

test('while a card is being activated, the same voter cannot be admitted at another desk', async () => {
  let release!: () => void;
  const s = setup(() => new Promise<void>((r) => { release = r; }));
  const first = s.desk.admit(1);
  assert.is(standingOf(s.db, 1), 'pending');
  const second = await s.desk.admit(1).then(() => null, (e: unknown) => e);
  assert.ok(refusedWith('admission-pending')(second));
  release();
  assert.is((await first).standing, 'admitted');
  s.dispose();
});

test('a pending admission left by a crash is listed, and can be completed or cancelled', async () => {
  const s = setup();
  s.db.prepare("INSERT INTO admissions (register_no, status) VALUES (2, 'pending'), (3, 'pending')").run(); // as a crash mid-activation leaves it
  assert.equal(s.desk.pendingAdmissions().map((v) => v.registerNo), [2, 3]);
  assert.is((await s.desk.completePending(2)).standing, 'admitted');
  s.desk.cancelPending(3, 'card lost in crash');
  assert.is(standingOf(s.db, 3), 'eligible');
  assert.throws(() => s.desk.cancelPending(3, 'again'), (e: unknown) => e instanceof PrecinctError && e.code === 'not-pending');
  s.dispose();
});

test('nothing links an admission to its card: no activation id, serial, time or order is stored anywhere', async () => {
  const s = setup(async () => ({ activationId: 'ACT-7f3e9a', cardSerial: 'SER-99812' }));
  s.mc.set('2026-03-15T04:17:23.456Z');
  await s.desk.admit(3);
  s.mc.advance(61_000);
  await s.desk.admit(1);
  // the admissions table has exactly these columns
  const cols = (s.db.prepare('PRAGMA table_info(admissions)').all() as { name: string }[]).map((c) => c.name);
  assert.equal(cols, ['register_no', 'status']);
  // rows come back in register order, not admission order
  assert.equal(s.db.prepare('SELECT register_no FROM admissions').pluck().all(), [1, 3]);
  assert.is(s.db.prepare('SELECT count(*) FROM admissions WHERE rowid = register_no').pluck().get(), 2, 'the rowid is the register number');
  // the whole database holds neither the activation id nor the serial, and no event mentions the admitted voters
  const dump = JSON.stringify(s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => s.db.prepare(`SELECT * FROM ${(t as { name: string }).name}`).all()), (_k, v) => (v instanceof Uint8Array ? '' : v));
  assert.not.match(dump, /ACT-7f3e9a|SER-99812/);
  for (const ev of readEvents(s.db)) assert.not.match(ev.detail, /registerNo|310101400008|061211600012/, ev.event);
  assert.ok(verifyEventLog(s.db).ok);
  s.dispose();
});

test('name search at the desk shows standing', async () => {
  const s = setup();
  await s.desk.admit(1);
  assert.equal(s.desk.searchName('қасымова').map((v) => [v.voter.registerNo, v.standing]), [[1, 'admitted']]);
  s.dispose();
});

test.run();
