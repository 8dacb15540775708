// EntropyPort on Moddable. The device's keys, nonces and Noise ephemerals all come from here,
// so it must be a real random number generator or nothing.
//
// What Moddable offers (SDK 8.2, checked in its sources):
//  - On ESP32 XS's Math.random() is `c_rand() / C_RAND_MAX` with
//    `c_rand() = 0x7fffffff & esp_random()` (xs/platforms/esp/xsHost.h): the ESP32's hardware
//    RNG, 31 bits a call. This port takes 16 bits of each call (the low bits of the 31-bit
//    value, recovered exactly from the double; the one excluded value C_RAND_MAX biases them
//    by ≈ 2^-31).
//  - Moddable's `crypt/etc/rng` module is RC4 seeded with 16 bytes of c_rand: a PRNG, not used.
//  - The simulators (lin/mac/win) define c_rand as the C library's rand(): predictable. And
//    the `file` module cannot read /dev/urandom there (it refuses to read past st_size, 0).
//    So the simulator has no real RNG reachable from JavaScript.
//
// Which one a build gets is stated by its manifest, per platform, in `config.entropy`:
//  - "esp_random": the hardware RNG (the esp32 platform section of each device manifest);
//  - "simulator-insecure": Math.random on the simulator, for trying the firmware out in mcsim
//    only — keys made with it are guessable; every use traces a warning;
//  - anything else, or nothing: openEntropy() throws and the device does not start.
// Bring-up caveat (ESP-IDF): esp_random() is a true RNG only while an entropy source runs —
// Wi-Fi/Bluetooth on, or the SAR ADC source (bootloader_random_enable()), which the
// bootloader turns off before the app starts. Our devices keep the radio off, so a board
// build must enable the ADC source (native glue, not written yet) before relying on this.
import config from 'mc/config';
import type { EntropyPort } from '../../runtime/ports';

const C_RAND_MAX = 0x7fffffff;

export class NoHardwareRngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoHardwareRngError';
  }
}

/** 16 bits of the platform's c_rand per Math.random() call (ESP32: esp_random). */
function draw16(): number {
  const r = Math.round(Math.random() * C_RAND_MAX);
  return r & 0xffff;
}

/** The ESP32's hardware RNG through XS's Math.random (see above). */
export class EspRandomEntropy implements EntropyPort {
  private last = -1;
  private repeats = 0;

  randomBytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`randomBytes: bad length ${length}`);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 2) {
      const v = draw16();
      // a stuck generator (the same 16 bits over and over) is a hardware fault, not randomness
      if (v === this.last) { if (++this.repeats >= 4) throw new NoHardwareRngError('hardware RNG repeats itself'); } else this.repeats = 0;
      this.last = v;
      out[i] = v & 0xff;
      if (i + 1 < length) out[i + 1] = v >>> 8;
    }
    return out;
  }
}

/** Math.random on the simulator: NOT secure (the C library's rand()). Simulator builds only. */
export class InsecureSimulatorEntropy implements EntropyPort {
  private warned = false;
  randomBytes(length: number): Uint8Array {
    if (!this.warned) { trace('WARNING: INSECURE ENTROPY (simulator build): keys made now are guessable\n'); this.warned = true; }
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = draw16() & 0xff;
    return out;
  }
}

/** The entropy source the manifest's `config.entropy` names; throws rather than fall back. */
export function openEntropy(): EntropyPort {
  const kind: unknown = (config as Record<string, unknown>).entropy;
  if (kind === 'esp_random') {
    const e = new EspRandomEntropy();
    // a first health check: 64 bytes must not be constant
    const probe = e.randomBytes(64);
    if (probe.every((b) => b === probe[0])) throw new NoHardwareRngError('hardware RNG gives constant output');
    return e;
  }
  if (kind === 'simulator-insecure') return new InsecureSimulatorEntropy();
  throw new NoHardwareRngError(`no hardware random number generator configured (manifest config.entropy is ${String(kind)}): refusing to start`);
}
