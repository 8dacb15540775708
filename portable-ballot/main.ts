// The portable ballot's Moddable entry point (manifest "creation.main": "portable-ballot/main").
// Builds the ports for the platform (hosts/moddable/platform: the board, or platform-sim on the
// simulator), reads or makes the device's keys (their own flash block, hosts/moddable/device-boot;
// the Ed25519 one is enrolled at the precinct through identify), starts the portable ballot
// (portable-ballot/device.ts), serves its link and runs the boot self-test, tracing the report
// ("PORTABLE SELFTEST PASS|FAIL"). Screens are traced, not drawn, until the Piu screens get
// their fonts (docs/moddable.md).
import '../hosts/moddable/globals'; // first (and preloaded): Error names and TextEncoder for noble
import { ModdableClock } from '../hosts/moddable/clock';
import { openPlatform } from '../hosts/moddable/platform';
import { buildKeys, deviceSecrets, traceKeys, traceLine, traceSelfTest } from '../hosts/moddable/device-boot';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { toHex } from '../protocol/bytes';
import type { DisplayPort } from '../runtime/ports';
import { PORTABLE_SLOT_BYTES, PortableBallot, type PortableLayout } from './device';
import type { PortableScreen } from './screens';

const FIRMWARE = '0.1.0';
/** The simulator's RAM flash: journal 12, list 13 (208 voters), slots 26 (208 votes), codes, scratch, key block. */
const SIM_BLOCKS = 54;

/**
 * On the board's 512-block partition: journal 28, list 188 blocks (3,008 voters), slots 290
 * blocks (2,320 home votes), codes, scratch, key block (509 blocks; PRECINCT_LAYOUT's 376 slot
 * blocks do not fit a 2 MiB partition).
 */
function layoutFor(blocks: number): { layout: PortableLayout; keyBlock: number } {
  if (blocks >= 509) {
    return {
      layout: { journal: { firstBlock: 0, blockCount: 28 }, voters: { firstBlock: 28, blockCount: 188 }, slots: { firstBlock: 216, blockCount: 290, slotBytes: PORTABLE_SLOT_BYTES }, codesBlock: 506, scratchBlock: 507 },
      keyBlock: 508,
    };
  }
  return {
    layout: { journal: { firstBlock: 0, blockCount: 12 }, voters: { firstBlock: 12, blockCount: 13 }, slots: { firstBlock: 25, blockCount: 26, slotBytes: PORTABLE_SLOT_BYTES }, codesBlock: 51, scratchBlock: 52 },
    keyBlock: 53,
  };
}

class TraceDisplay implements DisplayPort<PortableScreen> {
  show(s: PortableScreen): void { traceLine(`PORTABLE screen ${s.mode}/${s.screen.id}`); }
  onTouch(): void {}
}

async function main(): Promise<void> {
  traceLine(`PORTABLE boot ${FIRMWARE}`);
  const clock = new ModdableClock();
  const p = openPlatform(clock, SIM_BLOCKS);
  const keys = buildKeys('PB-UNSET');
  traceLine(`PORTABLE flash: ${p.where}, ${p.flash.blockCount} x ${p.flash.blockSize} B`);
  const { layout, keyBlock } = layoutFor(p.flash.blockCount);
  const secrets = deviceSecrets(p.flash, keyBlock, p.entropy);
  const noise = noiseKeyPair(crypto, secrets.noiseSecret);
  const dev = new PortableBallot({
    ports: { flash: p.flash, clock, entropy: p.entropy, crypto, display: new TraceDisplay(), power: p.power, sound: p.sound },
    layout,
    identity: { serial: keys.serial, firmwareVersion: FIRMWARE, firmwareHash: new Uint8Array(32), noisePublicKey: noise.publicKey, signingKey: secrets.signingSeed },
    authorityKeys: keys.authorityKeys,
  });
  traceKeys('PORTABLE', keys, p.link !== undefined);
  traceLine(`PORTABLE state ${dev.state}; noise key ${toHex(noise.publicKey)}; journal ${dev.journal.count} records`);
  if (p.link) dev.attachLink(p.link, noise, keys.precinctKeys);
  traceSelfTest('PORTABLE', await dev.runSelfTest());
}

main().catch((e: unknown) => { traceLine(`PORTABLE boot failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`); });
