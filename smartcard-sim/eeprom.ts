// The simulated card's non-volatile memory, with a tearing model: a card pulled from the
// reader after its k-th byte write. A byte write is taken as atomic (it either happened or
// not); the card's transaction layer (transaction.ts) makes multi-byte updates atomic.

/** Thrown inside the card when power is lost; the card is then unpowered and its RAM gone. */
export class CardTornError extends Error {
  constructor(readonly afterWrites: number) {
    super(`card pulled after ${afterWrites} EEPROM byte writes`);
    this.name = 'CardTornError';
  }
}

export class Eeprom {
  readonly bytes: Uint8Array;
  /** Byte writes since the card was made (every write counts, changed or not). */
  writes = 0;
  private tearAt: number | undefined;

  constructor(size: number, initial?: Uint8Array) {
    this.bytes = new Uint8Array(size);
    if (initial) this.bytes.set(initial);
  }

  /** Arms a tear: the card loses power once `k` more bytes have been written. */
  tearAfter(k: number): void { this.tearAt = this.writes + k; }
  disarm(): void { this.tearAt = undefined; }
  get armed(): boolean { return this.tearAt !== undefined; }

  read(offset: number, length: number): Uint8Array { return this.bytes.slice(offset, offset + length); }
  readByte(offset: number): number { return this.bytes[offset]; }
  readU16(offset: number): number { return (this.bytes[offset] << 8) | this.bytes[offset + 1]; }

  writeByte(offset: number, value: number): void {
    if (offset < 0 || offset >= this.bytes.length) throw new RangeError(`EEPROM write at ${offset}`);
    if (this.tearAt !== undefined && this.writes >= this.tearAt) {
      const k = this.writes;
      this.tearAt = undefined;
      throw new CardTornError(k);
    }
    this.bytes[offset] = value & 0xff;
    this.writes++;
  }
  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.writeByte(offset + i, data[i]);
  }
  writeU16(offset: number, v: number): void {
    this.writeByte(offset, v >> 8);
    this.writeByte(offset + 1, v & 0xff);
  }
  fill(offset: number, length: number, value: number): void {
    for (let i = 0; i < length; i++) this.writeByte(offset + i, value);
  }
}
