// A portable ballot on simulated hardware, for the simulated polling station and tests: file or
// memory flash, a memory or TCP link to the precinct computer, a simulated battery, the Node
// clock, entropy and crypto. Also the precinct side's mapping from its home-voting applications
// (precinct/home-voting.ts) to the list the device loads.
import type { ClockPort, CryptoPort, DisplayPort, EntropyPort, FlashPort, LinkPort } from '../../runtime/ports';
import { SimFlash } from '../../runtime/flash/sim';
import type { LinkEndpoint } from '../../runtime/link-endpoint';
import { noiseKeyPair, type NoiseKeyPair } from '../../protocol/crypto/noise';
import { PortableBallot, PRECINCT_LAYOUT, PRECINCT_LAYOUT_BLOCKS, type PortableLayout } from '../../portable-ballot/device';
import type { PortableScreen } from '../../portable-ballot/screens';
import type { HomeVoter } from '../../portable-ballot/voter-list';
import type { BallotConfig } from '../../terminal/ballot/config';
import type { HomeApplication } from '../../precinct/home-voting';
import { FileFlash } from './flash-file';
import { NodeClock } from './clock';
import { nodeCrypto } from './crypto';
import { nodeEntropy } from './entropy';
import { SimulatedPower } from './power';
import { TcpLinkServer } from './link-tcp';

export interface PortableHostOptions {
  /** A flash image file (kept across runs), or omitted for memory flash. */
  flashPath?: string;
  flash?: FlashPort;
  layout?: PortableLayout;
  blocks?: number;
  tcpPort?: number;
  link?: LinkPort;
  enrolledKeys?: readonly Uint8Array[];
  authorityKeys: readonly Uint8Array[];
  /** Ed25519 seed of the device (enrolled at the precinct as the portable ballot's key); random when omitted. */
  signingKey?: Uint8Array;
  noiseKey?: NoiseKeyPair;
  serial?: string;
  display?: DisplayPort<PortableScreen>;
  clock?: ClockPort;
  crypto?: CryptoPort;
  entropy?: EntropyPort;
  ballot?: Partial<BallotConfig>;
}

export interface PortableHost {
  device: PortableBallot;
  power: SimulatedPower;
  flash: FlashPort;
  noiseKey: NoiseKeyPair;
  endpoint: LinkEndpoint | undefined;
  tcp: TcpLinkServer | undefined;
  close(): Promise<void>;
}

class NullDisplay implements DisplayPort<PortableScreen> {
  show(): void {}
  onTouch(): void {}
}

export async function startPortableHost(o: PortableHostOptions): Promise<PortableHost> {
  const blocks = o.blocks ?? PRECINCT_LAYOUT_BLOCKS;
  const flash = o.flash ?? (o.flashPath ? FileFlash.open(o.flashPath, { blockCount: blocks }) : new SimFlash(blocks));
  const crypto = o.crypto ?? nodeCrypto;
  const entropy = o.entropy ?? nodeEntropy;
  const power = new SimulatedPower({ source: 'battery', batteryPercent: 100 });
  const noiseKey = o.noiseKey ?? noiseKeyPair(crypto, entropy.randomBytes(32));
  const device = new PortableBallot({
    ports: { flash, clock: o.clock ?? new NodeClock(), entropy, crypto, display: o.display ?? new NullDisplay(), power },
    layout: o.layout ?? PRECINCT_LAYOUT,
    identity: { serial: o.serial ?? 'PB-SIM-1', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), noisePublicKey: noiseKey.publicKey, signingKey: o.signingKey ?? entropy.randomBytes(32) },
    authorityKeys: o.authorityKeys,
    ballot: o.ballot,
  });
  let tcp: TcpLinkServer | undefined;
  let link = o.link;
  if (!link && o.tcpPort !== undefined) { tcp = await TcpLinkServer.listen({ port: o.tcpPort }); link = tcp; }
  const endpoint = link ? device.attachLink(link, noiseKey, o.enrolledKeys ?? []) : undefined;
  return {
    device, power, flash, noiseKey, endpoint, tcp,
    async close() {
      if (tcp) await tcp.close();
      if (flash instanceof FileFlash) flash.close();
    },
  };
}

/** The precinct's applications (status applied or loaded, register order) as the list the device loads. */
export function homeVotersFromApplications(apps: readonly HomeApplication[]): HomeVoter[] {
  return [...apps].sort((a, b) => a.voter.registerNo - b.voter.registerNo).map((a) => ({
    registerNo: a.voter.registerNo, surname: a.voter.surname, firstName: a.voter.firstName, patronymic: a.voter.patronymic,
    birthDate: a.voter.birthDate, address: a.location || a.voter.address, appliedAt: a.receivedAt,
  }));
}
