import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { utf8Encode, utf8Decode, toHex, fromHex, ProtocolError } from '../protocol/bytes';

test('utf8 matches the platform encoder for any well-formed string', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
    const mine = utf8Encode(s);
    assert.equal(toHex(mine), toHex(new TextEncoder().encode(s)));
    assert.is(utf8Decode(mine), s);
  }));
});

test('utf8 encoding matches the platform encoder for any UTF-16, lone surrogates included (U+FFFD)', () => {
  const enc = new TextEncoder();
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => { assert.equal(utf8Encode(s), enc.encode(s)); }), { numRuns: 500 });
  assert.equal(utf8Encode('a\ud800b\udc00'), enc.encode('a\ud800b\udc00'));
  assert.equal(utf8Encode('\ud83d\ude00'), Uint8Array.of(0xf0, 0x9f, 0x98, 0x80));
});

test('utf8 decoding refuses malformed input with a typed error', () => {
  for (const bad of ['c0af', 'e080af', 'eda080', 'f4908080', 'e2', 'ff']) {
    assert.throws(() => utf8Decode(fromHex(bad)), (e: unknown) => e instanceof ProtocolError && e.code === 'bad-utf8');
  }
});

test('Kazakh letters encode as two bytes each', () => {
  assert.is(toHex(utf8Encode('Әә')), 'd398d399');
});

test.run();
