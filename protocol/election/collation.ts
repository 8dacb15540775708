// Kazakh alphabetical order for candidates' names, without Intl (XS has none).
//
// It reproduces ICU's `kk` collation (CLDR root plus the Kazakh tailoring, default
// strength tertiary, alternate=non-ignorable) for the characters a name may contain:
// the 42 letters of the Kazakh Cyrillic alphabet in both cases, space and hyphen.
// ICU compares in levels: first the letters alone (primary), and only when those are
// all equal, their case (tertiary: lower before upper, left to right). Space and
// hyphen are primary weights below every letter, space before hyphen. Names are
// validated to use only these characters (validate.ts), and tests/election-collation
// checks this order against Node's ICU over generated names.

/** The Kazakh Cyrillic alphabet in its order (checked against ICU by the tests). */
export const KAZAKH_ALPHABET_UPPER = 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ';
export const KAZAKH_ALPHABET_LOWER = 'аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя';

const SPACE = 0x20;
const HYPHEN = 0x2d;
/** Primary weights: space 1, hyphen 2, letters from 10; anything else after them (not ICU-conformant). */
const FOREIGN_BASE = 1000;

const primary = new Map<number, number>();
const upper = new Set<number>();
primary.set(SPACE, 1);
primary.set(HYPHEN, 2);
for (let i = 0; i < KAZAKH_ALPHABET_UPPER.length; i++) {
  primary.set(KAZAKH_ALPHABET_UPPER.charCodeAt(i), 10 + i);
  primary.set(KAZAKH_ALPHABET_LOWER.charCodeAt(i), 10 + i);
  upper.add(KAZAKH_ALPHABET_UPPER.charCodeAt(i));
}

/** True when a name may contain this character (and the collation is exact for it). */
export function isNameCharacter(ch: string): boolean {
  return ch.length === 1 && primary.has(ch.charCodeAt(0));
}

function primaryOf(code: number): number {
  return primary.get(code) ?? FOREIGN_BASE + code;
}

/**
 * Compares two strings in Kazakh alphabetical order: negative, zero or positive.
 * Zero only for identical strings (for name characters, as ICU at tertiary strength).
 */
export function compareKazakh(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = primaryOf(a.charCodeAt(i)) - primaryOf(b.charCodeAt(i));
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const ua = upper.has(a.charCodeAt(i)) ? 1 : 0;
    const ub = upper.has(b.charCodeAt(i)) ? 1 : 0;
    if (ua !== ub) return ua - ub;
  }
  // Same weights at both levels: identical for name characters; code units order the rest.
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface NameParts {
  surname: { kk: string };
  firstName: { kk: string };
  patronymic: { kk: string } | null;
}

/**
 * Ballot order of candidates: surname, then first name, then patronymic, each by
 * compareKazakh on the Kazakh form; no patronymic sorts as an empty one. Namesakes
 * (equal in all three) are ordered by id, so the order is total and the build is repeatable.
 */
export function compareCandidates<T extends NameParts & { id: number }>(a: T, b: T): number {
  return (
    compareKazakh(a.surname.kk, b.surname.kk) ||
    compareKazakh(a.firstName.kk, b.firstName.kk) ||
    compareKazakh(a.patronymic ? a.patronymic.kk : '', b.patronymic ? b.patronymic.kk : '') ||
    a.id - b.id
  );
}
