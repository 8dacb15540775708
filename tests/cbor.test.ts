// protocol/cbor: RFC 8949 Appendix A examples in the profile both ways, those outside the
// profile refused with a typed error, and properties over random values and random bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { encodeCbor, decodeCbor, MAX_DEPTH, type CborValue } from '../protocol/cbor';
import { ProtocolError, fromHex, toHex } from '../protocol/bytes';

function isProtocolError(code?: string) {
  return (e: unknown) => e instanceof ProtocolError && (code === undefined || e.code === code);
}

// RFC 8949 Appendix A, the examples inside our profile: value and its (deterministic) encoding.
const inProfile: [string, CborValue][] = [
  ['00', 0], ['01', 1], ['0a', 10], ['17', 23], ['1818', 24], ['1819', 25], ['1864', 100],
  ['1903e8', 1000], ['1a000f4240', 1000000], ['1b000000e8d4a51000', 1000000000000],
  ['1bffffffffffffffff', 18446744073709551615n],
  ['3bffffffffffffffff', -18446744073709551616n],
  ['20', -1], ['29', -10], ['3863', -100], ['3903e7', -1000],
  ['f4', false], ['f5', true], ['f6', null], ['f7', undefined],
  ['40', new Uint8Array(0)], ['4401020304', Uint8Array.of(1, 2, 3, 4)],
  ['60', ''], ['6161', 'a'], ['6449455446', 'IETF'], ['62225c', '"\\'], ['62c3bc', '\u00fc'],
  ['63e6b0b4', '\u6c34'], ['64f0908591', '\ud800\udd51'],
  ['80', []], ['83010203', [1, 2, 3]], ['8301820203820405', [1, [2, 3], [4, 5]]],
  ['98190102030405060708090a0b0c0d0e0f101112131415161718181819', Array.from({ length: 25 }, (_, i) => i + 1)],
  ['a0', {}],
  ['a201020304', new Map<CborValue, CborValue>([[1, 2], [3, 4]])],
  ['a26161016162820203', { a: 1, b: [2, 3] }],
  ['826161a161626163', ['a', { b: 'c' }]],
  ['a56161614161626142616361436164614461656145', { a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }],
];

// The rest of Appendix A: floats, tags (incl. bignums), other simple values, indefinite lengths.
const outOfProfile: string[] = [
  // bignums are tags 2 and 3
  'c249010000000000000000', 'c349010000000000000000',
  // floats
  'f90000', 'f98000', 'f93c00', 'fb3ff199999999999a', 'f93e00', 'f97bff', 'fa47c35000', 'fa7f7fffff',
  'fb7e37e43c8800759c', 'f90001', 'f90400', 'f9c400', 'fbc010666666666666', 'f97c00', 'f97e00',
  'f9fc00', 'fa7f800000', 'fa7fc00000', 'faff800000', 'fb7ff0000000000000', 'fb7ff8000000000000',
  'fbfff0000000000000',
  // simple values other than false/true/null/undefined
  'f0', 'f8ff',
  // tags
  'c074323031332d30332d32315432303a30343a30305a', 'c11a514b67b0', 'c1fb41d452d9ec200000', 'd74401020304',
  'd818456449455446', 'd82076687474703a2f2f7777772e6578616d706c652e636f6d',
  // indefinite lengths
  '5f42010243030405ff', '7f657374726561646d696e67ff', '9fff', '9f018202039f0405ffff', '9f01820203820405ff',
  '83018202039f0405ff', '83019f0203ff820405',
  '9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff',
  'bf61610161629f0203ffff', '826161bf61626163ff', 'bf6346756ef563416d7421ff',
];

test('RFC 8949 Appendix A examples in the profile: encode gives the listed bytes', () => {
  for (const [hex, value] of inProfile) assert.is(toHex(encodeCbor(value)), hex, `encoding ${hex}`);
});

test('RFC 8949 Appendix A examples in the profile: decode gives the value', () => {
  for (const [hex, value] of inProfile) assert.equal(decodeCbor(fromHex(hex)), value, `decoding ${hex}`);
});

test('integers at the edges of number and bigint', () => {
  assert.is(decodeCbor(fromHex('1b001fffffffffffff')), Number.MAX_SAFE_INTEGER);
  assert.is(decodeCbor(fromHex('1b0020000000000000')), 2n ** 53n);
  assert.is(decodeCbor(fromHex('3b001ffffffffffffe')), -Number.MAX_SAFE_INTEGER);
  assert.is(decodeCbor(fromHex('3b001fffffffffffff')), -(2n ** 53n));
  assert.is(toHex(encodeCbor(2n ** 53n)), '1b0020000000000000');
  assert.is(toHex(encodeCbor(5n)), '05', 'a small bigint encodes like the number');
  assert.is(toHex(encodeCbor(-(2n ** 64n) + 1n)), '3bfffffffffffffffe');
  assert.is(toHex(encodeCbor(0x100000000)), '1b0000000100000000');
  assert.is(toHex(encodeCbor(0xffffffff)), '1affffffff');
});

test('out-of-profile examples are refused with a typed error', () => {
  for (const hex of outOfProfile) {
    assert.throws(() => decodeCbor(fromHex(hex)), isProtocolError('cbor-unsupported'), `decoding ${hex}`);
  }
});

test('the encoder refuses what the profile cannot carry', () => {
  const bad: unknown[] = [1.5, NaN, Infinity, -0.5, 2 ** 64, 2n ** 64n, -(2n ** 64n) - 1n, Symbol('x'), () => 1,
    new Uint16Array(2), new Date(0), new ArrayBuffer(2), '\ud800', 'a\udc00b'];
  for (const v of bad) {
    assert.throws(() => encodeCbor(v as CborValue), isProtocolError(), `encoding ${String(typeof v === 'symbol' ? 'symbol' : v)}`);
  }
});

test('non-deterministic encodings are refused', () => {
  const cases: [string, string][] = [
    ['1817', 'cbor-not-deterministic'], ['190017', 'cbor-not-deterministic'], ['1900ff', 'cbor-not-deterministic'],
    ['1a0000ffff', 'cbor-not-deterministic'], ['1b00000000ffffffff', 'cbor-not-deterministic'],
    ['3817', 'cbor-not-deterministic'], ['5801ff', 'cbor-not-deterministic'], ['780161', 'cbor-not-deterministic'],
    ['9800', 'cbor-not-deterministic'], ['b800', 'cbor-not-deterministic'],
    ['a2616201616101', 'cbor-not-deterministic'], // keys "b","a": out of order
    ['a2616101616102', 'cbor-duplicate-key'],
    ['a262616101616202', 'cbor-not-deterministic'], // "aa" before "b": length-first order is not ours, bytewise is
  ];
  for (const [hex, code] of cases) assert.throws(() => decodeCbor(fromHex(hex)), isProtocolError(code), hex);
  // bytewise order: "b" (6162) sorts before "aa" (626161) because the head byte counts
  assert.equal(decodeCbor(fromHex('a261620162616102')), { b: 1, aa: 2 });
});

test('truncated, trailing and malformed inputs get typed errors', () => {
  const cases: [string, string][] = [
    ['', 'cbor-truncated'], ['18', 'cbor-truncated'], ['1b0000', 'cbor-truncated'], ['62c3', 'cbor-truncated'],
    ['83 01 02'.replace(/ /g, ''), 'cbor-truncated'], ['a1 61 61'.replace(/ /g, ''), 'cbor-truncated'],
    ['0000', 'cbor-trailing-bytes'], ['1c', 'cbor-malformed'], ['3e', 'cbor-malformed'], ['5d', 'cbor-malformed'],
    ['62c328', 'bad-utf8'], ['5bffffffffffffffff', 'cbor-truncated'], ['9bffffffffffffffff', 'cbor-truncated'],
    ['ff', 'cbor-unsupported'], ['1f', 'cbor-malformed'], ['3f', 'cbor-malformed'], ['df', 'cbor-unsupported'],
    ['f818', 'cbor-unsupported'], ['fc', 'cbor-malformed'],
  ];
  for (const [hex, code] of cases) assert.throws(() => decodeCbor(fromHex(hex)), isProtocolError(code), hex);
});

test('nesting is bounded on both sides', () => {
  let v: CborValue = 0;
  for (let i = 0; i < MAX_DEPTH; i++) v = [v];
  assert.equal(decodeCbor(encodeCbor(v)), v);
  assert.throws(() => encodeCbor([v]), isProtocolError('cbor-too-deep'));
  const deep = new Uint8Array(10000).fill(0x81);
  assert.throws(() => decodeCbor(deep), isProtocolError('cbor-too-deep'));
});

test('a "__proto__" key stays data', () => {
  const obj = decodeCbor(fromHex('a1695f5f70726f746f5f5f01')) as Record<string, CborValue>;
  assert.is(Object.getPrototypeOf(obj), Object.prototype);
  assert.is(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value, 1);
  assert.is(toHex(encodeCbor(obj)), 'a1695f5f70726f746f5f5f01');
});

test('object fields whose value is undefined are left out; a map holding undefined decodes to a Map', () => {
  assert.is(toHex(encodeCbor({ a: 1, b: undefined })), 'a1616101');
  // found by the mutation property: {"a": undefined} as an object would re-encode as {}
  const m = decodeCbor(fromHex('a16161f7'));
  assert.ok(m instanceof Map && m.has('a') && m.get('a') === undefined);
  assert.is(toHex(encodeCbor(m)), 'a16161f7');
});

// Values in the codec's canonical form: what decode returns (numbers when safe, text-keyed maps as objects).
const leaf: fc.Arbitrary<CborValue> = fc.oneof(
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }).map((b) => (b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b)),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.uint8Array({ maxLength: 40 }),
);
const { value: canonical } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value').filter((x) => x !== undefined), { maxKeys: 5, noNullPrototype: true }),
    fc.uniqueArray(fc.tuple(fc.oneof(fc.integer(), fc.uint8Array({ maxLength: 4 })), tie('value')), { minLength: 1, maxLength: 4, selector: ([k]) => toHex(encodeCbor(k)) })
      .map((entries) => new Map<CborValue, CborValue>(entries)),
  ),
}));

test('property: decode(encode(v)) equals v, and encode is a fixpoint', () => {
  fc.assert(fc.property(canonical, (v) => {
    const bytes = encodeCbor(v);
    const back = decodeCbor(bytes);
    // A Map with only integer/byte keys decodes to a Map; uvu's deep equal compares Maps by entries
    // but keys that are Uint8Arrays are compared by identity, so compare the re-encoding too.
    assert.is(toHex(encodeCbor(back)), toHex(bytes));
    if (!(containsMapWithBytesKeys(v))) assert.equal(back, v);
  }), { numRuns: 500 });
});

function containsMapWithBytesKeys(v: CborValue): boolean {
  if (v instanceof Map) return [...v.entries()].some(([k, x]) => k instanceof Uint8Array || containsMapWithBytesKeys(x));
  if (Array.isArray(v)) return v.some(containsMapWithBytesKeys);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.values(v).some(containsMapWithBytesKeys);
  return false;
}

test('property: decoding arbitrary bytes only ever throws a ProtocolError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
    try { decodeCbor(b); } catch (e) { if (!(e instanceof ProtocolError)) throw e; }
  }), { numRuns: 5000 });
});

test('property: whatever decodes re-encodes to the same bytes (one value, one encoding)', () => {
  // Random mutations of valid encodings reach far more interesting inputs than uniform bytes.
  fc.assert(fc.property(canonical, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, byte) => {
    const b = encodeCbor(v).slice();
    b[at % b.length] = byte;
    let back: CborValue;
    try { back = decodeCbor(b); } catch (e) { if (e instanceof ProtocolError) return; throw e; }
    assert.is(toHex(encodeCbor(back)), toHex(b));
  }), { numRuns: 20000 });
});

test('property: non-shortest integer heads are refused', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 7 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 24, max: 27 }), (major, n, info) => {
    if (major === 6 || major === 7) return;
    const width = 1 << (info - 24);
    if (n >= 1n << BigInt(8 * width)) return;
    const shortest = n < 24n ? 23 : n < 0x100n ? 24 : n < 0x10000n ? 25 : n < 0x100000000n ? 26 : 27;
    if (info === shortest) return;
    const bytes = new Uint8Array(1 + width);
    bytes[0] = (major << 5) | info;
    for (let i = 0; i < width; i++) bytes[width - i] = Number((n >> BigInt(8 * i)) & 0xffn);
    assert.throws(() => decodeCbor(bytes), isProtocolError('cbor-not-deterministic'));
  }), { numRuns: 2000 });
});

test('property: maps whose keys are not in bytewise order are refused', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.string({ maxLength: 4 }), { minLength: 2, maxLength: 5 }), (keys) => {
    const obj: Record<string, CborValue> = {};
    for (const k of keys) obj[k] = 0;
    const good = encodeCbor(obj);
    // swap the first two entries: each entry is key then the one byte 00
    const entries = decodeEntries(good);
    [entries[0], entries[1]] = [entries[1], entries[0]];
    const bad = Uint8Array.from([good[0], ...entries.flat()]);
    assert.throws(() => decodeCbor(bad), isProtocolError('cbor-not-deterministic'));
  }));
});

function decodeEntries(mapBytes: Uint8Array): number[][] {
  // keys are short text strings (head byte 0x60+len, len < 24) followed by value 00
  const out: number[][] = [];
  for (let i = 1; i < mapBytes.length; ) {
    const len = mapBytes[i] & 31;
    out.push([...mapBytes.subarray(i, i + 1 + len + 1)]);
    i += 1 + len + 1;
  }
  return out;
}

test.run();
