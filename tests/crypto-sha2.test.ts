// protocol/crypto/sha2 is noble's SHA-256/SHA-512 with the message schedule per instance (so
// that an XS preload can put the module in flash): held here to @noble/hashes itself, byte for
// byte, on Node and inside XS, and to the FIPS 180-4 examples.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '../protocol/crypto/sha2';
import { toHex, utf8Encode } from '../protocol/bytes';

const root = join(import.meta.dirname, '..');

test('FIPS 180-4 examples: "abc", the empty message, two-block messages, a million "a"', () => {
  assert.is(toHex(sha256(utf8Encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(toHex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(toHex(sha256(utf8Encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.is(toHex(sha512(utf8Encode('abc'))), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assert.is(toHex(sha512(utf8Encode('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'))), '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909');
  const a = new Uint8Array(1_000_000).fill(0x61);
  assert.is(toHex(sha256(a)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  assert.is(toHex(sha512(a)), 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b');
});

test('property: equal to @noble/hashes for any message, one-shot and fed in any pieces', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), fc.array(fc.nat(700), { maxLength: 6 }), (msg, cuts) => {
    assert.equal(sha256(msg), nobleSha256(msg));
    assert.equal(sha512(msg), nobleSha512(msg));
    const points = [...new Set(cuts.map((c) => c % (msg.length + 1)))].sort((x, y) => x - y);
    const a = sha256.create(), b = sha512.create();
    let at = 0;
    for (const p of [...points, msg.length]) { a.update(msg.subarray(at, p)); b.update(msg.subarray(at, p)); at = p; }
    assert.equal(a.digest(), nobleSha256(msg));
    assert.equal(b.digest(), nobleSha512(msg));
  }), { numRuns: 300 });
});

test('property: HMAC and HKDF over it (clone paths) equal noble over its own hash', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (key, data, len) => {
    assert.equal(hmac(sha256, key, data), hmac(nobleSha256, key, data));
    assert.equal(hmac(sha512, key, data), hmac(nobleSha512, key, data));
    assert.equal(hkdf(sha256, data, key, key, len), hkdf(nobleSha256, data, key, key, len));
  }), { numRuns: 150 });
});

test('two hashes interleaved do not share a schedule (the scratch is per instance)', () => {
  const x = utf8Encode('x'.repeat(200)), y = utf8Encode('y'.repeat(200));
  const a = sha512.create(), b = sha512.create();
  for (let i = 0; i < 200; i += 50) { a.update(x.subarray(i, i + 50)); b.update(y.subarray(i, i + 50)); }
  assert.equal(a.digest(), nobleSha512(x));
  assert.equal(b.digest(), nobleSha512(y));
});

test('inside XS: the same digests as @noble/hashes on Node', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/sha2-entry.ts')], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const { reports } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reports: Record<string, unknown> };
  const expected: string[] = [];
  for (let n = 0; n <= 300; n += 7) {
    const msg = new Uint8Array(n);
    for (let i = 0; i < n; i++) msg[i] = (i * 31 + n) & 0xff;
    const pair = [toHex(nobleSha256(msg)), toHex(nobleSha512(msg))];
    expected.push(...pair, ...pair);
  }
  const got = reports['sha2'] as { hex: string }[] | string[];
  assert.equal(got.map((g) => (typeof g === 'string' ? g : g.hex)), expected);
});

test.run();
