import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister, parseCsv, RegisterImportError, searchByName, findByIin, voterCount, foldName, addSupplementaryVoter, type ImportProblem } from '../precinct/register';
import { sampleRegisterCsv, sampleVoters } from '../precinct/sample-register';
import { isValidIin, generateIin } from '../precinct/iin';
import { readEvents, verifyEventLog } from '../precinct/event-log';
import { PrecinctError } from '../precinct/errors';

const HEADER = 'register_no,iin,surname,first_name,patronymic,birth_date,address';
const GOOD = [
  HEADER,
  '1,061211600012,Қасымова,Айгүл,Серікқызы,2006-12-11,"г. Алматы, ул. Толе би, д. 5, кв. 1"',
  '2,300101400008,Фёдоров,Пётр,Иванович,01.01.1930,"Алматы қ., Абай даңғылы, 3 үй"',
  '3,310101400008,Ким,Ольга,,1931-01-01,"г. Алматы, пр. Абая, д. ""Б"" 7"',
].join('\r\n') + '\r\n';

function importFails(csv: string): ImportProblem[] {
  const t = tempDb();
  try {
    const { clock } = manualClock();
    try {
      importRegister(t.db, csv, clock);
    } catch (e) {
      assert.ok(e instanceof RegisterImportError, String(e));
      assert.is(e.code, 'register-invalid');
      assert.is(voterCount(t.db), 0, 'nothing imported');
      const events = readEvents(t.db);
      assert.is(events.at(-1)?.disposition, 'rejected');
      return e.problems;
    }
    assert.unreachable('import should have failed');
    return [];
  } finally {
    t.dispose();
  }
}

test('CSV parser: quotes, doubled quotes, commas and newlines in fields, CRLF, BOM, line numbers', () => {
  const recs = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n"multi\nline",z\n\nlast,row');
  assert.equal(recs.map((r) => r.fields), [['a', 'b'], ['x, y', 'say "hi"'], ['multi\nline', 'z'], ['last', 'row']]);
  assert.equal(recs.map((r) => r.line), [1, 2, 3, 6]);
});

test('a good register imports: all voters, dates normalised, quoted addresses intact, event logged with the file hash', () => {
  const t = tempDb();
  const { clock } = manualClock();
  const report = importRegister(t.db, GOOD, clock);
  assert.is(report.count, 3);
  assert.match(report.sha256, /^[0-9a-f]{64}$/);
  const petr = findByIin(t.db, '300101400008')!;
  assert.is(petr.birthDate, '1930-01-01');
  assert.is(petr.surname, 'Фёдоров');
  assert.is(findByIin(t.db, '310101400008')!.address, 'г. Алматы, пр. Абая, д. "Б" 7');
  assert.is(findByIin(t.db, '310101400008')!.patronymic, '');
  const ev = readEvents(t.db).at(-1)!;
  assert.is(ev.event, 'register-import');
  assert.is(JSON.parse(ev.detail).sha256, report.sha256);
  t.dispose();
});

test('every malformed row is reported with its line and column, and nothing is imported', () => {
  const csv = [
    HEADER,
    '1,061211600012,Қасымова,Айгүл,Серікқызы,2006-12-11,addr 1',
    '2,061211600013,Бекова,Дана,,2006-12-11,addr 2', // check digit
    '3,300101400008,,Пётр,,1930-01-01,addr 3', // empty surname
    '4,310101400008,Ким,,,1931-01-01,addr 4', // empty first name
    '5,"multi',
    'line IIN",Ким,Ольга,,1931-01-01,addr 5', // quoted newline: record starts on line 6
    'x,300101400018,Ли,Ан,,1930-01-02,', // bad number, date ≠ IIN date, empty address
    '8,300101400028,Ли,Ан,,1930-13-01,addr', // bad date text vs IIN: mismatch
    '9,300101400038,Ли,Ан,,1930/01/01,addr', // unparseable date
    '10,300101400048,too,few',
  ].join('\n');
  const problems = importFails(csv);
  const got = problems.map((p) => `${p.line}:${p.column ?? ''}:${p.code}`);
  assert.equal(got, [
    '3:iin:iin-check-digit',
    '4:surname:empty-surname',
    '5:first_name:empty-first-name',
    '6:iin:iin-format',
    '8:register_no:bad-register-no',
    '8:address:empty-address',
    '8:birth_date:birth-date-mismatch',
    '9:birth_date:birth-date-mismatch',
    '10:birth_date:bad-birth-date',
    '11::field-count',
  ]);
});

test('duplicates: the same IIN or register number twice is reported at the second line, naming the first', () => {
  const csv = [
    HEADER,
    '1,061211600012,А,Б,,2006-12-11,a',
    '2,300101400008,В,Г,,1930-01-01,b',
    '3,061211600012,Д,Е,,2006-12-11,c',
    '2,310101400008,Ж,З,,1931-01-01,d',
  ].join('\n');
  const problems = importFails(csv);
  assert.equal(problems.map((p) => [p.line, p.code]), [[4, 'duplicate-iin'], [5, 'duplicate-register-no']]);
  assert.match(problems[0].message, /line 2/);
});

test('header: missing, unknown and repeated columns are reported; columns may come in any order', () => {
  const problems = importFails('iin,surname,first_name,birth_date,address,extra,iin\n');
  assert.equal(problems.map((p) => p.code).sort(), ['duplicate-column', 'missing-column', 'missing-column', 'unknown-column']);
  const t = tempDb();
  importRegister(t.db, 'address,birth_date,patronymic,first_name,surname,iin,register_no\nул. 1,2006-12-11,,Айгүл,Қасымова,061211600012,7\n', manualClock().clock);
  assert.is(findByIin(t.db, '061211600012')!.registerNo, 7);
  t.dispose();
});

test('not UTF-8, an unclosed quote, an empty file: refused with a reason', () => {
  const t = tempDb();
  const { clock } = manualClock();
  assert.throws(() => importRegister(t.db, Uint8Array.from([0x61, 0xff, 0x0a]), clock), (e: unknown) => e instanceof RegisterImportError && e.problems[0].code === 'not-utf8');
  t.dispose();
  assert.is(importFails(HEADER + '\n1,"open')[0].code, 'csv-unclosed-quote');
  assert.is(importFails('')[0].code, 'empty-file');
});

test('more than 3,000 voters is refused', () => {
  const problems = importFails(sampleRegisterCsv({ seed: 3, count: 3001 }));
  assert.equal(problems.map((p) => p.code), ['too-many-voters']);
});

test('a second import is refused and changes nothing', () => {
  const t = tempDb();
  const { clock } = manualClock();
  importRegister(t.db, GOOD, clock);
  assert.throws(() => importRegister(t.db, GOOD, clock), (e: unknown) => e instanceof PrecinctError && e.code === 'register-already-imported');
  assert.is(voterCount(t.db), 3);
  t.dispose();
});

test('sample register: 3,000 voters, deterministic by seed, all IINs valid and unique, imports cleanly', () => {
  const a = sampleRegisterCsv({ seed: 42 });
  assert.is(a, sampleRegisterCsv({ seed: 42 }));
  assert.is.not(a, sampleRegisterCsv({ seed: 43 }));
  const voters = sampleVoters({ seed: 42 });
  assert.is(voters.length, 3000);
  assert.ok(voters.every((v) => isValidIin(v.iin)));
  assert.is(new Set(voters.map((v) => v.iin)).size, 3000);
  assert.ok(voters.some((v) => /[әғқңөұүһі]/i.test(v.surname + v.firstName)), 'Kazakh letters present');
  assert.ok(voters.some((v) => /ё/.test(v.surname + v.firstName)), 'ё present');
  const t = tempDb();
  assert.is(importRegister(t.db, a, manualClock().clock).count, 3000);
  assert.ok(verifyEventLog(t.db).ok);
  t.dispose();
});

test('name folding is locale-independent: case, Kazakh letters to Russian, ё to е, spaces', () => {
  assert.is(foldName('  ҚАСЫМОВА   Айгүл '), 'касымова айгул');
  assert.is(foldName('ФЁДОРОВ'), 'федоров');
  assert.is(foldName('ӘҒҚҢӨҰҮҺІ'), 'агкноуухи');
  assert.is(foldName('Ә'.normalize('NFD')), 'а'); // decomposed input still folds
});

test('search by name: case-insensitive prefix on surname + first name, Kazakh letters typed either way', () => {
  const t = tempDb();
  importRegister(t.db, GOOD, manualClock().clock);
  for (const q of ['Қасымова', 'касымова', 'КАСЫМОВА АЙГ', 'қасымова айгүл сер', 'Кас']) {
    assert.equal(searchByName(t.db, q).map((v) => v.registerNo), [1], q);
  }
  assert.equal(searchByName(t.db, 'федоров п').map((v) => v.registerNo), [2]);
  assert.equal(searchByName(t.db, 'ФЁДОРОВ').map((v) => v.registerNo), [2]);
  assert.equal(searchByName(t.db, 'Айгүл'), [], 'first name alone is not a surname prefix');
  assert.equal(searchByName(t.db, '   '), []);
  assert.equal(searchByName(t.db, '%'), [], 'no LIKE wildcards');
  t.dispose();
});

test('supplementary list: added by decision with document, numbered after the list, duplicate IIN refused', () => {
  const t = tempDb();
  const { clock } = manualClock();
  importRegister(t.db, GOOD, clock);
  const v = addSupplementaryVoter(t.db, { iin: generateIin({ birthDate: '1985-03-15', sex: 'male', serial: 11 }).iin, surname: 'Оспанов', firstName: 'Ерлан', patronymic: '', birthDate: '1985-03-15', address: 'ул. 2', basis: 'absentee-certificate', document: 'АУ №123456', decision: 'решение №7 от 15.03.2026' }, clock);
  assert.is(v.registerNo, 4);
  assert.is(v.list, 'supplementary');
  assert.throws(() => addSupplementaryVoter(t.db, { iin: '061211600012', surname: 'X', firstName: 'Y', patronymic: '', birthDate: '2006-12-11', address: 'a', basis: 'residence-confirmed', document: 'd', decision: 'x' }, clock), (e: unknown) => e instanceof PrecinctError && e.code === 'supplement-duplicate');
  assert.throws(() => addSupplementaryVoter(t.db, { iin: '061211600012', surname: 'X', firstName: 'Y', patronymic: '', birthDate: '2006-12-11', address: 'a', basis: 'residence-confirmed', document: 'd', decision: ' ' }, clock), (e: unknown) => e instanceof PrecinctError && e.code === 'supplement-invalid');
  assert.ok(verifyEventLog(t.db).ok);
  t.dispose();
});

test.run();
