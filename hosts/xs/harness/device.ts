// XsDevice: a device's firmware running inside the real XS engine (a persistent xsnap worker
// in a child process, hosts/xs/harness/device-child.ts), with its link reachable from this Node
// process as an ordinary LinkPort. The precinct computer's code (SessionClient, DeviceLink,
// precinct/devices/calls.ts) talks to it as to a device on a serial line.
//
//   const dev = await XsDevice.start('tests/xs/convo-terminal.ts', { config });
//   const link = new DeviceLink('terminal-1', devicePublicKey, dev.connector(), ctx);
//   const before = await dev.sync(); await identify(link); const after = await dev.sync();
//   // after.compute - before.compute: what the device spent in XS on that call
//
// The entry uses hosts/xs/guest/link.ts: HostLink + serveHostLink(link, clock), and may read
// `config` (any CBOR value) with hostConfig(). Why a child process: xsnap needs SES lockdown,
// which would freeze this realm (and the test's) too.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { encodeCbor, type CborValue } from '../../../protocol/cbor';
import type { LinkPort } from '../../../runtime/ports';

export interface XsDeviceOptions {
  /** Handed to the guest's hostConfig() (CBOR). */
  config?: CborValue;
  /** Deterministic guest randomness (SHA-256 of seed and a counter); the OS's by default. */
  seed?: string;
}

export interface XsSync {
  /** XS compute summed over every pump since the device was loaded (module loading not included). */
  compute: number;
  /** Pumps evaluated so far. */
  evaluates: number;
  /** Live slots after gc() (when asked for): the whole engine, built-ins included. */
  heapSlots?: number;
  reports: Record<string, unknown>;
  /** Exceptions that escaped a pump. */
  faults: string[];
}

type FromChild =
  | { t: 'loaded'; compute: number; reports: Record<string, unknown> }
  | { t: 'link'; bytes: Uint8Array }
  | ({ t: 'synced'; id: number } & XsSync)
  | { t: 'error'; message: string };

const CHILD = join(import.meta.dirname, 'device-child.ts');

export class XsDevice {
  /** The precinct computer's end of the device's link. */
  readonly link: LinkPort;
  /** XS compute of loading the bundle (module evaluation and the entry's top level). */
  loadCompute = 0;
  reports: Record<string, unknown> = {};
  private receivers: ((bytes: Uint8Array) => void)[] = [];
  private syncs = new Map<number, { resolve: (s: XsSync) => void; reject: (e: Error) => void }>();
  /** Set when the child process has exited. */
  exitCode: number | null | undefined;
  private nextId = 1;
  private exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((r) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        for (const w of this.syncs.values()) w.reject(new Error(`XS device process exited (${code})`));
        this.syncs.clear();
        r();
      });
    });
    this.link = {
      write: (bytes) => { this.child.send({ t: 'link', bytes: bytes.slice() }); },
      onReceive: (h) => { this.receivers.push(h); },
      onConnectionChange: () => {},
    };
    child.on('message', (raw) => {
      const m = raw as FromChild;
      if (m.t === 'link') { const b = new Uint8Array(m.bytes); for (const h of [...this.receivers]) h(b); }
      if (m.t === 'synced') { const w = this.syncs.get(m.id); this.syncs.delete(m.id); w?.resolve(m); }
    });
  }

  static async start(entry: string, options: XsDeviceOptions = {}): Promise<XsDevice> {
    const child = fork(CHILD, [], { cwd: join(import.meta.dirname, '../../..'), execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const dev = new XsDevice(child);
    const loaded = new Promise<FromChild>((resolve, reject) => {
      child.on('message', (m: FromChild) => { if (m.t === 'loaded' || m.t === 'error') resolve(m); });
      child.once('exit', (code) => reject(new Error(`XS device process exited (${code}) before loading`)));
    });
    child.send({ t: 'load', entry, config: encodeCbor(options.config ?? null), seed: options.seed });
    const m = await loaded;
    if (m.t === 'error') { child.kill(); throw new Error(`XS device did not load: ${m.message}`); }
    if (m.t === 'loaded') { dev.loadCompute = m.compute; dev.reports = m.reports; }
    return dev;
  }

  /** A precinct/devices Connector for this device (one connection that never drops). */
  connector(): () => Promise<{ link: LinkPort; close(): void }> {
    return async () => ({ link: this.link, close: () => {} });
  }

  /** Waits until the worker is idle (no pump running), then reads its totals. */
  sync(options: { gc?: boolean } = {}): Promise<XsSync> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.exitCode !== undefined) { reject(new Error(`XS device process exited (${this.exitCode})`)); return; }
      this.syncs.set(id, { resolve: (s) => { this.reports = s.reports; resolve(s); }, reject });
      this.child.send({ t: 'sync', id, gc: options.gc === true });
    });
  }

  async close(): Promise<void> {
    if (this.exitCode !== undefined) return;
    if (this.child.connected) this.child.send({ t: 'close' });
    const t = setTimeout(() => this.child.kill(), 5000);
    await this.exited;
    clearTimeout(t);
  }
}
