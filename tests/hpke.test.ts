// HPKE base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305:
// RFC 9180 Appendix A.2.1 on both crypto ports, then attempts to break it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hpkeDecap, hpkeDeriveKeyPair, hpkeEncap, hpkeOpen, hpkeSeal, hpkeSetupBaseRecipient, hpkeSetupBaseSender,
} from '../protocol/crypto/hpke';
import { ProtocolError, concatBytes, fromHex, toHex, utf8Encode } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import type { CryptoPort } from '../protocol/crypto/port';

const v = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', 'crypto-hpke-rfc9180-a2.json'), 'utf8'));
const ports: [string, CryptoPort][] = [['noble', nobleCrypto], ['node', nodeCrypto]];
const h = fromHex;

function throwsCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ProtocolError);
    assert.is((err as ProtocolError).code, code);
    return;
  }
  assert.unreachable(`expected ProtocolError ${code}`);
}

test('the vector is RFC 9180 A.2.1 (base mode, KEM 0x20, KDF 1, AEAD 3)', () => {
  assert.equal([v.mode, v.kem_id, v.kdf_id, v.aead_id], [0, 32, 1, 3]);
});

for (const [name, crypto] of ports) {
  test(`RFC 9180 A.2.1: keys, KEM and every listed encryption and export (${name})`, () => {
    const e = hpkeDeriveKeyPair(crypto, h(v.ikmE));
    const r = hpkeDeriveKeyPair(crypto, h(v.ikmR));
    assert.is(toHex(e.secretKey), v.skEm);
    assert.is(toHex(e.publicKey), v.pkEm);
    assert.is(toHex(r.secretKey), v.skRm);
    assert.is(toHex(r.publicKey), v.pkRm);

    const encap = hpkeEncap(crypto, h(v.pkRm), h(v.skEm));
    assert.is(toHex(encap.enc), v.enc);
    assert.is(toHex(encap.sharedSecret), v.shared_secret);
    assert.is(toHex(hpkeDecap(crypto, h(v.enc), h(v.skRm))), v.shared_secret);

    const { enc, context: sender } = hpkeSetupBaseSender(crypto, h(v.pkRm), h(v.info), h(v.skEm));
    assert.is(toHex(enc), v.enc);
    const recipient = hpkeSetupBaseRecipient(crypto, h(v.skRm), h(v.enc), h(v.info));
    const bySeq = new Map<number, { pt: string; aad: string; ct: string }>(v.encryptions.map((x: { seq: number }) => [x.seq, x]));
    const last = Math.max(...bySeq.keys());
    for (let seq = 0; seq <= last; seq++) {
      const x = bySeq.get(seq);
      // Sequence numbers the RFC does not list are used up with a throwaway message.
      const aad = x ? h(x.aad) : new Uint8Array(0);
      const pt = x ? h(x.pt) : new Uint8Array(1);
      const ct = sender.seal(aad, pt);
      if (x) assert.is(toHex(ct), x.ct, `seq ${seq}`);
      assert.is(toHex(recipient.open(aad, ct)), toHex(pt), `seq ${seq}`);
    }
    for (const x of v.exports) {
      assert.is(toHex(sender.export(h(x.exporter_context), x.L)), x.exported_value);
      assert.is(toHex(recipient.export(h(x.exporter_context), x.L)), x.exported_value);
    }

    // The single-shot API is sequence number 0.
    const first = v.encryptions[0];
    const sealed = hpkeSeal(crypto, h(v.pkRm), h(v.info), h(first.aad), h(first.pt), h(v.skEm));
    assert.is(toHex(sealed.enc), v.enc);
    assert.is(toHex(sealed.ciphertext), first.ct);
    assert.is(toHex(hpkeOpen(crypto, h(v.skRm), h(v.enc), h(v.info), h(first.aad), h(first.ct))), first.pt);
  });
}

// A vote sealed to an election key, for the attacks below.
const election = hpkeDeriveKeyPair(nobleCrypto, utf8Encode('election key ikm, 32 bytes long!'));
const info = utf8Encode('sailau vote v1 / election 2026-03');
const aad = utf8Encode('precinct 17 / ballot style A');
const vote = utf8Encode('{"contest":1,"choice":3}');
const eph = new Uint8Array(32).fill(0x42);
const sealed = hpkeSeal(nobleCrypto, election.publicKey, info, aad, vote, eph);

test('a sealed vote is enc (32) + plaintext + tag (16) and opens with the right key', () => {
  assert.is(sealed.enc.length, 32);
  assert.is(sealed.ciphertext.length, vote.length + 16);
  for (const [, crypto] of ports) {
    assert.is(toHex(hpkeOpen(crypto, election.secretKey, sealed.enc, info, aad, sealed.ciphertext)), toHex(vote));
  }
});

test('every bit flip of enc or ciphertext is refused', () => {
  for (let bit = 0; bit < 256; bit++) {
    const enc = sealed.enc.slice();
    enc[bit >> 3] ^= 1 << (bit & 7);
    let code = '';
    try { hpkeOpen(nobleCrypto, election.secretKey, enc, info, aad, sealed.ciphertext); } catch (err) { code = (err as ProtocolError).code; }
    assert.ok(code === 'hpke-open-failed' || code === 'hpke-low-order', `enc bit ${bit}: ${code}`);
  }
  for (let bit = 0; bit < sealed.ciphertext.length * 8; bit++) {
    const ct = sealed.ciphertext.slice();
    ct[bit >> 3] ^= 1 << (bit & 7);
    throwsCode(() => hpkeOpen(nobleCrypto, election.secretKey, sealed.enc, info, aad, ct), 'hpke-open-failed');
  }
});

test('wrong recipient key, info or aad; truncation; swapped enc between votes are refused', () => {
  const other = hpkeDeriveKeyPair(nobleCrypto, utf8Encode('another election key ikm........'));
  for (const [, crypto] of ports) {
    throwsCode(() => hpkeOpen(crypto, other.secretKey, sealed.enc, info, aad, sealed.ciphertext), 'hpke-open-failed');
    throwsCode(() => hpkeOpen(crypto, election.secretKey, sealed.enc, utf8Encode('sailau vote v1 / election 2026-04'), aad, sealed.ciphertext), 'hpke-open-failed');
    throwsCode(() => hpkeOpen(crypto, election.secretKey, sealed.enc, info, utf8Encode('precinct 18 / ballot style A'), sealed.ciphertext), 'hpke-open-failed');
    for (let n = 0; n < sealed.ciphertext.length; n++) {
      throwsCode(() => hpkeOpen(crypto, election.secretKey, sealed.enc, info, aad, sealed.ciphertext.subarray(0, n)), 'hpke-open-failed');
    }
    throwsCode(() => hpkeOpen(crypto, election.secretKey, sealed.enc, info, aad, concatBytes(sealed.ciphertext, Uint8Array.of(0))), 'hpke-open-failed');
    const second = hpkeSeal(crypto, election.publicKey, info, aad, vote, new Uint8Array(32).fill(0x43));
    throwsCode(() => hpkeOpen(crypto, election.secretKey, second.enc, info, aad, sealed.ciphertext), 'hpke-open-failed');
    throwsCode(() => hpkeOpen(crypto, election.secretKey, sealed.enc.subarray(0, 31), info, aad, sealed.ciphertext), 'hpke-bad-key');
    throwsCode(() => hpkeSeal(crypto, election.publicKey.subarray(1), info, aad, vote, eph), 'hpke-bad-key');
  }
});

test('low-order enc and low-order recipient keys are refused (RFC 9180 §7.1.4)', () => {
  const lowOrder = ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'ec' + 'ff'.repeat(30) + '7f'];
  for (const [, crypto] of ports) {
    for (const p of lowOrder) {
      throwsCode(() => hpkeOpen(crypto, election.secretKey, h(p), info, aad, sealed.ciphertext), 'hpke-low-order');
      throwsCode(() => hpkeSeal(crypto, h(p), info, aad, vote, eph), 'hpke-low-order');
    }
  }
});

test('a context opens in order only and a failed open does not advance it; roles are fixed', () => {
  const { enc, context: s } = hpkeSetupBaseSender(nobleCrypto, election.publicKey, info, eph);
  const c0 = s.seal(aad, utf8Encode('a'));
  const c1 = s.seal(aad, utf8Encode('b'));
  const r = hpkeSetupBaseRecipient(nobleCrypto, election.secretKey, enc, info);
  throwsCode(() => r.open(aad, c1), 'hpke-open-failed');
  assert.is(toHex(r.open(aad, c0)), toHex(utf8Encode('a')));
  throwsCode(() => r.open(aad, c0), 'hpke-open-failed'); // replay
  assert.is(toHex(r.open(aad, c1)), toHex(utf8Encode('b')));
  throwsCode(() => r.seal(aad, vote), 'hpke-wrong-role');
  throwsCode(() => s.open(aad, c0), 'hpke-wrong-role');
});

test('property: noble and node seal identically and each opens the other', () => {
  const b32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const bytes = fc.uint8Array({ maxLength: 300 });
  fc.assert(fc.property(b32, b32, bytes, bytes, bytes, (ikm, e, inf, ad, pt) => {
    const r = hpkeDeriveKeyPair(nobleCrypto, ikm);
    const a = hpkeSeal(nobleCrypto, r.publicKey, inf, ad, pt, e);
    const b = hpkeSeal(nodeCrypto, r.publicKey, inf, ad, pt, e);
    assert.is(toHex(a.enc), toHex(b.enc));
    assert.is(toHex(a.ciphertext), toHex(b.ciphertext));
    assert.is(toHex(hpkeOpen(nodeCrypto, r.secretKey, a.enc, inf, ad, a.ciphertext)), toHex(pt));
    assert.is(toHex(hpkeOpen(nobleCrypto, r.secretKey, b.enc, inf, ad, b.ciphertext)), toHex(pt));
  }), { numRuns: 60 });
});

test.run();
