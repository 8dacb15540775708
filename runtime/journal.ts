// The journal: an append-only record store on a region of NOR flash that survives a power
// cut at any moment. docs/journal.md gives the layout byte by byte, the recovery algorithm
// and the argument for each guarantee; tests/journal-faults.test.ts cuts the power at every
// flash operation of a workload and checks them.
//
// In short: blocks of the region are used in order 0, 1, 2, ...; each starts with a 32-byte
// header (an erase stamp written right after the erase, then a claim naming the journal's
// epoch, the block's index and the sequence number of its first record). Records follow
// back to back: a 13-byte header, the data, padding to 4 bytes. A record is written in two
// programs: first everything (with its state byte left 0xFF), then the state byte alone,
// which commits it. Only committed records with a good CRC-32 are ever read. Recovery reads
// the block headers and scans only the last block; a torn tail there ends that block for
// good ("sealed"), so nothing is ever programmed over bytes that are not 0xFF.
//
// RAM: two Uint32Arrays of one entry per block and a few numbers; records are read from
// flash on demand, never held.

import type { CryptoPort, FlashPort } from './ports';
import { ProtocolError, readU16BE, readU32BE, writeU16BE, writeU32BE } from '../protocol/bytes';
import { crc32 } from '../protocol/crc32';

export interface JournalRecord { seq: number; tag: number; data: Uint8Array }

export interface JournalOptions {
  /** First flash block of the journal's region (default 0). */
  firstBlock?: number;
  /** Blocks in the region (default: the rest of the part). */
  blockCount?: number;
}

export interface JournalStats {
  blocks: number;
  blocksUsed: number;
  /** Bytes of the region consumed so far, block headers and abandoned tails included. */
  bytesUsed: number;
  /** Bytes still available for records (headers of unused blocks excluded). */
  bytesFree: number;
  /** Erases of each block of the region, recovered from the erase stamps (estimated where a stamp was lost). */
  erasesPerBlock: number[];
  /** Fixed bytes every record costs besides its data; padding to 4 bytes adds 0–3 more. */
  recordOverheadBytes: number;
  blockHeaderBytes: number;
  /** Largest data one record may hold. */
  maxRecordBytes: number;
  count: number;
  epoch: number;
  /** A block inside the journal lost its header (not a power cut: flash damage). Appends refuse. */
  damaged: boolean;
}

/** What open() found and did; a device logs it as a journal-recovered event when anything happened. */
export interface JournalRecovery {
  /** A format had been interrupted by a power cut and open() finished it. */
  formatResumed: boolean;
  /** A record being appended at the cut was found incomplete and voided. */
  tornRecordVoided: boolean;
  /** The last block ends in bytes that are not a record; the next append starts a new block. */
  tailSealed: boolean;
  /** Blocks whose header could not be read (their erase counts are estimates). */
  unreadableHeaders: number;
}

export type JournalErrorCode = 'journal-full' | 'journal-corrupt' | 'journal-record-too-large' | 'journal-bad-tag' | 'journal-bad-region';

export class JournalError extends ProtocolError {
  constructor(code: JournalErrorCode, message: string) {
    super(code, message);
    this.name = 'JournalError';
  }
}
/** No block can take the record. Nothing was written. */
export class JournalFullError extends JournalError {
  constructor(message: string) { super('journal-full', message); this.name = 'JournalFullError'; }
}
/** The flash holds something no power cut can produce (a committed record with a bad CRC, a sequence gap, a lost block header). */
export class JournalCorruptError extends JournalError {
  constructor(message: string) { super('journal-corrupt', message); this.name = 'JournalCorruptError'; }
}

// ---- layout (docs/journal.md) ----
export const BLOCK_HEADER_BYTES = 32;
const MAGIC = [0x53, 0x4a, 0x52, 0x4e]; // "SJRN"
const H_ERASES = 4;
const H_CRC_A = 8;
const H_FORMAT_PENDING = 12; // 0xFF, or programmed to 0x00 in block 0 while a format runs
const H_EPOCH = 16;
const H_INDEX = 20;
const H_FIRST_SEQ = 24;
const H_CRC_B = 28;

export const RECORD_HEADER_BYTES = 13;
const R_MARKER = 0;
const R_STATE = 1;
const R_TAG = 2;
const R_LENGTH = 3;
const R_SEQ = 5;
const R_CRC = 9;
const MARKER = 0xa5;
/** State byte: 0xFF as first written; COMMITTED clears the low nibble; VOID clears the high one. */
const COMMITTED = 0xf0;
const VOID_MASK = 0x0f;
const ALIGN = 4;

const FREE = 0; // erased and stamped, not yet claimed
const CLAIMED = 1;
const OTHER = 2; // blank, torn, garbage, or from another layout: must be erased before use

interface BlockHeader { kind: number; blank: boolean; erases: number | undefined; epoch: number; index: number; firstSeq: number; formatPending: boolean }

function align(n: number): number { return (n + ALIGN - 1) & ~(ALIGN - 1); }

function allFF(b: Uint8Array, start = 0, end = b.length): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0xff) return false;
  return true;
}

function parseBlockHeader(h: Uint8Array, index: number): BlockHeader {
  const out: BlockHeader = { kind: OTHER, blank: allFF(h), erases: undefined, epoch: 0, index: -1, firstSeq: 0, formatPending: false };
  const stamped = h[0] === MAGIC[0] && h[1] === MAGIC[1] && h[2] === MAGIC[2] && h[3] === MAGIC[3] && readU32BE(h, H_CRC_A) === crc32(h, 0, 0, H_CRC_A);
  if (!stamped) return out;
  out.erases = readU32BE(h, H_ERASES);
  out.formatPending = h[H_FORMAT_PENDING] !== 0xff;
  if (allFF(h, H_FORMAT_PENDING + 1, BLOCK_HEADER_BYTES)) { out.kind = FREE; return out; }
  if (readU32BE(h, H_CRC_B) !== crc32(h, 0, H_EPOCH, H_CRC_B) || readU32BE(h, H_INDEX) !== index) return out; // torn claim
  out.kind = CLAIMED;
  out.epoch = readU32BE(h, H_EPOCH);
  out.index = index;
  out.firstSeq = readU32BE(h, H_FIRST_SEQ);
  return out;
}

// Result of looking at a record slot.
const SLOT_FREE = 0; // 13 bytes of 0xFF: nothing was ever written here
const SLOT_RECORD = 1; // committed, header plausible (CRC checked only when data is read)
const SLOT_END = 2; // torn, void or never committed: no record here, and none after it in this block

export class Journal {
  readonly recovery: JournalRecovery;
  private readonly blockSize: number;
  private readonly base: number; // byte offset of the region in the part
  private readonly n: number; // blocks in the region
  private readonly firstSeqs: Uint32Array;
  private readonly erases: Uint32Array;
  private last = -1; // index of the last claimed block, -1 when empty
  private writePtr = 0; // next free byte in the last block
  private tailSealed = false;
  private nextSeq = 1;
  private epoch = 1;
  private damaged = false;
  /** Absolute region offset of the last record with a tag, for tags someone asked about (-1: none). */
  private readonly lastByTag = new Map<number, number>();

  private constructor(private readonly flash: FlashPort, private readonly crypto: CryptoPort, firstBlock: number, blockCount: number) {
    this.blockSize = flash.blockSize;
    this.base = firstBlock * flash.blockSize;
    this.n = blockCount;
    this.firstSeqs = new Uint32Array(blockCount);
    this.erases = new Uint32Array(blockCount);
    this.recovery = { formatResumed: false, tornRecordVoided: false, tailSealed: false, unreadableHeaders: 0 };
  }

  /** Opens the journal on a region, recovering from whatever a power cut left. Blank or foreign flash opens as an empty journal. */
  static open(flash: FlashPort, crypto: CryptoPort, options: JournalOptions = {}): Journal {
    const first = options.firstBlock ?? 0;
    const count = options.blockCount ?? flash.blockCount - first;
    if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 1 || first + count > flash.blockCount) {
      throw new JournalError('journal-bad-region', `blocks ${first}..${first + count - 1} are not inside the part's ${flash.blockCount}`);
    }
    if (flash.blockSize < 256 || flash.blockSize % ALIGN !== 0) throw new JournalError('journal-bad-region', `block size ${flash.blockSize} unsupported`);
    const j = new Journal(flash, crypto, first, count);
    j.recover();
    return j;
  }

  get count(): number { return this.nextSeq - 1; }

  /** Largest data a record may carry: one record never spans blocks. */
  get maxRecordBytes(): number { return this.blockSize - BLOCK_HEADER_BYTES - RECORD_HEADER_BYTES; }

  /** Appends a record; when it returns the record is on flash and survives any power cut. Returns its sequence number (1, 2, ...). */
  append(tag: number, data: Uint8Array): number {
    if (!Number.isInteger(tag) || tag < 0 || tag > 255) throw new JournalError('journal-bad-tag', `tag ${tag} is not 0..255`);
    if (data.length > this.maxRecordBytes) throw new JournalError('journal-record-too-large', `${data.length} bytes; at most ${this.maxRecordBytes}`);
    if (this.damaged) throw new JournalCorruptError('a block inside the journal lost its header; appending could overwrite records');
    const size = align(RECORD_HEADER_BYTES + data.length);
    if (this.last < 0 || this.tailSealed || this.writePtr + size > this.blockSize) this.startBlock();

    const seq = this.nextSeq;
    const rec = new Uint8Array(size).fill(0xff);
    rec[R_MARKER] = MARKER;
    rec[R_TAG] = tag;
    writeU16BE(rec, R_LENGTH, data.length);
    writeU32BE(rec, R_SEQ, seq);
    rec.set(data, RECORD_HEADER_BYTES);
    writeU32BE(rec, R_CRC, recordCrc(rec, RECORD_HEADER_BYTES + data.length));
    const at = this.last * this.blockSize + this.writePtr;
    // If either program fails (a power cut, a flash fault) the bytes there are unknown: seal the
    // block so no later append lands on them. Recovery would seal it the same way.
    this.tailSealed = true;
    this.flash.program(this.base + at, rec);
    this.flash.program(this.base + at + R_STATE, Uint8Array.of(COMMITTED));
    this.tailSealed = false;
    this.writePtr += size;
    this.nextSeq++;
    if (this.lastByTag.has(tag)) this.lastByTag.set(tag, at);
    return seq;
  }

  /** Records with seq >= fromSeq, in append order, read from flash as the iteration goes. */
  *records(fromSeq = 1): Generator<JournalRecord> {
    if (this.last < 0) return;
    let b = this.blockFor(fromSeq);
    for (; b <= this.last; b++) {
      let expected = this.firstSeqs[b];
      const limit = b === this.last ? this.writePtr : this.blockSize;
      let o = BLOCK_HEADER_BYTES;
      while (o < limit) {
        const at = b * this.blockSize + o;
        const h = this.readHeader(at);
        if (classify(h) !== SLOT_RECORD) break;
        const seq = readU32BE(h, R_SEQ);
        if (seq !== expected) throw new JournalCorruptError(`block ${b} offset ${o}: seq ${seq}, expected ${expected}`);
        if (seq >= fromSeq) yield this.readRecord(at, h);
        expected++;
        o += align(RECORD_HEADER_BYTES + readU16BE(h, R_LENGTH));
      }
      const following = b < this.last ? this.firstSeqs[b + 1] : this.nextSeq;
      if (expected !== following) throw new JournalCorruptError(`block ${b} ends at seq ${expected - 1} but the next starts at ${following}`);
    }
  }

  /**
   * The latest record with this tag: the state-store pattern ("latest wins"). The first call
   * for a tag scans back from the end; after that the journal remembers where it is.
   */
  lastRecordWithTag(tag: number): JournalRecord | undefined {
    let at = this.lastByTag.get(tag);
    if (at === undefined) {
      at = -1;
      for (let b = this.last; b >= 0 && at < 0; b--) {
        const limit = b === this.last ? this.writePtr : this.blockSize;
        for (let o = BLOCK_HEADER_BYTES; o < limit; ) {
          const h = this.readHeader(b * this.blockSize + o);
          if (classify(h) !== SLOT_RECORD) break;
          if (h[R_TAG] === tag) at = b * this.blockSize + o;
          o += align(RECORD_HEADER_BYTES + readU16BE(h, R_LENGTH));
        }
      }
      this.lastByTag.set(tag, at);
    }
    return at < 0 ? undefined : this.readRecord(at, this.readHeader(at));
  }

  /**
   * A fingerprint of the whole content: h = SHA-256(h ‖ seq ‖ tag ‖ length ‖ data) over every
   * record from h = 32 zero bytes. Two reads of the same journal agree; any change shows.
   */
  digest(): Uint8Array {
    let h: Uint8Array = new Uint8Array(32);
    for (const r of this.records()) {
      const buf = new Uint8Array(32 + 7 + r.data.length);
      buf.set(h, 0);
      writeU32BE(buf, 32, r.seq);
      buf[36] = r.tag;
      writeU16BE(buf, 37, r.data.length);
      buf.set(r.data, 39);
      h = this.crypto.sha256(buf);
    }
    return h;
  }

  stats(): JournalStats {
    const used = this.last < 0 ? 0 : this.last * this.blockSize + (this.tailSealed ? this.blockSize : this.writePtr);
    const curFree = this.last < 0 || this.tailSealed ? 0 : this.blockSize - this.writePtr;
    const erases: number[] = [];
    for (let i = 0; i < this.n; i++) erases.push(this.erases[i]);
    return {
      blocks: this.n,
      blocksUsed: this.last + 1,
      bytesUsed: used,
      bytesFree: curFree + (this.n - this.last - 1) * (this.blockSize - BLOCK_HEADER_BYTES),
      erasesPerBlock: erases,
      recordOverheadBytes: RECORD_HEADER_BYTES,
      blockHeaderBytes: BLOCK_HEADER_BYTES,
      maxRecordBytes: this.maxRecordBytes,
      count: this.count,
      epoch: this.epoch,
      damaged: this.damaged,
    };
  }

  /**
   * Wipes the journal (a device being re-commissioned): every block is erased, so no record of
   * a previous election stays readable. Power-cut safe: it first marks block 0 "format pending";
   * open() finishes an interrupted format. Erases every used block once (and only those that
   * are not already blank), so wear stays even.
   */
  format(): void {
    const h0 = parseBlockHeader(this.flash.read(this.base, BLOCK_HEADER_BYTES), 0);
    if (h0.erases !== undefined && !h0.formatPending) this.flash.program(this.base + H_FORMAT_PENDING, Uint8Array.of(0x00));
    this.wipe();
    this.epoch++;
  }

  // ---- recovery ----

  private recover(): void {
    const headers: BlockHeader[] = [];
    let maxErases = 0;
    let maxEpoch = 0;
    for (let i = 0; i < this.n; i++) {
      const h = parseBlockHeader(this.flash.read(this.base + i * this.blockSize, BLOCK_HEADER_BYTES), i);
      headers.push(h);
      if (h.erases !== undefined && h.erases > maxErases) maxErases = h.erases;
      if (h.kind === CLAIMED && h.epoch > maxEpoch) maxEpoch = h.epoch;
    }
    for (let i = 0; i < this.n; i++) {
      const e = headers[i].erases;
      if (e === undefined && headers[i].blank === false) this.recovery.unreadableHeaders++;
      this.erases[i] = e ?? maxErases; // a lost stamp: assume as worn as the most worn block
    }
    if (headers[0].formatPending) {
      this.recovery.formatResumed = true;
      this.wipe();
      this.epoch = maxEpoch + 1;
      return;
    }
    const h0 = headers[0];
    if (h0.kind !== CLAIMED) { // empty (or blank, or foreign) region
      this.epoch = maxEpoch + 1;
      // Block 0 is claimed first and erased last by a format: claimed blocks without it mean
      // block 0's header was damaged. Refuse to append over them.
      for (let i = 1; i < this.n; i++) if (headers[i].kind === CLAIMED) this.damaged = true;
      // Garbage in block 0 of an empty journal is a torn claim, or a format cut during its very
      // last erase (every other block already wiped): erase it now so no remnant of an old
      // election stays readable. (The first append would erase it anyway.)
      if (!this.damaged && h0.kind === OTHER && !allFF(this.flash.read(this.base, this.blockSize))) this.eraseAndStamp(0);
      return;
    }
    this.epoch = h0.epoch;
    this.last = 0;
    this.firstSeqs[0] = h0.firstSeq;
    while (this.last + 1 < this.n) {
      const h = headers[this.last + 1];
      if (h.kind !== CLAIMED || h.epoch !== this.epoch || h.firstSeq < this.firstSeqs[this.last]) break;
      this.last++;
      this.firstSeqs[this.last] = h.firstSeq;
    }
    // Claims happen strictly in order, so a claimed block of this epoch past the first gap
    // means a block in between lost its header: flash damage, not a power cut.
    for (let i = this.last + 1; i < this.n; i++) {
      if (headers[i].kind === CLAIMED && headers[i].epoch === this.epoch) this.damaged = true;
    }
    this.scanTail();
  }

  /** Walks the last block to find the write pointer; voids a torn record and seals the block. */
  private scanTail(): void {
    const b = this.last;
    const block = this.flash.read(this.base + b * this.blockSize, this.blockSize);
    let seq = this.firstSeqs[b];
    let o = BLOCK_HEADER_BYTES;
    for (;;) {
      if (o + RECORD_HEADER_BYTES > this.blockSize) { // no room for another record
        this.tailSealed = !allFF(block, o);
        break;
      }
      const h = block.subarray(o, o + RECORD_HEADER_BYTES);
      const kind = classify(h);
      if (kind === SLOT_FREE && allFF(block, o)) break;
      if (kind === SLOT_RECORD) {
        const len = readU16BE(h, R_LENGTH);
        // A committed record that does not check is damage, not a power cut: refuse appends,
        // write nothing, and step over it so records() reaches it and throws there.
        if (o + RECORD_HEADER_BYTES + len > this.blockSize) { this.damaged = true; this.tailSealed = true; break; }
        if (readU32BE(h, R_SEQ) !== seq || readU32BE(h, R_CRC) !== recordCrc(block.subarray(o), RECORD_HEADER_BYTES + len)) this.damaged = true;
        seq++;
        o += align(RECORD_HEADER_BYTES + len);
        continue;
      }
      // A record whose append never returned (torn body, or cut before its commit), or bytes
      // after a free-looking header: seal. Void a record that got its marker so that a weakly
      // programmed state byte can never read as committed later.
      if (h[R_MARKER] === MARKER && (h[R_STATE] & 0xf0) === 0xf0) {
        this.flash.program(this.base + b * this.blockSize + o + R_STATE, Uint8Array.of(VOID_MASK));
        this.recovery.tornRecordVoided = true;
      }
      this.tailSealed = true;
      break;
    }
    this.writePtr = o;
    this.nextSeq = seq;
    this.recovery.tailSealed = this.tailSealed;
  }

  /** Erases every block that is not already blank: the top blocks first, block 0 (holding "format pending") last. */
  private wipe(): void {
    for (let i = this.n - 1; i >= 0; i--) {
      const h = parseBlockHeader(this.flash.read(this.base + i * this.blockSize, BLOCK_HEADER_BYTES), i);
      if (i > 0 && h.kind === FREE && !h.formatPending) continue;
      this.eraseAndStamp(i);
    }
    this.last = -1;
    this.writePtr = 0;
    this.tailSealed = false;
    this.nextSeq = 1;
    this.damaged = false;
    this.lastByTag.clear();
  }

  private eraseAndStamp(i: number): void {
    this.flash.erase(this.base / this.blockSize + i);
    this.erases[i]++;
    const stamp = new Uint8Array(12);
    stamp.set(MAGIC, 0);
    writeU32BE(stamp, H_ERASES, this.erases[i]);
    writeU32BE(stamp, H_CRC_A, crc32(stamp, 0, 0, H_CRC_A));
    this.flash.program(this.base + i * this.blockSize, stamp);
  }

  /** Claims the next block for records: erase it first unless it is blank and stamped. */
  private startBlock(): void {
    const i = this.last + 1;
    if (i >= this.n) throw new JournalFullError(`all ${this.n} blocks used (${this.count} records)`);
    const at = this.base + i * this.blockSize;
    if (parseBlockHeader(this.flash.read(at, BLOCK_HEADER_BYTES), i).kind !== FREE) this.eraseAndStamp(i);
    const claim = new Uint8Array(16);
    writeU32BE(claim, 0, this.epoch);
    writeU32BE(claim, 4, i);
    writeU32BE(claim, 8, this.nextSeq);
    writeU32BE(claim, 12, crc32(claim, 0, 0, 12));
    this.flash.program(at + H_EPOCH, claim);
    this.last = i;
    this.firstSeqs[i] = this.nextSeq;
    this.writePtr = BLOCK_HEADER_BYTES;
    this.tailSealed = false;
  }

  // ---- reading ----

  /** The last block whose first seq is <= seq (blocks' first seqs never decrease). */
  private blockFor(seq: number): number {
    let lo = 0;
    let hi = this.last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstSeqs[mid] <= seq) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  private readHeader(at: number): Uint8Array {
    return this.flash.read(this.base + at, RECORD_HEADER_BYTES);
  }

  private readRecord(at: number, h: Uint8Array): JournalRecord {
    const len = readU16BE(h, R_LENGTH);
    const full = this.flash.read(this.base + at, RECORD_HEADER_BYTES + len);
    if (readU32BE(full, R_CRC) !== recordCrc(full, full.length)) {
      throw new JournalCorruptError(`record seq ${readU32BE(h, R_SEQ)} at region offset ${at} fails its CRC`);
    }
    return { seq: readU32BE(full, R_SEQ), tag: full[R_TAG], data: full.slice(RECORD_HEADER_BYTES) };
  }
}

function classify(h: Uint8Array): number {
  if (h[R_MARKER] === MARKER && h[R_STATE] === COMMITTED) return SLOT_RECORD;
  return allFF(h) ? SLOT_FREE : SLOT_END;
}

/** CRC over tag, length, seq and data: everything but the marker, the state byte and the CRC itself. */
function recordCrc(rec: Uint8Array, end: number): number {
  return crc32(rec, crc32(rec, 0, R_TAG, R_CRC), RECORD_HEADER_BYTES, end);
}

/**
 * One "current value" kept in the journal under its own tag: set() appends a record, get()
 * returns the latest. Cheap to read (cached location), one record per change: use it for
 * state that changes a few hundred times a day at most (device phase, counters), not per tick.
 */
export class StateCell {
  constructor(private readonly journal: Journal, readonly tag: number) {}
  get(): Uint8Array | undefined { return this.journal.lastRecordWithTag(this.tag)?.data; }
  set(value: Uint8Array): number { return this.journal.append(this.tag, value); }
}
