// XS budget scenario (hosts/xs/budgets.json): the precinct link — a Noise KK handshake and one
// RPC over an in-memory link (as tests/xs/precinct-link-entry.ts), both ends in XS, then a
// second RPC on the open session. Figures include both ends (client and device).
import { installSteps } from '../../hosts/xs/guest/steps';
import { hostEntropy } from '../../hosts/xs/guest/bridge';
import { Identify, SetTime, commonRegistry } from '../../protocol/wire/messages';
import { RpcServer } from '../../protocol/wire/rpc';
import { noiseKeyPair } from '../../protocol/crypto/noise';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { SessionClient, SessionServer } from '../../protocol/session';
import { VirtualClock } from '../../runtime/virtual-clock';
import { memoryLinkPair } from '../../hosts/node/memory-link';

let client: SessionClient;
installSteps({
  keys() {
    const pc = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
    const dev = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
    const pair = memoryLinkPair();
    const rpc = new RpcServer(commonRegistry());
    rpc.on(Identify, () => ({ kind: 'terminal', serial: 'XS-1', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), publicKey: dev.publicKey }));
    rpc.on(SetTime, () => ({}));
    new SessionServer({ link: pair.a, crypto, entropy: hostEntropy, staticKey: dev, enrolledKeys: [pc.publicKey], rpc });
    client = new SessionClient({ link: pair.b, crypto, entropy: hostEntropy, clock: new VirtualClock(), staticKey: pc, remoteStaticPublicKey: dev.publicKey });
  },
  async handshakeAndRpc() {
    const id = await client.call(Identify, {});
    if (id.serial !== 'XS-1') throw new Error('identify');
  },
  async rpc() {
    await client.call(SetTime, { wallClockMs: 1764046800000 });
  },
});
