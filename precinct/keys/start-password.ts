// The start password (001 §4-1): generated once at setup, printed once for the sealed
// envelope, never stored. Twenty decimal digits in five groups of four: 66.4 bits from the
// entropy port, typed on any keyboard without switching layout (Latin and Cyrillic letters
// look alike — a Cyrillic "С" typed for a Latin "C" would be a wrong password; digits have
// no such trap) and with no look-alike characters to misread.
//
// The password's scrypt *verifier* (RFC 7914, N = 2^logN, r = 8, p = 1) is what devices
// check at "open" (protocol/start-password.ts); the age seal of the election key uses its
// own scrypt with another label and salt (election-key.ts), so the verifier opens nothing.
import { scrypt as scryptCallback } from 'node:crypto';
import { concatBytes, utf8Encode } from '../../protocol/bytes';
import type { EntropyPort } from '../../protocol/crypto/port';
import { START_VERIFIER_LENGTH } from '../../protocol/start-password';
import { PrecinctError } from '../errors';

export const START_PASSWORD_GROUPS = 5;
export const START_PASSWORD_GROUP_LENGTH = 4;
export const START_PASSWORD_DIGITS = START_PASSWORD_GROUPS * START_PASSWORD_GROUP_LENGTH;
/** Production scrypt work factor (2^18, age's default): about 0.6 s native, 0.9 s noble here (bench/keys.ts). */
export const DEFAULT_LOG_N = 18;
/** Tests may go lower; age refuses to open anything above 2^20. */
export const MIN_LOG_N = 10;
export const MAX_LOG_N = 20;

/** Bits of entropy of a generated password: 20 uniform decimal digits. */
export function startPasswordEntropyBits(): number {
  return START_PASSWORD_DIGITS * Math.log2(10);
}

/** A uniform decimal digit: a byte below 250 (= 25 × 10) taken mod 10; others are drawn again. */
function randomDigit(entropy: EntropyPort): number {
  for (;;) {
    const b = entropy.randomBytes(1);
    if (b.length !== 1) throw new PrecinctError('key-bad-argument', 'the entropy port returned the wrong length');
    if (b[0] < 250) return b[0] % 10;
  }
}

/** `groups` groups of `groupLength` uniform digits, space-separated ("0421 7730 …"). */
export function generateDigitGroups(entropy: EntropyPort, groups = START_PASSWORD_GROUPS, groupLength = START_PASSWORD_GROUP_LENGTH): string {
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let s = '';
    for (let i = 0; i < groupLength; i++) s += String(randomDigit(entropy));
    out.push(s);
  }
  return out.join(' ');
}

export function generateStartPassword(entropy: EntropyPort): string {
  return generateDigitGroups(entropy);
}

/**
 * The canonical form of a typed password: spaces and hyphens dropped, exactly 20 ASCII
 * digits. Anything else is a typing slip, reported as such (not as a wrong password).
 */
export function normalizeStartPassword(typed: string): string {
  const s = typed.replace(/[\s-]+/g, '');
  if (!/^[0-9]+$/.test(s) || s.length !== START_PASSWORD_DIGITS) {
    throw new PrecinctError('start-password-malformed', `the start password is ${START_PASSWORD_DIGITS} digits in ${START_PASSWORD_GROUPS} groups of ${START_PASSWORD_GROUP_LENGTH}; check what was typed`);
  }
  return s;
}

/** "01234567…" → "0123 4567 …" */
export function groupStartPassword(canonical: string): string[] {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += START_PASSWORD_GROUP_LENGTH) groups.push(canonical.slice(i, i + START_PASSWORD_GROUP_LENGTH));
  return groups;
}

export function checkLogN(logN: number): void {
  if (!Number.isInteger(logN) || logN < MIN_LOG_N || logN > MAX_LOG_N) {
    throw new PrecinctError('key-bad-argument', `scrypt work factor 2^${logN} is outside 2^${MIN_LOG_N}..2^${MAX_LOG_N}`);
  }
}

/** RFC 7914 scrypt through OpenSSL (off the event loop), r = 8, p = 1, 32 bytes. */
export function scrypt32(password: Uint8Array, salt: Uint8Array, logN: number): Promise<Uint8Array> {
  const N = 2 ** logN;
  const r = 8;
  // OpenSSL refuses when 128·N·r exceeds maxmem (32 MiB by default; 2^18 needs 256 MiB).
  const maxmem = 128 * N * r + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, 32, { N, r, p: 1, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.length).slice());
    });
  });
}

const VERIFIER_LABEL = utf8Encode('sailau/start-password/v1');

/**
 * V = scrypt(password, "sailau/start-password/v1" || 0x00 || electionFingerprint || salt).
 * The fingerprint in the salt binds V to one election; the random salt to one setup.
 */
export async function startPasswordVerifier(canonicalPassword: string, electionFingerprint: Uint8Array, salt: Uint8Array, logN: number): Promise<Uint8Array> {
  checkLogN(logN);
  if (electionFingerprint.length !== 32) throw new PrecinctError('key-bad-argument', 'election fingerprint must be 32 bytes');
  if (salt.length !== 16) throw new PrecinctError('key-bad-argument', 'verifier salt must be 16 bytes');
  const v = await scrypt32(utf8Encode(canonicalPassword), concatBytes(VERIFIER_LABEL, Uint8Array.of(0), electionFingerprint, salt), logN);
  if (v.length !== START_VERIFIER_LENGTH) throw new Error('scrypt returned the wrong length');
  return v;
}

/**
 * The password, handed out exactly once (to print the envelope sheet). A second take
 * throws: nothing in the program keeps it, so nothing can show it again.
 */
export class OneTimeStartPassword {
  private value: string | null;
  constructor(password: string) { this.value = password; }
  get taken(): boolean { return this.value === null; }
  take(): string {
    if (this.value === null) throw new PrecinctError('start-password-taken', 'the start password was already printed; if the envelope sheet was lost, generate a new election key before provisioning devices');
    const v = this.value;
    this.value = null;
    return v;
  }
}
