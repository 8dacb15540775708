// The precinct's append-only, hash-chained event log.
// Each row: seq (1, 2, 3, … with no gaps), time, event, disposition, detail (canonical
// JSON text), prev_hash (the previous row's hash; 32 zero bytes for seq 1) and
// hash = SHA-256 of the deterministic CBOR encoding of
//   ["sailau/precinct-event/v1", seq, time, event, disposition, detail, prev_hash].
// Triggers forbid UPDATE and DELETE; verifyEventLog finds the first row that does not
// chain, so an edit made with the triggers dropped is still evident. Cutting rows off
// the end is only evident against a head (seq, hash) recorded elsewhere — the protocol
// printout carries it (see docs/precinct-data.md).
import { encodeCbor } from '../protocol/cbor';
import { bytesEqual, toHex } from '../protocol/bytes';
import type { CryptoPort } from '../protocol/crypto/port';
import { nobleCrypto } from '../protocol/crypto/noble';
import type { PrecinctDb } from './db/open';
import type { Clock } from './db/clock';
import { PrecinctError } from './errors';

export const EVENT_DOMAIN = 'sailau/precinct-event/v1';
export const GENESIS_HASH = new Uint8Array(32);

/** ok: done; refused: a rule said no (admission, deadline); rejected: bad input; failed: a fault; info: a record. */
export type Disposition = 'ok' | 'refused' | 'rejected' | 'failed' | 'info';
export type DetailValue = string | number | boolean | null;
export type Detail = Record<string, DetailValue>;

export interface EventRow {
  seq: number;
  time: string;
  event: string;
  disposition: string;
  detail: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

export interface EventInput {
  event: string;
  disposition: Disposition;
  detail?: Detail;
}

/** JSON with keys sorted, so the same detail is always the same text. */
export function canonicalDetail(detail: Detail = {}): string {
  const keys = Object.keys(detail).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = detail[k];
    if (typeof v === 'number' && !Number.isFinite(v)) throw new PrecinctError('event-detail', `detail ${k} is not a finite number`);
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

export function eventHash(row: Omit<EventRow, 'hash'>, crypto: CryptoPort = nobleCrypto): Uint8Array {
  return crypto.sha256(encodeCbor([EVENT_DOMAIN, row.seq, row.time, row.event, row.disposition, row.detail, row.prev_hash]));
}

export interface EventLog {
  append(input: EventInput): EventRow;
}

/** An event log bound to a database and a clock. append runs in its own transaction, or in the caller's. */
export function eventLog(db: PrecinctDb, clock: Clock, crypto: CryptoPort = nobleCrypto): EventLog {
  const last = db.prepare('SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO event_log (seq, time, event, disposition, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const append = db.transaction((input: EventInput): EventRow => {
    const prev = last.get() as { seq: number; hash: Uint8Array } | undefined;
    const partial = {
      seq: prev ? prev.seq + 1 : 1,
      time: clock().toISOString(),
      event: input.event,
      disposition: input.disposition,
      detail: canonicalDetail(input.detail),
      prev_hash: prev ? new Uint8Array(prev.hash) : GENESIS_HASH,
    };
    const row: EventRow = { ...partial, hash: eventHash(partial, crypto) };
    insert.run(row.seq, row.time, row.event, row.disposition, row.detail, row.prev_hash, row.hash);
    return row;
  });
  return { append: (input) => append.immediate(input) };
}

export type VerifyResult =
  | { ok: true; count: number; head: { seq: number; hash: string } }
  | { ok: false; count: number; brokenAt: number; reason: 'seq-gap' | 'prev-hash' | 'hash' | 'malformed' };

/** Walks the whole log; reports the first row whose link is broken (by its position, 1-based). */
export function verifyEventLog(db: PrecinctDb, crypto: CryptoPort = nobleCrypto): VerifyResult {
  let prevHash: Uint8Array = GENESIS_HASH;
  let position = 0;
  let head = { seq: 0, hash: toHex(GENESIS_HASH) };
  for (const raw of db.prepare('SELECT seq, time, event, disposition, detail, prev_hash, hash FROM event_log ORDER BY seq').iterate()) {
    position++;
    const row = raw as EventRow;
    if (!isWellFormed(row)) return { ok: false, count: position, brokenAt: position, reason: 'malformed' };
    if (row.seq !== position) return { ok: false, count: position, brokenAt: position, reason: 'seq-gap' };
    if (!bytesEqual(row.prev_hash, prevHash)) return { ok: false, count: position, brokenAt: position, reason: 'prev-hash' };
    if (!bytesEqual(eventHash(row, crypto), row.hash)) return { ok: false, count: position, brokenAt: position, reason: 'hash' };
    prevHash = row.hash;
    head = { seq: row.seq, hash: toHex(row.hash) };
  }
  return { ok: true, count: position, head };
}

function isWellFormed(row: EventRow): boolean {
  return Number.isSafeInteger(row.seq)
    && typeof row.time === 'string' && typeof row.event === 'string'
    && typeof row.disposition === 'string' && typeof row.detail === 'string'
    && row.prev_hash instanceof Uint8Array && row.hash instanceof Uint8Array;
}

/** The last row's (seq, hash): print it on the protocol so truncation is evident too. */
export function eventLogHead(db: PrecinctDb): { seq: number; hash: string } {
  const row = db.prepare('SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Uint8Array } | undefined;
  return row ? { seq: row.seq, hash: toHex(row.hash) } : { seq: 0, hash: toHex(GENESIS_HASH) };
}

export function readEvents(db: PrecinctDb, fromSeq = 1, limit = 1000): EventRow[] {
  return db.prepare('SELECT seq, time, event, disposition, detail, prev_hash, hash FROM event_log WHERE seq >= ? ORDER BY seq LIMIT ?').all(fromSeq, limit) as EventRow[];
}
