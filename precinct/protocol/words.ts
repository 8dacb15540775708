// Numbers in words for the printed protocol (figures are written "in figures and in
// words" so a changed digit is evident). Kazakh and Russian, 0 … 999 999 999.
// Russian: "тысяча" is feminine (одна тысяча, две тысячи) and takes the plural by the last
// two digits (1 тысяча, 2–4 тысячи, 5–20 тысяч, 21 тысяча …); "миллион" likewise
// (1 миллион, 2–4 миллиона, 5–20 миллионов). Kazakh has no agreement: a thousand is said
// with its multiplier, "бір мың" (1000), a hundred without it, "жүз" (100), "екі жүз" (200);
// words follow the digits: 1 234 = "бір мың екі жүз отыз төрт".

const RU_ONES_M = ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const RU_ONES_F = ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const RU_TEENS = ['десять', 'одиннадцать', 'двенадцать', 'тринадцать', 'четырнадцать', 'пятнадцать', 'шестнадцать', 'семнадцать', 'восемнадцать', 'девятнадцать'];
const RU_TENS = ['', '', 'двадцать', 'тридцать', 'сорок', 'пятьдесят', 'шестьдесят', 'семьдесят', 'восемьдесят', 'девяносто'];
const RU_HUNDREDS = ['', 'сто', 'двести', 'триста', 'четыреста', 'пятьсот', 'шестьсот', 'семьсот', 'восемьсот', 'девятьсот'];

function ruTriple(n: number, feminine: boolean): string[] {
  const out: string[] = [];
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const o = n % 10;
  if (h) out.push(RU_HUNDREDS[h]);
  if (t === 1) out.push(RU_TEENS[o]);
  else {
    if (t) out.push(RU_TENS[t]);
    if (o) out.push((feminine ? RU_ONES_F : RU_ONES_M)[o]);
  }
  return out;
}

/** Russian plural form for a count: one (1, 21, …), few (2–4, 22–24, …), many (the rest). */
function ruPlural(n: number, one: string, few: string, many: string): string {
  const t = n % 100;
  if (t >= 11 && t <= 14) return many;
  const o = n % 10;
  if (o === 1) return one;
  if (o >= 2 && o <= 4) return few;
  return many;
}

function check(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > 999_999_999) throw new RangeError(`number in words: ${n} is outside 0…999 999 999`);
}

export function russianWords(n: number): string {
  check(n);
  if (n === 0) return 'ноль';
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  const out: string[] = [];
  if (millions) out.push(...ruTriple(millions, false), ruPlural(millions, 'миллион', 'миллиона', 'миллионов'));
  if (thousands) out.push(...ruTriple(thousands, true), ruPlural(thousands, 'тысяча', 'тысячи', 'тысяч'));
  out.push(...ruTriple(rest, false));
  return out.join(' ');
}

const KK_ONES = ['', 'бір', 'екі', 'үш', 'төрт', 'бес', 'алты', 'жеті', 'сегіз', 'тоғыз'];
const KK_TENS = ['', 'он', 'жиырма', 'отыз', 'қырық', 'елу', 'алпыс', 'жетпіс', 'сексен', 'тоқсан'];

function kkTriple(n: number): string[] {
  const out: string[] = [];
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const o = n % 10;
  if (h) { if (h > 1) out.push(KK_ONES[h]); out.push('жүз'); }
  if (t) out.push(KK_TENS[t]);
  if (o) out.push(KK_ONES[o]);
  return out;
}

export function kazakhWords(n: number): string {
  check(n);
  if (n === 0) return 'нөл';
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  const out: string[] = [];
  // A multiplier of exactly one is said: "бір мың", "бір миллион" (but a bare hundred is "жүз").
  if (millions) out.push(...(millions === 1 ? ['бір'] : kkTriple(millions)), 'миллион');
  if (thousands) out.push(...(thousands === 1 ? ['бір'] : kkTriple(thousands)), 'мың');
  out.push(...kkTriple(rest));
  return out.join(' ');
}

export function numberInWords(n: number, lang: 'kk' | 'ru'): string {
  return lang === 'kk' ? kazakhWords(n) : russianWords(n);
}
