// The voter register: CSV import (validated whole, imported all-or-nothing), the name
// folding the desk searches with, and lookups.
//
// CSV format (UTF-8, optional BOM, RFC 4180 quoting, LF or CRLF, one header row, columns
// in any order, named exactly):
//   register_no  number in the list, integer 1..999999, unique
//   iin          12 digits, valid (precinct/iin.ts), unique
//   surname      non-empty
//   first_name   non-empty
//   patronymic   may be empty (not everyone has one)
//   birth_date   YYYY-MM-DD or DD.MM.YYYY; must equal the date encoded in the IIN
//   address      non-empty
import { createHash } from 'node:crypto';
import type { PrecinctDb } from './db/open';
import type { Clock } from './db/clock';
import { eventLog } from './event-log';
import { PrecinctError } from './errors';
import { IinError, parseIin } from './iin';

export const MAX_VOTERS = 3000;
export const REGISTER_COLUMNS = ['register_no', 'iin', 'surname', 'first_name', 'patronymic', 'birth_date', 'address'] as const;
type Column = (typeof REGISTER_COLUMNS)[number];

export interface VoterInput {
  registerNo: number;
  iin: string;
  surname: string;
  firstName: string;
  patronymic: string;
  birthDate: string;
  address: string;
}

export interface Voter extends VoterInput {
  list: 'main' | 'supplementary';
  basis: string | null;
}

export interface ImportProblem {
  /** physical line in the file where the record starts (1 = header) */
  line: number;
  column?: string;
  code: string;
  message: string;
}

export class RegisterImportError extends PrecinctError {
  readonly problems: ImportProblem[];
  constructor(problems: ImportProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `  line ${p.line}${p.column ? ` [${p.column}]` : ''}: ${p.message}`).join('\n');
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : '';
    super('register-invalid', `the register was not imported (nothing was written): ${problems.length} problem(s); correct the file and import it again\n${shown}${more}`);
    this.name = 'RegisterImportError';
    this.problems = problems;
  }
}

// ---- CSV --------------------------------------------------------------------------------

export interface CsvRecord { line: number; fields: string[] }

/** RFC 4180 records with the line each starts on. Throws RegisterImportError on an unclosed quote. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let startLine = 1;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
    fields = [];
    field = '';
    startLine = line;
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { /* CRLF: the \n ends the record */ }
    else if (c === '\n') { line++; endRecord(); }
    else field += c;
  }
  if (quoted) throw new RegisterImportError([{ line: startLine, code: 'csv-unclosed-quote', message: 'a quoted field is not closed before the end of the file' }]);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

// ---- names ------------------------------------------------------------------------------

// Kazakh letters fold to the Russian letters a member without a Kazakh keyboard would type,
// and ё to е, so "касымов" finds "Қасымов". Display always uses the register's spelling.
const FOLD: Record<string, string> = {
  'ә': 'а', 'ғ': 'г', 'қ': 'к', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'һ': 'х', 'і': 'и', 'ё': 'е',
};

/** Search key for names: NFC, Unicode default lower case (locale-independent), Kazakh→Russian letters, single spaces. */
export function foldName(text: string): string {
  const lower = text.normalize('NFC').toLowerCase();
  let out = '';
  for (const ch of lower) out += FOLD[ch] ?? ch;
  return out.replace(/[\s\u00a0]+/g, ' ').trim();
}

export function nameKey(v: Pick<VoterInput, 'surname' | 'firstName' | 'patronymic'>): string {
  return foldName(`${v.surname} ${v.firstName} ${v.patronymic}`);
}

function cleanName(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0]+/g, ' ').trim();
}

// ---- validation -------------------------------------------------------------------------

/** YYYY-MM-DD or DD.MM.YYYY → YYYY-MM-DD, or null. (Range checks come from the IIN comparison.) */
export function normalizeDate(text: string): string | null {
  const iso = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (iso) return text;
  const dotted = /^([0-9]{2})\.([0-9]{2})\.([0-9]{4})$/.exec(text);
  return dotted ? `${dotted[3]}-${dotted[2]}-${dotted[1]}` : null;
}

/** Checks one voter's fields; returns the problems (empty when the voter is valid). */
export function validateVoter(v: VoterInput, line: number): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const add = (column: Column, code: string, message: string): void => { problems.push({ line, column, code, message }); };
  if (!Number.isSafeInteger(v.registerNo) || v.registerNo < 1 || v.registerNo > 999_999) add('register_no', 'bad-register-no', 'register number must be an integer 1..999999');
  let iinDate: string | null = null;
  try {
    iinDate = parseIin(v.iin).birthDate;
  } catch (e) {
    if (!(e instanceof IinError)) throw e;
    add('iin', e.code, `IIN ${JSON.stringify(v.iin)}: ${e.message.replace(/^[a-z-]+: /, '')}`);
  }
  if (v.surname === '') add('surname', 'empty-surname', 'surname is empty');
  if (v.firstName === '') add('first_name', 'empty-first-name', 'first name is empty');
  if (v.address === '') add('address', 'empty-address', 'address is empty');
  const birth = normalizeDate(v.birthDate);
  if (birth === null) add('birth_date', 'bad-birth-date', `birth date ${JSON.stringify(v.birthDate)} is not YYYY-MM-DD or DD.MM.YYYY`);
  else if (iinDate !== null && birth !== iinDate) add('birth_date', 'birth-date-mismatch', `birth date ${birth} differs from the IIN's ${iinDate}`);
  return problems;
}

interface ParsedRegister { voters: VoterInput[]; problems: ImportProblem[] }

function parseRegister(text: string): ParsedRegister {
  const records = parseCsv(text);
  if (records.length === 0) return { voters: [], problems: [{ line: 1, code: 'empty-file', message: 'the file is empty; expected a header row and voters' }] };
  const header = records[0].fields.map((h) => h.trim());
  const problems: ImportProblem[] = [];
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!(REGISTER_COLUMNS as readonly string[]).includes(h)) problems.push({ line: 1, column: h, code: 'unknown-column', message: `unknown column ${JSON.stringify(h)}; expected ${REGISTER_COLUMNS.join(',')}` });
    else if (index.has(h)) problems.push({ line: 1, column: h, code: 'duplicate-column', message: `column ${h} appears twice` });
    else index.set(h, i);
  });
  for (const c of REGISTER_COLUMNS) if (!index.has(c)) problems.push({ line: 1, column: c, code: 'missing-column', message: `column ${c} is missing` });
  if (problems.length) return { voters: [], problems };

  const voters: VoterInput[] = [];
  const lines: number[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.length) {
      problems.push({ line: rec.line, code: 'field-count', message: `${rec.fields.length} fields, the header has ${header.length}` });
      continue;
    }
    const get = (c: Column): string => cleanName(rec.fields[index.get(c)!]);
    const regText = get('register_no');
    const v: VoterInput = {
      registerNo: /^[0-9]{1,6}$/.test(regText) ? Number(regText) : NaN,
      iin: get('iin'),
      surname: get('surname'),
      firstName: get('first_name'),
      patronymic: get('patronymic'),
      birthDate: get('birth_date'),
      address: get('address'),
    };
    const own = validateVoter(v, rec.line);
    problems.push(...own);
    if (own.length === 0) { voters.push({ ...v, birthDate: normalizeDate(v.birthDate)! }); lines.push(rec.line); }
  }
  problems.push(...findDuplicates(voters, lines));
  if (records.length - 1 > MAX_VOTERS) problems.push({ line: records[MAX_VOTERS + 1].line, code: 'too-many-voters', message: `a precinct has at most ${MAX_VOTERS} voters; the file has ${records.length - 1}` });
  return { voters, problems };
}

function findDuplicates(voters: VoterInput[], lines: number[]): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const byIin = new Map<string, number>();
  const byNo = new Map<number, number>();
  voters.forEach((v, i) => {
    const firstIin = byIin.get(v.iin);
    if (firstIin !== undefined) problems.push({ line: lines[i], column: 'iin', code: 'duplicate-iin', message: `IIN ${v.iin} is already on line ${firstIin}` });
    else byIin.set(v.iin, lines[i]);
    const firstNo = byNo.get(v.registerNo);
    if (firstNo !== undefined) problems.push({ line: lines[i], column: 'register_no', code: 'duplicate-register-no', message: `register number ${v.registerNo} is already on line ${firstNo}` });
    else byNo.set(v.registerNo, lines[i]);
  });
  return problems;
}

// ---- import -----------------------------------------------------------------------------

export interface ImportReport {
  count: number;
  /** SHA-256 of the file's bytes, hex: recorded in the event log, compare with the copy received */
  sha256: string;
}

const INSERT_VOTER = `INSERT INTO voters (register_no, iin, surname, first_name, patronymic, birth_date, address, name_key, list, basis)
  VALUES (@registerNo, @iin, @surname, @firstName, @patronymic, @birthDate, @address, @nameKey, @list, @basis)`;

/**
 * Validates every row, then imports all voters in one transaction — or nothing, with every
 * problem reported by line. A register can be imported once (a second import is refused).
 */
export function importRegister(db: PrecinctDb, csv: Uint8Array | string, clock: Clock): ImportReport {
  const bytes = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const log = eventLog(db, clock);
  let parsed: ParsedRegister;
  try {
    parsed = parseRegister(decodeUtf8(bytes));
  } catch (e) {
    if (!(e instanceof RegisterImportError)) throw e;
    parsed = { voters: [], problems: e.problems };
  }
  const { voters, problems } = parsed;
  if (problems.length) {
    log.append({ event: 'register-import', disposition: 'rejected', detail: { sha256, problems: problems.length } });
    throw new RegisterImportError(problems);
  }
  const insert = db.prepare(INSERT_VOTER);
  db.transaction(() => {
    const existing = (db.prepare('SELECT count(*) AS n FROM voters').get() as { n: number }).n;
    if (existing > 0) throw new PrecinctError('register-already-imported', `the register is already imported (${existing} voters); add a voter through the supplementary list, or start a new database for a new register`);
    for (const v of voters) insert.run({ ...v, nameKey: nameKey(v), list: 'main', basis: null });
    log.append({ event: 'register-import', disposition: 'ok', detail: { sha256, voters: voters.length } });
  }).immediate();
  return { count: voters.length, sha256 };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RegisterImportError([{ line: 1, code: 'not-utf8', message: 'the file is not UTF-8; export it again as CSV UTF-8' }]);
  }
}

// ---- supplementary list -----------------------------------------------------------------

export type SupplementBasis = 'absentee-certificate' | 'residence-confirmed';

export interface SupplementInput extends Omit<VoterInput, 'registerNo'> {
  basis: SupplementBasis;
  /** the document: absentee certificate number, or the residence proof presented */
  document: string;
  /** the commission's decision (number/date) that adds the voter */
  decision: string;
}

/** Adds a voter to the supplementary list by the commission's decision (docs/admission.md). */
export function addSupplementaryVoter(db: PrecinctDb, input: SupplementInput, clock: Clock): Voter {
  const probe: VoterInput = { ...input, registerNo: 1, surname: cleanName(input.surname), firstName: cleanName(input.firstName), patronymic: cleanName(input.patronymic), address: cleanName(input.address) };
  const problems = validateVoter(probe, 0);
  if (input.document.trim() === '') problems.push({ line: 0, code: 'no-document', message: 'the document the voter presented is required' });
  if (input.decision.trim() === '') problems.push({ line: 0, code: 'no-decision', message: "the commission's decision is required" });
  if (problems.length) throw new PrecinctError('supplement-invalid', `the voter was not added: ${problems.map((p) => p.message).join('; ')}; correct the data and try again`);
  const log = eventLog(db, clock);
  return db.transaction((): Voter => {
    if (findByIin(db, input.iin)) throw new PrecinctError('supplement-duplicate', `IIN ${input.iin} is already on the list; look the voter up instead`);
    const total = db.prepare('SELECT coalesce(max(register_no), 0) AS top FROM voters').get() as { top: number };
    const basis = `${input.basis}; document: ${input.document.trim()}; decision: ${input.decision.trim()}`;
    const voter: Voter = { ...probe, birthDate: normalizeDate(probe.birthDate)!, registerNo: total.top + 1, list: 'supplementary', basis };
    db.prepare(INSERT_VOTER).run({ ...voter, nameKey: nameKey(voter) });
    log.append({ event: 'supplementary-voter-added', disposition: 'ok', detail: { registerNo: voter.registerNo, basis: input.basis, decision: input.decision.trim() } });
    return voter;
  }).immediate();
}

// ---- lookups ----------------------------------------------------------------------------

interface VoterRow {
  register_no: number; iin: string; surname: string; first_name: string; patronymic: string;
  birth_date: string; address: string; list: 'main' | 'supplementary'; basis: string | null;
}

const VOTER_COLUMNS = 'register_no, iin, surname, first_name, patronymic, birth_date, address, list, basis';

function toVoter(r: VoterRow): Voter {
  return { registerNo: r.register_no, iin: r.iin, surname: r.surname, firstName: r.first_name, patronymic: r.patronymic, birthDate: r.birth_date, address: r.address, list: r.list, basis: r.basis };
}

export function findByIin(db: PrecinctDb, iin: string): Voter | undefined {
  const r = db.prepare(`SELECT ${VOTER_COLUMNS} FROM voters WHERE iin = ?`).get(iin) as VoterRow | undefined;
  return r && toVoter(r);
}

export function findByRegisterNo(db: PrecinctDb, registerNo: number): Voter | undefined {
  const r = db.prepare(`SELECT ${VOTER_COLUMNS} FROM voters WHERE register_no = ?`).get(registerNo) as VoterRow | undefined;
  return r && toVoter(r);
}

/**
 * Case-insensitive prefix search over "surname first-name patronymic" (folded): "Қасым",
 * "касымов а", "КАСЫМОВ АЙГ" all find Қасымов Айгүл. An index range scan, not LIKE.
 */
export function searchByName(db: PrecinctDb, query: string, limit = 20): Voter[] {
  const prefix = foldName(query);
  if (prefix === '') return [];
  const rows = db.prepare(`SELECT ${VOTER_COLUMNS} FROM voters WHERE name_key >= ? AND name_key < ? ORDER BY name_key, register_no LIMIT ?`)
    .all(prefix, prefix + '\u{10FFFF}', limit) as VoterRow[];
  return rows.map(toVoter);
}

export function voterCount(db: PrecinctDb): number {
  return (db.prepare('SELECT count(*) AS n FROM voters').get() as { n: number }).n;
}
