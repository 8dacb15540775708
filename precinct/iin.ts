// The IIN (individual identification number) as REQUIREMENTS.md restates it from Government
// resolution No. 565 (2003): 12 digits = YYMMDD birth date, a century-and-sex digit (1–6),
// a 4-digit registration serial, a check digit. Validation names the rule that failed so the
// member at the desk knows whether to rescan (format, check digit) or to call the chairman.
import { PrecinctError } from './errors';

export type IinRule = 'format' | 'century' | 'date' | 'check-digit' | 'never-issued';
export type Sex = 'male' | 'female';

export class IinError extends PrecinctError {
  readonly rule: IinRule;
  constructor(rule: IinRule, message: string) {
    super(`iin-${rule}`, message);
    this.name = 'IinError';
    this.rule = rule;
  }
}

export interface IinInfo {
  iin: string;
  /** ISO date YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
  /** digits 8–11 as a number 0..9999 */
  serial: number;
}

const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

function weightedMod11(digits: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += digits[i] * weights[i];
  return sum % 11;
}

/** Which pass decides the check digit: 1 (weights 1..11) or 2 (weights 3..11,1,2). */
export function checkDigitPass(first11: string): 1 | 2 {
  return weightedMod11(toDigits(first11), WEIGHTS_1) === 10 ? 2 : 1;
}

/** The check digit for 11 leading digits, or null when the number can never be issued. */
export function computeCheckDigit(first11: string): number | null {
  const d = toDigits(first11);
  const first = weightedMod11(d, WEIGHTS_1);
  if (first !== 10) return first;
  const second = weightedMod11(d, WEIGHTS_2);
  return second === 10 ? null : second;
}

function toDigits(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) - 48);
  return out;
}

/** Century start for the 7th digit: 1–2 → 1800s, 3–4 → 1900s, 5–6 → 2000s. */
function centuryOf(digit: number): number {
  return 1800 + Math.floor((digit - 1) / 2) * 100;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Validates an IIN and decodes it; throws IinError naming the first rule that fails. */
export function parseIin(text: string): IinInfo {
  if (!/^[0-9]{12}$/.test(text)) {
    throw new IinError('format', `an IIN is exactly 12 digits, got ${JSON.stringify(text.slice(0, 20))}; rescan or retype it`);
  }
  const d = toDigits(text);
  const centuryDigit = d[6];
  if (centuryDigit < 1 || centuryDigit > 6) {
    throw new IinError('century', `7th digit must be 1–6 (century and sex), got ${centuryDigit}; check the number against the ID document`);
  }
  const year = centuryOf(centuryDigit) + d[0] * 10 + d[1];
  const month = d[2] * 10 + d[3];
  const day = d[4] * 10 + d[5];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new IinError('date', `digits 1–6 are not a real birth date (${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}); check the number against the ID document`);
  }
  const expected = computeCheckDigit(text.slice(0, 11));
  if (expected === null) {
    throw new IinError('never-issued', 'both check-digit passes give 10: no such IIN is ever issued; check the number against the ID document');
  }
  if (expected !== d[11]) {
    throw new IinError('check-digit', `check digit is ${d[11]}, expected ${expected}: a digit is misread or mistyped; rescan or retype it`);
  }
  return {
    iin: text,
    birthDate: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`,
    sex: centuryDigit % 2 === 1 ? 'male' : 'female',
    serial: d[7] * 1000 + d[8] * 100 + d[9] * 10 + d[10],
  };
}

export function isValidIin(text: string): boolean {
  try {
    parseIin(text);
    return true;
  } catch (e) {
    if (e instanceof IinError) return false;
    throw e;
  }
}

export interface IinParts {
  /** ISO date YYYY-MM-DD, year 1800–2099 */
  birthDate: string;
  sex: Sex;
  /** 0..9999 */
  serial: number;
}

/** The 11 leading digits for a birth date, sex and serial (no check digit). */
function leadingDigits(parts: IinParts): string {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(parts.birthDate);
  if (!m) throw new PrecinctError('iin-generator-input', `birth date must be YYYY-MM-DD, got ${parts.birthDate}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1800 || year > 2099) throw new PrecinctError('iin-generator-input', `IIN years are 1800–2099, got ${year}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new PrecinctError('iin-generator-input', `not a real date: ${parts.birthDate}`);
  }
  if (!Number.isInteger(parts.serial) || parts.serial < 0 || parts.serial > 9999) {
    throw new PrecinctError('iin-generator-input', `serial must be an integer 0..9999, got ${parts.serial}`);
  }
  const centuryDigit = 1 + Math.floor((year - 1800) / 100) * 2 + (parts.sex === 'female' ? 1 : 0);
  return `${pad(year % 100, 2)}${m[2]}${m[3]}${centuryDigit}${pad(parts.serial, 4)}`;
}

/** The IIN for these parts, or null when that serial gives a never-issued number. */
export function makeIin(parts: IinParts): string | null {
  const first11 = leadingDigits(parts);
  const check = computeCheckDigit(first11);
  return check === null ? null : first11 + String(check);
}

/** The IIN with the first issuable serial at or after parts.serial (for sample registers). */
export function generateIin(parts: IinParts): { iin: string; serial: number } {
  for (let serial = parts.serial; serial <= 9999; serial++) {
    const iin = makeIin({ ...parts, serial });
    if (iin !== null) return { iin, serial };
  }
  throw new PrecinctError('iin-serials-exhausted', `no issuable serial at or after ${parts.serial} for ${parts.birthDate}; start from a lower serial`);
}
