// Runs inside XS (tests/xs-conversation.test.ts): the portable ballot (portable-ballot/device.ts)
// on RAM flash, on mains, served on a link to the precinct computer on Node
// (hosts/xs/guest/link.ts). config: { authority, enrolled, signingKey } — the device's Ed25519
// seed is enrolled at the precinct, so the test gives it; the Noise key is made here.
import { hostEntropy, report } from '../../hosts/xs/guest/bridge';
import { HostLink, hostConfig, serveHostLink } from '../../hosts/xs/guest/link';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { noiseKeyPair } from '../../protocol/crypto/noise';
import { SimFlash } from '../../runtime/flash/sim';
import { VirtualClock } from '../../runtime/virtual-clock';
import { PORTABLE_SLOT_BYTES, PortableBallot } from '../../portable-ballot/device';
import type { PortableScreen } from '../../portable-ballot/screens';
import { LastScreen, MAINS } from './convo-ports';

const LAYOUT = {
  journal: { firstBlock: 0, blockCount: 12 },
  voters: { firstBlock: 12, blockCount: 13 },
  slots: { firstBlock: 25, blockCount: 26, slotBytes: PORTABLE_SLOT_BYTES },
  codesBlock: 51,
  scratchBlock: 52,
};

const config = hostConfig() as { authority: Uint8Array; enrolled: Uint8Array; signingKey: Uint8Array };
const clock = new VirtualClock();
const noise = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
const dev = new PortableBallot({
  ports: { flash: new SimFlash(53), clock, entropy: hostEntropy, crypto, display: new LastScreen<PortableScreen>(), power: MAINS },
  layout: LAYOUT,
  identity: { serial: 'XS-PB-1', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), noisePublicKey: noise.publicKey, signingKey: config.signingKey },
  authorityKeys: [config.authority],
});
const link = new HostLink();
dev.attachLink(link, noise, [config.enrolled]);
serveHostLink(link, clock);
report('noisePublic', noise.publicKey);
