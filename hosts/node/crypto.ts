// CryptoPort on Node's native crypto (OpenSSL): the precinct computer and the Node hosts
// use it for speed. It behaves like protocol/crypto/noble (tests/crypto-ports.test.ts
// checks both against the same published vectors and against each other):
// ed25519Verify returns false on any malformed input, x25519 throws
// ProtocolError('crypto-low-order') when it yields no shared secret, and
// chacha20poly1305Open returns null when the tag does not verify.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ProtocolError } from '../../protocol/bytes';
import type { CryptoPort } from '../../protocol/crypto/port';

// DER headers that wrap a raw 32-byte key as PKCS#8 / SubjectPublicKeyInfo (RFC 8410):
// OpenSSL takes raw Ed25519/X25519 keys only in these containers.
const ED25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const ED25519_SPKI = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const X25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const X25519_SPKI = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]);

/** A plain Uint8Array copy (a Buffer would compare unequal to noble's results in tests and leak Buffer's API). */
function plain(b: Uint8Array | ArrayBuffer): Uint8Array {
  if (b instanceof ArrayBuffer) return new Uint8Array(b.slice(0));
  const out = new Uint8Array(b.length); // not b.slice(): a Buffer's slice is a Buffer (species)
  out.set(b);
  return out;
}

function raw32(key: Uint8Array, what: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new Error(`${what} must be 32 bytes`);
  return key;
}

function wrap(prefix: Uint8Array, key: Uint8Array): Buffer {
  return Buffer.concat([prefix, key]);
}

function privateKey(prefix: Uint8Array, secretKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: wrap(prefix, raw32(secretKey, 'secret key')), format: 'der', type: 'pkcs8' });
}

function publicKey(prefix: Uint8Array, key: Uint8Array): KeyObject {
  return createPublicKey({ key: wrap(prefix, raw32(key, 'public key')), format: 'der', type: 'spki' });
}

function rawPublic(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return plain(der.subarray(der.length - 32));
}

export const nodeCrypto: CryptoPort = {
  sha256: (data) => plain(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => plain(createHmac('sha256', key).update(data).digest()),
  hkdfSha256: (ikm, salt, info, length) => {
    // OpenSSL caps info at 1024 bytes; RFC 5869 does not, so longer info goes to noble's HKDF.
    if (info.length > 1024) return nobleHkdf(sha256, ikm, salt, info, length);
    return plain(hkdfSync('sha256', ikm, salt, info, length));
  },
  ed25519PublicKey: (secretKey) => rawPublic(createPublicKey(privateKey(ED25519_PKCS8, secretKey))),
  ed25519Sign: (message, secretKey) => plain(sign(null, message, privateKey(ED25519_PKCS8, secretKey))),
  ed25519Verify: (signature, message, pub) => {
    try {
      if (signature.length !== 64) return false;
      return verify(null, message, publicKey(ED25519_SPKI, pub), signature);
    } catch {
      return false;
    }
  },
  x25519PublicKey: (secretKey) => rawPublic(createPublicKey(privateKey(X25519_PKCS8, secretKey))),
  x25519: (secretKey, pub) => {
    let shared: Uint8Array;
    try {
      shared = plain(diffieHellman({ privateKey: privateKey(X25519_PKCS8, secretKey), publicKey: publicKey(X25519_SPKI, pub) }));
    } catch {
      // OpenSSL refuses an all-zero result (a low-order point); like the noble port, any
      // failure here is reported as "no shared secret".
      throw new ProtocolError('crypto-low-order', 'X25519 produced no shared secret');
    }
    let d = 0;
    for (let i = 0; i < shared.length; i++) d |= shared[i];
    if (d === 0) throw new ProtocolError('crypto-low-order', 'X25519 shared secret is all zeros');
    return shared;
  },
  chacha20poly1305Seal: (key, nonce, plaintext, aad) => {
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    return plain(body);
  },
  chacha20poly1305Open: (key, nonce, ciphertext, aad) => {
    if (ciphertext.length < 16) return null;
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    d.setAAD(aad, { plaintextLength: ciphertext.length - 16 });
    const body = d.update(ciphertext.subarray(0, ciphertext.length - 16));
    try {
      return plain(Buffer.concat([body, d.final()]));
    } catch {
      return null;
    }
  },
};
