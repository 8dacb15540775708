// The vote slot store on its own: a property test of random sequences of stores, "cleared"
// marks, restarts and power cuts against a model; torn and damaged slots; bounds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash } from '../runtime/flash/faults';
import { PowerCutError } from '../runtime/flash/errors';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { toHex } from '../protocol/bytes';
import { SlotStoreError, VoteSlotStore } from '../accumulator/slots';
import { seeded } from './accumulator-helpers';

const REGION = { firstBlock: 1, blockCount: 2 }; // 24 slots; block 0 and 3 stay untouched
const idOf = (n: number) => { const id = new Uint8Array(16); id[0] = n >> 8; id[1] = n & 0xff; id[15] = 0x77; return id; };
const voteOf = (n: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (n * 7 + i) & 0xff);

type Op = { kind: 'put'; len: number } | { kind: 'clear' } | { kind: 'reopen' } | { kind: 'cut'; op: number; torn: number; partial: boolean };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 314 }).map((len): Op => ({ kind: 'put', len })) },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: 'clear' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'reopen' }) },
  { weight: 2, arbitrary: fc.record({ op: fc.integer({ min: 1, max: 3 }), torn: fc.integer({ min: 0, max: 400 }), partial: fc.boolean() }).map((c): Op => ({ kind: 'cut', ...c })) },
);

test('property: stores, cleared marks, restarts and power cuts keep exactly the acknowledged votes', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 0, max: 1e6 }), (ops, seed) => {
    const chip = new SimFlash(4);
    const entropy = seeded(crypto, `prop-${seed}`);
    let store = VoteSlotStore.format(chip, REGION);
    const model = new Map<string, { vote: Uint8Array; cleared: boolean; slot: number }>();
    let n = 0;
    let inFlight: string | undefined; // a put cut by the power: stored or not, never half
    for (const op of ops) {
      if (op.kind === 'put' && store.free > 0) {
        const id = idOf(++n);
        const slot = store.put(id, voteOf(n, op.len), entropy);
        model.set(toHex(id), { vote: voteOf(n, op.len), cleared: false, slot });
      } else if (op.kind === 'clear') {
        for (const [, v] of model) if (!v.cleared) { store.markCleared(v.slot); v.cleared = true; break; }
      } else if (op.kind === 'reopen') {
        store = VoteSlotStore.open(chip, REGION);
      } else if (op.kind === 'cut' && store.free > 0) {
        const ff = new FaultyFlash(chip, { atOperation: op.op, tornBytes: op.torn, partialByte: op.partial, seed: seed + 1 });
        const cutStore = VoteSlotStore.open(ff, REGION);
        const id = idOf(++n);
        try {
          cutStore.put(id, voteOf(n, 100), entropy);
          model.set(toHex(id), { vote: voteOf(n, 100), cleared: false, slot: -1 }); // completed before the cut
        } catch (e) {
          if (!(e instanceof PowerCutError)) throw e;
          inFlight = toHex(id);
        }
        store = VoteSlotStore.open(chip, REGION);
        if (inFlight) {
          const found = store.find(idOf(n));
          if (found) model.set(inFlight, { vote: voteOf(n, 100), cleared: false, slot: found.slot });
          inFlight = undefined;
        }
        for (const [, v] of model) if (v.slot === -1) v.slot = store.find(idOf(n))!.slot;
      }
    }
    store = VoteSlotStore.open(chip, REGION);
    const seen = new Map<string, { vote: Uint8Array; cleared: boolean }>();
    for (const e of store.entries()) {
      const k = toHex(e.activationId);
      assert.not.ok(seen.has(k), 'stored twice');
      seen.set(k, { vote: e.vote, cleared: e.cleared });
    }
    assert.is(seen.size, model.size);
    for (const [k, v] of model) {
      const s = seen.get(k);
      assert.ok(s, 'acknowledged vote missing');
      assert.equal(s!.vote, v.vote);
      assert.is(s!.cleared, v.cleared);
    }
    assert.is(store.stats().damaged, 0);
    assert.is(store.stored + store.free + store.stats().voided, store.slotCount);
    // nothing outside the region was touched
    assert.ok(chip.memory.subarray(0, 4096).every((b) => b === 0xff) && chip.memory.subarray(3 * 4096).every((b) => b === 0xff));
  }), { numRuns: 300, seed: 20261124 });
});

test('a committed slot with a bad CRC is damage, not a power cut: not counted, reported, not rewritten', () => {
  const chip = new SimFlash(4);
  const store = VoteSlotStore.format(chip, REGION);
  const e = seeded(crypto, 'damage');
  const slot = store.put(idOf(1), voteOf(1, 200), e);
  store.put(idOf(2), voteOf(2, 200), e);
  const at = 4096 + slot * 340 + 100;
  chip.memory[at] &= 0xfe; // a bit of the vote flips
  const image = chip.memory.slice();
  const again = VoteSlotStore.open(chip, REGION);
  assert.is(again.stored, 1);
  assert.is(again.stats().damaged, 1);
  assert.is(again.find(idOf(1)), undefined);
  assert.ok(again.find(idOf(2)));
  assert.equal(chip.memory, image, 'open writes nothing over damage');
});

test('bounds: too-large votes, a full store, a region outside the part', () => {
  const chip = new SimFlash(4);
  const store = VoteSlotStore.format(chip, { firstBlock: 0, blockCount: 1 });
  const e = seeded(crypto, 'bounds');
  assert.throws(() => store.put(idOf(1), new Uint8Array(315), e), (x: unknown) => x instanceof SlotStoreError && x.code === 'vote-too-large');
  for (let i = 0; i < 12; i++) store.put(idOf(i + 1), voteOf(i, 314), e);
  assert.throws(() => store.put(idOf(99), voteOf(99, 10), e), (x: unknown) => x instanceof SlotStoreError && x.code === 'vote-store-full');
  assert.is(store.stored, 12);
  assert.throws(() => VoteSlotStore.open(chip, { firstBlock: 3, blockCount: 2 }), (x: unknown) => x instanceof SlotStoreError);
});

test.run();
