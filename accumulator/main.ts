// The card accumulator's Moddable entry point (manifest "creation.main": "accumulator/main").
// Builds the ports for the platform (hosts/moddable/platform: the board, or platform-sim on the
// simulator), reads or makes the device's keys (their own flash block, hosts/moddable/device-boot),
// starts the accumulator (accumulator/device.ts), serves its link (accumulator/link.ts) and runs
// the boot self-test, tracing the report ("ACCUMULATOR SELFTEST PASS|FAIL").
// Screens are traced, not drawn, until the Piu screens get their fonts (docs/moddable.md).
import '../hosts/moddable/globals'; // first (and preloaded): Error names and TextEncoder for noble
import { ModdableClock } from '../hosts/moddable/clock';
import { openPlatform } from '../hosts/moddable/platform';
import { buildKeys, deviceSecrets, traceKeys, traceLine, traceSelfTest } from '../hosts/moddable/device-boot';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { toHex } from '../protocol/bytes';
import type { DisplayPort } from '../runtime/ports';
import { Accumulator, type AccumulatorLayout } from './device';
import { serveAccumulator } from './link';
import type { AccumulatorScreen } from './screens';

const FIRMWARE = '0.1.0';
/** The simulator's RAM flash: journal 16, 4 slot blocks (48 cards), scratch, key block. */
const SIM_BLOCKS = 22;

/** On the board's 512-block partition: a whole precinct (3,600 slots); the key block last. */
function layoutFor(blocks: number): { layout: AccumulatorLayout; keyBlock: number } {
  if (blocks >= 430) return { layout: { journal: { firstBlock: 0, blockCount: 128 }, slots: { firstBlock: 128, blockCount: 300 }, scratchBlock: 428 }, keyBlock: 429 };
  return { layout: { journal: { firstBlock: 0, blockCount: 16 }, slots: { firstBlock: 16, blockCount: 4 }, scratchBlock: 20 }, keyBlock: 21 };
}

class TraceDisplay implements DisplayPort<AccumulatorScreen> {
  show(screen: AccumulatorScreen): void { traceLine(`ACCUMULATOR screen ${screen.id} (accepted ${screen.accepted})`); }
  onTouch(): void {}
}

async function main(): Promise<void> {
  traceLine(`ACCUMULATOR boot ${FIRMWARE}`);
  const clock = new ModdableClock();
  const p = openPlatform(clock, SIM_BLOCKS);
  const keys = buildKeys('ACC-UNSET');
  traceLine(`ACCUMULATOR flash: ${p.where}, ${p.flash.blockCount} x ${p.flash.blockSize} B`);
  const { layout, keyBlock } = layoutFor(p.flash.blockCount);
  const secrets = deviceSecrets(p.flash, keyBlock, p.entropy);
  const noise = noiseKeyPair(crypto, secrets.noiseSecret);
  const acc = new Accumulator({
    ports: { flash: p.flash, clock, entropy: p.entropy, crypto, cardReader: p.cardReader, display: new TraceDisplay(), sound: p.sound, power: p.power },
    layout,
    identity: { serial: keys.serial, firmwareVersion: FIRMWARE, firmwareHash: new Uint8Array(32), noisePublicKey: noise.publicKey, signingKey: secrets.signingSeed },
    authorityKeys: keys.authorityKeys,
  });
  traceKeys('ACCUMULATOR', keys, p.link !== undefined);
  traceLine(`ACCUMULATOR state ${acc.state}; noise key ${toHex(noise.publicKey)}; journal ${acc.journal.count} records`);
  if (p.link) serveAccumulator(acc, { link: p.link, clock, crypto, entropy: p.entropy, staticKey: noise, enrolledKeys: keys.precinctKeys });
  traceSelfTest('ACCUMULATOR', await acc.runSelfTest());
}

main().catch((e: unknown) => { traceLine(`ACCUMULATOR boot failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`); });
