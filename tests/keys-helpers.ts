// Shared by the keys and code-set tests: deterministic entropy sources and a rejection check.
import * as assert from 'uvu/assert';
import { ProtocolError, concatBytes, utf8Encode } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';
import type { EntropyPort } from '../protocol/crypto/port';

/**
 * A deterministic stream for statistical tests that must not be flaky: SHA-256(seed ||
 * counter) blocks. Not for anything but tests.
 */
export function seededEntropy(seed: string): EntropyPort {
  const s = utf8Encode(seed);
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return {
    randomBytes(n: number): Uint8Array {
      while (pool.length < n) {
        const c = new Uint8Array(8);
        new DataView(c.buffer).setFloat64(0, counter++);
        pool = concatBytes(pool, nobleCrypto.sha256(concatBytes(s, c)));
      }
      const out = pool.slice(0, n);
      pool = pool.slice(n);
      return out;
    },
  };
}

/** Hands out exactly the given bytes, then fails the test. */
export function scriptedEntropy(bytes: number[]): EntropyPort {
  let at = 0;
  return {
    randomBytes(n: number): Uint8Array {
      if (at + n > bytes.length) throw new Error('scripted entropy exhausted');
      const out = Uint8Array.from(bytes.slice(at, at + n));
      at += n;
      return out;
    },
  };
}

/** Awaits fn and checks it rejects; with a code, with a ProtocolError of that code. */
export async function rejectsWith(fn: () => Promise<unknown>, code: string | null, what = ''): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (code === null) return;
    assert.instance(err, ProtocolError, `${what}: ${String(err)}`);
    assert.is((err as ProtocolError).code, code, what);
    return;
  }
  assert.unreachable(`expected a rejection${code ? ` (${code})` : ''} ${what}`);
}

export function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
