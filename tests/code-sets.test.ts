// Verification-code sets (precinct/code-sets.ts): disjoint, covering, uniformly random,
// compactly encoded, refused when a device's share could run out within the day.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ProtocolError, utf8Encode } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject } from '../protocol/cbor';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeEntropy } from '../hosts/node/entropy';
import type { EntropyPort } from '../protocol/crypto/port';
import {
  CODE_BITMAP_BYTES, CODE_SPACE, DEVICE_DAY_CAPACITY, MAX_PRECINCT_VOTERS, checkCodeSets, codesOf, countCodes, decodeCodeSet, encodeCodeSet,
  hasCode, partitionCodeSets, randomPermutation, shareSize, uniformBelow, type CodeSetConfig,
} from '../precinct/code-sets';
import { CodePool, bitmapToCodes } from '../terminal/ballot/codes';
import { scriptedEntropy, seededEntropy } from './keys-helpers';

const FP = nobleCrypto.sha256(utf8Encode('election'));
const ids = (n: number) => Array.from({ length: n }, (_, i) => `T${i + 1}`);

function throwsCode(fn: () => unknown, code: string): void {
  try { fn(); } catch (e) { assert.instance(e, ProtocolError); assert.is((e as ProtocolError).code, code); return; }
  assert.unreachable(`expected ${code}`);
}

test('shares are disjoint and, with the reserve, cover all 10,000 codes (1..6 devices, 3,000 voters)', () => {
  for (let n = 1; n <= 6; n++) {
    const sets = partitionCodeSets({ devices: ids(n), voters: MAX_PRECINCT_VOTERS }, nodeEntropy);
    checkCodeSets(sets);
    const each = Math.floor(CODE_SPACE / n);
    for (const s of sets.shares) assert.is(countCodes(s.bitmap), each);
    assert.is(sets.reserveCount, CODE_SPACE - n * each);
    const seen = new Uint8Array(CODE_SPACE);
    for (const b of [...sets.shares.map((s) => s.bitmap), sets.reserve]) for (const c of codesOf(b)) seen[c]++;
    assert.ok(seen.every((x) => x === 1));
  }
});

test('sizes: 5 devices → 2,000 each, no reserve; 3 → 3,333 each and 1 in reserve; an asked-for reserve is kept back', () => {
  const five = partitionCodeSets({ devices: ids(5), voters: 3000 }, nodeEntropy);
  assert.equal(five.shares.map((s) => s.count), [2000, 2000, 2000, 2000, 2000]);
  assert.is(five.reserveCount, 0);
  assert.equal(partitionCodeSets({ devices: ids(3), voters: 3000 }, nodeEntropy).shares.map((s) => s.count), [3333, 3333, 3333]);
  const r = partitionCodeSets({ devices: ids(4), voters: 1500, reserve: 1000 }, nodeEntropy);
  assert.equal(r.shares.map((s) => s.count), [2250, 2250, 2250, 2250]);
  assert.is(r.reserveCount, 1000);
  checkCodeSets(r);
});

test('configurations whose share could run out in a day, or that are malformed, are refused', () => {
  assert.is(DEVICE_DAY_CAPACITY, 1560);
  // 7 devices for 3,000 voters: 1,428 each < 1,560
  throwsCode(() => shareSize({ devices: ids(7), voters: 3000 }), 'code-sets-share-too-small');
  // a small precinct may have more devices: 8 × 1,250 ≥ 1,000 voters
  assert.is(shareSize({ devices: ids(8), voters: 1000 }), 1250);
  throwsCode(() => shareSize({ devices: ids(5), voters: 3000, reserve: 2500 }), 'code-sets-share-too-small');
  throwsCode(() => shareSize({ devices: ids(2), voters: 3000, minShare: 6000 }), 'code-sets-share-too-small');
  const bad: CodeSetConfig[] = [
    { devices: [], voters: 100 },
    { devices: ['T1', 'T1'], voters: 100 },
    { devices: ['T1', ''], voters: 100 },
    { devices: ids(2), voters: 3001 },
    { devices: ids(2), voters: 0 },
    { devices: ids(2), voters: 1.5 },
    { devices: ids(2), voters: 100, reserve: -1 },
    { devices: ids(2), voters: 100, reserve: 10_000 },
    { devices: ids(2), voters: 100, minShare: 0 },
  ];
  for (const c of bad) throwsCode(() => partitionCodeSets(c, nodeEntropy), 'code-sets-bad-config');
});

test('checkCodeSets catches overlap, a wrong count and a missing code', () => {
  const sets = partitionCodeSets({ devices: ids(2), voters: 3000 }, nodeEntropy);
  const c = codesOf(sets.shares[0].bitmap)[0];
  const overlap = { ...sets, shares: [sets.shares[0], { ...sets.shares[1], bitmap: sets.shares[1].bitmap.slice(), count: sets.shares[1].count + 1 }] };
  overlap.shares[1].bitmap[c >> 3] |= 1 << (c & 7);
  throwsCode(() => checkCodeSets(overlap), 'code-sets-overlap');
  throwsCode(() => checkCodeSets({ ...sets, reserveCount: 1 }), 'code-sets-bad-state');
  const missing = { ...sets, shares: [{ ...sets.shares[0], bitmap: sets.shares[0].bitmap.slice(), count: sets.shares[0].count - 1 }, sets.shares[1]] };
  missing.shares[0].bitmap[c >> 3] &= ~(1 << (c & 7));
  throwsCode(() => checkCodeSets(missing), 'code-sets-bad-state');
});

test('uniformBelow rejects draws at or above the largest multiple of n (no modulo bias)', () => {
  // n = 3: limit = 4,294,967,295; 0xFFFFFFFF is rejected, then 5 % 3 = 2.
  assert.is(uniformBelow(3, scriptedEntropy([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 5])), 2);
  // n = 10,000: limit = 4,294,960,000; 4,294,960,000 itself is rejected.
  const limit = Math.floor(2 ** 32 / 10000) * 10000;
  const be = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
  assert.is(uniformBelow(10000, scriptedEntropy([...be(limit), ...be(limit - 1)])), (limit - 1) % 10000);
  assert.is(uniformBelow(1, scriptedEntropy([1, 2, 3, 4])), 0);
});

/** Chi-square of permutation frequencies of n items over `runs` shuffles. */
function permutationChiSquare(n: number, runs: number, shuffle: (n: number, e: EntropyPort) => ArrayLike<number>, e: EntropyPort): { chi: number; dof: number } {
  const counts = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    const key = Array.from(shuffle(n, e)).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let perms = 1;
  for (let k = 2; k <= n; k++) perms *= k;
  const expected = runs / perms;
  let chi = (perms - counts.size) * expected; // permutations never seen
  for (const c of counts.values()) chi += (c - expected) ** 2 / expected;
  return { chi, dof: perms - 1 };
}

/** The classic mistake (swap with any position, not one at or below i): biased. */
function naiveShuffle(n: number, e: EntropyPort): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) { const j = uniformBelow(n, e); [p[i], p[j]] = [p[j], p[i]]; }
  return p;
}

test('the permutation is uniform: all 24 orders of 4 items equally often (seeded, chi-square); a biased shuffle fails the same test', () => {
  // Fixed seeds make these deterministic (never flaky). p = 0.001 bounds: 23 dof → 49.73; 5 dof → 20.52.
  const good = permutationChiSquare(4, 24_000, randomPermutation, seededEntropy('perm-4'));
  assert.ok(good.chi < 49.73, `chi-square ${good.chi}`);
  const good3 = permutationChiSquare(3, 27_000, randomPermutation, seededEntropy('perm-3'));
  assert.ok(good3.chi < 20.52, `chi-square ${good3.chi}`);
  const naive = permutationChiSquare(3, 27_000, naiveShuffle, seededEntropy('perm-3'));
  assert.ok(naive.chi > 20.52, `the naive shuffle should be caught: chi-square ${naive.chi}`);
});

test('each code lands on each device equally often over 150 partitions (seeded, chi-square over all 10,000 codes)', () => {
  const devices = 5;
  const runs = 150;
  const e = seededEntropy('partition');
  const counts = new Uint16Array(CODE_SPACE * devices);
  for (let r = 0; r < runs; r++) {
    const sets = partitionCodeSets({ devices: ids(devices), voters: 3000 }, e);
    sets.shares.forEach((s, d) => { for (let c = 0; c < CODE_SPACE; c++) if (hasCode(s.bitmap, c)) counts[c * devices + d]++; });
  }
  const expected = runs / devices;
  let chi = 0;
  for (const x of counts) chi += (x - expected) ** 2 / expected;
  const dof = CODE_SPACE * (devices - 1);
  // Mean dof, standard deviation sqrt(2·dof) ≈ 283: allow 5 sd (deterministic seed).
  assert.ok(Math.abs(chi - dof) < 5 * Math.sqrt(2 * dof), `chi-square ${chi.toFixed(0)} for ${dof} dof`);
  // And a device's share is not clustered: its codes spread over the whole range.
  const one = partitionCodeSets({ devices: ids(devices), voters: 3000 }, e).shares[0].bitmap;
  for (let block = 0; block < 10; block++) {
    let n = 0;
    for (let c = block * 1000; c < (block + 1) * 1000; c++) if (hasCode(one, c)) n++;
    assert.ok(n > 130 && n < 270, `block ${block}: ${n}`);
  }
});

test('provisioning encoding: round trip (property), ~1.4 KB, wrong election/device and malformed refused', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: CODE_SPACE - 1 }), { minLength: 1, maxLength: 3000 }), fc.string({ minLength: 1, maxLength: 12 }), (codes, deviceId) => {
    const bitmap = new Uint8Array(CODE_BITMAP_BYTES);
    for (const c of codes) bitmap[c >> 3] |= 1 << (c & 7);
    const bytes = encodeCodeSet(FP, { deviceId, count: codes.length, bitmap });
    const back = decodeCodeSet(bytes, { electionFingerprint: FP, deviceId });
    assert.equal(codesOf(back.bitmap), [...codes].sort((a, b) => a - b));
    assert.is(back.count, codes.length);
    assert.equal(encodeCodeSet(FP, back), bytes);
  }), { numRuns: 100 });
  const set = partitionCodeSets({ devices: ids(5), voters: 3000 }, nodeEntropy).shares[0];
  const bytes = encodeCodeSet(FP, set);
  assert.ok(bytes.length > CODE_BITMAP_BYTES && bytes.length < 1400, `${bytes.length} bytes`);
  throwsCode(() => decodeCodeSet(bytes, { electionFingerprint: nobleCrypto.sha256(FP) }), 'code-set-wrong-election');
  throwsCode(() => decodeCodeSet(bytes, { deviceId: 'T2' }), 'code-set-wrong-device');
  const o = decodeCbor(bytes) as CborObject;
  for (const bad of [
    { ...o, count: set.count + 1 },
    { ...o, bitmap: (o.bitmap as Uint8Array).subarray(0, 1249) },
    { ...o, extra: 1 },
    { ...o, format: 2 },
    { ...o, kind: 'other' },
    { ...o, deviceId: '' },
    { ...o, bitmap: new Uint8Array(CODE_BITMAP_BYTES), count: 0 },
  ]) throwsCode(() => decodeCodeSet(encodeCbor(bad)), 'code-set-malformed');
  throwsCode(() => decodeCodeSet(bytes.subarray(0, 100)), 'code-set-malformed');
});

test('interoperates with the device side (terminal/ballot/codes.ts): same bitmap layout', () => {
  const set = partitionCodeSets({ devices: ids(5), voters: 3000 }, nodeEntropy).shares[2];
  assert.equal(bitmapToCodes(set.bitmap), codesOf(set.bitmap));
  const pool = CodePool.restore(set.bitmap, new Uint8Array(CODE_BITMAP_BYTES));
  assert.is(pool.size, set.count);
  const drawn = pool.draw(nodeEntropy);
  assert.ok(hasCode(set.bitmap, drawn));
});

test.run();
