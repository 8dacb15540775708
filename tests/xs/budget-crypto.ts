// XS budget scenario (hosts/xs/budgets.json): each CryptoPort primitive once, on the noble port
// as the devices configure it (protocol/crypto/noble.ts: no base-point table).
import { installSteps } from '../../hosts/xs/guest/steps';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';

const data = new Uint8Array(1024).map((_, i) => (i * 7) & 0xff);
const seed = new Uint8Array(32).fill(1);
let edPublic: Uint8Array, signature: Uint8Array, xPublic: Uint8Array, sealed: Uint8Array;
const key = new Uint8Array(32).fill(2), nonce = new Uint8Array(12);
installSteps({
  sha256_1KiB() { crypto.sha256(data); },
  hmacSha256_1KiB() { crypto.hmacSha256(key, data); },
  hkdfSha256_64B() { crypto.hkdfSha256(key, nonce, data.subarray(0, 16), 64); },
  ed25519PublicKey() { edPublic = crypto.ed25519PublicKey(seed); },
  ed25519Sign_1KiB() { signature = crypto.ed25519Sign(data, seed); },
  ed25519Verify_1KiB() { if (!crypto.ed25519Verify(signature, data, edPublic)) throw new Error('verify'); },
  x25519PublicKey() { xPublic = crypto.x25519PublicKey(seed); },
  x25519Agree() { crypto.x25519(key, xPublic); },
  chachaSeal_1KiB() { sealed = crypto.chacha20poly1305Seal(key, nonce, data, nonce); },
  chachaOpen_1KiB() { if (!crypto.chacha20poly1305Open(key, nonce, sealed, nonce)) throw new Error('open'); },
});
