// The home voters loaded into the portable ballot (001 §13): who applied in writing to vote
// outside the premises, with what the members need to find and identify them, and whether
// each has voted. The list lives on flash, never whole in RAM: one fixed-size slot per voter
// in a region of its own, in ascending register-number order (so a lookup by number is a
// binary search on flash), with a small name key in each slot header for the name search.
//
// Slot layout (SLOT_BYTES, 16 per 4 KiB block):
//   0      marker A5                                programmed with the body
//   1      state: FF written, F0 committed
//   2      session starts: one bit cleared per session opened for this voter (≤ 8)
//   3      session ends: one bit cleared per session closed without a vote
//   4      voted: FF, 00 once the voter's vote is stored (the mark)
//   5      FF (reserved)
//   6–7    body length n
//   8–11   register number (big-endian)
//   12–27  name key: the first 8 UTF-16 units of the folded "surname first patronymic", 0-padded
//   28–31  CRC-32 over bytes 6–27 and the body
//   32…    body: the voter's canonical CBOR array (voterBytes), as the precinct sent it
// Bytes 2–4 are single-byte programs that only clear bits, so they carry no order and no time:
// a dump says who has voted and who had a session open, never when or in what order, and
// nothing here says which vote is whose (votes are in accumulator/slots, in random slots).
// RAM: one byte of flags per loaded voter (3 KiB for 3,000).

import { ProtocolError, concatBytes, readU16BE, readU32BE, utf8Encode, writeU16BE, writeU32BE } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';
import type { CryptoPort, FlashPort } from '../runtime/ports';
import { crc32 } from '../protocol/crc32';

export const VOTER_SLOT_BYTES = 256;
export const VOTER_HEADER_BYTES = 32;
export const MAX_VOTER_BODY_BYTES = VOTER_SLOT_BYTES - VOTER_HEADER_BYTES;
/** 001 §13: the portable ballot holds at least this many voters. */
export const MIN_CAPACITY = 200;
/** Most session openings per voter (bits of the starts byte). */
export const MAX_SESSIONS_PER_VOTER = 8;
const NAME_KEY_UNITS = 8;

const MARKER = 0xa5;
const COMMITTED = 0xf0;
const O_STATE = 1;
const O_STARTS = 2;
const O_ENDS = 3;
const O_VOTED = 4;
const O_LENGTH = 6;
const O_REGNO = 8;
const O_KEY = 12;
const O_CRC = 28;

const LIST_DOMAIN = utf8Encode('sailau/home-voters/v1');

/** One written application to vote outside the premises, as loaded. */
export interface HomeVoter {
  registerNo: number;
  surname: string;
  firstName: string;
  patronymic: string;
  /** "YYYY-MM-DD", to compare with the ID document. */
  birthDate: string;
  address: string;
  /** When the commission recorded the application: local "YYYY-MM-DD HH:MM". */
  appliedAt: string;
}

export type HomeListErrorCode =
  | 'home-list-after-deadline' | 'home-list-over-capacity' | 'home-list-wrong-election' | 'home-list-digest-mismatch'
  | 'home-list-malformed' | 'home-list-order' | 'home-list-record-too-large' | 'home-list-bad-region';

/** A list (or one voter of it) the device will not take; nothing of the load is kept. */
export class HomeListError extends ProtocolError {
  constructor(code: HomeListErrorCode, message: string) { super(code, message); this.name = 'HomeListError'; }
}

// The patterns are literals inside functions, not module constants: on Moddable this module is
// preloaded, a RegExp made then lives in flash, and XS crashes when it runs one (exec writes
// into it). A literal evaluated at run time is a fresh RegExp in RAM (tests/device-source-rules).
const isDate = (s: string): boolean => /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s);
const isMinute = (s: string): boolean => /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$/.test(s);
const isHhmm = (s: string): boolean => /^[0-9]{2}:[0-9]{2}$/.test(s);

/** The canonical bytes of a voter: CBOR [registerNo, surname, firstName, patronymic, birthDate, address, appliedAt]. */
export function voterBytes(v: HomeVoter): Uint8Array {
  return encodeCbor([v.registerNo, v.surname, v.firstName, v.patronymic, v.birthDate, v.address, v.appliedAt]);
}

export function decodeVoter(bytes: Uint8Array): HomeVoter {
  let a: CborValue;
  try { a = decodeCbor(bytes); } catch (e) { throw new HomeListError('home-list-malformed', `voter record is not CBOR (${(e as Error).message})`); }
  return checkVoterShape(a);
}

/** Checks the wire form of a voter (the CBOR array) and returns it typed. */
export function checkVoterShape(a: CborValue): HomeVoter {
  if (!Array.isArray(a) || a.length !== 7) throw new HomeListError('home-list-malformed', 'a voter is an array of 7 items');
  const [registerNo, surname, firstName, patronymic, birthDate, address, appliedAt] = a;
  if (typeof registerNo !== 'number' || !Number.isSafeInteger(registerNo) || registerNo < 1 || registerNo > 0xffffffff) {
    throw new HomeListError('home-list-malformed', 'register number must be a positive integer');
  }
  for (const s of [surname, firstName, patronymic, address]) if (typeof s !== 'string') throw new HomeListError('home-list-malformed', `voter ${registerNo}: names and address are text`);
  if ((surname as string).trim() === '' || (firstName as string).trim() === '') throw new HomeListError('home-list-malformed', `voter ${registerNo}: surname and first name are required`);
  if (typeof birthDate !== 'string' || !isDate(birthDate)) throw new HomeListError('home-list-malformed', `voter ${registerNo}: birth date must be YYYY-MM-DD`);
  if (typeof appliedAt !== 'string' || !isMinute(appliedAt)) throw new HomeListError('home-list-malformed', `voter ${registerNo}: application time must be "YYYY-MM-DD HH:MM"`);
  return { registerNo, surname: surname as string, firstName: firstName as string, patronymic: patronymic as string, birthDate, address: address as string, appliedAt };
}

/** The rule of 003: applications are accepted until the deadline (12:00) on election day. */
export function checkDeadline(v: HomeVoter, electionDay: string, deadline = '12:00'): void {
  if (!isDate(electionDay) || !isHhmm(deadline)) throw new HomeListError('home-list-malformed', `deadline ${electionDay} ${deadline} is not "YYYY-MM-DD" "HH:MM"`);
  // Both are "YYYY-MM-DD HH:MM" local: text order is time order.
  if (v.appliedAt >= `${electionDay} ${deadline}`) {
    throw new HomeListError('home-list-after-deadline', `voter ${v.registerNo}: application recorded at ${v.appliedAt}, at or after the deadline ${deadline} on ${electionDay}`);
  }
}

/**
 * The list's digest, computed the same way by the precinct computer and the device:
 * h0 = SHA-256(domain ‖ 0 ‖ election fingerprint ‖ count as 4 bytes), h_i = SHA-256(h_{i−1} ‖ voterBytes_i).
 * A chain, because the crypto port hashes whole buffers and the device never holds the list.
 */
export class HomeListDigest {
  private h: Uint8Array;
  private n = 0;
  constructor(private readonly crypto: CryptoPort, fingerprint: Uint8Array, readonly count: number) {
    const c = new Uint8Array(4);
    writeU32BE(c, 0, count);
    this.h = crypto.sha256(concatBytes(LIST_DOMAIN, Uint8Array.of(0), fingerprint, c));
  }
  add(voter: Uint8Array): void { this.h = this.crypto.sha256(concatBytes(this.h, voter)); this.n++; }
  get added(): number { return this.n; }
  digest(): Uint8Array { return this.h.slice(); }
}

export function homeListDigest(crypto: CryptoPort, fingerprint: Uint8Array, voters: readonly HomeVoter[]): Uint8Array {
  const d = new HomeListDigest(crypto, fingerprint, voters.length);
  for (const v of voters) d.add(voterBytes(v));
  return d.digest();
}

/** Case- and ё-insensitive form for the name search (no Intl: toLowerCase is plain ES). */
export function foldName(s: string): string {
  return s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

function fullName(v: HomeVoter): string {
  return foldName([v.surname, v.firstName, v.patronymic].filter((x) => x !== '').join(' '));
}

/** What a member sees in the search results and on the identification screen. */
export interface VoterEntry {
  index: number;
  voter: HomeVoter;
  voted: boolean;
  /** A session for this voter is open now (or was when the power went). */
  sessionOpen: boolean;
  sessions: number;
}

const F_VOTED = 1;
const F_OPEN = 2;

export interface VoterRegion { firstBlock: number; blockCount: number }

export class VoterListStore {
  readonly slotsPerBlock: number;
  readonly capacity: number;
  private readonly base: number;
  private flags: Uint8Array;
  private n = 0;
  private votedN = 0;

  private constructor(private readonly flash: FlashPort, private readonly region: VoterRegion) {
    if (region.firstBlock < 0 || region.blockCount < 1 || region.firstBlock + region.blockCount > flash.blockCount) {
      throw new HomeListError('home-list-bad-region', `blocks ${region.firstBlock}+${region.blockCount}`);
    }
    this.slotsPerBlock = Math.floor(flash.blockSize / VOTER_SLOT_BYTES);
    this.capacity = this.slotsPerBlock * region.blockCount;
    this.base = region.firstBlock * flash.blockSize;
    this.flags = new Uint8Array(0);
  }

  /** Opens a loaded list of `count` voters: reads each slot header once (no bodies). */
  static open(flash: FlashPort, region: VoterRegion, count: number): VoterListStore {
    const s = new VoterListStore(flash, region);
    if (count > s.capacity) throw new HomeListError('home-list-over-capacity', `${count} voters recorded, the region holds ${s.capacity}`);
    s.n = count;
    s.flags = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const h = flash.read(s.offsetOf(i), 5);
      if (h[O_VOTED] === 0) { s.flags[i] |= F_VOTED; s.votedN++; }
      if (popZeros(h[O_STARTS]) > popZeros(h[O_ENDS]) && h[O_VOTED] !== 0) s.flags[i] |= F_OPEN;
    }
    return s;
  }

  /** Erases the blocks a list of `count` voters needs (a new load). */
  static format(flash: FlashPort, region: VoterRegion, count: number): VoterListStore {
    const s = new VoterListStore(flash, region);
    if (count > s.capacity) throw new HomeListError('home-list-over-capacity', `${count} voters; this device holds ${s.capacity}`);
    const blocks = Math.ceil(count / s.slotsPerBlock);
    for (let b = 0; b < Math.max(1, blocks); b++) flash.erase(region.firstBlock + b);
    s.flags = new Uint8Array(count);
    return s;
  }

  get count(): number { return this.n; }
  get voted(): number { return this.votedN; }

  /** Writes voter `index` (loading, in order). Two programs: the body, then the commit byte. */
  write(index: number, v: HomeVoter, body = voterBytes(v)): void {
    if (index < 0 || index >= this.flags.length) throw new HomeListError('home-list-over-capacity', `voter ${index + 1} is beyond the list`);
    if (body.length > MAX_VOTER_BODY_BYTES) throw new HomeListError('home-list-record-too-large', `voter ${v.registerNo}: ${body.length} bytes, a slot takes ${MAX_VOTER_BODY_BYTES}`);
    const slot = new Uint8Array(VOTER_HEADER_BYTES + body.length).fill(0xff);
    slot[0] = MARKER;
    writeU16BE(slot, O_LENGTH, body.length);
    writeU32BE(slot, O_REGNO, v.registerNo);
    const key = fullName(v);
    for (let k = 0; k < NAME_KEY_UNITS; k++) writeU16BE(slot, O_KEY + 2 * k, k < key.length ? key.charCodeAt(k) : 0);
    slot.set(body, VOTER_HEADER_BYTES);
    writeU32BE(slot, O_CRC, slotCrc(slot, body.length));
    const at = this.offsetOf(index);
    this.flash.program(at, slot);
    this.flash.program(at + O_STATE, Uint8Array.of(COMMITTED));
    if (index >= this.n) this.n = index + 1;
  }

  /** The voter at index, read and checked from flash (HomeListError if the slot does not check). */
  read(index: number): VoterEntry {
    this.checkIndex(index);
    const at = this.offsetOf(index);
    const h = this.flash.read(at, VOTER_HEADER_BYTES);
    const len = readU16BE(h, O_LENGTH);
    if (h[0] !== MARKER || h[O_STATE] !== COMMITTED || len > MAX_VOTER_BODY_BYTES) throw new HomeListError('home-list-malformed', `slot ${index} is not a committed voter`);
    const full = this.flash.read(at, VOTER_HEADER_BYTES + len);
    if (readU32BE(full, O_CRC) !== slotCrc(full, len)) throw new HomeListError('home-list-malformed', `slot ${index} fails its check`);
    return { index, voter: decodeVoter(full.subarray(VOTER_HEADER_BYTES)), voted: full[O_VOTED] === 0, sessionOpen: (this.flags[index] & F_OPEN) !== 0, sessions: popZeros(full[O_STARTS]) };
  }

  /** The body bytes of voter `index` as stored (digest checks). */
  body(index: number): Uint8Array {
    this.checkIndex(index);
    const at = this.offsetOf(index);
    const len = readU16BE(this.flash.read(at + O_LENGTH, 2), 0);
    return this.flash.read(at + VOTER_HEADER_BYTES, Math.min(len, MAX_VOTER_BODY_BYTES));
  }

  registerNoAt(index: number): number {
    return readU32BE(this.flash.read(this.offsetOf(index) + O_REGNO, 4), 0);
  }

  /** Binary search on flash (the list is in ascending register-number order). */
  findByRegisterNo(registerNo: number): VoterEntry | undefined {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.registerNoAt(mid);
      if (r === registerNo) return this.read(mid);
      if (r < registerNo) lo = mid + 1; else hi = mid - 1;
    }
    return undefined;
  }

  /** Voters whose "surname first-name patronymic" starts with the prefix (folded), in list order. */
  searchByName(prefix: string, limit = 10): VoterEntry[] {
    const p = foldName(prefix);
    const out: VoterEntry[] = [];
    if (p === '') return out;
    const head = p.slice(0, NAME_KEY_UNITS);
    for (let i = 0; i < this.n && out.length < limit; i++) {
      const k = this.flash.read(this.offsetOf(i) + O_KEY, 2 * NAME_KEY_UNITS);
      let match = true;
      for (let c = 0; c < head.length && match; c++) match = readU16BE(k, 2 * c) === head.charCodeAt(c);
      if (!match) continue;
      const e = this.read(i);
      if (p.length <= NAME_KEY_UNITS || fullName(e.voter).startsWith(p)) out.push(e);
    }
    return out;
  }

  isVoted(index: number): boolean { this.checkIndex(index); return (this.flags[index] & F_VOTED) !== 0; }
  isOpen(index: number): boolean { this.checkIndex(index); return (this.flags[index] & F_OPEN) !== 0; }
  sessions(index: number): number { this.checkIndex(index); return popZeros(this.flash.read(this.offsetOf(index) + O_STARTS, 1)[0]); }

  /** Indexes of voters with a session open (at most one in normal use; after a power cut, the one that was open). */
  openSessions(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if ((this.flags[i] & F_OPEN) !== 0) out.push(i);
    return out;
  }

  /** Opens a session: clears the next bit of the starts byte. */
  startSession(index: number): void {
    this.checkIndex(index);
    const at = this.offsetOf(index) + O_STARTS;
    const b = this.flash.read(at, 1)[0];
    const k = popZeros(b);
    if (k >= MAX_SESSIONS_PER_VOTER) throw new HomeListError('home-list-malformed', `voter at ${index}: ${k} sessions already`);
    this.flash.program(at, Uint8Array.of(0xff ^ (1 << k)));
    this.flags[index] |= F_OPEN;
  }

  /** Closes a session without a vote: clears the next bit of the ends byte. */
  endSessionWithoutVote(index: number): void {
    this.checkIndex(index);
    const at = this.offsetOf(index) + O_ENDS;
    const k = popZeros(this.flash.read(at, 1)[0]);
    if (k < MAX_SESSIONS_PER_VOTER) this.flash.program(at, Uint8Array.of(0xff ^ (1 << k)));
    const h = this.flash.read(this.offsetOf(index), 5);
    if (popZeros(h[O_STARTS]) <= popZeros(h[O_ENDS])) this.flags[index] &= ~F_OPEN;
  }

  /** The mark: this voter has voted. One program of one byte; the vote itself is elsewhere. */
  markVoted(index: number): void {
    this.checkIndex(index);
    if ((this.flags[index] & F_VOTED) !== 0) return;
    this.flash.program(this.offsetOf(index) + O_VOTED, Uint8Array.of(0));
    this.flags[index] = (this.flags[index] | F_VOTED) & ~F_OPEN;
    this.votedN++;
  }

  /** Register numbers of the voters marked, ascending (the upload: list order, never marking order). */
  *votedRegisterNos(): Generator<number> {
    for (let i = 0; i < this.n; i++) if ((this.flags[i] & F_VOTED) !== 0) yield this.registerNoAt(i);
  }

  /** Re-reads every slot, checks each CRC and recomputes the list digest (self-test, after loading). */
  verify(crypto: CryptoPort, fingerprint: Uint8Array): { bad: number; digest: Uint8Array } {
    const d = new HomeListDigest(crypto, fingerprint, this.n);
    let bad = 0;
    for (let i = 0; i < this.n; i++) {
      const at = this.offsetOf(i);
      const h = this.flash.read(at, VOTER_HEADER_BYTES);
      const len = readU16BE(h, O_LENGTH);
      if (h[0] !== MARKER || h[O_STATE] !== COMMITTED || len > MAX_VOTER_BODY_BYTES) { bad++; continue; }
      const full = this.flash.read(at, VOTER_HEADER_BYTES + len);
      if (readU32BE(full, O_CRC) !== slotCrc(full, len)) bad++;
      d.add(full.subarray(VOTER_HEADER_BYTES));
    }
    return { bad, digest: d.digest() };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.n) throw new HomeListError('home-list-malformed', `no voter at index ${index}`);
  }

  private offsetOf(index: number): number {
    const block = Math.floor(index / this.slotsPerBlock);
    return this.base + block * this.flash.blockSize + (index % this.slotsPerBlock) * VOTER_SLOT_BYTES;
  }
}

function popZeros(b: number): number {
  let n = 0;
  for (let k = 0; k < 8; k++) if ((b & (1 << k)) === 0) n++;
  return n;
}

function slotCrc(s: Uint8Array, n: number): number {
  return crc32(s, crc32(s, 0, O_LENGTH, O_CRC), VOTER_HEADER_BYTES, VOTER_HEADER_BYTES + n);
}
