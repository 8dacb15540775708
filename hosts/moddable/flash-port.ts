// FlashPort over Moddable's flash object (anything with its erase/read/write shape). Pure, so
// Node tests check the bounds and conversions; flash.ts opens the real partition.
import { ProtocolError } from '../../protocol/bytes';
import type { FlashPort } from '../../runtime/ports';

/** The part of Moddable's Flash class this adapter uses. */
export interface ModdableFlashLike {
  readonly byteLength: number;
  readonly blockSize: number;
  erase(sector: number): void;
  read(offset: number, byteLength: number): ArrayBuffer | object;
  write(offset: number, byteLength: number, buffer: Uint8Array): void;
}

export class PartitionFlash implements FlashPort {
  readonly blockSize: number;
  readonly blockCount: number;

  constructor(private readonly flash: ModdableFlashLike) {
    this.blockSize = flash.blockSize;
    if (this.blockSize !== 4096) throw new ProtocolError('flash-geometry', `block size ${this.blockSize}, expected 4096`);
    this.blockCount = Math.floor(flash.byteLength / this.blockSize);
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    if (length === 0) return new Uint8Array(0);
    const data = this.flash.read(offset, length);
    if (!(data instanceof ArrayBuffer)) throw new ProtocolError('flash-read', 'flash returned a host buffer');
    return new Uint8Array(data);
  }

  program(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    if (data.length > 0) this.flash.write(offset, data.length, data);
  }

  erase(block: number): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.blockCount) throw new ProtocolError('flash-range', `block ${block} of ${this.blockCount}`);
    this.flash.erase(block);
  }

  private check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.blockCount * this.blockSize) {
      throw new ProtocolError('flash-range', `${length} bytes at ${offset} outside ${this.blockCount * this.blockSize}`);
    }
  }
}
