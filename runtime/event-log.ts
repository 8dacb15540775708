// The device event log: tamper-evident, hash-chained, kept in the journal under its own tag.
// Each entry commits to the SHA-256 of the previous one, so removing, reordering or altering
// an entry breaks the chain at that point; the head (last seq and hash) is what anchors it
// (sent to the precinct computer with every export, and signed when the device has a key).
// docs/events.md describes the entry, the page format, the detail rule and the catalogue.
//
// Entry, as stored in the journal and sent on the wire (deterministic CBOR array):
//   [seq, timeMs, clock, event, ok, detail, prev]
//   seq    1, 2, 3, ... (the log's own numbering, not the journal's)
//   timeMs wall-clock ms since 1970 when clock = 1, else monotonic ms since this boot (clock = 0)
//   event  id from runtime/events.ts; ok: true = success, false = failure
//   detail text, at most MAX_DETAIL_BYTES of UTF-8, see checkDetail()
//   prev   32 bytes: SHA-256("sailau-event-v1" ‖ previous entry's bytes); zeros for seq 1
// Device-safe: the verifier at the bottom runs on the devices and on the precinct computer.

import type { ClockPort, CryptoPort } from './ports';
import type { Journal } from './journal';
import { ProtocolError, bytesEqual, concatBytes, utf8Encode } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';
import type { EventInfo } from './events';

/** Journal tag of event-log records. Tags 240–255 are reserved for the runtime (docs/journal.md). */
export const EVENT_LOG_TAG = 240;
export const MAX_DETAIL_BYTES = 64;
export const PAGE_VERSION = 'sailau-events/1';
const ENTRY_DOMAIN = utf8Encode('sailau-event-v1');
const HEAD_DOMAIN = 'sailau-events-head/1';
const ZERO_HASH = new Uint8Array(32);

export type Disposition = 'success' | 'failure';

export interface EventEntry {
  seq: number;
  timeMs: number;
  clock: 'wall' | 'monotonic';
  event: number;
  disposition: Disposition;
  detail: string;
  prev: Uint8Array;
}

export type EventLogErrorCode = 'event-detail-too-long' | 'event-detail-forbidden' | 'event-bad-id' | 'event-log-corrupt';
export class EventLogError extends ProtocolError {
  constructor(code: EventLogErrorCode, message: string) { super(code, message); this.name = 'EventLogError'; }
}

/**
 * The rule that keeps votes and voters out of the log, checked when writing and when
 * verifying: short (≤ 64 bytes), printable, and no run of 4+ digits or 8+ hex digits. A
 * verification code is 4 digits, an IIN 12, card serials and keys are long hex: none of them
 * can be written, by mistake or otherwise. Counts, error codes and names remain possible.
 */
export function checkDetail(detail: string): EventLogErrorCode | undefined {
  if (utf8Encode(detail).length > MAX_DETAIL_BYTES) return 'event-detail-too-long';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(detail)) return 'event-detail-forbidden';
  if (/[0-9]{4}/.test(detail) || /[0-9a-fA-F]{8}/.test(detail)) return 'event-detail-forbidden';
  return undefined;
}

/** The detail if it obeys the log's rule (checkDetail), else '': a device drops a bad detail rather than lose the event. */
export function safeDetail(detail: string): string {
  return checkDetail(detail) === undefined ? detail : '';
}

export function entryHash(crypto: CryptoPort, entryBytes: Uint8Array): Uint8Array {
  return crypto.sha256(concatBytes(ENTRY_DOMAIN, entryBytes));
}

/** The bytes a device signs for a page: its last seq and hash. */
export function headMessage(seq: number, hash: Uint8Array): Uint8Array {
  return encodeCbor([HEAD_DOMAIN, seq, hash]);
}

export interface EventLogOptions {
  tag?: number;
  /** Ed25519 seed: when given, every page carries a signature over its head. */
  signingKey?: Uint8Array;
}

export class EventLog {
  private seq: number;
  private hash: Uint8Array;
  private readonly tag: number;
  /** Where the last page ended: event seq and journal seq, so paging on does not rescan. */
  private cursor = { eventSeq: 0, journalSeq: 0 };

  private constructor(private readonly journal: Journal, private readonly crypto: CryptoPort,
    private readonly clock: Pick<ClockPort, 'wallClockMs' | 'monotonicMs'>, private readonly options: EventLogOptions) {
    this.tag = options.tag ?? EVENT_LOG_TAG;
    const last = journal.lastRecordWithTag(this.tag);
    if (!last) { this.seq = 0; this.hash = ZERO_HASH; return; }
    const entry = decodeEntry(last.data);
    if (typeof entry === 'string') throw new EventLogError('event-log-corrupt', `last entry unreadable: ${entry}`);
    this.seq = entry.seq;
    this.hash = entryHash(crypto, last.data);
    this.cursor = { eventSeq: entry.seq, journalSeq: last.seq };
  }

  /** Opens the log in a journal and continues its chain after a restart. */
  static open(journal: Journal, crypto: CryptoPort, clock: Pick<ClockPort, 'wallClockMs' | 'monotonicMs'>, options: EventLogOptions = {}): EventLog {
    return new EventLog(journal, crypto, clock, options);
  }

  /** Last entry's seq (0 when empty) and hash (zeros when empty). */
  get head(): { seq: number; hash: Uint8Array } { return { seq: this.seq, hash: this.hash.slice() }; }

  /**
   * Records an event; durable when it returns (one journal append). Throws EventLogError for a
   * detail that breaks the rule (checkDetail) and lets JournalFullError through.
   */
  record(event: EventInfo | number, disposition: Disposition, detail = ''): EventEntry {
    const id = typeof event === 'number' ? event : event.id;
    if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new EventLogError('event-bad-id', `event id ${id}`);
    const bad = checkDetail(detail);
    if (bad) throw new EventLogError(bad, `detail for event ${id} refused: the log never holds votes, codes or identities`);
    const wall = this.clock.wallClockMs();
    const entry: EventEntry = {
      seq: this.seq + 1,
      timeMs: Math.floor(wall ?? this.clock.monotonicMs()),
      clock: wall === undefined ? 'monotonic' : 'wall',
      event: id,
      disposition,
      detail,
      prev: this.hash,
    };
    const bytes = encodeEntry(entry);
    this.journal.append(this.tag, bytes);
    this.seq = entry.seq;
    this.hash = entryHash(this.crypto, bytes);
    return entry;
  }

  /** Stored entries with seq >= fromSeq, decoded, in order. */
  *entries(fromSeq = 1): Generator<EventEntry> {
    for (const { bytes } of this.rawEntries(fromSeq)) {
      const e = decodeEntry(bytes);
      if (typeof e === 'string') throw new EventLogError('event-log-corrupt', e);
      yield e;
    }
  }

  /**
   * A page for the wire: CBOR [PAGE_VERSION, [entry, ...], lastHash | null, signature | null],
   * at most `max` entries from fromSeq. lastHash covers the page's last entry; the signature
   * (Ed25519 over headMessage(lastSeq, lastHash)) is there when the log has a signing key.
   */
  page(fromSeq: number, max: number): Uint8Array {
    const entries: CborValue[] = [];
    let lastHash: Uint8Array | null = null;
    let lastSeq = 0;
    if (max > 0) {
      for (const { seq, bytes, journalSeq } of this.rawEntries(fromSeq)) {
        entries.push(decodeCbor(bytes)); // deterministic CBOR: re-encoding gives these very bytes
        lastHash = entryHash(this.crypto, bytes);
        lastSeq = seq;
        this.cursor = { eventSeq: seq, journalSeq };
        if (entries.length >= max) break;
      }
    }
    const sig = lastHash && this.options.signingKey ? this.crypto.ed25519Sign(headMessage(lastSeq, lastHash), this.options.signingKey) : null;
    return encodeCbor([PAGE_VERSION, entries, lastHash, sig]);
  }

  /**
   * The answer to event-log.read: the longest page from fromSeq of at most `max` entries
   * whose encoding fits `maxBytes` (halving the count until it does; one entry always goes),
   * with the seq to ask for next and the log's head seq.
   */
  pageWithin(fromSeq: number, max: number, maxBytes: number): { page: Uint8Array; next: number; total: number } {
    let n = max;
    let page = this.page(fromSeq, n);
    while (page.length > maxBytes && n > 1) { n = Math.max(1, Math.floor(n / 2)); page = this.page(fromSeq, n); }
    const entries = (decodeCbor(page) as CborValue[])[1] as CborValue[];
    return { page, next: fromSeq + entries.length, total: this.head.seq };
  }

  /**
   * Walks the stored log one entry at a time (the devices' self-test): every entry well-formed,
   * seqs consecutive from 1, each entry's prev the hash of the one before, and the last one the
   * head this log goes on from. Holds one entry at a time however long the log is: no page, no
   * signature (on the MCU a 64-entry page is hundreds of heap slots).
   */
  checkChain(): { ok: true; count: number } | { ok: false; seq: number; reason: string } {
    let due = 1;
    let prev: Uint8Array = ZERO_HASH;
    for (const r of this.journal.records()) {
      if (r.tag !== this.tag) continue;
      const e = decodeEntry(r.data);
      if (typeof e === 'string') return { ok: false, seq: due, reason: `entry: ${e}` };
      if (e.seq !== due) return { ok: false, seq: due, reason: `seq ${e.seq} where ${due} was due (entry removed, added or reordered)` };
      if (!bytesEqual(e.prev, prev)) return { ok: false, seq: due, reason: `prev is not the hash of entry ${due - 1}: one of the two was altered` };
      prev = entryHash(this.crypto, r.data);
      due++;
    }
    if (due - 1 !== this.seq || !bytesEqual(prev, this.hash)) return { ok: false, seq: due, reason: `the log goes on from entry ${this.seq}, not from the last one stored` };
    return { ok: true, count: due - 1 };
  }

  private *rawEntries(fromSeq: number): Generator<{ seq: number; bytes: Uint8Array; journalSeq: number }> {
    // Resume from where the last page ended when the caller continues from there.
    const startJournal = fromSeq > this.cursor.eventSeq && this.cursor.eventSeq > 0 ? this.cursor.journalSeq + 1 : 1;
    for (const r of this.journal.records(startJournal)) {
      if (r.tag !== this.tag) continue;
      const v = decodeCbor(r.data);
      const seq = Array.isArray(v) && typeof v[0] === 'number' ? v[0] : -1;
      if (seq < fromSeq) continue;
      yield { seq, bytes: r.data, journalSeq: r.seq };
    }
  }
}

function encodeEntry(e: EventEntry): Uint8Array {
  return encodeCbor([e.seq, e.timeMs, e.clock === 'wall' ? 1 : 0, e.event, e.disposition === 'success', e.detail, e.prev]);
}

/** The entry, or why these bytes are not one. */
export function decodeEntry(bytes: Uint8Array): EventEntry | string {
  let v: CborValue;
  try { v = decodeCbor(bytes); } catch (e) { return `not deterministic CBOR (${e instanceof ProtocolError ? e.code : 'error'})`; }
  if (!Array.isArray(v) || v.length !== 7) return 'not a 7-element array';
  const [seq, timeMs, clock, event, ok, detail, prev] = v;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return 'bad seq';
  if (typeof timeMs !== 'number' || !Number.isSafeInteger(timeMs) || timeMs < 0) return 'bad time';
  if (clock !== 0 && clock !== 1) return 'bad clock kind';
  if (typeof event !== 'number' || event < 0 || event > 0xffff) return 'bad event id';
  if (typeof ok !== 'boolean') return 'bad disposition';
  if (typeof detail !== 'string' || checkDetail(detail) !== undefined) return 'detail breaks the rule';
  if (!(prev instanceof Uint8Array) || prev.length !== 32) return 'bad prev hash';
  return { seq, timeMs, clock: clock === 1 ? 'wall' : 'monotonic', event, disposition: ok ? 'success' : 'failure', detail, prev };
}

// ---- verifier ----

export type ChainVerdict =
  /** anchored: the first entry's prev was checked (the page starts at seq 1, or prevHash was given). */
  | { ok: true; entries: EventEntry[]; lastSeq: number; lastHash: Uint8Array; signed: boolean; anchored: boolean }
  | { ok: false; seq: number; index: number; reason: string; entries: EventEntry[] };

export interface VerifyOptions {
  /** Hash of the entry before this page (the previous page's lastHash). Required unless the page starts at seq 1. */
  prevHash?: Uint8Array;
  /** The seq the page must start at. */
  fromSeq?: number;
  /** The device's Ed25519 public key: the page must then be signed by it. */
  publicKey?: Uint8Array;
}

/**
 * Checks an exported page: every entry well-formed, seqs consecutive, each entry's prev the
 * hash of the one before, the page's lastHash that of its last entry, and the signature when a
 * key is given. Reports the first broken link: the seq at which the chain stops holding and why
 * (for a changed entry k that is usually seq k+1, whose prev no longer matches; for the last
 * entry, the page's lastHash). `entries` are those verified before the break.
 */
export function verifyEventPage(page: Uint8Array, crypto: CryptoPort, options: VerifyOptions = {}): ChainVerdict {
  const entries: EventEntry[] = [];
  let expectSeq = options.fromSeq;
  const fail = (reason: string): ChainVerdict => ({ ok: false, seq: expectSeq ?? 0, index: entries.length, reason, entries });
  const w = new Walker(page);
  let n: number;
  try {
    if (w.head(4) !== 4) return fail('page: not a 4-element array');
    const vStart = w.pos;
    w.skip();
    if (!bytesEqual(page.subarray(vStart, w.pos), encodeCbor(PAGE_VERSION))) return fail(`page: not ${PAGE_VERSION}`);
    n = w.head(4);
  } catch { return fail('page: malformed header'); }

  let prev = options.prevHash;
  let anchored = prev !== undefined;
  let hash: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const start = w.pos;
    try { w.skip(); } catch { return fail('entry: malformed CBOR'); }
    const bytes = page.subarray(start, w.pos);
    const e = decodeEntry(bytes);
    if (typeof e === 'string') return fail(`entry: ${e}`);
    if (expectSeq === undefined) expectSeq = e.seq;
    if (e.seq !== expectSeq) {
      const due = expectSeq;
      // With no fromSeq the first entry's own seq set what was due, so it is as suspect as
      // this one: name the lower of the two, never one past the page.
      if (i === 1 && options.fromSeq === undefined) expectSeq = Math.min(due, e.seq);
      return fail(`seq ${e.seq} where ${due} was due (entry removed, added or reordered)`);
    }
    if (prev === undefined && e.seq === 1) { prev = ZERO_HASH; anchored = true; }
    if (prev !== undefined && !bytesEqual(e.prev, prev)) return fail(i === 0 ? 'prev does not match the hash given for the entry before' : `prev is not the hash of entry ${e.seq - 1}: one of the two was altered`);
    hash = entryHash(crypto, bytes);
    prev = hash;
    entries.push(e);
    expectSeq++;
  }
  const lastSeq = entries.length > 0 ? entries[entries.length - 1].seq : (options.fromSeq ?? 1) - 1;
  let lastHash: CborValue;
  let sig: CborValue;
  try {
    const a = w.pos; w.skip(); lastHash = decodeCbor(page.subarray(a, w.pos));
    const b = w.pos; w.skip(); sig = decodeCbor(page.subarray(b, w.pos));
  } catch { return { ok: false, seq: lastSeq, index: entries.length, reason: 'page: malformed trailer', entries }; }
  const broken = (reason: string): ChainVerdict => ({ ok: false, seq: lastSeq, index: Math.max(0, entries.length - 1), reason, entries });
  if (w.pos !== page.length) return broken('page: bytes after the trailer');
  if (hash === undefined ? lastHash !== null : !(lastHash instanceof Uint8Array && bytesEqual(lastHash, hash))) return broken('lastHash is not the hash of the last entry: it was altered');
  if (sig !== null && !(sig instanceof Uint8Array && sig.length === 64)) return broken('page: malformed signature');
  if (options.publicKey) {
    if (hash === undefined) return { ok: true, entries, lastSeq, lastHash: prev ?? ZERO_HASH, signed: false, anchored };
    if (!(sig instanceof Uint8Array) || !crypto.ed25519Verify(sig, headMessage(lastSeq, hash), options.publicKey)) return broken('signature over the head does not verify');
  }
  return { ok: true, entries, lastSeq, lastHash: hash ?? prev ?? ZERO_HASH, signed: sig instanceof Uint8Array && options.publicKey !== undefined, anchored };
}

/** Finds item boundaries in CBOR without decoding, so one bad entry is located, not just "bad page". */
class Walker {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  private byte(): number {
    if (this.pos >= this.b.length) throw new Error('truncated');
    return this.b[this.pos++];
  }
  private arg(info: number): number {
    if (info < 24) return info;
    let bytes = 0;
    if (info === 24) bytes = 1; else if (info === 25) bytes = 2; else if (info === 26) bytes = 4; else if (info === 27) bytes = 8; else throw new Error('unsupported length');
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.byte();
    return v;
  }
  /** Reads a head that must be of this major type; returns its argument. */
  head(major: number): number {
    const ib = this.byte();
    if (ib >> 5 !== major) throw new Error('unexpected type');
    return this.arg(ib & 31);
  }
  skip(depth = 0): void {
    if (depth > 8) throw new Error('too deep');
    const ib = this.byte();
    const major = ib >> 5;
    const info = ib & 31;
    if (major === 7) { if (info >= 20 && info <= 23) return; throw new Error('unsupported simple'); }
    const n = this.arg(info);
    if (major === 2 || major === 3) {
      if (n > this.b.length - this.pos) throw new Error('truncated');
      this.pos += n;
    } else if (major === 4 || major === 5) {
      if (n > this.b.length - this.pos) throw new Error('truncated');
      for (let i = 0; i < n * (major === 5 ? 2 : 1); i++) this.skip(depth + 1);
    } else if (major !== 0 && major !== 1) throw new Error('unsupported type');
  }
}
