// A NOR flash in memory, for tests, the simulator and benchmarks (device-safe: plain
// typed arrays). Erase sets a block to 0xFF; program ANDs bits in (it can only clear
// bits, as NOR does); every erase is counted per block so wear can be checked.

import type { FlashPort } from '../ports';
import { checkBlock, checkRange } from './errors';

export const NOR_BLOCK_SIZE = 4096;

export class SimFlash implements FlashPort {
  readonly blockSize: number;
  readonly blockCount: number;
  /** The cells themselves; tests may look (and tamper) directly. */
  readonly memory: Uint8Array;
  readonly erasesPerBlock: Uint32Array;
  programOps = 0;
  eraseOps = 0;

  /** A new part is all 0xFF unless `fill` says otherwise (factory parts are erased; old parts are not). */
  constructor(blockCount: number, options: { blockSize?: number; fill?: number } = {}) {
    this.blockSize = options.blockSize ?? NOR_BLOCK_SIZE;
    this.blockCount = blockCount;
    this.memory = new Uint8Array(this.blockSize * blockCount).fill(options.fill ?? 0xff);
    this.erasesPerBlock = new Uint32Array(blockCount);
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(offset, length, this.memory.length);
    return this.memory.slice(offset, offset + length);
  }

  program(offset: number, data: Uint8Array): void {
    checkRange(offset, data.length, this.memory.length);
    this.programOps++;
    const m = this.memory;
    for (let i = 0; i < data.length; i++) m[offset + i] &= data[i];
  }

  erase(block: number): void {
    checkBlock(block, this.blockCount);
    this.eraseOps++;
    this.erasesPerBlock[block]++;
    this.memory.fill(0xff, block * this.blockSize, (block + 1) * this.blockSize);
  }

  /** A copy of this part in its present state (a campaign's "same chip after the cut"). */
  clone(): SimFlash {
    const c = new SimFlash(this.blockCount, { blockSize: this.blockSize });
    c.memory.set(this.memory);
    c.erasesPerBlock.set(this.erasesPerBlock);
    return c;
  }
}
