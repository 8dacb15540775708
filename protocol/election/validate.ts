// Checks a value of unknown shape (parsed JSON, decoded CBOR) against every rule of an
// election definition and reports all broken rules with their field paths, so an author
// fixes a file in one pass and a device refuses a bad definition with a precise reason.
// Never throws on any input: garbage gives issues, not exceptions.
import { compareCandidates, isNameCharacter } from './collation';
import type { ValidationIssue } from './errors';
import { LIMITS, type Candidate, type ElectionDefinition } from './model';

/** Past this many issues the rest are summarised in one: garbage input must not flood a screen. */
export const MAX_ISSUES = 100;
/** Arrays are walked only this far, so huge garbage arrays cost bounded work. */
const MAX_WALK = 256;

export interface ValidateOptions {
  /** Check that candidates are in Kazakh alphabetical order (the builder sorts first, then checks). Default true. */
  checkOrder?: boolean;
}

type Obj = Record<string, unknown>;

class Issues {
  readonly list: ValidationIssue[] = [];
  dropped = 0;
  add(path: string, rule: string, detail?: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push(detail === undefined ? { path, rule } : { path, rule, detail });
    else this.dropped++;
  }
  result(): ValidationIssue[] {
    if (this.dropped === 0) return this.list;
    return [...this.list, { path: '', rule: 'too-many-problems', detail: `${this.dropped} more not shown` }];
  }
}

function isObj(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'byte string';
  if (v instanceof Map) return 'map with non-text keys';
  return typeof v;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Checks it is an object with exactly these keys; returns it (or undefined after reporting). */
function object(v: unknown, path: string, keys: readonly string[], out: Issues): Obj | undefined {
  if (!isObj(v)) {
    out.add(path, 'wrong-type', `expected an object with ${keys.join(', ')}; got ${typeName(v)}`);
    return undefined;
  }
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(v, k)) out.add(join(path, k), 'missing');
  let extra = 0;
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    if (extra++ < 10) out.add(join(path, k.length > 40 ? `${k.slice(0, 40)}…` : k), 'unknown-field', `allowed: ${keys.join(', ')}`);
  }
  return v;
}

function has(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/**
 * Characters no ballot text may hold: controls (C0, DEL, C1), line/paragraph separators,
 * zero-width and bidirectional controls (they can make a screen show other than the bytes say),
 * the byte-order mark and unpaired surrogates (not encodable as UTF-8).
 */
function forbiddenCharacter(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
      return 'unpaired surrogate';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'unpaired surrogate';
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x200b && c <= 0x200f) ||
        (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c === 0xfeff) {
      return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}

/** A general ballot text: non-empty, bounded, printable, no stray spaces. */
function text(v: unknown, path: string, max: number, out: Issues): v is string {
  if (typeof v !== 'string') { out.add(path, 'wrong-type', `expected text; got ${typeName(v)}`); return false; }
  if (v.trim() === '') { out.add(path, 'empty'); return false; }
  let ok = true;
  if (v.length > max) { out.add(path, 'too-long', `${v.length} characters; at most ${max}`); ok = false; }
  const bad = forbiddenCharacter(v);
  if (bad) { out.add(path, 'forbidden-character', bad); ok = false; }
  if (v !== v.trim() || /\s\s/.test(v)) { out.add(path, 'bad-spacing', 'no leading, trailing or doubled spaces'); ok = false; }
  return ok;
}

/** A name part: Kazakh Cyrillic letters, single spaces or hyphens between them. */
function name(v: unknown, path: string, out: Issues): v is string {
  if (!text(v, path, LIMITS.nameLength, out)) return false;
  const s = v as string;
  const bad: string[] = [];
  for (const ch of s) if (!isNameCharacter(ch) && !bad.includes(ch) && bad.length < 5) bad.push(ch);
  if (bad.length > 0) {
    out.add(path, 'bad-characters', `only Kazakh Cyrillic letters, space and hyphen; found ${bad.map((c) => JSON.stringify(c)).join(' ')}`);
    return false;
  }
  if (/^[ -]|[ -]$|[ -][ -]/.test(s)) { out.add(path, 'bad-spacing', 'a space or hyphen only between letters'); return false; }
  return true;
}

function localized(v: unknown, path: string, out: Issues, part: (v: unknown, path: string, out: Issues) => boolean): boolean {
  const o = object(v, path, ['kk', 'ru'], out);
  if (!o) return false;
  const kk = has(o, 'kk') ? part(o.kk, join(path, 'kk'), out) : false;
  const ru = has(o, 'ru') ? part(o.ru, join(path, 'ru'), out) : false;
  return kk && ru && Object.keys(o).length === 2;
}

const textOf = (max: number) => (v: unknown, path: string, out: Issues): boolean => text(v, path, max, out);

function integer(v: unknown, path: string, min: number, max: number, out: Issues): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) { out.add(path, 'wrong-type', `expected a whole number; got ${typeName(v)}`); return false; }
  if (v < min || v > max) { out.add(path, 'out-of-range', `${min}..${max}`); return false; }
  return true;
}

function boolean(v: unknown, path: string, out: Issues): void {
  if (typeof v !== 'boolean') out.add(path, 'wrong-type', `expected true or false; got ${typeName(v)}`);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function date(v: unknown, path: string, out: Issues): void {
  if (typeof v !== 'string') { out.add(path, 'wrong-type', `expected "YYYY-MM-DD"; got ${typeName(v)}`); return; }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) { out.add(path, 'bad-format', 'expected "YYYY-MM-DD"'); return; }
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1991 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]) out.add(path, 'no-such-date');
}

/** "HH:MM" to minutes since midnight, or undefined after reporting. */
function time(v: unknown, path: string, out: Issues): number | undefined {
  if (typeof v !== 'string') { out.add(path, 'wrong-type', `expected "HH:MM"; got ${typeName(v)}`); return undefined; }
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) { out.add(path, 'bad-format', 'expected "HH:MM", 00:00 to 23:59'); return undefined; }
  return Number(m[1]) * 60 + Number(m[2]);
}

const ELECTION_KEYS = ['electionId', 'title', 'date', 'precinct', 'votingHours', 'contests'] as const;
const CONTEST_KEYS = ['id', 'kind', 'title', 'againstAll', 'blankAllowed', 'options'] as const;
const CANDIDATE_KEYS = ['id', 'surname', 'firstName', 'patronymic', 'party'] as const;
const PARTY_KEYS = ['id', 'name'] as const;

/** Walks an array: reports wrong type, too few or too many; returns the items to check. */
function list(v: unknown, path: string, min: number, max: number, what: string, out: Issues): unknown[] {
  if (!Array.isArray(v)) { out.add(path, 'wrong-type', `expected a list of ${what}; got ${typeName(v)}`); return []; }
  if (v.length < min) out.add(path, min === 1 ? `no-${what}` : 'too-few', `at least ${min}`);
  if (v.length > max) out.add(path, 'too-many', `${v.length}; at most ${max}`);
  return v.slice(0, MAX_WALK);
}

function contest(v: unknown, path: string, opts: ValidateOptions, out: Issues): void {
  const c = object(v, path, CONTEST_KEYS, out);
  if (!c) return;
  if (has(c, 'id')) integer(c.id, join(path, 'id'), 1, LIMITS.maxId, out);
  if (has(c, 'title')) localized(c.title, join(path, 'title'), out, textOf(LIMITS.titleLength));
  if (has(c, 'againstAll')) boolean(c.againstAll, join(path, 'againstAll'), out);
  if (has(c, 'blankAllowed')) boolean(c.blankAllowed, join(path, 'blankAllowed'), out);
  const kind = c.kind;
  if (has(c, 'kind') && kind !== 'candidates' && kind !== 'party-list') {
    out.add(join(path, 'kind'), 'unknown-kind', 'expected "candidates" or "party-list"');
  }
  if (!has(c, 'options')) return;
  const optsPath = join(path, 'options');
  const items = list(c.options, optsPath, 1, LIMITS.maxOptions, 'options', out);
  const seenIds = new Map<number, number>();
  const seenNames = new Map<string, number>();
  const wellFormed: (Candidate | undefined)[] = [];
  items.forEach((item, i) => {
    const p = `${optsPath}[${i}]`;
    const keys = kind === 'candidates' ? CANDIDATE_KEYS : kind === 'party-list' ? PARTY_KEYS : null;
    if (keys === null) {
      // Unknown kind: the options' shape is unknown too; still check what every option has.
      if (!isObj(item)) out.add(p, 'wrong-type', `expected an object; got ${typeName(item)}`);
      else if (!has(item, 'id')) out.add(join(p, 'id'), 'missing');
      else integer(item.id, join(p, 'id'), 1, LIMITS.maxId, out);
      return;
    }
    const o = object(item, p, keys, out);
    if (!o) { wellFormed.push(undefined); return; }
    let good = true;
    if (has(o, 'id')) {
      if (integer(o.id, join(p, 'id'), 1, LIMITS.maxId, out)) {
        const first = seenIds.get(o.id);
        if (first !== undefined) { out.add(join(p, 'id'), 'duplicate-id', `same as ${optsPath}[${first}].id`); good = false; }
        else seenIds.set(o.id, i);
      } else good = false;
    } else good = false;
    if (kind === 'candidates') {
      for (const k of ['surname', 'firstName'] as const) {
        if (!has(o, k) || !localized(o[k], join(p, k), out, name)) good = false;
      }
      if (!has(o, 'patronymic')) good = false;
      else if (o.patronymic !== null && !localized(o.patronymic, join(p, 'patronymic'), out, name)) good = false;
      if (has(o, 'party') && o.party !== null) localized(o.party, join(p, 'party'), out, textOf(LIMITS.partyNameLength));
      wellFormed.push(good ? (o as unknown as Candidate) : undefined);
    } else if (has(o, 'name') && localized(o.name, join(p, 'name'), out, textOf(LIMITS.partyNameLength))) {
      const n = o.name as { kk: string; ru: string };
      for (const lang of ['kk', 'ru'] as const) {
        const key = `${lang}:${n[lang].toLowerCase()}`;
        const first = seenNames.get(key);
        if (first !== undefined) out.add(join(join(p, 'name'), lang), 'duplicate-name', `same as ${optsPath}[${first}].name.${lang}`);
        else seenNames.set(key, i);
      }
    }
  });
  if (kind === 'candidates' && opts.checkOrder !== false) {
    for (let i = 1; i < wellFormed.length; i++) {
      const a = wellFormed[i - 1], b = wellFormed[i];
      if (a && b && compareCandidates(a, b) >= 0) {
        out.add(`${optsPath}[${i}]`, 'not-in-alphabetical-order', `must come before ${optsPath}[${i - 1}]: candidates go in Kazakh alphabetical order of surname, first name, patronymic`);
      }
    }
  }
}

/** Every broken rule of a candidate definition; empty when it is valid. */
export function validateElection(value: unknown, opts: ValidateOptions = {}): ValidationIssue[] {
  const out = new Issues();
  const d = object(value, '', ELECTION_KEYS, out);
  if (!d) return out.result();
  if (has(d, 'electionId')) {
    const id = d.electionId;
    if (typeof id !== 'string') out.add('electionId', 'wrong-type', `expected text; got ${typeName(id)}`);
    else if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) || id.length > LIMITS.electionIdLength) {
      out.add('electionId', 'bad-format', `1 to ${LIMITS.electionIdLength} of A-Z a-z 0-9 . _ -, starting with a letter or digit`);
    }
  }
  if (has(d, 'title')) localized(d.title, 'title', out, textOf(LIMITS.titleLength));
  if (has(d, 'date')) date(d.date, 'date', out);
  if (has(d, 'precinct')) integer(d.precinct, 'precinct', 1, LIMITS.maxPrecinct, out);
  if (has(d, 'votingHours')) {
    const h = object(d.votingHours, 'votingHours', ['opens', 'closes'], out);
    if (h) {
      const opens = has(h, 'opens') ? time(h.opens, 'votingHours.opens', out) : undefined;
      const closes = has(h, 'closes') ? time(h.closes, 'votingHours.closes', out) : undefined;
      if (opens !== undefined && closes !== undefined && opens >= closes) out.add('votingHours', 'closes-before-opens', 'voting must close after it opens, the same day');
    }
  }
  if (has(d, 'contests')) {
    const items = list(d.contests, 'contests', 1, LIMITS.maxContests, 'contests', out);
    const seen = new Map<number, number>();
    items.forEach((c, i) => {
      contest(c, `contests[${i}]`, opts, out);
      if (isObj(c) && typeof c.id === 'number' && Number.isInteger(c.id)) {
        const first = seen.get(c.id);
        if (first !== undefined) out.add(`contests[${i}].id`, 'duplicate-id', `same as contests[${first}].id`);
        else seen.set(c.id, i);
      }
    });
  }
  return out.result();
}

/** The value as a typed definition when it is valid; otherwise every issue. */
export function checkElection(value: unknown, opts: ValidateOptions = {}):
  | { ok: true; definition: ElectionDefinition }
  | { ok: false; issues: ValidationIssue[] } {
  const issues = validateElection(value, opts);
  return issues.length === 0 ? { ok: true, definition: value as ElectionDefinition } : { ok: false, issues };
}
