// Runs inside XS: the preload-safe SHA-2 (protocol/crypto/sha2) over deterministic inputs of
// every length around the block boundaries, one-shot and fed in pieces; tests/crypto-sha2.test.ts
// compares each digest with @noble/hashes on Node.
import { sha256, sha512 } from '../../protocol/crypto/sha2';
import { report } from '../../hosts/xs/guest/bridge';

const out: Uint8Array[] = [];
for (let n = 0; n <= 300; n += 7) {
  const msg = new Uint8Array(n);
  for (let i = 0; i < n; i++) msg[i] = (i * 31 + n) & 0xff;
  out.push(sha256(msg), sha512(msg));
  const h = sha512.create(), g = sha256.create();
  for (let at = 0; at < n; at += 13) { h.update(msg.subarray(at, at + 13)); g.update(msg.subarray(at, at + 13)); }
  out.push(g.digest(), h.digest());
}
report('sha2', out);
