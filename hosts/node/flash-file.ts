// A FlashPort on a file, for the Node hosts: NOR semantics (erase to 0xFF, program ANDs
// bits), and each program or erase is fsync'ed before it returns, so "durable when the call
// returns" holds on a PC as it does on the chip. A new file is created filled with 0xFF.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { FlashPort } from '../../runtime/ports';
import { checkBlock, checkRange } from '../../runtime/flash/errors';

export class FileFlash implements FlashPort {
  private constructor(private fd: number, readonly blockSize: number, readonly blockCount: number) {}

  /** Opens (or creates, blank) a flash image of blockCount blocks; an existing file must have exactly that size. */
  static open(path: string, options: { blockCount: number; blockSize?: number }): FileFlash {
    const blockSize = options.blockSize ?? 4096;
    const size = blockSize * options.blockCount;
    if (!existsSync(path)) {
      const fd = openSync(path, 'wx+');
      writeSync(fd, new Uint8Array(size).fill(0xff), 0, size, 0);
      fsyncSync(fd);
      return new FileFlash(fd, blockSize, options.blockCount);
    }
    const fd = openSync(path, 'r+');
    const actual = fstatSync(fd).size;
    if (actual !== size) {
      closeSync(fd);
      throw new Error(`flash image ${path} has size ${actual}, expected ${size} (${options.blockCount} blocks of ${blockSize})`);
    }
    return new FileFlash(fd, blockSize, options.blockCount);
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(offset, length, this.blockSize * this.blockCount);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`flash image shorter than expected at ${offset + done}`);
      done += n;
    }
    return out;
  }

  program(offset: number, data: Uint8Array): void {
    checkRange(offset, data.length, this.blockSize * this.blockCount);
    const cells = this.read(offset, data.length);
    for (let i = 0; i < cells.length; i++) cells[i] &= data[i];
    this.writeAll(cells, offset);
  }

  erase(block: number): void {
    checkBlock(block, this.blockCount);
    this.writeAll(new Uint8Array(this.blockSize).fill(0xff), block * this.blockSize);
  }

  close(): void {
    closeSync(this.fd);
    this.fd = -1;
  }

  private writeAll(bytes: Uint8Array, offset: number): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
    fsyncSync(this.fd);
  }
}
