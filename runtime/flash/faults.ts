// Fault injector: wraps a flash and cuts the power at a chosen program/erase operation.
// The operation in progress is torn: a program writes only a prefix of its bytes (and,
// if asked, some bits of the next byte), an erase leaves the block partly erased and the
// rest garbage. Every later call, reads included, throws PowerCutError, as a dead chip
// would. "Restart" is opening the journal again on the wrapped part.

import type { FlashPort } from '../ports';
import { PowerCutError, checkBlock, checkRange } from './errors';

export interface CutPlan {
  /** 1-based index of the program/erase operation during which power goes. */
  atOperation: number;
  /**
   * How many bytes of that operation take effect: for a program, the prefix written; for an
   * erase, the leading bytes of the block that reach 0xFF (the rest become garbage). At or
   * beyond the operation's length the operation completes and the power goes just after,
   * before the caller sees it return.
   */
  tornBytes: number;
  /** Also clear a pseudo-random subset of the target bits of the first byte not written (half-programmed cell). */
  partialByte?: boolean;
  /** Seed for the garbage of a torn erase and for partial bytes (no built-in PRNG on a device). */
  seed?: number;
}

export class FaultyFlash implements FlashPort {
  readonly blockSize: number;
  readonly blockCount: number;
  /** Program and erase operations started so far (including the torn one). */
  operations = 0;
  private dead = false;
  private rng: number;

  constructor(readonly inner: FlashPort, private readonly plan: CutPlan | undefined) {
    this.blockSize = inner.blockSize;
    this.blockCount = inner.blockCount;
    this.rng = (plan?.seed ?? 0x9e3779b9) >>> 0 || 1;
  }

  get powerCut(): boolean { return this.dead; }

  read(offset: number, length: number): Uint8Array {
    this.alive();
    return this.inner.read(offset, length);
  }

  program(offset: number, data: Uint8Array): void {
    this.alive();
    checkRange(offset, data.length, this.blockSize * this.blockCount);
    if (!this.cutsNow()) { this.inner.program(offset, data); return; }
    const n = Math.min(this.plan!.tornBytes, data.length);
    if (n > 0) this.inner.program(offset, data.subarray(0, n));
    if (this.plan!.partialByte && n < data.length) {
      // Some of the bits being cleared made it, some did not: clear a random subset of them.
      const half = data[n] | (this.next() & 0xff);
      this.inner.program(offset + n, Uint8Array.of(half));
    }
    this.die(`program of ${data.length} bytes at ${offset}, ${n} written`);
  }

  erase(block: number): void {
    this.alive();
    checkBlock(block, this.blockCount);
    if (!this.cutsNow()) { this.inner.erase(block); return; }
    const size = this.blockSize;
    const n = Math.min(this.plan!.tornBytes, size);
    if (n >= size) {
      this.inner.erase(block);
    } else {
      // An interrupted erase has moved some cells toward 1 and not others: the leading n bytes
      // are erased, the rest are the old contents with random bits set. We can only clear bits
      // through program(), so erase fully and program the garbage back.
      const base = block * size;
      const old = this.inner.read(base, size);
      this.inner.erase(block);
      const garbage = new Uint8Array(size).fill(0xff);
      for (let i = n; i < size; i++) garbage[i] = old[i] | (this.next() & 0xff);
      this.inner.program(base, garbage);
    }
    this.die(`erase of block ${block}, ${n} bytes erased`);
  }

  private cutsNow(): boolean {
    this.operations++;
    return this.plan !== undefined && this.operations === this.plan.atOperation;
  }

  private alive(): void {
    if (this.dead) throw new PowerCutError('the power is off');
  }

  private die(what: string): never {
    this.dead = true;
    throw new PowerCutError(`during operation ${this.operations}: ${what}`);
  }

  /** xorshift32: deterministic garbage, reproducible from the seed. */
  private next(): number {
    let x = this.rng;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.rng = x;
    return x;
  }
}
