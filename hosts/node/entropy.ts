// EntropyPort on Node: the operating system's CSPRNG through Web Crypto's getRandomValues.
import { webcrypto } from 'node:crypto';
import type { EntropyPort } from '../../protocol/crypto/port';

// getRandomValues fills at most 65536 bytes per call (Web Crypto's quota).
const QUOTA = 65536;

export const nodeEntropy: EntropyPort = {
  randomBytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`randomBytes: bad length ${length}`);
    const out = new Uint8Array(length);
    for (let o = 0; o < length; o += QUOTA) webcrypto.getRandomValues(out.subarray(o, Math.min(length, o + QUOTA)));
    return out;
  },
};
