// Runs inside XS (tests/xs-conversation.test.ts): the accumulator (accumulator/device.ts) on RAM
// flash with an empty reader, served on a link to the precinct computer on Node
// (accumulator/link.ts over hosts/xs/guest/link.ts). Its keys are made here from the host's
// randomness. config: { authority, enrolled } (public keys).
import { hostEntropy, report } from '../../hosts/xs/guest/bridge';
import { HostLink, hostConfig, serveHostLink } from '../../hosts/xs/guest/link';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { noiseKeyPair } from '../../protocol/crypto/noise';
import { SimFlash } from '../../runtime/flash/sim';
import { VirtualClock } from '../../runtime/virtual-clock';
import { Accumulator } from '../../accumulator/device';
import { serveAccumulator } from '../../accumulator/link';
import type { AccumulatorScreen } from '../../accumulator/screens';
import { CountingSound, EmptyReader, LastScreen } from './convo-ports';

const SMALL_LAYOUT = { journal: { firstBlock: 0, blockCount: 16 }, slots: { firstBlock: 16, blockCount: 4 }, scratchBlock: 20 };

const config = hostConfig() as { authority: Uint8Array; enrolled: Uint8Array };
const clock = new VirtualClock();
const noise = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
const acc = new Accumulator({
  ports: { flash: new SimFlash(21), clock, entropy: hostEntropy, crypto, cardReader: new EmptyReader(), display: new LastScreen<AccumulatorScreen>(), sound: new CountingSound() },
  layout: SMALL_LAYOUT,
  identity: { serial: 'XS-ACC-1', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), noisePublicKey: noise.publicKey, signingKey: hostEntropy.randomBytes(32) },
  authorityKeys: [config.authority],
});
const link = new HostLink();
serveAccumulator(acc, { link, clock, crypto, entropy: hostEntropy, staticKey: noise, enrolledKeys: [config.enrolled] });
serveHostLink(link, clock);
report('noisePublic', noise.publicKey);
