// The journal's API and on-flash behaviour outside power cuts (tests/journal-faults.test.ts cuts the power).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { SimFlash } from '../runtime/flash/sim';
import { Journal, JournalCorruptError, JournalError, JournalFullError, StateCell } from '../runtime/journal';
import { nobleCrypto } from '../protocol/crypto/noble';
import { toHex, utf8Encode } from '../protocol/bytes';
import { crc32 } from '../protocol/crc32';

const crypto = nobleCrypto;
const bytes = (n: number, seed = n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);
const all = (j: Journal, from?: number) => [...j.records(from)].map((r) => ({ seq: r.seq, tag: r.tag, hex: toHex(r.data) }));

test('append returns 1, 2, 3...; records come back in order with their bytes, after a restart too', () => {
  const flash = new SimFlash(8);
  const j = Journal.open(flash, crypto);
  assert.is(j.count, 0);
  assert.equal(all(j), []);
  const want: { seq: number; tag: number; hex: string }[] = [];
  for (let i = 0; i < 60; i++) {
    const data = bytes((i * 97) % 700, i);
    const seq = j.append(i % 5, data);
    assert.is(seq, i + 1);
    want.push({ seq, tag: i % 5, hex: toHex(data) });
  }
  assert.is(j.count, 60);
  assert.equal(all(j), want);
  const again = Journal.open(flash, crypto);
  assert.is(again.count, 60);
  assert.equal(all(again), want);
  assert.equal(all(again, 37), want.slice(36));
  assert.equal(all(again, 61), []);
  assert.is(again.append(9, bytes(3)), 61);
  assert.equal(toHex(again.digest()), toHex(Journal.open(flash, crypto).digest()));
  assert.equal(again.recovery, { formatResumed: false, tornRecordVoided: false, tailSealed: false, unreadableHeaders: 0 });
});

test('records of any size up to the maximum, any tag, round-trip (property)', () => {
  fc.assert(fc.property(fc.array(fc.record({ tag: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 2100 }) }), { maxLength: 30 }), (items) => {
    const flash = new SimFlash(20);
    const j = Journal.open(flash, crypto);
    for (const it of items) j.append(it.tag, it.data);
    const back = [...Journal.open(flash, crypto).records()];
    assert.is(back.length, items.length);
    back.forEach((r, i) => { assert.is(r.tag, items[i].tag); assert.equal(toHex(r.data), toHex(items[i].data)); });
  }), { numRuns: 60 });
  const j = Journal.open(new SimFlash(2), crypto);
  assert.is(j.maxRecordBytes, 4096 - 32 - 13);
  j.append(1, bytes(j.maxRecordBytes));
  assert.throws(() => j.append(1, bytes(j.maxRecordBytes + 1)), (e: unknown) => e instanceof JournalError && e.code === 'journal-record-too-large');
  for (const bad of [-1, 256, 1.5]) assert.throws(() => j.append(bad, bytes(1)), (e: unknown) => e instanceof JournalError && e.code === 'journal-bad-tag');
});

test('a full journal refuses with JournalFullError and loses nothing', () => {
  const flash = new SimFlash(2);
  const j = Journal.open(flash, crypto);
  let n = 0;
  // 120 bytes each: 33 per block, 104 bytes left at the end of each
  assert.throws(() => { for (;;) { j.append(1, bytes(104, n)); n++; } }, (e: unknown) => e instanceof JournalFullError && e.code === 'journal-full');
  assert.is(j.count, n);
  assert.is(j.stats().bytesFree, 104);
  const k = Journal.open(flash, crypto);
  assert.is([...k.records()].length, n);
  assert.throws(() => k.append(1, bytes(104)), (e: unknown) => e instanceof JournalFullError);
  assert.is(k.append(1, bytes(1)), n + 1, 'a record small enough for the last tail still fits');
});

test('the journal lives in its region and leaves the rest of the part alone', () => {
  const flash = new SimFlash(10);
  flash.program(0, bytes(4096)); // someone else's data in block 0
  const j = Journal.open(flash, crypto, { firstBlock: 3, blockCount: 4 });
  for (let i = 0; i < 40; i++) j.append(1, bytes(300, i));
  j.format();
  assert.equal(toHex(flash.read(0, 4096)), toHex(bytes(4096)));
  assert.ok(flash.read(7 * 4096, 3 * 4096).every((b) => b === 0xff));
  assert.throws(() => Journal.open(flash, crypto, { firstBlock: 8, blockCount: 4 }), (e: unknown) => e instanceof JournalError && e.code === 'journal-bad-region');
});

test('stats: overhead, bytes used and free, erase counts recovered from the stamps', () => {
  const flash = new SimFlash(4);
  const j = Journal.open(flash, crypto);
  const s0 = j.stats();
  assert.is(s0.recordOverheadBytes, 13);
  assert.is(s0.bytesFree, 4 * (4096 - 32));
  j.append(1, bytes(19)); // 13 + 19 = 32 bytes exactly
  const s1 = j.stats();
  assert.is(s1.bytesUsed, 32 + 32);
  assert.is(s1.bytesFree, 4 * (4096 - 32) - 32);
  assert.equal(s1.erasesPerBlock, [1, 0, 0, 0]);
  j.format();
  j.format();
  const s2 = Journal.open(flash, crypto).stats();
  assert.equal(s2.erasesPerBlock, [...flash.erasesPerBlock]);
  assert.equal(s2.erasesPerBlock, [3, 1, 1, 1], 'blocks already blank are not erased again');
});

test('format wipes every record, restarts seq at 1, bumps the epoch', () => {
  const flash = new SimFlash(4);
  const j = Journal.open(flash, crypto);
  for (let i = 0; i < 40; i++) j.append(3, bytes(200, i));
  const epoch = j.stats().epoch;
  j.format();
  assert.is(j.count, 0);
  assert.equal(all(j), []);
  assert.is(j.lastRecordWithTag(3), undefined);
  // no record byte of the old election is left anywhere
  for (let b = 0; b < 4; b++) assert.ok(flash.read(b * 4096 + 32, 4096 - 32).every((x) => x === 0xff));
  assert.is(j.append(1, bytes(5)), 1);
  const k = Journal.open(flash, crypto);
  assert.is(k.count, 1);
  assert.is(k.stats().epoch, epoch + 1);
});

test('state store: lastRecordWithTag and StateCell give the latest value, across blocks and restarts', () => {
  const flash = new SimFlash(6);
  const j = Journal.open(flash, crypto);
  const phase = new StateCell(j, 200);
  assert.is(phase.get(), undefined);
  phase.set(Uint8Array.of(1));
  for (let i = 0; i < 30; i++) j.append(1, bytes(400, i)); // pushes the state record blocks back
  assert.equal([...phase.get()!], [1]);
  phase.set(Uint8Array.of(2));
  assert.equal([...phase.get()!], [2]);
  j.append(200, Uint8Array.of(3));
  assert.equal([...phase.get()!], [3], 'a plain append with the tag counts too');
  const k = Journal.open(flash, crypto);
  assert.equal([...new StateCell(k, 200).get()!], [3]);
  assert.is(k.lastRecordWithTag(1)!.seq, 31);
  assert.is(k.lastRecordWithTag(77), undefined);
  k.append(77, Uint8Array.of(9));
  assert.equal([...k.lastRecordWithTag(77)!.data], [9], 'a cached miss is updated by a later append');
});

test('damage (not a power cut) is reported, never read as data: bad CRC, lost block header', () => {
  const flash = new SimFlash(4);
  const j = Journal.open(flash, crypto);
  for (let i = 0; i < 30; i++) j.append(1, bytes(300, i));
  // flip one data bit of a committed record in block 0
  const copy = flash.clone();
  copy.memory[32 + 13 + 5] ^= 0x01;
  const k = Journal.open(copy, crypto);
  assert.throws(() => [...k.records()], (e: unknown) => e instanceof JournalCorruptError);
  // the same in the last block: open still works, reading and appending refuse
  const copy2 = flash.clone();
  const tailStart = 2 * 4096 + 32;
  copy2.memory[tailStart + 20] ^= 0x80;
  const k2 = Journal.open(copy2, crypto);
  assert.ok(k2.stats().damaged);
  assert.throws(() => k2.append(1, bytes(1)), (e: unknown) => e instanceof JournalCorruptError);
  assert.throws(() => [...k2.records()], (e: unknown) => e instanceof JournalCorruptError);
  // a block header in the middle lost: appends refuse, rather than write over later blocks
  const copy3 = flash.clone();
  copy3.memory[4096 + 17] ^= 0x04;
  const k3 = Journal.open(copy3, crypto);
  assert.ok(k3.stats().damaged);
  assert.throws(() => k3.append(1, bytes(1)), (e: unknown) => e instanceof JournalCorruptError);
  // block 0's header lost: same
  const copy4 = flash.clone();
  copy4.memory[20] ^= 0x01;
  assert.ok(Journal.open(copy4, crypto).stats().damaged);
});

test('blank, zeroed or foreign flash opens as an empty journal that works', () => {
  for (const fill of [0xff, 0x00, 0x5a]) {
    const flash = new SimFlash(3, { fill });
    const j = Journal.open(flash, crypto);
    assert.is(j.count, 0);
    j.append(1, bytes(3000));
    j.append(1, bytes(3000));
    assert.is([...Journal.open(flash, crypto).records()].length, 2);
  }
});

test('RAM stays small: the journal keeps no record, only per-block numbers', () => {
  // Indirect but able to fail: a journal over 1 MiB of records must not keep them in its own fields.
  const flash = new SimFlash(256);
  const j = Journal.open(flash, crypto);
  for (let i = 0; i < 2000; i++) j.append(1, bytes(400, i));
  const size = JSON.stringify(j, (_k, v) => (v instanceof Uint32Array ? v.length : v instanceof Map ? v.size : v === flash || v === crypto ? undefined : v)).length;
  assert.ok(size < 1000, `journal object serialises to ${size} characters`);
});

test('CRC-32 matches the published check value and continues across chunks', () => {
  assert.is(crc32(utf8Encode('123456789')), 0xcbf43926); // the CRC-32/ISO-HDLC check value
  assert.is(crc32(new Uint8Array(0)), 0);
  const a = utf8Encode('1234'); const b = utf8Encode('56789');
  assert.is(crc32(b, crc32(a)), 0xcbf43926);
});

test.run();
