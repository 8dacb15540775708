// Power-cut campaign: a realistic workload runs on a simulated NOR part and the power is cut
// at EVERY program/erase operation, torn at several points (0 bytes, 1, half, all but one,
// all, and half with a half-programmed next byte). After each cut the journal is reopened on
// the same cells and the guarantees are checked:
//   - every record whose append returned is there exactly once, with its bytes, in order;
//   - nothing else, except the record in flight, which is either complete or absent;
//   - that answer does not change at later restarts;
//   - appends after the restart work and survive a further restart;
//   - no multi-byte program ever lands on bytes that are not 0xFF (only the single-byte
//     commit / void / format-pending marks clear bits of programmed bytes).
// A second campaign cuts the power again while recovering from a first cut, and a third
// cuts during format(). Each prints how many cut points it covered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash, type CutPlan } from '../runtime/flash/faults';
import { PowerCutError } from '../runtime/flash/errors';
import { Journal } from '../runtime/journal';
import type { FlashPort } from '../runtime/ports';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { bytesEqual } from '../protocol/bytes';

const BLOCKS = 24;
const STATE_TAG = 200;

interface Item { tag: number; data: Uint8Array }

/** Deterministic workload: small event-like records, vote-sized ones, a few large ones, state updates. */
function workload(count: number, seed: number): Item[] {
  let x = seed >>> 0 || 1;
  const rnd = (n: number) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const r = rnd(100);
    let tag: number; let len: number;
    if (r < 65) { tag = 1 + rnd(4); len = 8 + rnd(72); }
    else if (r < 85) { tag = 10; len = 150 + rnd(450); }
    else if (r < 91) { tag = 11; len = 1500 + rnd(600); }
    else { tag = STATE_TAG; len = 4 + rnd(20); }
    const data = new Uint8Array(len);
    for (let k = 0; k < len; k++) data[k] = rnd(256);
    data[0] = i & 0xff; data[len - 1] = (i >> 8) & 0xff; // distinct records, some ending in 0xFF
    items.push({ tag, data });
  }
  return items;
}

/** Counts programs of more than one byte that would clear bits of bytes already programmed. */
class NorDiscipline implements FlashPort {
  violations = 0;
  readonly blockSize: number;
  readonly blockCount: number;
  constructor(readonly inner: SimFlash) { this.blockSize = inner.blockSize; this.blockCount = inner.blockCount; }
  read(o: number, n: number): Uint8Array { return this.inner.read(o, n); }
  erase(b: number): void { this.inner.erase(b); }
  program(o: number, d: Uint8Array): void {
    if (d.length > 1) for (let i = 0; i < d.length; i++) if (this.inner.memory[o + i] !== 0xff) { this.violations++; break; }
    this.inner.program(o, d);
  }
}

interface Outcome { acked: Item[]; inFlight: Item | undefined }

function runUntilCut(flash: FlashPort, items: Item[], before: Item[] = []): Outcome {
  const acked = [...before];
  let j: Journal;
  try { j = Journal.open(flash, crypto, { blockCount: BLOCKS }); } catch (e) {
    if (e instanceof PowerCutError) return { acked, inFlight: undefined };
    throw e;
  }
  for (const it of items) {
    try { j.append(it.tag, it.data); } catch (e) {
      if (e instanceof PowerCutError) return { acked, inFlight: it };
      throw e;
    }
    acked.push(it);
  }
  return { acked, inFlight: undefined };
}

/** Checks the guarantees on a reopened journal; returns whether the in-flight record is there. */
function check(j: Journal, o: Outcome, where: string): boolean {
  const got = [...j.records()];
  let present = false;
  if (o.inFlight && got.length === o.acked.length + 1) present = true;
  else assert.is(got.length, o.acked.length, `${where}: ${got.length} records, ${o.acked.length} acknowledged`);
  const want = present ? [...o.acked, o.inFlight!] : o.acked;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    if (g.seq !== i + 1 || g.tag !== want[i].tag || !bytesEqual(g.data, want[i].data)) assert.unreachable(`${where}: record ${i + 1} differs`);
  }
  assert.is(j.count, want.length, `${where}: count`);
  const lastState = [...want].reverse().find((it) => it.tag === STATE_TAG);
  const cell = j.lastRecordWithTag(STATE_TAG);
  assert.ok(lastState ? cell !== undefined && bytesEqual(cell.data, lastState.data) : cell === undefined, `${where}: state cell`);
  return present;
}

const AFTER: Item[] = [
  { tag: 5, data: Uint8Array.of(1, 2, 3) },
  { tag: 11, data: new Uint8Array(2000).fill(0x42) },
  { tag: STATE_TAG, data: Uint8Array.of(0xee) },
];

/** Tear points for an operation of `length` bytes. */
function tears(length: number): Omit<CutPlan, 'atOperation'>[] {
  const points = [...new Set([0, 1, length >> 1, length - 1, length])].filter((n) => n >= 0 && n <= length);
  return [...points.map((tornBytes) => ({ tornBytes })), { tornBytes: length >> 1, partialByte: true }];
}

/** Program/erase lengths of a clean run, op by op (the journal is deterministic, so a cut run matches it up to the cut). */
function opLengths(run: (f: FlashPort) => void, flash: SimFlash): number[] {
  const lengths: number[] = [];
  const spy: FlashPort = {
    blockSize: flash.blockSize, blockCount: flash.blockCount,
    read: (o, n) => flash.read(o, n),
    program: (o, d) => { lengths.push(d.length); flash.program(o, d); },
    erase: (b) => { lengths.push(flash.blockSize); flash.erase(b); },
  };
  run(spy);
  return lengths;
}

test('power cut at every flash operation of a workload, torn at 0, 1, half, all-but-one, all bytes', () => {
  const items = workload(260, 2024);
  const lengths = opLengths((f) => { runUntilCut(f, items); }, new SimFlash(BLOCKS));
  let points = 0; let kept = 0; let dropped = 0;
  const discipline = { violations: 0 };
  for (let op = 1; op <= lengths.length; op++) {
    for (const tear of tears(lengths[op - 1])) {
      const sim = new SimFlash(BLOCKS);
      const nor = new NorDiscipline(sim);
      const where = `op ${op}/${lengths.length} torn at ${tear.tornBytes}${tear.partialByte ? '+partial' : ''}`;
      const o = runUntilCut(new FaultyFlash(nor, { atOperation: op, ...tear, seed: op }), items);
      assert.ok(o.inFlight !== undefined || o.acked.length === items.length, `${where}: the cut happened`);
      const j1 = Journal.open(nor, crypto, { blockCount: BLOCKS });
      const present = check(j1, o, `${where}, restart 1`);
      present ? kept++ : dropped++;
      for (const it of AFTER) j1.append(it.tag, it.data);
      const o2: Outcome = { acked: [...(present ? [...o.acked, o.inFlight!] : o.acked), ...AFTER], inFlight: undefined };
      check(j1, o2, `${where}, after appending`);
      check(Journal.open(nor, crypto, { blockCount: BLOCKS }), o2, `${where}, restart 2`);
      discipline.violations += nor.violations;
      points++;
    }
  }
  assert.is(discipline.violations, 0, 'no multi-byte program over programmed bytes');
  assert.ok(kept > 0 && dropped > 0, 'both outcomes of an in-flight append occur');
  console.log(`  journal campaign: ${points} cut points (${lengths.length} operations of a ${items.length}-append workload × 6 tear points); in-flight record kept ${kept}, dropped ${dropped}`);
});

test('a second power cut during recovery and the next appends', () => {
  const items = workload(120, 7);
  const first = opLengths((f) => { runUntilCut(f, items); }, new SimFlash(BLOCKS));
  let points = 0;
  for (let op = 1; op <= first.length; op += 3) {
    for (const tear of [{ tornBytes: 0 }, { tornBytes: first[op - 1] >> 1, partialByte: true }, { tornBytes: first[op - 1] }]) {
      const base = new SimFlash(BLOCKS);
      const o1 = runUntilCut(new FaultyFlash(base, { atOperation: op, ...tear, seed: op }), items);
      // Operations of recovery + AFTER on this state, then cut at each of them.
      const second = opLengths((f) => { runUntilCut(f, AFTER, o1.acked); }, base.clone());
      for (let op2 = 1; op2 <= second.length; op2++) {
        for (const tear2 of [{ tornBytes: 0 }, { tornBytes: 1 }, { tornBytes: second[op2 - 1] >> 1, partialByte: true }, { tornBytes: second[op2 - 1] }]) {
          const sim = base.clone();
          const o2 = runUntilCut(new FaultyFlash(sim, { atOperation: op2, ...tear2, seed: op2 }), AFTER);
          const j = Journal.open(sim, crypto, { blockCount: BLOCKS });
          // Acknowledged: the first run's, then the second's; either in-flight record may be there.
          const got = [...j.records()];
          let k = 0;
          const expectSeq = (it: Item) => {
            const g = got[k];
            assert.ok(g && g.seq === k + 1 && g.tag === it.tag && bytesEqual(g.data, it.data), `op ${op}/${op2}: record ${k + 1}`);
            k++;
          };
          o1.acked.forEach(expectSeq);
          if (o1.inFlight && got[k] && bytesEqual(got[k].data, o1.inFlight.data) && got[k].tag === o1.inFlight.tag) k++;
          o2.acked.forEach(expectSeq);
          if (o2.inFlight && got[k] && bytesEqual(got[k].data, o2.inFlight.data) && got[k].tag === o2.inFlight.tag) k++;
          assert.is(got.length, k, `op ${op}/${op2}: nothing else`);
          j.append(9, Uint8Array.of(9));
          assert.is([...Journal.open(sim, crypto, { blockCount: BLOCKS }).records()].length, k + 1);
          points++;
        }
      }
    }
  }
  console.log(`  journal nested campaign: ${points} second cut points during recovery and the appends after it`);
});

test('a power cut at every operation of format() leaves the old journal or an empty, wiped one', () => {
  const items = workload(60, 99);
  const prepared = new SimFlash(BLOCKS);
  const j0 = Journal.open(prepared, crypto, { blockCount: BLOCKS });
  for (const it of items) j0.append(it.tag, it.data);
  const lengths = opLengths((f) => Journal.open(f, crypto, { blockCount: BLOCKS }).format(), prepared.clone());
  let points = 0; let old = 0; let wiped = 0;
  for (let op = 1; op <= lengths.length; op++) {
    for (const tear of tears(lengths[op - 1])) {
      const sim = prepared.clone();
      const f = new FaultyFlash(sim, { atOperation: op, ...tear, seed: op });
      assert.throws(() => Journal.open(f, crypto, { blockCount: BLOCKS }).format(), (e: unknown) => e instanceof PowerCutError);
      const j = Journal.open(sim, crypto, { blockCount: BLOCKS });
      if (j.count === items.length) {
        check(j, { acked: items, inFlight: undefined }, `format op ${op}`);
        old++;
      } else {
        assert.is(j.count, 0, `format op ${op}: all or nothing`);
        // open() finishes the format, unless the cut came in block 0's own erase or stamp (the last two operations: everything else was wiped)
        assert.ok(j.recovery.formatResumed || op >= lengths.length - 1, `format op ${op}/${lengths.length}: resumed`);
        for (let b = 0; b < BLOCKS; b++) assert.ok(sim.read(b * 4096 + 32, 4096 - 32).every((x) => x === 0xff), `format op ${op}: block ${b} wiped`);
        wiped++;
      }
      j.append(1, Uint8Array.of(1, 2));
      assert.is(Journal.open(sim, crypto, { blockCount: BLOCKS }).count, j.count);
      points++;
    }
  }
  assert.ok(old > 0 && wiped > 0);
  console.log(`  journal format campaign: ${points} cut points (${lengths.length} operations); old journal kept ${old}, wiped ${wiped}`);
});

test.run();
