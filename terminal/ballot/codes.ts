// Verification codes (REQUIREMENTS 001 §11, §19): four digits, unique within the precinct.
// The precinct computer splits the 10,000 codes into disjoint shares, one per device, and
// keeps the rest as a reserve for top-ups; each device draws from its share uniformly at
// random without replacement, so the order of the codes says nothing about the order of
// the voters. Design and reasoning: docs/verification-codes.md.
//
// Device-safe: randomness only from the entropy port; no timers, no Node.

import { ProtocolError } from '../../protocol/bytes';
import type { EntropyPort } from '../../runtime/ports';

export const CODE_SPACE = 10_000;
/** One bit per code: 10,000 bits. */
export const CODE_BITMAP_BYTES = CODE_SPACE / 8;

export type CodeErrorReason = 'codes-exhausted' | 'codes-bad-state' | 'codes-bad-argument';

export class CodeError extends ProtocolError {
  readonly reason: CodeErrorReason;
  constructor(reason: CodeErrorReason, message: string) {
    super(reason, message);
    this.name = 'CodeError';
    this.reason = reason;
  }
}

/** The device's share is used up: ask the precinct computer for a top-up (CodePool.extend). */
export class CodesExhaustedError extends CodeError {
  constructor() {
    super('codes-exhausted', 'no unused verification code is left in this device\'s share');
    this.name = 'CodesExhaustedError';
  }
}

/** A uniform integer in [0, n), by rejection sampling on 32-bit draws (no modulo bias). */
export function randomBelow(n: number, entropy: EntropyPort): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new CodeError('codes-bad-argument', `cannot draw below ${n}`);
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const b = entropy.randomBytes(4);
    if (b.length !== 4) throw new CodeError('codes-bad-argument', 'the entropy port returned the wrong length');
    const x = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    if (x < limit) return x % n;
  }
}

function checkCode(code: number): void {
  if (!Number.isInteger(code) || code < 0 || code >= CODE_SPACE) throw new CodeError('codes-bad-argument', `${code} is not a four-digit code`);
}

function hasBit(bitmap: Uint8Array, code: number): boolean {
  return (bitmap[code >> 3] & (1 << (code & 7))) !== 0;
}
function setBit(bitmap: Uint8Array, code: number): void {
  bitmap[code >> 3] |= 1 << (code & 7);
}
/** Set bits of one byte. */
function bitsIn(byte: number): number {
  let n = 0;
  for (let b = byte & 0xff; b !== 0; b &= b - 1) n++;
  return n;
}
/** The codes set in `bitmap` and clear in `minus`, ascending, 2 bytes each. */
function codesIn(bitmap: Uint8Array, minus?: Uint8Array): Uint16Array {
  let n = 0;
  for (let i = 0; i < CODE_BITMAP_BYTES; i++) n += bitsIn(bitmap[i] & ~(minus ? minus[i] : 0));
  const out = new Uint16Array(n);
  let k = 0;
  for (let i = 0; i < CODE_BITMAP_BYTES; i++) {
    const b = bitmap[i] & ~(minus ? minus[i] : 0) & 0xff;
    if (b !== 0) for (let j = 0; j < 8; j++) if ((b & (1 << j)) !== 0) out[k++] = (i << 3) | j;
  }
  return out;
}

/** Codes as a 1,250-byte bitmap: code c is bit (c & 7) of byte c >> 3. */
export function codesToBitmap(codes: Iterable<number>): Uint8Array {
  const bitmap = new Uint8Array(CODE_BITMAP_BYTES);
  for (const c of codes) {
    checkCode(c);
    if (hasBit(bitmap, c)) throw new CodeError('codes-bad-argument', `code ${c} is listed twice`);
    setBit(bitmap, c);
  }
  return bitmap;
}

export function bitmapToCodes(bitmap: Uint8Array): number[] {
  checkBitmap(bitmap, 'bitmap');
  const out: number[] = [];
  for (let c = 0; c < CODE_SPACE; c++) if (hasBit(bitmap, c)) out.push(c);
  return out;
}

function checkBitmap(bitmap: Uint8Array, what: string): void {
  if (!(bitmap instanceof Uint8Array) || bitmap.length !== CODE_BITMAP_BYTES) {
    throw new CodeError('codes-bad-state', `${what} must be ${CODE_BITMAP_BYTES} bytes`);
  }
}

/**
 * NOR flash erases to 1s and programming only clears bits. Stored inverted (1 = unused), the
 * used-bitmap is updated in place by programming one byte per draw, with no erase.
 */
export function toFlashImage(used: Uint8Array): Uint8Array {
  checkBitmap(used, 'used bitmap');
  return used.map((b) => ~b & 0xff);
}
export function fromFlashImage(image: Uint8Array): Uint8Array {
  checkBitmap(image, 'flash image');
  return image.map((b) => ~b & 0xff);
}

/* ------------------------------------------------------------ precinct computer side */

export interface CodePartition {
  /** Disjoint shares, in the order of the sizes asked for. */
  shares: number[][];
  /** The codes no device holds yet, kept for top-ups. */
  reserve: number[];
}

/**
 * A uniformly random permutation of the 10,000 codes (Fisher–Yates), cut into shares of the
 * given sizes; what is left is the reserve. Disjoint by construction.
 */
export function partitionCodes(sizes: readonly number[], entropy: EntropyPort): CodePartition {
  let total = 0;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) throw new CodeError('codes-bad-argument', `share size ${s}`);
    total += s;
  }
  if (total > CODE_SPACE) throw new CodeError('codes-bad-argument', `shares total ${total} > ${CODE_SPACE}`);
  const perm: number[] = [];
  for (let i = 0; i < CODE_SPACE; i++) perm.push(i);
  for (let i = CODE_SPACE - 1; i > 0; i--) {
    const j = randomBelow(i + 1, entropy);
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  const shares: number[][] = [];
  let at = 0;
  for (const s of sizes) { shares.push(perm.slice(at, at + s)); at += s; }
  return { shares, reserve: perm.slice(at) };
}

/**
 * Share sizes for `devices` devices: each gets `perDevice` (default: an equal split of what
 * is left after keeping `reserve` codes back for top-ups).
 */
export function equalShareSizes(devices: number, reserve = 0): number[] {
  if (!Number.isInteger(devices) || devices < 1 || !Number.isInteger(reserve) || reserve < 0 || reserve > CODE_SPACE) {
    throw new CodeError('codes-bad-argument', 'devices must be ≥ 1 and the reserve within the code space');
  }
  const each = Math.floor((CODE_SPACE - reserve) / devices);
  const out: number[] = [];
  for (let i = 0; i < devices; i++) out.push(each);
  return out;
}

/* ------------------------------------------------------------ device side */

/**
 * One device's share and which of it is used. Persist `usedBitmap()` (or its flash image)
 * durably before the drawn code goes into a vote: `draw` calls `persist` for that, so a
 * reboot can never hand out a code again.
 */
export class CodePool {
  private readonly owned: Uint8Array;
  private readonly used: Uint8Array;
  /**
   * Unused codes of the share, in no meaningful order, in the first `count` entries; draws
   * remove from here. A Uint16Array (2 B a code) rather than a JS array: on the MCU every
   * array item is a 16-byte slot, 52 KiB for a 3,300-code share (docs/xs-budgets.md).
   */
  private available: Uint16Array;
  private count: number;

  private constructor(owned: Uint8Array, used: Uint8Array) {
    this.owned = owned;
    this.used = used;
    this.available = codesIn(owned, used);
    this.count = this.available.length;
  }

  /** Removes the entry at `i` by moving the last one into its place (order carries no meaning). */
  private removeAt(i: number): void {
    this.count--;
    this.available[i] = this.available[this.count];
  }

  /** A fresh pool for a provisioned share. */
  static fromCodes(codes: Iterable<number>): CodePool {
    return new CodePool(codesToBitmap(codes), new Uint8Array(CODE_BITMAP_BYTES));
  }

  /**
   * A fresh pool for a share given as its bitmap, as it comes over the link (copied). The
   * devices use this rather than fromCodes(bitmapToCodes(…)): a JS array of a 3,300-code share
   * is 3,300 heap slots (52 KiB on the MCU) for a moment, more than the whole heap has free.
   */
  static fromBitmap(owned: Uint8Array): CodePool {
    checkBitmap(owned, 'owned bitmap');
    return new CodePool(owned.slice(), new Uint8Array(CODE_BITMAP_BYTES));
  }

  /** After a reboot: the provisioned share and the persisted used-bitmap. */
  static restore(ownedBitmap: Uint8Array, usedBitmap: Uint8Array): CodePool {
    checkBitmap(ownedBitmap, 'owned bitmap');
    checkBitmap(usedBitmap, 'used bitmap');
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) {
      if ((usedBitmap[i] & ~ownedBitmap[i]) !== 0) throw new CodeError('codes-bad-state', 'a used code is outside this device\'s share');
    }
    return new CodePool(ownedBitmap.slice(), usedBitmap.slice());
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) n += bitsIn(this.owned[i]);
    return n;
  }

  get remaining(): number {
    return this.count;
  }

  /**
   * Draws an unused code uniformly at random and marks it used. `persist` receives the new
   * used-bitmap and must store it durably; if it throws, the code stays marked used in
   * memory (never reissued) and the error propagates, so the code is not handed out.
   */
  draw(entropy: EntropyPort, persist?: (used: Uint8Array) => void): number {
    if (this.count === 0) throw new CodesExhaustedError();
    const i = randomBelow(this.count, entropy);
    const code = this.available[i];
    this.removeAt(i);
    setBit(this.used, code);
    if (persist) persist(this.used.slice());
    return code;
  }

  /** Replays a use recorded elsewhere (e.g. a journal) into the pool. */
  markUsed(code: number): void {
    checkCode(code);
    if (!hasBit(this.owned, code)) throw new CodeError('codes-bad-state', `code ${code} is not in this device's share`);
    if (hasBit(this.used, code)) return;
    setBit(this.used, code);
    for (let i = 0; i < this.count; i++) if (this.available[i] === code) { this.removeAt(i); break; }
  }

  /**
   * A top-up from the precinct computer's reserve, as codes or as their bitmap; every code must
   * be new to this share. Nothing changes when it is refused.
   */
  extend(codes: Iterable<number> | Uint8Array): void {
    let add: Uint8Array;
    if (codes instanceof Uint8Array) { checkBitmap(codes, 'top-up bitmap'); add = codes; } else add = codesToBitmap(codes);
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) {
      if ((add[i] & this.owned[i]) !== 0) throw new CodeError('codes-bad-argument', 'a top-up code is already in this share');
    }
    const fresh = codesIn(add);
    const grown = new Uint16Array(this.count + fresh.length);
    grown.set(this.available.subarray(0, this.count));
    grown.set(fresh, this.count);
    this.available = grown;
    this.count = grown.length;
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) this.owned[i] |= add[i];
  }

  ownedBitmap(): Uint8Array { return this.owned.slice(); }
  usedBitmap(): Uint8Array { return this.used.slice(); }
}
