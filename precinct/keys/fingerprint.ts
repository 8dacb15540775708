// Public-key fingerprints for people: SHA-256 of the raw 32-byte public key (as
// docs/crypto.md names keys), the first 16 bytes as eight groups of four upper-case hex
// digits, e.g. "3F2A 9C01 77E4 B5D0 11AA 0C3B 9D2E 5F10". 128 bits: matching a given
// fingerprint with another key is a second-preimage search, far out of reach.
import { toHex } from '../../protocol/bytes';
import type { CryptoPort } from '../../protocol/crypto/port';
import { PrecinctError } from '../errors';

export const FINGERPRINT_PRINT_BYTES = 16;

export function keyFingerprintBytes(crypto: CryptoPort, publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new PrecinctError('key-bad-argument', 'public keys are 32 bytes');
  return crypto.sha256(publicKey);
}

export function keyFingerprint(crypto: CryptoPort, publicKey: Uint8Array): string {
  const hex = toHex(keyFingerprintBytes(crypto, publicKey).subarray(0, FINGERPRINT_PRINT_BYTES)).toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups.join(' ');
}
