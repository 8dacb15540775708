// The voting terminal's Moddable entry point (manifest "creation.main": "terminal/main").
// Builds the ports for the platform (hosts/moddable/platform: the board, or platform-sim on the
// simulator), starts the terminal (terminal/device.ts), serves its link to the precinct
// computer and runs the boot self-test, tracing the report ("TERMINAL SELFTEST PASS|FAIL").
// The terminal keeps its own keys in its journal (made at first boot from the entropy port).
// Screens are traced, not drawn, until the Piu ballot display gets its fonts (docs/moddable.md).
import '../hosts/moddable/globals'; // first (and preloaded): Error names and TextEncoder for noble
import { ModdableClock } from '../hosts/moddable/clock';
import { openPlatform } from '../hosts/moddable/platform';
import { buildKeys, traceKeys, traceLine, traceSelfTest } from '../hosts/moddable/device-boot';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { toHex } from '../protocol/bytes';
import type { DisplayPort } from '../runtime/ports';
import { Terminal, type TerminalLayout } from './device';
import type { Screen } from './screens/types';

const FIRMWARE = '0.1.0';
/** The simulator's RAM flash: a 48-block journal, the code block, the scratch block. */
const SIM_BLOCKS = 50;

/** The journal on all but the last two blocks; the used-code bitmap; the self-test's scratch block. */
function layoutFor(blocks: number): TerminalLayout {
  return { journal: { firstBlock: 0, blockCount: blocks - 2 }, codesBlock: blocks - 2, scratchBlock: blocks - 1 };
}

class TraceDisplay implements DisplayPort<Screen> {
  show(screen: Screen): void { traceLine(`TERMINAL screen ${screen.id}`); }
  onTouch(): void {}
}

async function main(): Promise<void> {
  traceLine(`TERMINAL boot ${FIRMWARE}`);
  const clock = new ModdableClock();
  const p = openPlatform(clock, SIM_BLOCKS);
  const keys = buildKeys('TRM-UNSET');
  traceLine(`TERMINAL flash: ${p.where}, ${p.flash.blockCount} x ${p.flash.blockSize} B`);
  const terminal = new Terminal({
    ports: { flash: p.flash, clock, entropy: p.entropy, crypto, cardReader: p.cardReader, buttons: p.buttons, power: p.power, display: new TraceDisplay() },
    layout: layoutFor(p.flash.blockCount),
    identity: { serial: keys.serial, firmwareVersion: FIRMWARE, firmwareHash: new Uint8Array(32) },
    authorityKeys: keys.authorityKeys,
    onFault: (e) => traceLine(`TERMINAL fault: ${String(e)}`),
  });
  traceKeys('TERMINAL', keys, p.link !== undefined);
  traceLine(`TERMINAL state ${terminal.state}; noise key ${toHex(terminal.noiseKey.publicKey)}; journal ${terminal.journal.count} records`);
  if (p.link) terminal.attachLink(p.link, keys.precinctKeys);
  traceSelfTest('TERMINAL', await terminal.runSelfTest());
}

main().catch((e: unknown) => { traceLine(`TERMINAL boot failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`); });
