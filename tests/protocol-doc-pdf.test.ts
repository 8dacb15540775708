// The printed protocol: numbers in words (Kazakh, Russian), and the PDF's text as pdftotext
// reads it back (headings, figures, words, flag, code list). The layout itself was checked
// by eye on pages rendered with pdftoppm (docs/counting.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kazakhWords, russianWords } from '../precinct/protocol/words';
import { renderProtocolPdf, HEADINGS } from '../precinct/protocol/pdf';
import { protocolFixture } from './count-fixtures';

const RU: [number, string][] = [
  [0, 'ноль'], [1, 'один'], [2, 'два'], [11, 'одиннадцать'], [19, 'девятнадцать'], [21, 'двадцать один'], [40, 'сорок'],
  [100, 'сто'], [101, 'сто один'], [112, 'сто двенадцать'], [200, 'двести'], [999, 'девятьсот девяносто девять'],
  [1000, 'одна тысяча'], [1001, 'одна тысяча один'], [2000, 'две тысячи'], [2021, 'две тысячи двадцать один'],
  [3000, 'три тысячи'], [5000, 'пять тысяч'], [11000, 'одиннадцать тысяч'], [21000, 'двадцать одна тысяча'],
  [22000, 'двадцать две тысячи'], [1_000_000, 'один миллион'], [2_500_000, 'два миллиона пятьсот тысяч'],
];
const KK: [number, string][] = [
  [0, 'нөл'], [1, 'бір'], [10, 'он'], [11, 'он бір'], [21, 'жиырма бір'], [40, 'қырық'], [99, 'тоқсан тоғыз'],
  [100, 'жүз'], [101, 'жүз бір'], [200, 'екі жүз'], [1000, 'бір мың'], [1999, 'бір мың тоғыз жүз тоқсан тоғыз'],
  [2024, 'екі мың жиырма төрт'], [3000, 'үш мың'], [100_000, 'жүз мың'], [1_000_000, 'бір миллион'],
];

test('numbers in words: known values in Russian and Kazakh', () => {
  for (const [n, w] of RU) assert.is(russianWords(n), w, `ru ${n}`);
  for (const [n, w] of KK) assert.is(kazakhWords(n), w, `kk ${n}`);
  assert.throws(() => russianWords(-1));
  assert.throws(() => kazakhWords(1.5));
});

// An independent reader of number words: each word's value, multipliers applied left to right.
const RU_VALUES: Record<string, number> = {
  ноль: 0, один: 1, одна: 1, два: 2, две: 2, три: 3, четыре: 4, пять: 5, шесть: 6, семь: 7, восемь: 8, девять: 9, десять: 10,
  одиннадцать: 11, двенадцать: 12, тринадцать: 13, четырнадцать: 14, пятнадцать: 15, шестнадцать: 16, семнадцать: 17, восемнадцать: 18, девятнадцать: 19,
  двадцать: 20, тридцать: 30, сорок: 40, пятьдесят: 50, шестьдесят: 60, семьдесят: 70, восемьдесят: 80, девяносто: 90,
  сто: 100, двести: 200, триста: 300, четыреста: 400, пятьсот: 500, шестьсот: 600, семьсот: 700, восемьсот: 800, девятьсот: 900,
};
const KK_VALUES: Record<string, number> = {
  нөл: 0, бір: 1, екі: 2, үш: 3, төрт: 4, бес: 5, алты: 6, жеті: 7, сегіз: 8, тоғыз: 9, он: 10, жиырма: 20, отыз: 30, қырық: 40, елу: 50,
  алпыс: 60, жетпіс: 70, сексен: 80, тоқсан: 90,
};
function readWords(text: string, lang: 'ru' | 'kk'): number {
  let total = 0;
  let group = 0;
  for (const w of text.split(' ')) {
    if (/^тысяч/.test(w) || w === 'мың') { total += (group || 1) * 1000; group = 0; continue; }
    if (lang === 'kk' && w === 'жүз') { group = (group || 1) * 100; continue; }
    const v = (lang === 'ru' ? RU_VALUES : KK_VALUES)[w];
    if (v === undefined) throw new Error(`unknown word ${w} in "${text}"`);
    group += v;
  }
  return total + group;
}

test('numbers in words: 0…3,000 read back to the number, in both languages, with correct Russian plural', () => {
  for (let n = 0; n <= 3000; n++) {
    const ru = russianWords(n);
    const kk = kazakhWords(n);
    assert.is(readWords(ru, 'ru'), n, `ru ${n}: ${ru}`);
    assert.is(readWords(kk, 'kk'), n, `kk ${n}: ${kk}`);
    assert.ok(/^[а-яё]+( [а-яё]+)*$/.test(ru), ru);
    assert.ok(/^[а-яәғқңөұүһі]+( [а-яәғқңөұүһі]+)*$/.test(kk), kk);
    if (n >= 1000) assert.match(ru, n < 2000 ? /^одна тысяча/ : /^(две|три) тысячи/);
  }
});

function pdftotext(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-pdf-'));
  try {
    writeFileSync(join(dir, 'p.pdf'), pdf);
    const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'p.pdf'), join(dir, 'p.txt')]);
    assert.is(r.status, 0, String(r.stderr));
    const png = spawnSync('pdftoppm', ['-r', '40', '-png', '-f', '1', '-l', '1', join(dir, 'p.pdf'), join(dir, 'page')]);
    assert.is(png.status, 0, String(png.stderr));
    const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    assert.is(pages.length, 1);
    assert.ok(readFileSync(join(dir, pages[0])).length > 2000, 'page 1 renders to a non-empty image');
    return readFileSync(join(dir, 'p.txt'), 'utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const squash = (s: string): string => s.replace(/\s+/g, ' ');

/** With -layout a figure row reads "label(kk)   N   words(kk)" then "label(ru)   words(ru)". */
function hasFigure(layout: string, n: number): boolean {
  const lines = layout.split('\n');
  const i = lines.findIndex((l) => new RegExp(`(^|\\s)${n}\\s+${kazakhWords(n)}\\s*$`).test(l));
  return i >= 0 && lines[i + 1] !== undefined && lines[i + 1].trimEnd().endsWith(russianWords(n));
}

test('the PDF holds the Kazakh and Russian headings, the figures in figures and words, and the code list', async () => {
  const f = await protocolFixture({ premisesVotes: 120, portableVotes: 5, homeApplications: 4, markedVoters: 5, cardsSpoiled: 2, outstanding: 1, seed: 41 });
  const pdf = await renderProtocolPdf(f.signed, f.doc);
  assert.is(pdf.subarray(0, 5).toString(), '%PDF-');
  const layout = pdftotext(pdf);
  const text = squash(layout);
  for (const h of Object.values(HEADINGS)) {
    assert.ok(text.includes(squash(h.kk)), `kk heading ${h.kk}`);
    assert.ok(text.includes(squash(h.ru)), `ru heading ${h.ru}`);
  }
  const c0 = f.doc.contests[0];
  for (const o of c0.options) {
    assert.ok(text.includes(o.text.kk), o.text.kk);
    assert.ok(text.includes(o.text.ru), o.text.ru);
    assert.ok(hasFigure(layout, o.votes), `figure and words for ${o.votes}`);
  }
  const r = f.doc.reconciliation;
  for (const n of [r.cardsActivated, r.votesInPremises, r.cardsSpoiled, r.cardsOutstanding, r.ballotsCounted, r.portableVotes]) assert.ok(hasFigure(layout, n), `reconciliation figure ${n}`);
  assert.ok(text.includes('ВНИМАНИЕ'), 'the set-aside flag is printed');
  assert.ok(text.includes('portable-exceeds-applications'));
  assert.ok(text.includes('Председатель комиссии') && text.includes('Комиссия төрағасы'));
  for (const e of f.doc.codes.slice(0, 20)) assert.ok(text.includes(String(e.code).padStart(4, '0')), `code ${e.code}`);
  assert.ok(text.includes(f.doc.election.title.kk) && text.includes(f.doc.election.title.ru));
});

test.run();
