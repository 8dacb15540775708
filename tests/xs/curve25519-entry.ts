// Runs inside XS: Ed25519/X25519 through the device port (protocol/crypto/noble: curve25519
// without the base-point table) on deterministic inputs; tests/crypto-curve25519.test.ts
// compares every result with noble's full ed25519/x25519 on Node.
import { nobleCrypto as c } from '../../protocol/crypto/noble';
import { report } from '../../hosts/xs/guest/bridge';

const seedOf = (i: number, tag: number) => c.sha256(Uint8Array.of(tag, i));
const out: Uint8Array[] = [];
const verdicts: boolean[] = [];
for (let i = 0; i < 6; i++) {
  const sk = seedOf(i, 1), msg = c.sha256(Uint8Array.of(2, i)).subarray(0, i * 5);
  const pk = c.ed25519PublicKey(sk);
  const sig = c.ed25519Sign(msg, sk);
  out.push(pk, sig);
  verdicts.push(c.ed25519Verify(sig, msg, pk));
  const bad = sig.slice(); bad[i * 7] ^= 1;
  verdicts.push(c.ed25519Verify(bad, msg, pk));
  const a = seedOf(i, 3), b = seedOf(i, 4);
  const B = c.x25519PublicKey(b);
  out.push(c.x25519PublicKey(a), B, c.x25519(a, B));
}
report('curve25519-bytes', out);
report('curve25519-verdicts', verdicts);
