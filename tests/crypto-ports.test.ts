// Both CryptoPorts (noble, for XS; node:crypto, for the precinct computer) against the
// published vectors in tests/vectors/crypto-primitives.json, the refusals the port
// promises, and against each other on random inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtocolError, fromHex, toHex } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import { nodeEntropy } from '../hosts/node/entropy';
import type { CryptoPort } from '../protocol/crypto/port';

const V = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', 'crypto-primitives.json'), 'utf8'));
const ports: [string, CryptoPort][] = [['noble', nobleCrypto], ['node', nodeCrypto]];
const h = fromHex;

function lowOrderThrown(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ProtocolError);
    assert.is((err as ProtocolError).code, 'crypto-low-order');
    return;
  }
  assert.unreachable('expected ProtocolError crypto-low-order');
}

test('the vector file has what the brief asks for', () => {
  assert.is(V.ed25519.length, 5);
  assert.is(h(V.ed25519[3].message).length, 1023);
});

for (const [name, c] of ports) {
  test(`${name}: SHA-256, HMAC-SHA256 (RFC 4231 #2), HKDF-SHA256 (RFC 5869 #1)`, () => {
    for (const x of V.sha256) assert.is(toHex(c.sha256(h(x.message))), x.digest, x.source);
    for (const x of V.hmacSha256) assert.is(toHex(c.hmacSha256(h(x.key), h(x.data))), x.mac, x.source);
    for (const x of V.hkdfSha256) {
      assert.is(toHex(c.hkdfSha256(h(x.ikm), h(x.salt), h(x.info), x.length)), x.okm, x.source);
      // HKDF-Extract is HMAC(salt, ikm): the RFC's PRK.
      assert.is(toHex(c.hmacSha256(h(x.salt), h(x.ikm))), x.prk, x.source);
    }
  });

  test(`${name}: Ed25519 RFC 8032 §7.1 (tests 1, 2, 3, 1024, SHA(abc))`, () => {
    for (const x of V.ed25519) {
      assert.is(toHex(c.ed25519PublicKey(h(x.secretKey))), x.publicKey, x.source);
      assert.is(toHex(c.ed25519Sign(h(x.message), h(x.secretKey))), x.signature, x.source);
      assert.ok(c.ed25519Verify(h(x.signature), h(x.message), h(x.publicKey)), x.source);
      // Any change to message, signature or key is refused.
      const m = h(x.message);
      const altered = m.length > 0 ? (m[0] ^= 1, m) : Uint8Array.of(0);
      assert.not.ok(c.ed25519Verify(h(x.signature), altered, h(x.publicKey)), x.source);
      for (const i of [0, 31, 32, 63]) {
        const s = h(x.signature);
        s[i] ^= 0x10;
        assert.not.ok(c.ed25519Verify(s, h(x.message), h(x.publicKey)), `${x.source} sig byte ${i}`);
      }
      assert.not.ok(c.ed25519Verify(h(x.signature), h(x.message), h(V.ed25519[(V.ed25519.indexOf(x) + 1) % 5].publicKey)));
    }
  });

  test(`${name}: Ed25519 verify returns false (never throws) on malformed input`, () => {
    const x = V.ed25519[1];
    const sig = h(x.signature);
    const pk = h(x.publicKey);
    const msg = h(x.message);
    const cases: [Uint8Array, Uint8Array][] = [
      [sig.subarray(1), pk], [new Uint8Array(65), pk], [new Uint8Array(0), pk],
      [sig, pk.subarray(1)], [sig, new Uint8Array(33)], [sig, new Uint8Array(0)],
      [sig, new Uint8Array(32).fill(0xff)], // not a point
      [new Uint8Array(64).fill(0xff), pk], // S >= L
    ];
    for (const [s, p] of cases) assert.is(c.ed25519Verify(s, msg, p), false);
  });

  test(`${name}: X25519 RFC 7748 §5.2 vectors, §6.1 Diffie-Hellman`, () => {
    for (const x of V.x25519) assert.is(toHex(c.x25519(h(x.scalar), h(x.u))), x.output, x.source);
    const d = V.x25519DiffieHellman;
    assert.is(toHex(c.x25519PublicKey(h(d.alicePrivate))), d.alicePublic);
    assert.is(toHex(c.x25519PublicKey(h(d.bobPrivate))), d.bobPublic);
    assert.is(toHex(c.x25519(h(d.alicePrivate), h(d.bobPublic))), d.shared);
    assert.is(toHex(c.x25519(h(d.bobPrivate), h(d.alicePublic))), d.shared);
  });

  test(`${name}: X25519 RFC 7748 §5.2 iterated, 1 and 1000 iterations`, () => {
    const it = V.x25519Iterated;
    let k = h(it.start);
    let u = h(it.start);
    for (let i = 1; i <= 1000; i++) {
      const next = c.x25519(k, u);
      u = k;
      k = next;
      if (i === 1) assert.is(toHex(k), it.after1);
    }
    assert.is(toHex(k), it.after1000);
  });

  test(`${name}: X25519 with a low-order point throws crypto-low-order`, () => {
    const sk = new Uint8Array(32).fill(7);
    for (const p of ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'ec' + 'ff'.repeat(30) + '7f',
      'ed' + 'ff'.repeat(30) + '7f', 'ee' + 'ff'.repeat(30) + '7f', '00'.repeat(31) + '80']) {
      lowOrderThrown(() => c.x25519(sk, h(p)));
    }
  });

  test(`${name}: ChaCha20-Poly1305 RFC 8439 §2.8.2; open returns null on any alteration`, () => {
    for (const x of V.chacha20poly1305) {
      const sealed = c.chacha20poly1305Seal(h(x.key), h(x.nonce), h(x.plaintext), h(x.aad));
      assert.is(toHex(sealed), x.ciphertext + x.tag, x.source);
      assert.is(toHex(c.chacha20poly1305Open(h(x.key), h(x.nonce), sealed, h(x.aad)) as Uint8Array), x.plaintext);
      for (const i of [0, sealed.length - 17, sealed.length - 16, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[i] ^= 1;
        assert.is(c.chacha20poly1305Open(h(x.key), h(x.nonce), bad, h(x.aad)), null, `byte ${i}`);
      }
      assert.is(c.chacha20poly1305Open(h(x.key), h(x.nonce), sealed, new Uint8Array(0)), null);
      const otherNonce = h(x.nonce);
      otherNonce[11] ^= 1;
      assert.is(c.chacha20poly1305Open(h(x.key), otherNonce, sealed, h(x.aad)), null);
      for (const n of [0, 1, 15, 16, sealed.length - 1]) {
        assert.is(c.chacha20poly1305Open(h(x.key), h(x.nonce), sealed.subarray(0, n), h(x.aad)), null, `truncated to ${n}`);
      }
    }
  });

  test(`${name}: results are plain Uint8Arrays (no Buffer leaks out of the port)`, () => {
    const k = new Uint8Array(32).fill(1);
    const outs = [c.sha256(k), c.hmacSha256(k, k), c.hkdfSha256(k, k, k, 40), c.ed25519PublicKey(k), c.ed25519Sign(k, k),
      c.x25519PublicKey(k), c.x25519(k, c.x25519PublicKey(new Uint8Array(32).fill(2))), c.chacha20poly1305Seal(k, new Uint8Array(12), k, k)];
    for (const o of outs) assert.is(Object.getPrototypeOf(o), Uint8Array.prototype);
  });
}

test('HKDF: info longer than 1024 bytes (beyond OpenSSL\'s limit) and empty inputs agree across ports', () => {
  for (const [ikm, salt, info, len] of [[32, 0, 2000, 64], [0, 0, 0, 32], [16, 5, 1025, 255 * 32], [32, 32, 0, 0]]) {
    const args = [new Uint8Array(ikm).fill(3), new Uint8Array(salt).fill(4), new Uint8Array(info).fill(5), len] as const;
    assert.is(toHex(nodeCrypto.hkdfSha256(...args)), toHex(nobleCrypto.hkdfSha256(...args)));
  }
});

test('Ed25519 edge-case encodings: both ports give the same verdict', () => {
  // Small-order and non-canonical public keys, identity R, S = 0. Both libraries follow
  // the permissive (ZIP 215-like) reading here; what matters for sailau is that the device
  // (noble) and the precinct computer (OpenSSL) never disagree about a signature.
  const msg = Uint8Array.of(1, 2, 3);
  const identitySig = h('01' + '00'.repeat(63));
  for (const pk of ['01' + '00'.repeat(31), 'ee' + 'ff'.repeat(30) + '7f', 'ec' + 'ff'.repeat(30) + '7f', 'ff'.repeat(32), '00'.repeat(32)]) {
    assert.is(nodeCrypto.ed25519Verify(identitySig, msg, h(pk)), nobleCrypto.ed25519Verify(identitySig, msg, h(pk)), pk);
  }
});

test('property: noble and node agree on random inputs (sign/verify/x25519/seal/open/hash/hmac/hkdf)', () => {
  const b32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const bytes = fc.uint8Array({ maxLength: 512 });
  fc.assert(fc.property(b32, b32, bytes, bytes, fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.integer({ min: 0, max: 300 }), (a, b, m, ad, nonce, len) => {
    assert.is(toHex(nodeCrypto.sha256(m)), toHex(nobleCrypto.sha256(m)));
    assert.is(toHex(nodeCrypto.hmacSha256(a, m)), toHex(nobleCrypto.hmacSha256(a, m)));
    assert.is(toHex(nodeCrypto.hkdfSha256(m, a, ad, len)), toHex(nobleCrypto.hkdfSha256(m, a, ad, len)));

    const pk = nobleCrypto.ed25519PublicKey(a);
    assert.is(toHex(nodeCrypto.ed25519PublicKey(a)), toHex(pk));
    const sig = nobleCrypto.ed25519Sign(m, a);
    assert.is(toHex(nodeCrypto.ed25519Sign(m, a)), toHex(sig));
    assert.ok(nodeCrypto.ed25519Verify(sig, m, pk));
    // Random signatures and random keys: same verdict (almost always false).
    assert.is(nodeCrypto.ed25519Verify(concat(a, b), m, b), nobleCrypto.ed25519Verify(concat(a, b), m, b));

    assert.is(toHex(nodeCrypto.x25519PublicKey(a)), toHex(nobleCrypto.x25519PublicKey(a)));
    assert.is(toHex(nodeCrypto.x25519(a, b)), toHex(nobleCrypto.x25519(a, b)));

    const ct = nobleCrypto.chacha20poly1305Seal(a, nonce, m, ad);
    assert.is(toHex(nodeCrypto.chacha20poly1305Seal(a, nonce, m, ad)), toHex(ct));
    assert.is(toHex(nodeCrypto.chacha20poly1305Open(a, nonce, ct, ad) as Uint8Array), toHex(m));
    const bad = ct.slice();
    bad[len % bad.length] ^= 0x80;
    assert.is(nodeCrypto.chacha20poly1305Open(a, nonce, bad, ad), null);
    assert.is(nobleCrypto.chacha20poly1305Open(a, nonce, bad, ad), null);
  }), { numRuns: 150 });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

test('node entropy: right lengths, beyond the 64 KiB getRandomValues quota, not constant', () => {
  assert.is(nodeEntropy.randomBytes(0).length, 0);
  assert.is(nodeEntropy.randomBytes(32).length, 32);
  const big = nodeEntropy.randomBytes(200_000);
  assert.is(big.length, 200_000);
  // The tail past the first quota is filled too (a zero run of 1 KiB has probability ~2^-8192).
  assert.ok(big.subarray(199_000).some((x) => x !== 0));
  assert.is.not(toHex(nodeEntropy.randomBytes(32)), toHex(nodeEntropy.randomBytes(32)));
  for (const bad of [-1, 1.5, Number.NaN]) {
    assert.throws(() => nodeEntropy.randomBytes(bad));
  }
});

test.run();
