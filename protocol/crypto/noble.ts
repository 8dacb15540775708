// CryptoPort on the noble libraries: pure TypeScript, audited, runs in XS. Ed25519/X25519
// come from ./curve25519 (noble's abstract modules configured as @noble/curves/ed25519.js
// does, without the ristretto/hash-to-curve/OPRF/FROST that module also builds at load);
// the hashes and the AEAD are noble's narrowest entry points.
import { curve25519, type Curve25519 } from './curve25519';
import { sha256 } from './sha2';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ProtocolError } from '../bytes';
import type { CryptoPort } from './port';

// The devices keep no precomputed base-point table. noble builds one on the first Ed25519
// key operation (window 6: 1,408 points, about 7,150 heap slots = 112 KiB at 16 B a slot,
// plus ~240 KiB of bigint and array storage, and 12.8 M XS compute to build): more than a
// whole device's heap. Window 1 selects noble's table-less paths (a 32-point constant-time
// table per secret multiplication, width-4 wNAF for verification); in XS that costs about
// +2.1 M compute per signature and +1.0 M per verification. X25519 (./curve25519) uses the
// RFC 7748 ladder for public keys as well as agreement and never touches the table.
// Measured in docs/xs-budgets.md (bench/xs-budgets.ts --windows). The devices are the hosts
// without WebCrypto (xsnap has none, and hosts/moddable/globals deliberately supplies none);
// Node keeps noble's default table, where memory is plentiful and the table makes signing
// ~10x faster.
const hasWebCrypto = (): boolean => typeof (globalThis as { crypto?: { getRandomValues?: unknown } }).crypto?.getRandomValues === 'function';
/** noble's base-point window here: 1 (no table) on the devices, noble's own 6 elsewhere. */
export const NOBLE_BASE_WINDOW = hasWebCrypto() ? 6 : 1;

let curvesReady = false;
/** The curves, with the base-point window chosen on first use (at run time: the devices preload this module). */
function curves(): Curve25519 {
  const c = curve25519();
  if (!curvesReady) {
    if (!hasWebCrypto()) c.ed25519.Point.BASE.precompute(1);
    curvesReady = true;
  }
  return c;
}

function allZero(b: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < b.length; i++) d |= b[i];
  return d === 0;
}

export const nobleCrypto: CryptoPort = {
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  ed25519PublicKey: (secretKey) => curves().ed25519.getPublicKey(secretKey),
  ed25519Sign: (message, secretKey) => curves().ed25519.sign(message, secretKey),
  ed25519Verify: (signature, message, publicKey) => {
    try {
      return curves().ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
  x25519PublicKey: (secretKey) => curves().x25519.getPublicKey(secretKey),
  x25519: (secretKey, publicKey) => {
    let shared: Uint8Array;
    try {
      shared = curves().x25519.getSharedSecret(secretKey, publicKey);
    } catch {
      throw new ProtocolError('crypto-low-order', 'X25519 produced no shared secret');
    }
    if (allZero(shared)) throw new ProtocolError('crypto-low-order', 'X25519 shared secret is all zeros');
    return shared;
  },
  chacha20poly1305Seal: (key, nonce, plaintext, aad) => chacha20poly1305(key, nonce, aad).encrypt(plaintext),
  chacha20poly1305Open: (key, nonce, ciphertext, aad) => {
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(ciphertext);
    } catch {
      return null;
    }
  },
};
