// The vote store: a table of N fixed-size slots in a flash region of their own, erased when an
// election is loaded. Each vote goes into a slot chosen uniformly at random among the free
// ones (entropy port), and everything reads the slots in slot order, which is also the order
// on the chip. So neither the read-out nor a dump of the flash tells the order cards came in
// (the digital vote record of Brazil's urna does the same). docs/accumulator.md gives the
// reasoning and the residual risks.
//
// Slot layout (SLOT_BYTES, fixed; no sequence numbers, no times):
//   0      marker A5                      programmed with the body
//   1      state: FF written, F0 committed (low nibble cleared), 0F void
//   2      cleared: FF, 00 once the card was cleared (the card will not come back)
//   3      FF (reserved)
//   4–5    vote length n (big-endian)
//   6–9    CRC-32 over bytes 4–5, the activation id and the vote
//   10–25  activation id (16 bytes): duplicate detection only, never read out
//   26…    the vote record, exactly as read from the card
// Writing a vote is two programs, as in the journal: the body with state FF, then the state
// byte F0 alone. Only a committed slot with a good CRC counts. A slot that is neither free
// (all FF) nor committed was torn by a power cut: open() voids it and it is never used again.
//
// RAM: one byte of state and a 16-bit tag of the activation id per slot (3 bytes per slot,
// ~11 KiB for 3,600 slots); votes stay on flash and are read on demand.

import { ProtocolError, bytesEqual, readU16BE, readU32BE, writeU16BE, writeU32BE } from '../protocol/bytes';
import type { EntropyPort, FlashPort } from '../runtime/ports';
import { crc32 } from '../protocol/crc32';

export const SLOT_HEADER_BYTES = 26;
/** Slot size: 12 slots per 4 KiB block; a vote of up to 314 bytes (a padded 128-byte plaintext gives ~293). */
export const DEFAULT_SLOT_BYTES = 340;
export const ACTIVATION_ID_BYTES = 16;

const MARKER = 0xa5;
const COMMITTED = 0xf0;
const VOID = 0x0f;
const CLEARED = 0x00;
const O_STATE = 1;
const O_CLEARED = 2;
const O_LENGTH = 4;
const O_CRC = 6;
const O_ID = 10;

/** What open() found in a slot (kept in RAM, one byte per slot). */
export const SLOT = { FREE: 0, STORED: 1, STORED_CLEARED: 2, VOID: 3, DAMAGED: 4 } as const;

export type SlotStoreErrorCode = 'vote-store-full' | 'vote-too-large' | 'vote-store-bad-region' | 'vote-store-duplicate';
export class SlotStoreError extends ProtocolError {
  constructor(code: SlotStoreErrorCode, message: string) { super(code, message); this.name = 'SlotStoreError'; }
}

export interface SlotRegion { firstBlock: number; blockCount: number; slotBytes?: number }

export interface SlotStoreStats {
  slots: number;
  slotBytes: number;
  stored: number;
  free: number;
  /** Slots torn by a power cut and voided (never reused). */
  voided: number;
  /** Committed slots whose CRC fails: damage, not a power cut. */
  damaged: number;
  /** Largest vote record a slot takes. */
  maxVoteBytes: number;
}

export interface StoredVote { slot: number; activationId: Uint8Array; vote: Uint8Array; cleared: boolean }

export class VoteSlotStore {
  readonly slotBytes: number;
  readonly slotsPerBlock: number;
  readonly slotCount: number;
  private readonly base: number;
  private readonly state: Uint8Array;
  private readonly tags: Uint16Array;
  private freeCount = 0;
  private storedCount = 0;
  /** Torn slots that open() found and voided this boot. */
  readonly recovered = { voided: 0 };

  private constructor(private readonly flash: FlashPort, private readonly region: SlotRegion) {
    this.slotBytes = region.slotBytes ?? DEFAULT_SLOT_BYTES;
    if (region.firstBlock < 0 || region.blockCount < 1 || region.firstBlock + region.blockCount > flash.blockCount || this.slotBytes < SLOT_HEADER_BYTES + 64 || this.slotBytes > flash.blockSize) {
      throw new SlotStoreError('vote-store-bad-region', `blocks ${region.firstBlock}+${region.blockCount}, slot ${this.slotBytes} bytes`);
    }
    this.slotsPerBlock = Math.floor(flash.blockSize / this.slotBytes);
    this.slotCount = this.slotsPerBlock * region.blockCount;
    this.base = region.firstBlock * flash.blockSize;
    this.state = new Uint8Array(this.slotCount);
    this.tags = new Uint16Array(this.slotCount);
  }

  /** Opens the store: reads every slot once, voids slots torn by a power cut, rebuilds the RAM index. */
  static open(flash: FlashPort, region: SlotRegion): VoteSlotStore {
    const s = new VoteSlotStore(flash, region);
    s.scan();
    return s;
  }

  /** Erases the region (a new election): every slot free. */
  static format(flash: FlashPort, region: SlotRegion): VoteSlotStore {
    for (let b = 0; b < region.blockCount; b++) flash.erase(region.firstBlock + b);
    return VoteSlotStore.open(flash, region);
  }

  get stored(): number { return this.storedCount; }
  get free(): number { return this.freeCount; }
  get maxVoteBytes(): number { return this.slotBytes - SLOT_HEADER_BYTES; }

  stats(): SlotStoreStats {
    let voided = 0;
    let damaged = 0;
    for (let i = 0; i < this.slotCount; i++) {
      if (this.state[i] === SLOT.VOID) voided++;
      else if (this.state[i] === SLOT.DAMAGED) damaged++;
    }
    return { slots: this.slotCount, slotBytes: this.slotBytes, stored: this.storedCount, free: this.freeCount, voided, damaged, maxVoteBytes: this.maxVoteBytes };
  }

  /** The stored vote with this activation id, if any (RAM tag, then confirmed on flash). */
  find(activationId: Uint8Array): StoredVote | undefined {
    const tag = tagOf(activationId);
    for (let i = 0; i < this.slotCount; i++) {
      const st = this.state[i];
      if ((st !== SLOT.STORED && st !== SLOT.STORED_CLEARED) || this.tags[i] !== tag) continue;
      const v = this.read(i);
      if (v && bytesEqual(v.activationId, activationId)) return v;
    }
    return undefined;
  }

  /**
   * Stores a vote in a uniformly random free slot; durable when it returns. Returns the slot
   * (for the caller's markCleared only: never log or show it, it would pair a voter with a slot).
   */
  put(activationId: Uint8Array, vote: Uint8Array, entropy: EntropyPort): number {
    if (activationId.length !== ACTIVATION_ID_BYTES) throw new SlotStoreError('vote-too-large', 'activation id must be 16 bytes');
    if (vote.length > this.maxVoteBytes) throw new SlotStoreError('vote-too-large', `vote of ${vote.length} bytes; a slot takes ${this.maxVoteBytes}`);
    if (this.freeCount === 0) throw new SlotStoreError('vote-store-full', `all ${this.slotCount} slots used`);
    const slot = this.nthFree(uniformBelow(this.freeCount, entropy));
    const body = new Uint8Array(SLOT_HEADER_BYTES + vote.length).fill(0xff);
    body[0] = MARKER;
    writeU16BE(body, O_LENGTH, vote.length);
    body.set(activationId, O_ID);
    body.set(vote, SLOT_HEADER_BYTES);
    writeU32BE(body, O_CRC, slotCrc(body, vote.length));
    const at = this.offsetOf(slot);
    // From the first program on the slot is spent, whatever happens: a torn write is voided at the next open.
    this.state[slot] = SLOT.VOID;
    this.freeCount--;
    this.flash.program(at, body);
    this.flash.program(at + O_STATE, Uint8Array.of(COMMITTED));
    this.state[slot] = SLOT.STORED;
    this.tags[slot] = tagOf(activationId);
    this.storedCount++;
    return slot;
  }

  /** Records that the card of this slot was cleared (one byte; tells a later copy of the card from a card whose clearing was cut). */
  markCleared(slot: number): void {
    if (this.state[slot] !== SLOT.STORED) return;
    this.flash.program(this.offsetOf(slot) + O_CLEARED, Uint8Array.of(CLEARED));
    this.state[slot] = SLOT.STORED_CLEARED;
  }

  /** Stored votes from the index-th (0-based, slot order), without activation ids: the read-out. */
  *votes(fromIndex = 0): Generator<Uint8Array> {
    let k = 0;
    for (let i = 0; i < this.slotCount; i++) {
      const st = this.state[i];
      if (st !== SLOT.STORED && st !== SLOT.STORED_CLEARED) continue;
      if (k++ < fromIndex) continue;
      const v = this.read(i);
      if (v) yield v.vote;
    }
  }

  /** Every stored vote with its slot and activation id, in slot order (tests, self-check). */
  *entries(): Generator<StoredVote> {
    for (let i = 0; i < this.slotCount; i++) {
      const st = this.state[i];
      if (st !== SLOT.STORED && st !== SLOT.STORED_CLEARED) continue;
      const v = this.read(i);
      if (v) yield v;
    }
  }

  /** Re-reads every stored slot and checks its CRC (self-test); returns the number that fail. */
  verify(): number {
    let bad = 0;
    for (let i = 0; i < this.slotCount; i++) {
      const st = this.state[i];
      if ((st === SLOT.STORED || st === SLOT.STORED_CLEARED) && !this.read(i)) bad++;
    }
    return bad;
  }

  // ---- internals ----

  private offsetOf(slot: number): number {
    const block = Math.floor(slot / this.slotsPerBlock);
    return this.base + block * this.flash.blockSize + (slot % this.slotsPerBlock) * this.slotBytes;
  }

  private read(slot: number): StoredVote | undefined {
    const at = this.offsetOf(slot);
    const h = this.flash.read(at, SLOT_HEADER_BYTES);
    const n = readU16BE(h, O_LENGTH);
    if (h[0] !== MARKER || h[O_STATE] !== COMMITTED || n > this.maxVoteBytes) return undefined;
    const full = this.flash.read(at, SLOT_HEADER_BYTES + n);
    if (readU32BE(full, O_CRC) !== slotCrc(full, n)) return undefined;
    return { slot, activationId: full.slice(O_ID, O_ID + ACTIVATION_ID_BYTES), vote: full.slice(SLOT_HEADER_BYTES), cleared: full[O_CLEARED] === CLEARED };
  }

  private scan(): void {
    const bs = this.flash.blockSize;
    for (let b = 0; b < this.region.blockCount; b++) {
      const block = this.flash.read(this.base + b * bs, bs);
      for (let k = 0; k < this.slotsPerBlock; k++) {
        const slot = b * this.slotsPerBlock + k;
        const o = k * this.slotBytes;
        const s = block.subarray(o, o + this.slotBytes);
        if (allFF(s)) { this.state[slot] = SLOT.FREE; this.freeCount++; continue; }
        const n = readU16BE(s, O_LENGTH);
        if (s[0] === MARKER && s[O_STATE] === COMMITTED) {
          if (n <= this.maxVoteBytes && readU32BE(s, O_CRC) === slotCrc(s, n)) {
            this.state[slot] = s[O_CLEARED] === CLEARED ? SLOT.STORED_CLEARED : SLOT.STORED;
            this.tags[slot] = tagOf(s.subarray(O_ID, O_ID + ACTIVATION_ID_BYTES));
            this.storedCount++;
          } else {
            this.state[slot] = SLOT.DAMAGED; // a committed slot that does not check: no power cut makes that
          }
          continue;
        }
        // Torn: the body program or the commit did not finish. Void it so that a weakly
        // programmed state byte can never read as committed later; never use it again.
        if (s[0] === MARKER && (s[O_STATE] & 0xf0) === 0xf0) {
          this.flash.program(this.offsetOf(slot) + O_STATE, Uint8Array.of(VOID));
          this.recovered.voided++;
        }
        this.state[slot] = SLOT.VOID;
      }
    }
  }

  /** The r-th free slot (0-based) in slot order. */
  private nthFree(r: number): number {
    for (let i = 0; i < this.slotCount; i++) {
      if (this.state[i] !== SLOT.FREE) continue;
      if (r-- === 0) return i;
    }
    throw new SlotStoreError('vote-store-full', 'no free slot');
  }
}

function allFF(b: Uint8Array): boolean {
  let i = 0;
  // four bytes at a time where the view is aligned (it is for slots at multiples of 4)
  if ((b.byteOffset & 3) === 0) {
    const words = new Uint32Array(b.buffer, b.byteOffset, b.length >> 2);
    for (let w = 0; w < words.length; w++) if (words[w] !== 0xffffffff) return false;
    i = words.length << 2;
  }
  for (; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}

function slotCrc(s: Uint8Array, n: number): number {
  // bytes 4–5 (length), then the activation id and the vote (bytes 10 … 26+n)
  return crc32(s, crc32(s, 0, O_LENGTH, O_CRC), O_ID, SLOT_HEADER_BYTES + n);
}

function tagOf(id: Uint8Array): number {
  return (id[0] << 8) | id[1];
}

/**
 * A uniform integer in [0, n) from the entropy port: 32-bit draws, rejecting the top partial
 * range so that no value is favoured (a plain modulo would bias the low slots).
 */
export function uniformBelow(n: number, entropy: EntropyPort): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new ProtocolError('bad-range', `uniformBelow(${n})`);
  const limit = 0x100000000 - (0x100000000 % n);
  for (;;) {
    const b = entropy.randomBytes(4);
    const x = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
    if (x < limit) return x % n;
  }
}
