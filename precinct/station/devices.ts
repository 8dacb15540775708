// The station's devices on the Node host with simulated hardware: voting terminals
// (hosts/node/terminal-host.ts), the card accumulator (accumulator/device.ts behind
// accumulator/link.ts) and the portable ballot (hosts/node/portable-host.ts), each behind a
// link to the precinct computer — a TCP server on loopback, or a memory link (tests). A
// device can be power-cut: it boots again from the same flash and gets a new link endpoint.
import type { CryptoPort, DisplayPort, EntropyPort, LinkPort, SoundPort } from '../../runtime/ports';
import { SimFlash } from '../../runtime/flash/sim';
import { NodeClock } from '../../hosts/node/clock';
import { nodeEntropy } from '../../hosts/node/entropy';
import { TcpLinkServer } from '../../hosts/node/link-tcp';
import { memoryLinkPair, type MemoryLinkPair } from '../../hosts/node/memory-link';
import { startTerminalHost, HOST_BLOCKS, type TerminalHost } from '../../hosts/node/terminal-host';
import { startPortableHost, type PortableHost } from '../../hosts/node/portable-host';
import { Accumulator, type AccumulatorLayout } from '../../accumulator/device';
import type { AccumulatorScreen } from '../../accumulator/screens';
import { serveAccumulator } from '../../accumulator/link';
import type { PortableScreen } from '../../portable-ballot/screens';
import { noiseKeyPair, type NoiseKeyPair } from '../../protocol/crypto/noise';
import { SimulatedCardReader } from '../../smartcard-sim/reader';
import { connectorFor as defaultConnectorFor, parseAddress, type Connector } from '../devices/address';

export type Transport = 'tcp' | 'memory';

/** A day's worth of votes (3,000 + room): the journal and 300 blocks of vote slots. */
export const ACCUMULATOR_LAYOUT: AccumulatorLayout = { journal: { firstBlock: 0, blockCount: 128 }, slots: { firstBlock: 128, blockCount: 300 }, scratchBlock: 428 };
export const ACCUMULATOR_BLOCKS = 429;

/** A display whose buttons the script (or the member at the keyboard) touches by id. */
export class TouchDisplay<S> implements DisplayPort<S> {
  screen: S | undefined;
  private handler: ((id: string) => void) | undefined;
  show(s: S): void { this.screen = s; }
  onTouch(h: (id: string) => void): void { this.handler = h; }
  touch(id: string): void { this.handler?.(id); }
}

class QuietSound implements SoundPort { signal(): void {} }

/**
 * Where a device's link ends on the device's side, and how the precinct computer reaches it.
 * Each boot of the firmware gets its own view of the link: after a power cut the old
 * firmware instance hears nothing and its writes go nowhere, as on real hardware.
 */
export class Plug {
  private pair: MemoryLinkPair | undefined;
  private generation = 0;
  private constructor(readonly transport: Transport, readonly address: string, private readonly tcp: TcpLinkServer | undefined) {}

  static async make(transport: Transport, name: string): Promise<Plug> {
    if (transport === 'tcp') {
      const tcp = await TcpLinkServer.listen();
      return new Plug('tcp', `tcp:127.0.0.1:${tcp.port}`, tcp);
    }
    return new Plug('memory', `serial:/mem/${name}`, undefined);
  }

  /** The device side for a new boot; a previous boot's view goes dead and its connection drops. */
  deviceLink(): LinkPort {
    const gen = ++this.generation;
    if (this.tcp) {
      this.tcp.hangUp();
      const tcp = this.tcp;
      const live = (): boolean => gen === this.generation;
      return {
        get connected() { return live() && tcp.connected; },
        write: (b) => { if (live()) tcp.write(b); },
        onReceive: (h) => tcp.onReceive((b) => { if (live()) h(b); }),
        onConnectionChange: (h) => tcp.onConnectionChange((c) => { if (live()) h(c); }),
      } as LinkPort;
    }
    this.pair?.disconnect();
    this.pair = memoryLinkPair();
    return this.pair.a;
  }

  /** The precinct side of a memory link (the pool's connector). */
  precinctLink(): LinkPort {
    if (!this.pair || !this.pair.connected) throw new Error(`nothing plugged in at ${this.address}`);
    return this.pair.b;
  }

  /** The cable pulled and plugged back (the precinct computer re-links on its next request). */
  drop(): void {
    if (this.tcp) this.tcp.hangUp();
    else if (this.pair) { this.pair.disconnect(); this.pair.connect(); }
  }

  async close(): Promise<void> { if (this.tcp) await this.tcp.close(); }
}

/** The pool's connector for memory addresses (TCP addresses go to the default connector). */
export function stationConnector(plugs: () => Iterable<Plug>): (deviceId: string, address: string) => Connector {
  return (deviceId, address) => {
    if (!address.startsWith('serial:/mem/')) return defaultConnectorFor(parseAddress(address, deviceId));
    return async () => {
      const plug = [...plugs()].find((p) => p.address === address);
      if (!plug) throw new Error(`nothing plugged in at ${address}`);
      return { link: plug.precinctLink(), close: () => {} };
    };
  };
}

export interface DeviceEnv {
  crypto: CryptoPort;
  entropy?: EntropyPort;
  authorityKeys: readonly Uint8Array[];
  precinctNoisePublic: Uint8Array;
}

export class StationTerminal {
  readonly kind = 'terminal';
  host!: TerminalHost;
  readonly flash = new SimFlash(HOST_BLOCKS);
  private clock = new NodeClock();
  constructor(readonly name: string, readonly plug: Plug, private readonly env: DeviceEnv) {}
  async boot(): Promise<this> {
    const e = this.env;
    this.clock = new NodeClock();
    // The reader belongs to the host; a card in it at the power cut is taken out first.
    this.host?.reader.remove();
    this.host = await startTerminalHost({ clock: this.clock, flash: this.flash, link: this.plug.deviceLink(), enrolledKeys: [e.precinctNoisePublic], authorityKeys: e.authorityKeys, serial: `TRM-${this.name}`, crypto: e.crypto, entropy: e.entropy ?? nodeEntropy });
    return this;
  }
  get noisePublic(): Uint8Array { return this.host.terminal.noiseKey.publicKey; }
  get reader(): SimulatedCardReader { return this.host.reader; }
  /** Power cut: the firmware stops (its timers and link with it) and boots again from its flash. */
  async powerCut(): Promise<void> { this.clock.clearAll(); await this.boot(); }
}

export class StationAccumulator {
  readonly kind = 'accumulator';
  readonly flash = new SimFlash(ACCUMULATOR_BLOCKS);
  /** The card slot as the running firmware sees it (a new port object per boot, so a dead instance hears no card). */
  reader = new SimulatedCardReader();
  readonly noise: NoiseKeyPair;
  readonly signingKey: Uint8Array;
  readonly display = new TouchDisplay<AccumulatorScreen>();
  acc!: Accumulator;
  private clock = new NodeClock();
  constructor(readonly name: string, readonly plug: Plug, private readonly env: DeviceEnv) {
    const entropy = env.entropy ?? nodeEntropy;
    this.noise = noiseKeyPair(env.crypto, entropy.randomBytes(32));
    this.signingKey = entropy.randomBytes(32);
  }
  async boot(): Promise<this> {
    const e = this.env;
    const entropy = e.entropy ?? nodeEntropy;
    this.clock.clearAll();
    this.clock = new NodeClock();
    this.reader.remove();
    this.reader = new SimulatedCardReader();
    this.acc = new Accumulator({
      ports: { flash: this.flash, clock: this.clock, entropy, crypto: e.crypto, cardReader: this.reader, display: this.display, sound: new QuietSound() },
      layout: ACCUMULATOR_LAYOUT,
      identity: { serial: `ACC-${this.name}`, firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), noisePublicKey: this.noise.publicKey, signingKey: this.signingKey },
      authorityKeys: e.authorityKeys,
    });
    serveAccumulator(this.acc, { link: this.plug.deviceLink(), clock: this.clock, crypto: e.crypto, entropy, staticKey: this.noise, enrolledKeys: [e.precinctNoisePublic] }).endpoint;
    return this;
  }
  get noisePublic(): Uint8Array { return this.noise.publicKey; }
  async powerCut(): Promise<void> { await this.boot(); }
}

export class StationPortable {
  readonly kind = 'portable-ballot';
  host!: PortableHost;
  readonly display = new TouchDisplay<PortableScreen>();
  readonly noise: NoiseKeyPair;
  readonly signingKey: Uint8Array;
  constructor(readonly name: string, readonly plug: Plug, private readonly env: DeviceEnv) {
    const entropy = env.entropy ?? nodeEntropy;
    this.noise = noiseKeyPair(env.crypto, entropy.randomBytes(32));
    this.signingKey = entropy.randomBytes(32);
  }
  async boot(): Promise<this> {
    const e = this.env;
    this.host = await startPortableHost({ link: this.plug.deviceLink(), enrolledKeys: [e.precinctNoisePublic], authorityKeys: e.authorityKeys, serial: `PB-${this.name}`, crypto: e.crypto, entropy: e.entropy ?? nodeEntropy, noiseKey: this.noise, signingKey: this.signingKey, display: this.display });
    return this;
  }
  get noisePublic(): Uint8Array { return this.noise.publicKey; }
}
