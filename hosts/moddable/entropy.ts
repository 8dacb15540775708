// EntropyPort on Moddable. The device's keys, nonces and Noise ephemerals all come from here,
// so it must be a real random number generator or nothing. The bytes come from the platform in
// one native call (hosts/moddable/random.c): on the ESP32 esp_fill_random with the SAR ADC
// entropy source switched on (the radio stays off), on the simulators /dev/urandom. XS's own
// random function is not used: on the simulators it is the C library's rand(), the same
// sequence every boot, and Moddable has no CSPRNG module.
import fillRandom from './random';
import type { EntropyPort } from '../../runtime/ports';

export class NoHardwareRngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoHardwareRngError';
  }
}

/** The platform RNG, with a health check: a generator stuck on one value is a fault, not randomness. */
export class PlatformEntropy implements EntropyPort {
  constructor(private readonly fill: (buffer: ArrayBuffer) => void = fillRandom) {}

  randomBytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`randomBytes: bad length ${length}`);
    const out = new Uint8Array(length);
    if (length === 0) return out;
    this.fill(out.buffer);
    // 16 or more bytes all the same: probability 2^-120 from a working generator
    if (length >= 16 && out.every((b) => b === out[0])) throw new NoHardwareRngError('random number generator gives constant output');
    return out;
  }
}

/** The platform's entropy, checked once; throws (the device does not start) where there is none. */
export function openEntropy(): EntropyPort {
  const e = new PlatformEntropy();
  e.randomBytes(64);
  return e;
}
