// The device's Kazakh collation (no Intl) against ICU's `kk` collation in Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { KAZAKH_ALPHABET_LOWER, KAZAKH_ALPHABET_UPPER, compareCandidates, compareKazakh, isNameCharacter } from '../protocol/election/collation';

const icu = new Intl.Collator('kk');
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const SPECIAL = 'ӘәҒғҚқҢңӨөҰұҮүҺһІі';

test('Node has ICU with the Kazakh tailoring (otherwise this suite proves nothing)', () => {
  assert.is(icu.resolvedOptions().locale, 'kk');
  // Root collation puts Ә after all of А..Я; only the kk tailoring puts it right after А.
  assert.ok(icu.compare('Әа', 'Ба') < 0);
});

test('the alphabet is the one the issue states, and ICU orders its letters the same way', () => {
  const stated = 'А Ә Б В Г Ғ Д Е Ё Ж З И Й К Қ Л М Н Ң О Ө П Р С Т У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І Ь Э Ю Я'.split(' ');
  assert.is(KAZAKH_ALPHABET_UPPER, stated.join(''));
  assert.is([...KAZAKH_ALPHABET_UPPER].length, 42);
  for (const letters of [KAZAKH_ALPHABET_UPPER, KAZAKH_ALPHABET_LOWER]) {
    const shuffled = [...letters].reverse();
    assert.is(shuffled.sort(icu.compare).join(''), letters);
    assert.is([...letters].reverse().sort(compareKazakh).join(''), letters);
  }
  for (let i = 0; i < 42; i++) assert.is(KAZAKH_ALPHABET_LOWER[i].toUpperCase(), KAZAKH_ALPHABET_UPPER[i]);
});

test('every letter is a distinct primary letter: no pair of letters ties at the first level', () => {
  for (let i = 0; i + 1 < 42; i++) {
    // a lower letter then "я" vs the next letter then "а": only a primary difference can decide it
    const a = KAZAKH_ALPHABET_LOWER[i] + 'я', b = KAZAKH_ALPHABET_UPPER[i + 1] + 'а';
    assert.is(sign(icu.compare(a, b)), -1, `${a} ${b}`);
    assert.is(sign(compareKazakh(a, b)), -1, `${a} ${b}`);
  }
});

test('known cases that naive code-point order gets wrong', () => {
  const cases: [string, string][] = [['Әбенова', 'Бекова'], ['Ғалым', 'Дана'], ['Қасым', 'Лаура'], ['Өтепов', 'Петров'],
    ['Ұлан', 'Үсен'], ['Үсен', 'Фатима'], ['Һашимов', 'Цой'], ['Ыбыраев', 'Іслам'], ['Іслам', 'Ьа'], ['Ёлкин', 'Жанна'], ['Ерлан', 'Ёлкин']];
  for (const [a, b] of cases) {
    assert.ok(icu.compare(a, b) < 0, `ICU ${a} < ${b}`);
    assert.ok(compareKazakh(a, b) < 0, `ours ${a} < ${b}`);
    assert.ok(compareKazakh(b, a) > 0);
  }
});

const allNameChars = [...KAZAKH_ALPHABET_UPPER, ...KAZAKH_ALPHABET_LOWER, ' ', '-'];
const anyNameString = fc.array(fc.constantFrom(...allNameChars), { maxLength: 12 }).map((a) => a.join(''));
// Few characters, so strings often tie at the first level and only case or length decides.
const closeString = fc.array(fc.constantFrom('а', 'А', 'ә', 'Ә', 'і', 'І', 'ы', '-', ' ', 'һ', 'Һ', 'х'), { maxLength: 6 }).map((a) => a.join(''));
// Names as they are written: capital, then lower-case letters, maybe hyphenated; with every special letter likely.
const letter = fc.oneof(fc.constantFrom(...KAZAKH_ALPHABET_LOWER), fc.constantFrom(...SPECIAL.toLowerCase()));
const word = fc.tuple(fc.constantFrom(...KAZAKH_ALPHABET_UPPER, ...SPECIAL.toUpperCase()), fc.array(letter, { minLength: 0, maxLength: 9 }))
  .map(([c, rest]) => c + rest.join(''));
const realName = fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: fc.tuple(word, fc.constantFrom('-', ' '), word).map((p) => p.join('')) });

for (const [label, arb] of [['any strings of name characters', anyNameString], ['strings that tie at the first level', closeString], ['realistic names', realName]] as const) {
  test(`compareKazakh agrees with ICU kk: ${label}`, () => {
    fc.assert(fc.property(arb, arb, (a, b) => {
      assert.is(sign(compareKazakh(a, b)), sign(icu.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }), { numRuns: 20000 });
  });
}

test('sorting generated name lists gives the same order as ICU (every special letter appears)', () => {
  const seen = new Set<string>();
  fc.assert(fc.property(fc.array(realName, { minLength: 2, maxLength: 30 }), (names) => {
    for (const n of names) for (const ch of n) seen.add(ch);
    assert.equal([...names].sort(compareKazakh), [...names].sort(icu.compare));
  }), { numRuns: 2000 });
  for (const ch of SPECIAL) assert.ok(seen.has(ch), `generator never produced ${ch}`);
});

test('candidates: surname, then first name, then patronymic, each as ICU; then id', () => {
  const person = fc.record({
    id: fc.integer({ min: 1, max: 9999 }),
    surname: fc.record({ kk: fc.oneof(realName, fc.constantFrom('Әлімжанов', 'Алимжанов')) }),
    firstName: fc.record({ kk: fc.oneof(realName, fc.constantFrom('Әділет', 'Дәурен')) }),
    patronymic: fc.option(fc.record({ kk: fc.oneof(realName, fc.constantFrom('Серікұлы')) }), { nil: null }),
  });
  type Person = { id: number; surname: { kk: string }; firstName: { kk: string }; patronymic: { kk: string } | null };
  const byIcu = (a: Person, b: Person): number =>
    icu.compare(a.surname.kk, b.surname.kk) || icu.compare(a.firstName.kk, b.firstName.kk) ||
    icu.compare(a.patronymic?.kk ?? '', b.patronymic?.kk ?? '') || a.id - b.id;
  fc.assert(fc.property(person, person, (a, b) => {
    assert.is(sign(compareCandidates(a, b)), sign(byIcu(a, b)));
  }), { numRuns: 20000 });
});

test('isNameCharacter: letters, space and hyphen only (Latin look-alikes are not letters)', () => {
  for (const ch of allNameChars) assert.ok(isNameCharacter(ch), ch);
  for (const ch of ['A', 'a', 'e', 'i', 'I', 'Ӓ', '\u0301', '.', "'", '’', '\u00a0', '1', 'ў', 'Ї', 'Ҳ']) assert.not.ok(isNameCharacter(ch), ch);
});

test.run();
