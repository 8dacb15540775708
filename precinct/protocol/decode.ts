// Reading a protocol back from its CBOR, checking every field's type and shape. Problems
// are collected (path + rule), not thrown, so `verify` can report all of them.
import { decodeCbor, type CborObject, type CborValue } from '../../protocol/cbor';
import type { LocalizedText } from '../../protocol/election/model';
import type { Choice, Reconciliation } from '../count/types';
import {
  PROTOCOL_FORMAT, PROTOCOL_TYPE,
  type PersonName, type PortableFigures, type ProtocolAnomaly, type ProtocolCode, type ProtocolContest, type ProtocolDevice, type ProtocolDocument, type ProtocolOption,
} from './document';

export interface Problem { code: string; path: string; detail: string }

class Reader {
  problems: Problem[] = [];
  bad(path: string, detail: string, code = 'malformed'): void { this.problems.push({ code, path, detail }); }
  obj(v: CborValue, path: string, keys: string[]): CborObject | null {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array || Array.isArray(v) || v instanceof Map) { this.bad(path, 'not a map with text keys'); return null; }
    const have = Object.keys(v).sort().join(',');
    const want = [...keys].sort().join(',');
    if (have !== want) this.bad(path, `fields ${have}, expected ${want}`);
    return v;
  }
  uint(v: CborValue, path: string): number {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    this.bad(path, 'not an unsigned integer'); return 0;
  }
  uintOrNull(v: CborValue, path: string): number | null { return v === null ? null : this.uint(v, path); }
  text(v: CborValue, path: string): string {
    if (typeof v === 'string') return v;
    this.bad(path, 'not text'); return '';
  }
  textOrNull(v: CborValue, path: string): string | null { return v === null ? null : this.text(v, path); }
  bool(v: CborValue, path: string): boolean {
    if (typeof v === 'boolean') return v;
    this.bad(path, 'not a boolean'); return false;
  }
  bytes(v: CborValue, path: string, n: number): Uint8Array {
    if (v instanceof Uint8Array && v.length === n) return v;
    this.bad(path, `not a ${n}-byte string`); return new Uint8Array(n);
  }
  arr(v: CborValue, path: string): CborValue[] {
    if (Array.isArray(v)) return v;
    this.bad(path, 'not an array'); return [];
  }
  loc(v: CborValue, path: string): LocalizedText {
    const o = this.obj(v, path, ['kk', 'ru']);
    return o ? { kk: this.text(o.kk, `${path}.kk`), ru: this.text(o.ru, `${path}.ru`) } : { kk: '', ru: '' };
  }
  locOrNull(v: CborValue, path: string): LocalizedText | null { return v === null ? null : this.loc(v, path); }
  choice(v: CborValue, path: string): Choice {
    if (v === null || v === 'invalid') return v;
    return this.uint(v, path);
  }
}

const RECONCILIATION_KEYS: (keyof Reconciliation)[] = [
  'registered', 'cardsActivated', 'cardsSpoiled', 'cardsOutstanding', 'votesInPremises', 'terminalVotesWritten',
  'homeApplications', 'portableMarkedVoters', 'portableVotes', 'portableCounted', 'ballotsCounted',
  'recordsDelivered', 'recordsRejected', 'recordsDuplicate',
];

function portableFigures(r: Reader, v: CborValue, path: string): PortableFigures | null {
  if (v === null) return null;
  const o = r.obj(v, path, ['options', 'againstAll', 'blank', 'invalid', 'ballots']);
  if (!o) return null;
  return {
    options: r.arr(o.options, `${path}.options`).map((x, i) => r.uint(x, `${path}.options[${i}]`)),
    againstAll: r.uintOrNull(o.againstAll, `${path}.againstAll`),
    blank: r.uint(o.blank, `${path}.blank`), invalid: r.uint(o.invalid, `${path}.invalid`), ballots: r.uint(o.ballots, `${path}.ballots`),
  };
}

function person(r: Reader, v: CborValue, path: string): PersonName | null {
  if (v === null) return null;
  const o = r.obj(v, path, ['surname', 'firstName', 'patronymic']);
  if (!o) return null;
  return { surname: r.loc(o.surname, `${path}.surname`), firstName: r.loc(o.firstName, `${path}.firstName`), patronymic: r.locOrNull(o.patronymic, `${path}.patronymic`) };
}

/** Decodes and shape-checks. `doc` is null only when the bytes are not a protocol at all. */
export function decodeProtocol(bytes: Uint8Array): { doc: ProtocolDocument | null; problems: Problem[] } {
  const r = new Reader();
  let v: CborValue;
  try {
    v = decodeCbor(bytes);
  } catch (e) {
    return { doc: null, problems: [{ code: 'malformed', path: '', detail: `not deterministic CBOR (${(e as Error).message})` }] };
  }
  const top = r.obj(v, '', ['type', 'format', 'election', 'precinct', 'contests', 'reconciliation', 'flags', 'anomalies', 'devices', 'eventLog', 'codes', 'signedAt']);
  if (!top) return { doc: null, problems: r.problems };
  if (top.type !== PROTOCOL_TYPE) return { doc: null, problems: [{ code: 'not-a-protocol', path: 'type', detail: `type ${String(top.type)}` }] };
  if (top.format !== PROTOCOL_FORMAT) return { doc: null, problems: [{ code: 'unknown-format', path: 'format', detail: `format ${String(top.format)}; this program reads ${PROTOCOL_FORMAT}` }] };
  const e = r.obj(top.election, 'election', ['id', 'fingerprint', 'title', 'date']);
  const election = {
    id: r.text(e?.id ?? null, 'election.id'), fingerprint: r.bytes(e?.fingerprint ?? null, 'election.fingerprint', 32),
    title: r.loc(e?.title ?? null, 'election.title'), date: r.text(e?.date ?? null, 'election.date'),
  };
  const contests: ProtocolContest[] = r.arr(top.contests, 'contests').map((cv, i) => {
    const p = `contests[${i}]`;
    const c = r.obj(cv, p, ['id', 'kind', 'title', 'blankAllowed', 'options', 'againstAll', 'blank', 'invalid', 'ballots', 'portable']) ?? {};
    const kind = c.kind === 'candidates' || c.kind === 'party-list' ? c.kind : (r.bad(`${p}.kind`, 'not candidates or party-list'), 'candidates' as const);
    const options: ProtocolOption[] = r.arr(c.options ?? null, `${p}.options`).map((ov, j) => {
      const q = `${p}.options[${j}]`;
      const o = r.obj(ov, q, ['id', 'kind', 'text', 'detail', 'person', 'votes']) ?? {};
      const okind = o.kind === 'candidate' || o.kind === 'party' ? o.kind : (r.bad(`${q}.kind`, 'not candidate or party'), 'candidate' as const);
      return { id: r.uint(o.id ?? null, `${q}.id`), kind: okind, text: r.loc(o.text ?? null, `${q}.text`), detail: r.locOrNull(o.detail ?? null, `${q}.detail`), person: person(r, o.person ?? null, `${q}.person`), votes: r.uint(o.votes ?? null, `${q}.votes`) };
    });
    return {
      id: r.uint(c.id ?? null, `${p}.id`), kind, title: r.loc(c.title ?? null, `${p}.title`), blankAllowed: r.bool(c.blankAllowed ?? null, `${p}.blankAllowed`),
      options, againstAll: r.uintOrNull(c.againstAll ?? null, `${p}.againstAll`), blank: r.uint(c.blank ?? null, `${p}.blank`),
      invalid: r.uint(c.invalid ?? null, `${p}.invalid`), ballots: r.uint(c.ballots ?? null, `${p}.ballots`),
      portable: portableFigures(r, c.portable ?? null, `${p}.portable`),
    };
  });
  const rc = r.obj(top.reconciliation, 'reconciliation', RECONCILIATION_KEYS) ?? {};
  const reconciliation = {} as Record<string, number | boolean>;
  for (const k of RECONCILIATION_KEYS) {
    reconciliation[k] = k === 'portableCounted' ? r.bool(rc[k] ?? null, `reconciliation.${k}`) : r.uint(rc[k] ?? null, `reconciliation.${k}`);
  }
  const fl = r.obj(top.flags, 'flags', ['portableForDecision']);
  const anomalies: ProtocolAnomaly[] = r.arr(top.anomalies, 'anomalies').map((av, i) => {
    const p = `anomalies[${i}]`;
    const a = r.obj(av, p, ['code', 'device', 'contest', 'count', 'detail']) ?? {};
    return { code: r.text(a.code ?? null, `${p}.code`), device: r.textOrNull(a.device ?? null, `${p}.device`), contest: r.uintOrNull(a.contest ?? null, `${p}.contest`), count: r.uint(a.count ?? null, `${p}.count`), detail: r.text(a.detail ?? null, `${p}.detail`) };
  });
  const devices: ProtocolDevice[] = r.arr(top.devices, 'devices').map((dv, i) => {
    const p = `devices[${i}]`;
    const d = r.obj(dv, p, ['id', 'kind', 'signKey', 'kexKey', 'data', 'records', 'accepted', 'reportedCount', 'markedVoters', 'votesWritten']) ?? {};
    return {
      id: r.text(d.id ?? null, `${p}.id`), kind: r.text(d.kind ?? null, `${p}.kind`), signKey: r.bytes(d.signKey ?? null, `${p}.signKey`, 32),
      kexKey: d.kexKey === null ? null : r.bytes(d.kexKey ?? null, `${p}.kexKey`, 32), data: r.bytes(d.data ?? null, `${p}.data`, 32),
      records: r.uint(d.records ?? null, `${p}.records`), accepted: r.uint(d.accepted ?? null, `${p}.accepted`),
      reportedCount: r.uintOrNull(d.reportedCount ?? null, `${p}.reportedCount`), markedVoters: r.uintOrNull(d.markedVoters ?? null, `${p}.markedVoters`),
      votesWritten: r.uintOrNull(d.votesWritten ?? null, `${p}.votesWritten`),
    };
  });
  const el = r.obj(top.eventLog, 'eventLog', ['seq', 'hash']);
  const codes: ProtocolCode[] = r.arr(top.codes, 'codes').map((cv, i) => {
    const p = `codes[${i}]`;
    const a = r.arr(cv, p);
    if (a.length !== 3) { r.bad(p, 'not [code, choices, forDecision]'); return { code: 0, choices: [], forDecision: false }; }
    const code = r.uint(a[0], `${p}[0]`);
    if (code > 9999) r.bad(`${p}[0]`, 'a verification code has four digits');
    return { code, choices: r.arr(a[1], `${p}[1]`).map((x, j) => r.choice(x, `${p}[1][${j}]`)), forDecision: r.bool(a[2], `${p}[2]`) };
  });
  const doc: ProtocolDocument = {
    type: PROTOCOL_TYPE, format: PROTOCOL_FORMAT, election, precinct: r.uint(top.precinct, 'precinct'), contests,
    reconciliation: reconciliation as unknown as Reconciliation,
    flags: { portableForDecision: r.bool(fl?.portableForDecision ?? null, 'flags.portableForDecision') },
    anomalies, devices,
    eventLog: { seq: r.uint(el?.seq ?? null, 'eventLog.seq'), hash: r.bytes(el?.hash ?? null, 'eventLog.hash', 32) },
    codes, signedAt: r.text(top.signedAt, 'signedAt'),
  };
  return { doc, problems: r.problems };
}
