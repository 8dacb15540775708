// The start password's check value, as a device checks it at "open" (001 §4-1).
//
// The precinct computer never gives a device anything that could decrypt a vote. At setup
// it provisions each device (over the Noise link) with a 32-byte commitment
//   C = SHA-256("sailau/start-password/v1" || 0x00 || V)
// where V is the scrypt verifier of the start password (precinct/keys/start-password.ts:
// scrypt(password, label || fingerprint || salt), RFC 7914). At "open" the chairman types
// the password on the precinct computer, which recomputes V and sends it to each device
// over the authenticated, encrypted link; the device accepts only if the hash matches.
// V reveals neither the password nor the election key (different scrypt salt and label
// from the age seal). Device-safe: one SHA-256 and a constant-time compare.
// Design and reasoning: docs/keys.md.
import { concatBytes, constantTimeEqual, utf8Encode } from './bytes';
import type { CryptoPort } from './crypto/port';

export const START_VERIFIER_LENGTH = 32;
const DOMAIN = utf8Encode('sailau/start-password/v1');

/** The commitment a device is provisioned with. */
export function startPasswordCommitment(crypto: CryptoPort, verifier: Uint8Array): Uint8Array {
  return crypto.sha256(concatBytes(DOMAIN, Uint8Array.of(0), verifier));
}

/**
 * true when `verifier` (sent at "open") matches the provisioned commitment. A false result
 * is a security-relevant refusal: the caller logs it and stays closed.
 */
export function checkStartVerifier(crypto: CryptoPort, commitment: Uint8Array, verifier: Uint8Array): boolean {
  if (!(verifier instanceof Uint8Array) || verifier.length !== START_VERIFIER_LENGTH) return false;
  if (!(commitment instanceof Uint8Array) || commitment.length !== 32) return false;
  return constantTimeEqual(startPasswordCommitment(crypto, verifier), commitment);
}
