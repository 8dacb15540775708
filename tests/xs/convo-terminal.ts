// Runs inside XS (tests/xs-conversation.test.ts): the voting terminal (terminal/device.ts) on
// RAM flash with no card in the reader, served on a link to the precinct computer on Node
// (hosts/xs/guest/link.ts). config: { authority, enrolled } (public keys).
import { hostEntropy, report } from '../../hosts/xs/guest/bridge';
import { HostLink, hostConfig, serveHostLink } from '../../hosts/xs/guest/link';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { SimFlash } from '../../runtime/flash/sim';
import { VirtualClock } from '../../runtime/virtual-clock';
import { Terminal } from '../../terminal/device';
import { EmptyReader } from './convo-ports';
import { TERMINAL_BLOCKS, TERMINAL_LAYOUT } from '../terminal-helpers';

const config = hostConfig() as { authority: Uint8Array; enrolled: Uint8Array };
const clock = new VirtualClock();
const terminal = new Terminal({
  ports: { flash: new SimFlash(TERMINAL_BLOCKS), clock, entropy: hostEntropy, crypto, cardReader: new EmptyReader() },
  layout: TERMINAL_LAYOUT,
  identity: { serial: 'XS-TRM-1', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32) },
  authorityKeys: [config.authority],
});
const link = new HostLink();
terminal.attachLink(link, [config.enrolled]);
serveHostLink(link, clock);
report('noisePublic', terminal.noiseKey.publicKey);
