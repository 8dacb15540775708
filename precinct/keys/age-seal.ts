// Sealing secrets at rest with a passphrase: the age format's scrypt recipient
// (age-encryption.org/v1, `age-encryption` — typage by age's author, on noble). The
// passphrase goes through scrypt (N = 2^logN, r = 8, p = 1) with a random 16-byte salt;
// that key wraps a random file key; the header is MACed and the payload is STREAM
// ChaCha20-Poly1305 under keys derived from the file key. Nothing of our own here.
//
// age draws its salt, file key and nonce from Web Crypto's getRandomValues (the OS
// CSPRNG, the same source as hosts/node/entropy.ts); it has no hook for an EntropyPort.
import { Decrypter, Encrypter, type Identity, type Stanza } from 'age-encryption';
import { PrecinctError } from '../errors';
import { checkLogN } from './start-password';

export async function ageSealWithPassphrase(plaintext: Uint8Array, passphrase: string, logN: number): Promise<Uint8Array> {
  checkLogN(logN);
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(logN);
  return await e.encrypt(plaintext);
}

/**
 * Opens an age file sealed with a passphrase. Returns null when the passphrase does not
 * unwrap the file key (a wrong passphrase — or an altered salt or wrapped key, which no one
 * can tell apart from a wrong passphrase); throws PrecinctError(`corruptCode`) for any
 * other failure (not an age file, altered header or payload, truncation).
 */
export async function ageOpenWithPassphrase(file: Uint8Array, passphrase: string, corruptCode: string): Promise<Uint8Array | null> {
  // age's own passphrase identity returns null on a wrong passphrase, and then Decrypter
  // throws a generic error. This identity runs after it and only records whether it got
  // that far with a well-formed single scrypt stanza, so the two cases are told apart
  // without depending on the library's error text.
  let passphraseRefused = false;
  const witness: Identity = {
    unwrapFileKey(stanzas: Stanza[]): null {
      passphraseRefused = stanzas.length === 1 && stanzas[0].args[0] === 'scrypt';
      return null;
    },
  };
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  d.addIdentity(witness);
  try {
    return await d.decrypt(file);
  } catch (err) {
    if (passphraseRefused) return null;
    throw new PrecinctError(corruptCode, `the sealed file is damaged or altered (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The work factor an age passphrase file declares (its scrypt stanza), or null if it has none. */
export function ageScryptLogN(file: Uint8Array): number | null {
  // The header is text: "age-encryption.org/v1\n-> scrypt <salt> <logN>\n…".
  const head = new TextDecoder('utf-8', { fatal: false }).decode(file.subarray(0, 200));
  const m = /^age-encryption\.org\/v1\n-> scrypt \S+ ([1-9][0-9]*)\n/.exec(head);
  return m ? Number(m[1]) : null;
}
