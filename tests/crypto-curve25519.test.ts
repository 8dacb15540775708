// protocol/crypto/curve25519 (Ed25519 and X25519 configured from noble's abstract modules)
// behaves exactly as noble's full @noble/curves/ed25519.js: same public keys and signature
// bytes, the same verify result on valid, altered and malformed inputs (non-canonical and
// small-order points, S ≥ L, wrong lengths), the same X25519 outputs and refusals. The RFC
// 8032/7748 vectors run on it through the port in tests/crypto-ports.test.ts (Node) and
// tests/xs-protocol.test.ts (XS, where the devices use it without the base-point table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 as fullEd, x25519 as fullX, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { curve25519 } from '../protocol/crypto/curve25519';
import { fromHex, toHex } from '../protocol/bytes';

const root = join(import.meta.dirname, '..');
const { ed25519: ed, x25519: x, Point: Ed25519Point } = curve25519();
const RUNS = 60;

/** The result of a call, or the fact that it threw (noble throws on wrong lengths). */
function outcome(f: () => unknown): string {
  try {
    const r = f();
    return r instanceof Uint8Array ? `bytes ${toHex(r)}` : `value ${String(r)}`;
  } catch {
    return 'throws';
  }
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const message = fc.uint8Array({ minLength: 0, maxLength: 300 });

// Encodings that stress point decoding: the eight torsion points (small order), y ≥ p
// (non-canonical, accepted by ZIP-215), y = p − 1 and p with either sign bit, all-ones.
const le = (n: bigint) => { const b = new Uint8Array(32); for (let i = 0; i < 32; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn); return b; };
const P = 2n ** 255n - 19n;
const oddPoints: Uint8Array[] = [
  ...ED25519_TORSION_SUBGROUP.map((hex) => fromHex(hex)),
  ...[P - 1n, P, P + 1n, P + 2n, 2n ** 255n - 1n, 0n, 1n].flatMap((y) => { const b = le(y); const s = b.slice(); s[31] |= 0x80; return [b, s]; }),
  new Uint8Array(32).fill(0xff),
];

test('curve25519() makes the curves once: later calls give the same objects', () => {
  const again = curve25519();
  assert.ok(again.ed25519 === ed && again.x25519 === x && again.Point === Ed25519Point);
});

test('the parameters are those of noble\'s ed25519 (curve, base point, fields)', () => {
  const a = Ed25519Point.CURVE(), b = fullEd.Point.CURVE();
  for (const k of ['p', 'n', 'h', 'a', 'd', 'Gx', 'Gy'] as const) assert.is(a[k], b[k], k);
  assert.ok(Ed25519Point.BASE.equals(Ed25519Point.fromBytes(fullEd.Point.BASE.toBytes())));
  assert.is(Ed25519Point.Fp.ORDER, fullEd.Point.Fp.ORDER);
  assert.is(Ed25519Point.Fn.ORDER, fullEd.Point.Fn.ORDER);
});

test('Ed25519: public keys and signature bytes are identical to noble\'s ed25519; both verify', () => {
  fc.assert(fc.property(bytes(32), message, (sk, msg) => {
    const pk = ed.getPublicKey(sk);
    assert.is(toHex(pk), toHex(fullEd.getPublicKey(sk)));
    const sig = ed.sign(msg, sk);
    assert.is(toHex(sig), toHex(fullEd.sign(msg, sk)));
    assert.is(ed.verify(sig, msg, pk), true);
    assert.is(fullEd.verify(sig, msg, pk), true);
  }), { numRuns: RUNS });
});

test('Ed25519: verify gives noble\'s answer on altered signatures, messages and keys', () => {
  fc.assert(fc.property(bytes(32), message, fc.nat(63), fc.integer({ min: 1, max: 255 }), fc.constantFrom('sig', 'msg', 'pk'), (sk, msg, at, flip, what) => {
    const pk = fullEd.getPublicKey(sk);
    const sig = fullEd.sign(msg, sk);
    const s = sig.slice(), m = msg.length ? msg.slice() : Uint8Array.of(0), p = pk.slice();
    if (what === 'sig') s[at] ^= flip;
    else if (what === 'msg') m[at % m.length] ^= flip;
    else p[at % 32] ^= flip;
    const mine = outcome(() => ed.verify(s, m, p)), theirs = outcome(() => fullEd.verify(s, m, p));
    assert.is(mine, theirs, `${what} byte ${at} ^ ${flip}`);
  }), { numRuns: RUNS });
});

test('Ed25519: verify gives noble\'s answer on malformed input (odd points, S ≥ L, random bytes, wrong lengths)', () => {
  const point = fc.oneof(fc.constantFrom(...oddPoints), bytes(32));
  const anyLength = fc.uint8Array({ minLength: 0, maxLength: 70 });
  const sigFrom = fc.oneof(
    fc.tuple(point, bytes(32)).map(([r, s]) => Uint8Array.from([...r, ...s])), // R odd or random, S random (mostly ≥ L)
    fc.tuple(point, fc.bigInt({ min: 0n, max: 2n ** 253n })).map(([r, s]) => Uint8Array.from([...r, ...le(s)])),
    anyLength,
  );
  fc.assert(fc.property(sigFrom, message, fc.oneof(point, anyLength), (sig, msg, pk) => {
    assert.is(outcome(() => ed.verify(sig, msg, pk)), outcome(() => fullEd.verify(sig, msg, pk)));
  }), { numRuns: 4 * RUNS });
  // each odd point as the key and as R, with a real S
  const sk = new Uint8Array(32).fill(9), msg = Uint8Array.of(1, 2, 3);
  const sig = fullEd.sign(msg, sk);
  for (const p of oddPoints) {
    assert.is(outcome(() => ed.verify(sig, msg, p)), outcome(() => fullEd.verify(sig, msg, p)), toHex(p));
    const withR = Uint8Array.from([...p, ...sig.subarray(32)]);
    assert.is(outcome(() => ed.verify(withR, msg, fullEd.getPublicKey(sk))), outcome(() => fullEd.verify(withR, msg, fullEd.getPublicKey(sk))), toHex(p));
  }
});

test('Ed25519: small-order keys and R with S = 0 or 1, in canonical and non-canonical encodings (ZIP-215), as noble', () => {
  // With A and R of small order and S = 0 the cofactored equation holds: ZIP-215 accepts,
  // strict RFC 8032 decoding would refuse; the answers must be noble's, point for point.
  let accepted = 0;
  for (const pk of oddPoints) for (const R of oddPoints) for (const S of [0n, 1n]) {
    const sig = Uint8Array.from([...R, ...le(S)]);
    const mine = outcome(() => ed.verify(sig, Uint8Array.of(1), pk));
    assert.is(mine, outcome(() => fullEd.verify(sig, Uint8Array.of(1), pk)), `${toHex(pk)} ${toHex(R)} ${S}`);
    if (mine === 'value true') accepted++;
  }
  assert.ok(accepted > 0, 'some small-order cases verify (ZIP-215), so the comparison is not all false');
});

test('Ed25519: a torsion point added to a key is decoded and verified as noble does (cofactored equation)', () => {
  // ZIP-215: R + T for a small-order T still verifies under the cofactored equation; both libraries must agree.
  const sk = new Uint8Array(32).fill(5), msg = Uint8Array.of(7);
  const sig = fullEd.sign(msg, sk), pk = fullEd.getPublicKey(sk);
  for (const t of ED25519_TORSION_SUBGROUP) {
    const R = fullEd.Point.fromBytes(sig.subarray(0, 32)).add(fullEd.Point.fromHex(t)).toBytes();
    const s2 = Uint8Array.from([...R, ...sig.subarray(32)]);
    assert.is(outcome(() => ed.verify(s2, msg, pk)), outcome(() => fullEd.verify(s2, msg, pk)), t);
  }
});

test('X25519: public keys and shared secrets identical to noble\'s x25519, refusals included', () => {
  fc.assert(fc.property(bytes(32), bytes(32), (a, b) => {
    assert.is(toHex(x.getPublicKey(a)), toHex(fullX.getPublicKey(a)));
    const B = fullX.getPublicKey(b);
    assert.is(toHex(x.getSharedSecret(a, B)), toHex(fullX.getSharedSecret(a, B)));
    assert.is(toHex(x.getSharedSecret(a, B)), toHex(x.getSharedSecret(b, x.getPublicKey(a))));
  }), { numRuns: RUNS });
  // arbitrary u (not necessarily on the curve; high bit set; ≥ p), and the low-order points of RFC 7748 / libsodium
  const lowOrder = ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'ec' + 'ff'.repeat(30) + '7f',
    'ed' + 'ff'.repeat(30) + '7f', 'ee' + 'ff'.repeat(30) + '7f', '00'.repeat(31) + '80'].map(fromHex);
  const u = fc.oneof(bytes(32), fc.constantFrom(...lowOrder), fc.uint8Array({ minLength: 0, maxLength: 40 }));
  fc.assert(fc.property(fc.oneof(bytes(32), fc.uint8Array({ minLength: 0, maxLength: 40 })), u, (k, pub) => {
    assert.is(outcome(() => x.scalarMult(k, pub)), outcome(() => fullX.scalarMult(k, pub)));
    assert.is(outcome(() => x.getSharedSecret(k, pub)), outcome(() => fullX.getSharedSecret(k, pub)));
  }), { numRuns: 4 * RUNS });
  for (const p of lowOrder) assert.is(outcome(() => x.getSharedSecret(new Uint8Array(32).fill(7), p)), 'throws', toHex(p));
});

test('in XS, the device port (no base-point table) gives noble\'s results on deterministic keys and messages', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/curve25519-entry.ts')], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const { reports } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reports: Record<string, unknown> };
  const want: string[] = [], verdicts: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    const sk = sha256(Uint8Array.of(1, i)), msg = sha256(Uint8Array.of(2, i)).subarray(0, i * 5);
    const pk = fullEd.getPublicKey(sk), sig = fullEd.sign(msg, sk);
    want.push(toHex(pk), toHex(sig));
    verdicts.push(fullEd.verify(sig, msg, pk));
    const bad = sig.slice(); bad[i * 7] ^= 1;
    verdicts.push(fullEd.verify(bad, msg, pk));
    const a = sha256(Uint8Array.of(3, i)), b = sha256(Uint8Array.of(4, i));
    const B = fullX.getPublicKey(b);
    want.push(toHex(fullX.getPublicKey(a)), toHex(B), toHex(fullX.getSharedSecret(a, B)));
  }
  const got = (reports['curve25519-bytes'] as { hex: string }[]).map((b) => b.hex); // run.ts reports bytes as { hex }
  assert.equal(got, want);
  assert.equal(reports['curve25519-verdicts'], verdicts);
  assert.ok(verdicts.includes(false) && verdicts.includes(true));
});

test('the port loads none of what @noble/curves/ed25519.js builds beside Ed25519/X25519', async () => {
  const r = await build({ entryPoints: [join(root, 'protocol/crypto/noble.ts')], bundle: true, write: false, metafile: true, logLevel: 'silent', platform: 'neutral', mainFields: ['module', 'main'] });
  const inputs = Object.keys(r.metafile.inputs);
  for (const banned of ['@noble/curves/ed25519.js', 'abstract/hash-to-curve.js', 'abstract/frost.js', 'abstract/oprf.js', 'abstract/weierstrass.js'])
    assert.not.ok(inputs.some((f) => f.endsWith(banned)), `${banned} is in the port's module graph`);
  assert.ok(inputs.some((f) => f.endsWith('abstract/edwards.js')) && inputs.some((f) => f.endsWith('abstract/montgomery.js')));
});

test.run();
