// hosts/moddable/globals: what it installs for XS must keep the standard's behaviour. Here on
// Node (the module installs itself in this process too); on the engine, the devices run with it
// in tests/xs-conversation-moddable.test.ts, in a fixed 64 KiB heap that the engine's own
// TypedArray.from broke (one heap slot per byte of each Noise frame).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import '../hosts/moddable/globals';

type AnyTypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type NumberTyped = { new (length: number): AnyTypedArray; from(source: unknown, mapFn?: (v: number, i: number) => number): AnyTypedArray; of(...items: number[]): AnyTypedArray };
const NUMBER_TYPES: NumberTyped[] = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];

test('the shim is what %TypedArray%.from is now', () => {
  const from = (Object.getPrototypeOf(Uint8Array) as { from: { withoutList?: boolean } }).from;
  assert.is(from.withoutList, true);
  assert.is(Uint8Array.from, from as unknown);
});

test('from(a typed array) gives what the standard does: the source values in order, coerced, in a new buffer', () => {
  fc.assert(fc.property(
    fc.constantFrom(...NUMBER_TYPES), fc.constantFrom(...NUMBER_TYPES), fc.array(fc.oneof(fc.integer({ min: -70000, max: 70000 }), fc.double()), { maxLength: 40 }),
    (Source, Target, values) => {
      const src = new Source(values.length);
      values.forEach((v, i) => { src[i] = v; });
      const got = Target.from(src);
      assert.ok(got instanceof Target);
      assert.equal(got, Target.of(...Array.from(src as Iterable<number>)), `${Source.name} → ${Target.name}`);
      if (got.length > 0) { got[0] = 1; src[0] = 2; assert.is.not(got.buffer, src.buffer); }
    }), { numRuns: 300 });
});

test('other sources and a map function still go to the engine\'s from', () => {
  assert.equal(Uint8Array.from([1, 2, 300]), Uint8Array.of(1, 2, 44));
  assert.equal(Uint8Array.from(new Set([5, 6])), Uint8Array.of(5, 6));
  assert.equal(Uint8Array.from({ length: 2, 0: 7, 1: 8 }), Uint8Array.of(7, 8));
  assert.equal(Uint16Array.from(Uint8Array.of(1, 2), (v) => v * 1000), Uint16Array.of(1000, 2000));
  assert.equal(BigInt64Array.from(BigUint64Array.of(1n, 2n ** 64n - 1n)), BigInt64Array.of(1n, -1n));
  class Mine extends Uint8Array {}
  const m = Mine.from(Uint8Array.of(9));
  assert.ok(m instanceof Mine);
  assert.equal([...m], [9]);
});

test('a BigInt/Number mix is a TypeError, as the standard says', () => {
  assert.throws(() => Uint8Array.from(BigInt64Array.of(1n)), TypeError);
  assert.throws(() => BigInt64Array.from(Uint8Array.of(1)), TypeError);
});

test.run();
