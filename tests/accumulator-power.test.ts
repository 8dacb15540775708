// A power-cut campaign across a whole precinct day: 3,000 voted cards through one accumulator
// on a 3,600-slot store. The power is cut at every flash operation of each of the first 50
// cards (three ways of tearing each), then at a sampled operation of every 25th card; at some
// of them it is cut again during the recovery that follows. After each cut the device restarts
// on the same chip, the commission reinserts the card it was holding, and every card taken so
// far must be stored exactly once (none lost, none doubled), with the counters agreeing.
// Native crypto (hosts/node) keeps the 3,000 signatures and encryptions fast.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash, type CutPlan } from '../runtime/flash/faults';
import { PowerCutError } from '../runtime/flash/errors';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardClient } from '../runtime/card-client';
import { verifyEventPage } from '../runtime/event-log';
import { nodeCrypto } from '../hosts/node/crypto';
import type { CryptoPort } from '../protocol/crypto/port';
import { toHex } from '../protocol/bytes';
import { DAY_BLOCKS, DAY_LAYOUT, configureAndOpen, fixture, makeAccumulator, seeded, votedRecords, type Rig } from './accumulator-helpers';
import type { CardOutcome } from '../accumulator/device';

// Node's native port re-wraps a raw key for OpenSSL on every call; deriving the same few public
// keys thousands of times dominated the run, so they are remembered (same values, same port).
const publicKeys = new Map<string, Uint8Array>();
const crypto: CryptoPort = {
  ...nodeCrypto,
  ed25519PublicKey: (sk) => {
    const k = toHex(sk);
    let pk = publicKeys.get(k);
    if (!pk) { pk = nodeCrypto.ed25519PublicKey(sk); publicKeys.set(k, pk); }
    return pk.slice();
  },
};
const f = fixture(crypto);
const VOTERS = 3000;
const EVERY_OP_CARDS = 50;
const SAMPLE_EVERY = 25;
const NEVER = Number.MAX_SAFE_INTEGER;

async function votedCard(i: number): Promise<{ card: SimulatedCard; id: string }> {
  const r = votedRecords(f, seeded(crypto, `day-voter-${i}`), { option: 1 + (i % 2) });
  const card = new SimulatedCard();
  const rd = new SimulatedCardReader();
  rd.insert(card);
  const c = new CardClient(rd, crypto);
  await c.connect();
  await c.activate(r.activation);
  await c.writeVote(r.vote);
  rd.remove();
  return { card, id: toHex(r.activationId) };
}

/** One device life on a chip: a fault wrapper with a plan that can be armed later, a reader, the device. */
interface Boot { plan: CutPlan; ff: FaultyFlash; reader: SimulatedCardReader; rig: Rig }
let boots = 0;
function boot(chip: SimFlash, cutDuringBootAt?: number): Boot {
  const plan: CutPlan = { atOperation: cutDuringBootAt ?? NEVER, tornBytes: 0, partialByte: true, seed: boots + 1 };
  const ff = new FaultyFlash(chip, plan);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, ff, reader, seeded(crypto, `boot-${boots++}`), DAY_LAYOUT);
  return { plan, ff, reader, rig };
}

async function take(b: Boot, card: SimulatedCard): Promise<CardOutcome | 'cut'> {
  b.reader.insert(card);
  try {
    return await b.rig.acc.takeCard();
  } catch (e) {
    if (e instanceof PowerCutError) return 'cut';
    throw e;
  } finally {
    b.reader.remove();
  }
}

/** Every acknowledged card stored exactly once, nothing else stored, counters agreeing. */
function checkExactlyOnce(b: Boot, acknowledged: Set<string>, what: string): void {
  const seen = new Set<string>();
  for (const e of b.rig.acc.slots.entries()) {
    const id = toHex(e.activationId);
    assert.not.ok(seen.has(id), `${what}: a vote stored twice`);
    seen.add(id);
  }
  assert.is(seen.size, acknowledged.size, `${what}: stored ${seen.size}, acknowledged ${acknowledged.size}`);
  for (const id of acknowledged) assert.ok(seen.has(id), `${what}: an acknowledged vote is missing`);
  assert.is(b.rig.acc.counters().accepted, acknowledged.size, `${what}: counter`);
}

const TEARS: Omit<CutPlan, 'atOperation'>[] = [
  { tornBytes: 0, partialByte: true }, // nothing written but a half-programmed first byte
  { tornBytes: 11 }, // part of a header
  { tornBytes: 1 << 20 }, // the operation completes, the power goes before it returns
];

/**
 * Runs card i with the power cut at its k-th flash operation (tear mode t) on `chip`, restarts
 * (optionally cutting again at the recovery's first write), reinserts the card, and checks.
 * Returns the device that ends up running, or undefined when the card needed fewer than k operations.
 */
async function cutRun(chip: SimFlash, image: Uint8Array, id: string, k: number, t: number, acknowledged: Set<string>, cutRecoveryToo: boolean): Promise<Boot | undefined> {
  const b = boot(chip);
  Object.assign(b.plan, TEARS[t], { atOperation: b.ff.operations + k });
  const card = new SimulatedCard(image);
  const out = await take(b, card);
  if (out !== 'cut') {
    assert.equal(out, { result: 'accepted', recovered: false });
    acknowledged.add(id);
    return undefined;
  }
  let after: Boot;
  if (cutRecoveryToo) {
    // cut again at the restart's first write (voiding a torn slot or record, the boot record), then restart once more
    try { boot(chip, 1); } catch (e) { if (!(e instanceof PowerCutError)) throw e; }
  }
  after = boot(chip);
  // Not yet acknowledged: stored once or not at all.
  const stored = [...after.rig.acc.slots.entries()].filter((e) => toHex(e.activationId) === id).length;
  assert.ok(stored <= 1, 'the in-flight vote is stored at most once');
  const wasCleared = card.view().state === 'blank';
  const again = await take(after, card);
  if (wasCleared) {
    // cleared before the cut (the cut hit the "cleared" flag): its vote must already be stored
    assert.is(stored, 1, 'a cleared card is a stored vote');
    assert.equal(again, { result: 'refused', reason: 'not-voted' });
  } else {
    assert.equal(again, { result: 'accepted', recovered: stored === 1 }, `card ${id.slice(0, 6)} op ${k} tear ${t}`);
  }
  acknowledged.add(id);
  checkExactlyOnce(after, acknowledged, `cut at op ${k} tear ${t}`);
  return after;
}

test('power cuts across a 3,000-card day: every acknowledged card counted exactly once', async () => {
  const chip = new SimFlash(DAY_BLOCKS);
  let dev = boot(chip);
  await configureAndOpen(f, dev.rig);
  const acknowledged = new Set<string>();
  let cuts = 0;
  let lcg = 12345;
  const rand = (n: number): number => { lcg = (lcg * 1103515245 + 12345) >>> 0; return (lcg >>> 8) % n; };

  for (let i = 0; i < VOTERS; i++) {
    const { card, id } = await votedCard(i);
    const image = card.eeprom.bytes.slice();
    if (i < EVERY_OP_CARDS) {
      // every operation of this card, each tear mode, on copies of the chip; then the real chip
      let k = 1;
      for (; ; k++) {
        let finished = false;
        for (let t = 0; t < TEARS.length; t++) {
          const ack = new Set(acknowledged);
          const r = await cutRun(chip.clone(), image, id, k, t, ack, k === 2 && t === 0);
          if (!r) { finished = true; break; }
          cuts++;
        }
        if (finished) break;
      }
      // carry on with the day on the real chip, cut at one of this card's operations
      const r = await cutRun(chip, image, id, 1 + (i % (k - 1)), i % TEARS.length, acknowledged, false);
      if (r) { dev = r; cuts++; } else dev = boot(chip);
    } else if (i % SAMPLE_EVERY === 0) {
      const r = await cutRun(chip, image, id, 1 + rand(5), rand(TEARS.length), acknowledged, rand(4) === 0);
      if (r) { dev = r; cuts++; } else dev = boot(chip);
    } else {
      assert.equal(await take(dev, card), { result: 'accepted', recovered: false }, `card ${i}`);
      acknowledged.add(id);
    }
  }
  checkExactlyOnce(dev, acknowledged, 'end of the day');
  assert.is(acknowledged.size, VOTERS);
  const c = dev.rig.acc.counters();
  const st = dev.rig.acc.slots.stats();
  assert.is(c.accepted, VOTERS);
  assert.is(st.damaged, 0);
  // the event log survived every cut as one verifiable chain
  let from = 1;
  let prevHash: Uint8Array | undefined;
  for (;;) {
    const v = verifyEventPage(dev.rig.acc.log.page(from, 64), crypto, { prevHash, fromSeq: from });
    assert.ok(v.ok, v.ok ? '' : v.reason);
    if (!v.ok || v.entries.length === 0) break;
    from = v.lastSeq + 1;
    prevHash = v.lastHash;
  }
  console.log(`  ${VOTERS} cards, ${cuts} power cuts (+ restarts), ${st.voided} torn slots voided, ${st.free} slots free, ${c.recoveredClears} recovered clears, ${from - 1} log entries; journal ${dev.rig.acc.journal.stats().blocksUsed}/${DAY_LAYOUT.journal.blockCount} blocks`);
});

test.run();
