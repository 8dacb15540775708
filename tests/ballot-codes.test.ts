// Verification codes: disjoint shares, uniform draws without replacement, no reissue after
// a reboot, typed errors on exhaustion and on bad persisted state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  CODE_BITMAP_BYTES, CODE_SPACE, CodeError, CodePool, CodesExhaustedError, bitmapToCodes, codesToBitmap,
  equalShareSizes, fromFlashImage, partitionCodes, randomBelow, toFlashImage,
} from '../terminal/ballot/codes';
import type { EntropyPort } from '../runtime/ports';

/** A seeded entropy port (splitmix32), so statistical tests are reproducible. */
function seeded(seed: number): EntropyPort {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return { randomBytes: (n) => { const out = new Uint8Array(n); for (let i = 0; i < n; i++) out[i] = next() & 0xff; return out; } };
}

test('partition: disjoint shares and reserve covering all 10,000 codes', () => {
  const { shares, reserve } = partitionCodes(equalShareSizes(5), seeded(1));
  assert.equal(shares.map((s) => s.length), [2000, 2000, 2000, 2000, 2000]);
  assert.is(reserve.length, 0);
  const all = new Set(shares.flat());
  assert.is(all.size, CODE_SPACE);
  const withReserve = partitionCodes(equalShareSizes(4, 2000), seeded(2));
  assert.equal(withReserve.shares.map((s) => s.length), [2000, 2000, 2000, 2000]);
  assert.is(new Set([...withReserve.shares.flat(), ...withReserve.reserve]).size, CODE_SPACE);
  assert.throws(() => partitionCodes([6000, 5000], seeded(3)), (e: unknown) => e instanceof CodeError && e.code === 'codes-bad-argument');
});

test('partition is a permutation, not a range: shares are spread over the code space', () => {
  const { shares } = partitionCodes(equalShareSizes(5), seeded(4));
  for (const share of shares) {
    const mean = share.reduce((a, b) => a + b, 0) / share.length;
    assert.ok(Math.abs(mean - 4999.5) < 300, `share mean ${mean}`);
  }
});

test('5 devices × their share, 3,000 voters on random devices: every code unique', () => {
  const entropy = seeded(5);
  const { shares } = partitionCodes(equalShareSizes(5), entropy);
  const pools = shares.map((s) => CodePool.fromCodes(s));
  const issued = new Set<number>();
  for (let v = 0; v < 3000; v++) {
    const device = randomBelow(5, entropy);
    const code = pools[device].draw(entropy);
    assert.ok(shares[device].includes(code), 'drawn from its own share');
    assert.not.ok(issued.has(code), `code ${code} issued twice`);
    issued.add(code);
  }
  assert.is(issued.size, 3000);
});

test('one device may draw its whole share, then the typed exhaustion error; a top-up continues', () => {
  const entropy = seeded(6);
  const { shares, reserve } = partitionCodes([300, 300], entropy);
  const pool = CodePool.fromCodes(shares[0]);
  const seen = new Set<number>();
  for (let i = 0; i < 300; i++) seen.add(pool.draw(entropy));
  assert.is(seen.size, 300);
  assert.equal([...seen].sort((a, b) => a - b), [...shares[0]].sort((a, b) => a - b));
  assert.throws(() => pool.draw(entropy), (e: unknown) => e instanceof CodesExhaustedError && e.code === 'codes-exhausted');
  pool.extend(reserve.slice(0, 10));
  assert.is(pool.remaining, 10);
  assert.ok(reserve.slice(0, 10).includes(pool.draw(entropy)));
  assert.throws(() => pool.extend([shares[0][0]]), (e: unknown) => e instanceof CodeError && e.code === 'codes-bad-argument');
});

test('draws are uniform over the share (chi-square over 100 codes, 50,000 first draws)', () => {
  const entropy = seeded(7);
  const share = Array.from({ length: 100 }, (_, i) => i * 97 % CODE_SPACE);
  const counts = new Map<number, number>();
  const trials = 50_000;
  for (let t = 0; t < trials; t++) {
    const c = CodePool.fromCodes(share).draw(entropy);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const expected = trials / share.length;
  let chi2 = 0;
  for (const c of share) chi2 += ((counts.get(c) ?? 0) - expected) ** 2 / expected;
  // 99 degrees of freedom: the 99.9th percentile is about 148.
  assert.ok(chi2 < 148, `chi-square ${chi2.toFixed(1)}`);
});

test('the order of draws says nothing about the share order: later draws are as spread as early ones', () => {
  const entropy = seeded(8);
  const share = Array.from({ length: 2000 }, (_, i) => i);
  const pool = CodePool.fromCodes(share);
  const first = Array.from({ length: 200 }, () => pool.draw(entropy));
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  assert.ok(Math.abs(mean - 999.5) < 150, `mean of the first 200 draws ${mean}`);
  let ascending = 0;
  for (let i = 1; i < first.length; i++) if (first[i] > first[i - 1]) ascending++;
  assert.ok(ascending > 70 && ascending < 130, `ascending steps ${ascending}`);
});

test('restore after a reboot never reissues a code (persist before use)', () => {
  const entropy = seeded(9);
  const { shares } = partitionCodes(equalShareSizes(5), entropy);
  const owned = codesToBitmap(shares[2]);
  let persisted: Uint8Array = new Uint8Array(CODE_BITMAP_BYTES);
  const issued = new Set<number>();
  let pool = CodePool.restore(owned, persisted);
  for (let i = 0; i < 1500; i++) {
    if (i % 97 === 0) pool = CodePool.restore(owned, persisted); // reboot
    const code = pool.draw(entropy, (used) => { persisted = used; });
    assert.not.ok(issued.has(code), `reissued ${code} after a reboot`);
    issued.add(code);
  }
  assert.is(CodePool.restore(owned, persisted).remaining, 2000 - 1500);
});

test('a failed persist leaves the code used in memory and unreturned', () => {
  const entropy = seeded(10);
  const pool = CodePool.fromCodes([1, 2, 3]);
  assert.throws(() => pool.draw(entropy, () => { throw new Error('flash full'); }), /flash full/);
  assert.is(pool.remaining, 2);
  const rest = [pool.draw(entropy), pool.draw(entropy)];
  const lost = [1, 2, 3].filter((c) => !rest.includes(c));
  assert.is(lost.length, 1, 'the code whose use could not be persisted is never handed out');
});

test('the pool draws exactly as the plain-array pool it replaces: same codes in the same order, through markUsed, top-ups and reboots', () => {
  // Reference: the former CodePool (unused codes in a JS array, ascending at construction,
  // swap-with-last removal, top-ups appended). The Uint16Array store must give the same draws
  // for the same entropy, so the uniform draw is unchanged.
  class ArrayPool {
    available: number[] = [];
    constructor(owned: Uint8Array, used: Uint8Array) {
      for (let c = 0; c < CODE_SPACE; c++) if (owned[c >> 3] & (1 << (c & 7)) && !(used[c >> 3] & (1 << (c & 7)))) this.available.push(c);
    }
    draw(e: EntropyPort): number {
      if (this.available.length === 0) throw new CodesExhaustedError();
      const i = randomBelow(this.available.length, e);
      const code = this.available[i];
      this.available[i] = this.available[this.available.length - 1];
      this.available.pop();
      return code;
    }
    markUsed(code: number): void {
      const i = this.available.indexOf(code);
      if (i >= 0) { this.available[i] = this.available[this.available.length - 1]; this.available.pop(); }
    }
    extend(codes: number[]): void { for (const c of [...codes].sort((a, b) => a - b)) this.available.push(c); }
  }
  const op = fc.oneof(
    fc.record({ kind: fc.constant('draw' as const), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('mark' as const), n: fc.nat(400) }),
    fc.record({ kind: fc.constant('extend' as const), n: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ kind: fc.constant('reboot' as const), n: fc.constant(0) }),
  );
  fc.assert(fc.property(fc.integer(), fc.integer({ min: 0, max: 300 }), fc.array(op, { maxLength: 25 }), (seed, size, ops) => {
    const { shares, reserve } = partitionCodes([size, 0], seeded(seed));
    let spare = reserve.slice();
    let pool = CodePool.fromCodes(shares[0]);
    let model = new ArrayPool(codesToBitmap(shares[0]), new Uint8Array(CODE_BITMAP_BYTES));
    const ea = seeded(seed ^ 0x5a5a), eb = seeded(seed ^ 0x5a5a);
    for (const o of ops) {
      if (o.kind === 'draw') {
        for (let k = 0; k < o.n; k++) {
          let a: number | string, b: number | string;
          try { a = pool.draw(ea); } catch (e) { a = (e as CodeError).code; }
          try { b = model.draw(eb); } catch (e) { b = (e as CodeError).code; }
          assert.is(a, b);
        }
      } else if (o.kind === 'mark') {
        const owned = bitmapToCodes(pool.ownedBitmap());
        if (owned.length === 0) continue;
        const code = owned[o.n % owned.length];
        pool.markUsed(code);
        model.markUsed(code);
      } else if (o.kind === 'extend') {
        const add = spare.slice(0, o.n);
        spare = spare.slice(o.n);
        if (add.length === 0) continue;
        pool.extend(add);
        model.extend(add);
      } else {
        const owned = pool.ownedBitmap(), used = pool.usedBitmap();
        pool = CodePool.restore(owned, used);
        model = new ArrayPool(owned, used);
      }
      assert.is(pool.remaining, model.available.length);
    }
  }), { numRuns: 150 });
});

test('bitmaps: round trip, flash image is the inverse, bad state refused with typed errors', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { maxLength: 300 }), (codes) => {
    const bm = codesToBitmap(codes);
    assert.equal(bitmapToCodes(bm), [...codes].sort((a, b) => a - b));
    assert.equal(fromFlashImage(toFlashImage(bm)), bm);
  }));
  // Erased flash (all 0xFF) reads as "nothing used".
  assert.equal(fromFlashImage(new Uint8Array(CODE_BITMAP_BYTES).fill(0xff)), new Uint8Array(CODE_BITMAP_BYTES));
  const isCode = (code: string) => (e: unknown) => e instanceof CodeError && e.code === code;
  assert.throws(() => codesToBitmap([10_000]), isCode('codes-bad-argument'));
  assert.throws(() => codesToBitmap([5, 5]), isCode('codes-bad-argument'));
  assert.throws(() => CodePool.restore(new Uint8Array(10), new Uint8Array(CODE_BITMAP_BYTES)), isCode('codes-bad-state'));
  assert.throws(() => CodePool.restore(codesToBitmap([1]), codesToBitmap([2])), isCode('codes-bad-state'));
  const p = CodePool.fromCodes([7, 8]);
  assert.throws(() => p.markUsed(9), isCode('codes-bad-state'));
  p.markUsed(7);
  assert.is(p.draw(seeded(1)), 8);
});

test('a pool from a bitmap (the devices\' way, no array of codes) draws as the pool from its codes; so does a top-up by bitmap', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: CODE_SPACE - 1 }), { minLength: 1, maxLength: 300 }), fc.integer(), (codes, seed) => {
    const owned = codes.slice(0, Math.ceil(codes.length / 2)), extra = codes.slice(owned.length);
    const a = CodePool.fromBitmap(codesToBitmap(owned)), b = CodePool.fromCodes(owned);
    if (extra.length > 0) { a.extend(codesToBitmap(extra)); b.extend(extra); }
    assert.is(a.remaining, codes.length);
    const ea = seeded(seed), eb = seeded(seed);
    for (let i = 0; i < codes.length; i++) assert.is(a.draw(ea), b.draw(eb));
    assert.equal(a.ownedBitmap(), b.ownedBitmap());
  }), { numRuns: 60 });
  const bitmap = codesToBitmap([1, 2]);
  const pool = CodePool.fromBitmap(bitmap);
  bitmap[0] = 0xff; // the pool copied the bitmap
  assert.is(pool.remaining, 2);
  for (const bad of [new Uint8Array(10), new Uint8Array(CODE_BITMAP_BYTES + 1)]) {
    assert.throws(() => CodePool.fromBitmap(bad), (e: unknown) => e instanceof CodeError && e.code === 'codes-bad-state');
    assert.throws(() => pool.extend(bad), (e: unknown) => e instanceof CodeError && e.code === 'codes-bad-state');
  }
  assert.throws(() => pool.extend(codesToBitmap([2, 3])), (e: unknown) => e instanceof CodeError && e.code === 'codes-bad-argument');
  assert.is(pool.remaining, 2, 'a refused top-up changes nothing');
});

test('randomBelow has no modulo bias at the edges and refuses a bad range', () => {
  // An entropy port that returns 0xFFFFFFFF first (to be rejected for n = 3) then 0.
  let calls = 0;
  const edge: EntropyPort = { randomBytes: (n) => new Uint8Array(n).fill(calls++ === 0 ? 0xff : 0) };
  assert.is(randomBelow(3, edge), 0);
  assert.is(calls, 2, 'the value in the biased tail was rejected');
  assert.throws(() => randomBelow(0, edge), (e: unknown) => e instanceof CodeError);
});

test.run();
