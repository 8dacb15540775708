// Atomic EEPROM updates, as a Java Card transaction does them, with a redo journal:
//   1. write every update (offset, length, bytes or a fill value) into the journal body,
//      then the body's length;
//   2. write the commit flag (one byte: the commit point);
//   3. apply the updates to their places;
//   4. clear the flag, then scrub the journal body to zeros (it may hold a vote).
// At power-on, recover(): a set flag means the transaction committed, so its updates are
// applied again (idempotent) and the flag cleared; an unset flag means it did not, and a
// partial journal is scrubbed. A card pulled at any byte so ends in the old or the new state.

import { Eeprom } from './eeprom';
import { JOURNAL_BODY_CAPACITY, JOURNAL_COMMITTED, LAYOUT } from './layout';

export type Update =
  | { offset: number; data: Uint8Array }
  | { offset: number; fill: number; length: number };

const KIND_DATA = 0;
const KIND_FILL = 1;

function encodeJournal(updates: readonly Update[]): Uint8Array {
  const parts: number[] = [];
  for (const u of updates) {
    const length = 'data' in u ? u.data.length : u.length;
    parts.push('data' in u ? KIND_DATA : KIND_FILL, u.offset >> 8, u.offset & 0xff, length >> 8, length & 0xff);
    if ('data' in u) for (const b of u.data) parts.push(b);
    else parts.push(u.fill);
  }
  return Uint8Array.from(parts);
}

function decodeJournal(body: Uint8Array): Update[] {
  const out: Update[] = [];
  for (let o = 0; o < body.length; ) {
    const kind = body[o];
    const offset = (body[o + 1] << 8) | body[o + 2];
    const length = (body[o + 3] << 8) | body[o + 4];
    o += 5;
    if (kind === KIND_DATA) { out.push({ offset, data: body.slice(o, o + length) }); o += length; }
    else { out.push({ offset, fill: body[o], length }); o += 1; }
  }
  return out;
}

function apply(e: Eeprom, updates: readonly Update[]): void {
  for (const u of updates) {
    if (u.offset + ('data' in u ? u.data.length : u.length) > LAYOUT.LIVE_END) throw new RangeError('journal update outside the live area');
    if ('data' in u) e.write(u.offset, u.data);
    else e.fill(u.offset, u.length, u.fill);
  }
}

/** Writes zeros over the journal body and length where they are not zero already. */
function scrub(e: Eeprom): void {
  for (let i = LAYOUT.JOURNAL_LENGTH; i < LAYOUT.SIZE; i++) if (e.bytes[i] !== 0) e.writeByte(i, 0);
}

export function commitAtomically(e: Eeprom, updates: readonly Update[]): void {
  const body = encodeJournal(updates);
  if (body.length > JOURNAL_BODY_CAPACITY) throw new RangeError('transaction larger than the journal');
  e.write(LAYOUT.JOURNAL_BODY, body);
  e.writeU16(LAYOUT.JOURNAL_LENGTH, body.length);
  e.writeByte(LAYOUT.JOURNAL_FLAG, JOURNAL_COMMITTED);
  apply(e, updates);
  e.writeByte(LAYOUT.JOURNAL_FLAG, 0);
  scrub(e);
}

/** Run at every power-on, before the card answers anything. */
export function recover(e: Eeprom): void {
  if (e.readByte(LAYOUT.JOURNAL_FLAG) === JOURNAL_COMMITTED) {
    const length = e.readU16(LAYOUT.JOURNAL_LENGTH);
    apply(e, decodeJournal(e.read(LAYOUT.JOURNAL_BODY, length)));
    e.writeByte(LAYOUT.JOURNAL_FLAG, 0);
  } else if (e.readByte(LAYOUT.JOURNAL_FLAG) !== 0) {
    e.writeByte(LAYOUT.JOURNAL_FLAG, 0);
  }
  scrub(e);
}
