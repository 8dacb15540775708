// Secrecy of the vote store: neither the read-out order nor the physical order on the chip
// (what a flash dump shows) depends on the order the cards came in. Statistical, over many
// runs with a seeded entropy source, so the verdict is the same on every run (not flaky);
// a sequential store (entropy all zeros) must fail the same statistics, so the test can fail.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimFlash } from '../runtime/flash/sim';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import type { EntropyPort } from '../protocol/crypto/port';
import { VoteSlotStore, uniformBelow } from '../accumulator/slots';
import { seeded } from './accumulator-helpers';

const K = 16; // votes per run
const RUNS = 2000;
const REGION = { firstBlock: 0, blockCount: 2 }; // 24 slots of 340 bytes

function idFor(i: number): Uint8Array { const id = new Uint8Array(16).fill(0x11); id[0] = 0x5a; id[1] = i; return id; }
function voteFor(i: number): Uint8Array { const v = new Uint8Array(120).fill(i); v[0] = 0x80; return v; }

interface Orders { readout: number[]; dump: number[] }

/** Inserts votes 0..K-1 in that order, then returns the insertion index of each vote in read-out order and in chip order. */
function oneRun(entropy: EntropyPort): Orders {
  const flash = new SimFlash(2);
  const store = VoteSlotStore.open(flash, REGION);
  for (let i = 0; i < K; i++) store.put(idFor(i), voteFor(i), entropy);
  const readout = [...store.votes()].map((v) => v[1]);
  // The dump: walk the raw memory as someone who knows the format would, in address order.
  const dump: number[] = [];
  const m = flash.memory;
  for (let o = 0; o + 26 <= m.length; o++) if (m[o] === 0xa5 && m[o + 10] === 0x5a) dump.push(m[o + 11]);
  return { readout, dump };
}

interface Stats { chiSquare: number; meanSpearman: number; successorRate: number }

function statistics(runs: number[][]): Stats {
  const counts = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let spearmanSum = 0;
  let successors = 0;
  for (const order of runs) {
    assert.is(order.length, K);
    const pos = new Array<number>(K);
    order.forEach((item, p) => { pos[item] = p; counts[item][p]++; });
    let d2 = 0;
    for (let i = 0; i < K; i++) d2 += (pos[i] - i) ** 2;
    spearmanSum += 1 - (6 * d2) / (K * (K * K - 1));
    for (let i = 0; i + 1 < K; i++) if (pos[i + 1] === pos[i] + 1) successors++;
  }
  const expected = runs.length / K;
  let chi = 0;
  for (const row of counts) for (const c of row) chi += (c - expected) ** 2 / expected;
  return { chiSquare: chi, meanSpearman: spearmanSum / runs.length, successorRate: successors / (runs.length * (K - 1)) };
}

// Bounds for independence. Chi-square with (K-1)^2 = 225 degrees of freedom: mean 225, sd 21.2;
// 340 is beyond p = 1e-6 (Wilson–Hilferty). Spearman's rho per run has sd 1/sqrt(K-1) = 0.258,
// so its mean over 2,000 runs has sd 0.0058: |mean| < 0.03 is ~5 sd. A successor (vote i+1
// right after vote i) has probability 1/K = 0.0625; over 30,000 pairs sd 0.0014: ±0.008.
function assertIndependent(s: Stats, what: string): void {
  assert.ok(s.chiSquare < 340, `${what}: chi-square ${s.chiSquare.toFixed(1)} over positions`);
  assert.ok(Math.abs(s.meanSpearman) < 0.03, `${what}: mean Spearman ${s.meanSpearman.toFixed(4)}`);
  assert.ok(Math.abs(s.successorRate - 1 / K) < 0.008, `${what}: successor rate ${s.successorRate.toFixed(4)}`);
}

test('read-out order and chip order are independent of insertion order (chi-square, rank correlation, successors)', () => {
  const readouts: number[][] = [];
  const dumps: number[][] = [];
  for (let r = 0; r < RUNS; r++) {
    const o = oneRun(seeded(crypto, `secrecy-run-${r}`));
    assert.equal(o.dump, o.readout, 'the read-out is the chip order');
    readouts.push(o.readout);
    dumps.push(o.dump);
  }
  const s = statistics(readouts);
  assertIndependent(s, 'read-out');
  assertIndependent(statistics(dumps), 'flash dump');
  console.log(`  chi-square ${s.chiSquare.toFixed(1)} (225 dof), mean Spearman ${s.meanSpearman.toFixed(4)}, successor rate ${s.successorRate.toFixed(4)} (1/16 = 0.0625)`);
});

test('the same statistics catch a store that keeps insertion order (control: the test can fail)', () => {
  const zeros: EntropyPort = { randomBytes: (n) => new Uint8Array(n) }; // uniformBelow → 0 → first free slot
  const runs: number[][] = [];
  for (let r = 0; r < 50; r++) runs.push(oneRun(zeros).readout);
  const s = statistics(runs);
  assert.ok(s.chiSquare > 340 && s.meanSpearman > 0.99 && s.successorRate > 0.99);
});

test('uniformBelow has no modulo bias: draws that would favour low values are rejected', () => {
  // n = 3 · 2^30: a plain modulo would map 2^32 values onto n with the low quarter twice as likely.
  const n = 3 * 2 ** 30;
  const values = [0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x05];
  let k = 0;
  const scripted: EntropyPort = { randomBytes: (len) => Uint8Array.from(values.slice(k, (k += len))) };
  assert.is(uniformBelow(n, scripted), 5, 'the first draw (2^32 − 1) is in the rejected top range');
  const e = seeded(crypto, 'uniform');
  const buckets = new Array<number>(5).fill(0);
  for (let i = 0; i < 5000; i++) buckets[uniformBelow(5, e)]++;
  for (const b of buckets) assert.ok(Math.abs(b - 1000) < 150, buckets.join());
});

test.run();
