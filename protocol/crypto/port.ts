// The crypto port: the primitives the protocol, the card formats and the devices use.
// Device code calls only this interface, so a host can supply native crypto (Node's
// crypto module, an ESP32's hardware SHA) while XS uses the pure-TS noble libraries
// (protocol/crypto/noble). Only primitives live here; constructions built on them
// (Noise KK, HPKE) live beside it and are tested against their published vectors.

export interface CryptoPort {
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869 HKDF-SHA256: extract then expand. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** RFC 8032 Ed25519. Secret keys are the 32-byte seed. */
  ed25519PublicKey(secretKey: Uint8Array): Uint8Array;
  ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** false for any malformed key or signature; never throws. */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** RFC 7748 X25519. */
  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** Throws a ProtocolError('crypto-low-order') when the result is all zeros. */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** RFC 8439 AEAD; returns ciphertext || 16-byte tag. */
  chacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** null when the tag does not verify. */
  chacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array | null;
}

/** Randomness comes from the host (XS has no crypto.getRandomValues, and its built-in PRNG repeats every boot). */
export interface EntropyPort {
  randomBytes(length: number): Uint8Array;
}
