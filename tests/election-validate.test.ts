// Validation: every broken rule reported at once, each with its field path; garbage never crashes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { formatIssue, prepareElection, prepareElectionJson, validateElection, MAX_ISSUES } from '../protocol/election/index';
import { definitionArb, deepCopy, smallDefinition } from './election-fixtures';

const problems = (v: unknown): string[] => validateElection(v).map((i) => `${i.path}: ${i.rule}`);

test('the small definition and generated ones are valid', () => {
  assert.equal(validateElection(smallDefinition()), []);
  fc.assert(fc.property(definitionArb, (d) => { assert.equal(validateElection(d), []); }), { numRuns: 300 });
});

test('many problems at once: all of them, each with its path and rule', () => {
  const d = deepCopy(smallDefinition()) as any; // any: breaking the shape on purpose
  d.electionId = 'has space';
  d.title.kk = '';
  d.date = '2027-02-29';
  d.precinct = 0;
  d.votingHours = { opens: '20:00', closes: '07:00' };
  const cand = d.contests[0].options;
  cand[0].surname.kk = '';
  cand[0].firstName.ru = 'Nur'; // Latin look-alikes
  cand[1].id = 2; // same as cand[0]
  cand[1].patronymic = { kk: 'Ғалымқызы' };
  cand[1].extra = 1;
  d.contests[1].id = 1;
  d.contests[1].options = [];
  d.contests[1].kind = 'party-list';
  assert.equal(problems(d), [
    'electionId: bad-format',
    'title.kk: empty',
    'date: no-such-date',
    'precinct: out-of-range',
    'votingHours: closes-before-opens',
    'contests[0].options[0].surname.kk: empty',
    'contests[0].options[0].firstName.ru: bad-characters',
    'contests[0].options[1].extra: unknown-field',
    'contests[0].options[1].id: duplicate-id',
    'contests[0].options[1].patronymic.ru: missing',
    'contests[1].options: no-options',
    'contests[1].id: duplicate-id',
  ]);
  const latin = validateElection(d).find((i) => i.rule === 'bad-characters')!;
  assert.match(latin.detail!, /"N"/);
  assert.is(formatIssue(validateElection(d)[5]), 'contests[0].options[0].surname.kk: empty');
});

// any: each case breaks the typed shape on purpose.
const cases: [string, (d: any) => void, string][] = [
  ['missing field', (d) => { delete d.date; }, 'date: missing'],
  ['unknown field (a typo)', (d) => { d.contests[0].options[0].patronimic = null; }, 'contests[0].options[0].patronimic: unknown-field'],
  ['text too long', (d) => { d.title.ru = 'ы'.repeat(201); }, 'title.ru: too-long'],
  ['name too long', (d) => { d.contests[0].options[0].surname.kk = 'Ә'.repeat(61); }, 'contests[0].options[0].surname.kk: too-long'],
  ['spaces around text', (d) => { d.title.kk = ' Сайлау'; }, 'title.kk: bad-spacing'],
  ['doubled space', (d) => { d.contests[1].title.ru = 'Пар  тии'; }, 'contests[1].title.ru: bad-spacing'],
  ['hyphen at the end of a name', (d) => { d.contests[0].options[1].surname.kk = 'Өмірбек-'; }, 'contests[0].options[1].surname.kk: bad-spacing'],
  ['bidi override', (d) => { d.contests[1].options[0].name.kk = '«Тұ\u202eғыр»'; }, 'contests[1].options[0].name.kk: forbidden-character'],
  ['control character', (d) => { d.title.ru = 'Тест\nвыборы'; }, 'title.ru: forbidden-character'],
  ['unpaired surrogate', (d) => { d.title.ru = 'Тест \ud800'; }, 'title.ru: forbidden-character'],
  ['combining accent in a name', (d) => { d.contests[0].options[0].firstName.kk = 'Ну\u0301р'; }, 'contests[0].options[0].firstName.kk: bad-characters'],
  ['text of wrong type', (d) => { d.title.kk = 5; }, 'title.kk: wrong-type'],
  ['localized text as a plain string', (d) => { d.title = 'Сайлау'; }, 'title: wrong-type'],
  ['option id 0 is the against-all line', (d) => { d.contests[1].options[0].id = 0; }, 'contests[1].options[0].id: out-of-range'],
  ['id not an integer', (d) => { d.contests[0].id = 1.5; }, 'contests[0].id: wrong-type'],
  ['id as text', (d) => { d.contests[0].options[0].id = '2'; }, 'contests[0].options[0].id: wrong-type'],
  ['precinct negative', (d) => { d.precinct = -3; }, 'precinct: out-of-range'],
  ['precinct as text', (d) => { d.precinct = '7'; }, 'precinct: wrong-type'],
  ['date format', (d) => { d.date = '19.03.2028'; }, 'date: bad-format'],
  ['month 13', (d) => { d.date = '2028-13-01'; }, 'date: no-such-date'],
  ['hour 24', (d) => { d.votingHours.closes = '24:00'; }, 'votingHours.closes: bad-format'],
  ['same opening and closing', (d) => { d.votingHours.closes = '07:00'; }, 'votingHours: closes-before-opens'],
  ['unknown contest kind', (d) => { d.contests[0].kind = 'referendum'; }, 'contests[0].kind: unknown-kind'],
  ['flag not boolean', (d) => { d.contests[0].againstAll = 'yes'; }, 'contests[0].againstAll: wrong-type'],
  ['no contests', (d) => { d.contests = []; }, 'contests: no-contests'],
  ['too many contests', (d) => { d.contests = Array.from({ length: 9 }, (_, i) => ({ ...d.contests[1], id: i + 1 })); }, 'contests: too-many'],
  ['too many options', (d) => { d.contests[1].options = Array.from({ length: 65 }, (_, i) => ({ id: i + 1, name: { kk: `П ${i}`, ru: `П ${i}` } })); }, 'contests[1].options: too-many'],
  ['two parties with one name', (d) => { d.contests[1].options[1].name.ru = '«ТУГЫР»'; }, 'contests[1].options[1].name.ru: duplicate-name'],
  ['candidates out of order', (d) => { d.contests[0].options.reverse(); }, 'contests[0].options[1]: not-in-alphabetical-order'],
  ['patronymic left out instead of null', (d) => { delete d.contests[0].options[0].patronymic; }, 'contests[0].options[0].patronymic: missing'],
];
for (const [name, breakIt, expected] of cases) {
  test(`rule: ${name}`, () => {
    const d = deepCopy(smallDefinition());
    breakIt(d);
    assert.equal(problems(d), [expected]);
  });
}

test('namesakes are allowed, ordered by id', () => {
  const d = deepCopy(smallDefinition());
  d.contests[0].options[1] = { ...d.contests[0].options[0], id: 5 };
  assert.equal(validateElection(d), []);
  d.contests[0].options.reverse();
  assert.equal(problems(d), ['contests[0].options[1]: not-in-alphabetical-order']);
});

test('garbage of every JavaScript kind gives issues, never an exception', () => {
  for (const g of [null, undefined, 0, 'x', [], [1, 2], true, new Uint8Array(3), new Map([[1, 2]]), new Date(0), Object.create(null)]) {
    const issues = validateElection(g);
    assert.ok(issues.length > 0);
  }
  fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withDate: true }), (g) => {
    const issues = validateElection(g);
    for (const i of issues) { assert.type(i.path, 'string'); assert.type(i.rule, 'string'); }
  }), { numRuns: 2000 });
  // Garbage shaped like a definition: every field present, with any values.
  const shaped = fc.record({ electionId: fc.anything(), title: fc.anything(), date: fc.anything(), precinct: fc.anything(), votingHours: fc.anything(),
    contests: fc.array(fc.record({ id: fc.anything(), kind: fc.constantFrom('candidates', 'party-list', 'x'), title: fc.anything(), againstAll: fc.anything(), blankAllowed: fc.anything(),
      options: fc.array(fc.dictionary(fc.constantFrom('id', 'surname', 'firstName', 'patronymic', 'party', 'name'), fc.anything()), { maxLength: 5 }) }), { maxLength: 3 }) });
  fc.assert(fc.property(shaped, (g) => { validateElection(g); prepareElection(g); }), { numRuns: 2000 });
});

test('huge garbage: bounded issue list and bounded work', () => {
  const d = deepCopy(smallDefinition()) as any;
  d.contests = Array.from({ length: 100000 }, () => ({ id: 'x', options: 5 }));
  const issues = validateElection(d);
  assert.is(issues.length, MAX_ISSUES + 1);
  assert.is(issues[issues.length - 1].rule, 'too-many-problems');
  assert.ok(issues.some((i) => i.path === 'contests' && i.rule === 'too-many'));
  const deep: any = {}; let p = deep; for (let i = 0; i < 10000; i++) { p.title = {}; p = p.title; }
  assert.ok(validateElection(deep).length > 0);
  const big = prepareElectionJson(' '.repeat(2 * 1024 * 1024));
  assert.equal(big.ok ? [] : big.issues.map((i) => i.rule), ['too-large']);
});

test('JSON source: not JSON, wrong shapes, defaults, ordering', () => {
  const notJson = prepareElectionJson('{ "electionId": ');
  assert.is(notJson.ok, false);
  if (!notJson.ok) { assert.is(notJson.issues[0].rule, 'not-json'); assert.is(formatIssue(notJson.issues[0]).slice(0, 16), '(root): not-json'); }
  const arr = prepareElectionJson('[1,2]');
  assert.equal(arr.ok ? [] : arr.issues.map((i) => `${i.path}: ${i.rule}`), [': wrong-type']);
  fc.assert(fc.property(fc.json(), (j) => { prepareElectionJson(j); }), { numRuns: 1000 });

  const src = deepCopy(smallDefinition()) as any;
  delete src.votingHours;
  src.contests[0].options.reverse(); // out of order: build puts them right
  const r = prepareElectionJson('\ufeff' + JSON.stringify(src));
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.definition, smallDefinition());
    assert.is(r.notes.length, 2);
  }
  // Parties are never reordered: the order drawn by lot is kept.
  const parties = deepCopy(smallDefinition());
  parties.contests[1].options.reverse();
  const p = prepareElection(parties);
  assert.ok(p.ok && p.definition.contests[1].options.map((o) => o.id).join() === '1,2');
});

test('prepare reports every problem even when candidates are also out of order', () => {
  const src = deepCopy(smallDefinition()) as any;
  src.contests[0].options.reverse();
  src.contests[0].options[0].firstName.kk = '';
  src.precinct = 0;
  const r = prepareElection(src);
  assert.equal(r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.rule}`), ['precinct: out-of-range', 'contests[0].options[0].firstName.kk: empty']);
});

test.run();
