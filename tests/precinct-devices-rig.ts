// A simulated precinct for the device-control tests: a precinct database created from a
// signed election, the real accumulator firmware (accumulator/device.ts) and a minimal test
// terminal (the common messages only, on runtime/link-endpoint) each behind a LinkEndpoint,
// reached over memory links or TCP on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto } from '../protocol/crypto/noble';
import { toHex } from '../protocol/bytes';
import { RpcError } from '../protocol/wire/envelope';
import { RpcServer } from '../protocol/wire/rpc';
import {
  Close, EventLogRead, Identify, LoadElection, MAX_EVENT_PAGE_BYTES, Open, SelfTestReport, SelfTestRun, SetTime, Status,
} from '../protocol/wire/messages';
import { Counters as TerminalCounters, Provision, terminalRegistry } from '../terminal/messages';
import { checkStartVerifier } from '../protocol/start-password';
import { verifySignedElection } from '../protocol/election/signed';
import { encodeElection } from '../protocol/election/encoding';
import { encodeSignedElection, signElection } from '../protocol/election/signed';
import { decodeCbor, type CborValue } from '../protocol/cbor';
import { Accumulator } from '../accumulator/device';
import { accumulatorRegistry } from '../accumulator/messages';
import { Journal } from '../runtime/journal';
import { EventLog } from '../runtime/event-log';
import { EVENTS } from '../runtime/events';
import { LinkEndpoint } from '../runtime/link-endpoint';
import type { LinkPort } from '../runtime/ports';
import { SimFlash } from '../runtime/flash/sim';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { countCodes } from '../precinct/code-sets';
import { PortableBallot } from '../portable-ballot/device';
import { Terminal } from '../terminal/device';
import { RecordingDisplay as TerminalDisplay, TERMINAL_BLOCKS, TERMINAL_LAYOUT } from './terminal-helpers';
import { portableRegistry } from '../portable-ballot/messages';
import { RecordingDisplay as PortableDisplay, SMALL_BLOCKS as PORTABLE_BLOCKS, SMALL_LAYOUT as PORTABLE_LAYOUT, TestPower } from './portable-helpers';
import { NodeClock } from '../hosts/node/clock';
import { memoryLinkPair, type MemoryLinkPair } from '../hosts/node/memory-link';
import { TcpLinkServer } from '../hosts/node/link-tcp';
import { openPrecinctDb, type PrecinctDb } from '../precinct/db/open';
import { manualClock, type ManualClock } from '../precinct/db/test-fixture';
import { createPrecinct, type DeviceWork } from '../precinct/setup';
import { unsealPrecinctIdentity } from '../precinct/keys/precinct-identity';
import { decodeSealedElectionKey } from '../precinct/keys/election-key';
import { DevicePool } from '../precinct/devices/pool';
import type { Connector } from '../precinct/devices/address';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { RecordingDisplay, RecordingSound, SMALL_BLOCKS, SMALL_LAYOUT, definition, seeded } from './accumulator-helpers';
import { fromHex } from '../protocol/bytes';
import { getSetting } from '../precinct/db/open';

export const crypto = nobleCrypto;
export const PASSPHRASE = 'operator passphrase 0001';
export const PRECINCT = 7;

export function authority() {
  const secret = seeded(crypto, 'authority').randomBytes(32);
  return { secret, public: crypto.ed25519PublicKey(secret) };
}

export function signedElection(): Uint8Array {
  return encodeSignedElection(signElection(encodeElection(definition(PRECINCT, 'PRECINCT-TEST')), authority().secret, crypto));
}

/** The start password from the envelope sheet's plain line. */
export function passwordFromSheet(sheet: string): string {
  const m = /^ {2}([0-9]{4}(?: {2}[0-9]{4}){4})$/m.exec(sheet);
  if (!m) throw new Error('no password line on the envelope sheet');
  return m[1];
}

// ---- devices ----

interface DeviceBase {
  id: string;
  kind: 'accumulator' | 'terminal' | 'portable-ballot';
  noiseSecret: Uint8Array;
  noisePublic: Uint8Array;
  signingSeed: Uint8Array;
  /** Which link the device sits on now. */
  endpoint: LinkEndpoint | null;
  clock: NodeClock;
}

export interface AccumulatorDevice extends DeviceBase { kind: 'accumulator'; flash: SimFlash; acc: Accumulator; reader: SimulatedCardReader }

export interface TerminalOptions {
  /** What status reports in detail.votes (a device not at zero). */
  votes?: number;
  /** Votes it says it wrote to cards (terminal.counters). */
  votesWritten?: number;
  /** Overrides the start-password commitment provisioned with terminal.provision (a device holding a wrong one). */
  commitment?: Uint8Array;
  /** Answer only the common messages (a firmware without terminal.provision). */
  commonOnly?: boolean;
  /** Omit the vote count from status (a firmware that does not say). */
  silent?: boolean;
}

export interface TerminalDevice extends DeviceBase { kind: 'terminal'; state: string; opts: TerminalOptions; log: EventLog; rpc: RpcServer }

export interface PortableDevice extends DeviceBase { kind: 'portable-ballot'; flash: SimFlash; dev: PortableBallot; display: PortableDisplay }

export interface RealTerminalDevice extends DeviceBase { kind: 'terminal'; real: Terminal; rpc: RpcServer }

export type SimDevice = AccumulatorDevice | TerminalDevice | PortableDevice | RealTerminalDevice;

/** The real voting terminal firmware (terminal/device.ts); it makes its own link key. */
export function makeRealTerminal(id: string): RealTerminalDevice {
  const clock = new NodeClock();
  const real = new Terminal({
    ports: { flash: new SimFlash(TERMINAL_BLOCKS), clock, entropy: seeded(crypto, `trm-entropy-${id}-${Math.random()}`), crypto, cardReader: new SimulatedCardReader(), display: new TerminalDisplay() },
    layout: TERMINAL_LAYOUT,
    identity: { serial: `SN-${id}`, firmwareVersion: '0.1.0', firmwareHash: crypto.sha256(new Uint8Array([5])) },
    authorityKeys: [authority().public],
  });
  return {
    id, kind: 'terminal', noiseSecret: real.noiseKey.secretKey, noisePublic: real.noiseKey.publicKey, signingSeed: new Uint8Array(0),
    endpoint: null, clock, real, rpc: real.serve(new RpcServer(terminalRegistry())),
  };
}

/** The real portable ballot firmware (portable-ballot/device.ts), on battery at 90 %. */
export function makePortableBallot(id: string): PortableDevice {
  const k = keys(`device-${id}`);
  const clock = new NodeClock();
  const flash = new SimFlash(PORTABLE_BLOCKS);
  const display = new PortableDisplay();
  const dev = new PortableBallot({
    ports: { flash, clock, entropy: seeded(crypto, `pb-entropy-${id}-${Math.random()}`), crypto, display, power: new TestPower() },
    layout: PORTABLE_LAYOUT,
    identity: { serial: `SN-${id}`, firmwareVersion: '0.1.0', firmwareHash: crypto.sha256(new Uint8Array([4])), noisePublicKey: k.noisePublic, signingKey: k.signingSeed },
    authorityKeys: [authority().public],
  });
  return { id, kind: 'portable-ballot', ...k, endpoint: null, clock, flash, dev, display };
}

function keys(label: string) {
  const e = seeded(crypto, label);
  const noiseSecret = e.randomBytes(32);
  return { noiseSecret, noisePublic: crypto.x25519PublicKey(noiseSecret), signingSeed: e.randomBytes(32) };
}

/** The real accumulator, on simulated flash (boots again from the same flash on restart). */
export function makeAccumulator(id: string, flash = new SimFlash(SMALL_BLOCKS)): AccumulatorDevice {
  const k = keys(`device-${id}`);
  const clock = new NodeClock();
  const reader = new SimulatedCardReader();
  const acc = new Accumulator({
    ports: { flash, clock, entropy: seeded(crypto, `acc-entropy-${id}-${Math.random()}`), crypto, cardReader: reader, display: new RecordingDisplay(), sound: new RecordingSound() },
    layout: SMALL_LAYOUT,
    identity: { serial: `SN-${id}`, firmwareVersion: '0.1.0', firmwareHash: crypto.sha256(new Uint8Array([1, 2, 3])), noisePublicKey: k.noisePublic, signingKey: k.signingSeed },
    authorityKeys: [authority().public],
  });
  return { id, kind: 'accumulator', ...k, endpoint: null, clock, flash, acc, reader };
}

/** A minimal terminal: the common messages and terminal.provision / terminal.counters on runtime/link-endpoint. */
export function makeTerminal(id: string, opts: TerminalOptions = {}): TerminalDevice {
  const k = keys(`device-${id}`);
  const clock = new NodeClock();
  const journal = Journal.open(new SimFlash(8), crypto, { firstBlock: 0, blockCount: 8 });
  const log = EventLog.open(journal, crypto, clock, { signingKey: k.signingSeed });
  log.record(EVENTS.boot, 'success', 'test terminal');
  const dev: TerminalDevice = { id, kind: 'terminal', ...k, endpoint: null, clock, state: 'no-election', opts, log, rpc: new RpcServer(terminalRegistry()) };
  let fingerprint: Uint8Array | undefined;
  let buf: Uint8Array | undefined;
  let run = 0;
  let provisioned: Uint8Array | undefined;
  if (!opts.commonOnly) {
    dev.rpc.on(Provision, (b) => {
      if (!fingerprint) throw new RpcError('wrong-state', 'load the election first');
      provisioned = b.startPasswordCommitment;
      return { state: dev.state, codes: countCodes(b.codes) };
    });
    dev.rpc.on(TerminalCounters, () => ({ state: dev.state, votes: opts.votesWritten ?? 0, refused: 0, refusedByReason: {}, codesRemaining: 0 }));
  }
  dev.rpc
    .on(Identify, () => ({ kind: 'terminal', serial: `SN-${id}`, firmwareVersion: '0.0.1-test', firmwareHash: crypto.sha256(new Uint8Array([9])), publicKey: k.noisePublic, signingKey: crypto.ed25519PublicKey(k.signingSeed) }))
    .on(Status, () => ({ state: dev.state, electionId: fingerprint, uptimeMs: 1, eventCount: log.head.seq, detail: opts.silent ? undefined : { votes: opts.votes ?? 0 } }))
    .on(SetTime, (b) => { const previousMs = clock.wallClockMs(); clock.setWallClock(b.wallClockMs); return { previousMs }; })
    .on(SelfTestRun, () => { run++; return { run }; })
    .on(SelfTestReport, () => (run === 0 ? { state: 'never-run' as const, checks: [] } : { state: 'done' as const, run, passed: true, checks: [{ name: 'screen', ok: false, detail: 'needs-operator 0 ms: touch the test pattern' }, { name: 'flash', ok: true, detail: 'passed 3 ms' }] }))
    .on(EventLogRead, (b) => {
      let n = b.limit;
      let page = log.page(b.from, n);
      while (page.length > MAX_EVENT_PAGE_BYTES && n > 1) { n = Math.floor(n / 2); page = log.page(b.from, n); }
      const count = ((decodeCbor(page) as CborValue[])[1] as CborValue[]).length;
      return { page, next: b.from + count, total: log.head.seq };
    })
    .on(LoadElection, (b) => {
      if (b.offset === 0) buf = new Uint8Array(b.total);
      buf!.set(b.chunk, b.offset);
      if (b.offset + b.chunk.length < b.total) return { received: b.offset + b.chunk.length };
      fingerprint = verifySignedElection(buf!, [authority().public], crypto).fingerprint;
      dev.state = 'loaded';
      return { received: b.total, electionId: fingerprint };
    })
    .on(Open, (b) => {
      if (dev.state !== 'loaded') throw new RpcError('wrong-state', `not while ${dev.state}`);
      const commitment = opts.commitment ?? provisioned;
      if (!commitment || !checkStartVerifier(crypto, commitment, b.password)) {
        log.record(EVENTS.openRefusedBadPassword, 'failure', '');
        throw new RpcError('unauthorized', 'wrong start password');
      }
      dev.state = 'open';
      log.record(EVENTS.opened, 'success', '');
      return { state: 'open' };
    })
    .on(Close, () => { if (dev.state !== 'open') throw new RpcError('wrong-state', 'not open'); dev.state = 'closed'; return { state: 'closed' }; });
  return dev;
}

/** Puts a device's link endpoint on a LinkPort, accepting the precinct's key. */
export function attach(dev: SimDevice, link: LinkPort, precinctNoisePublic: Uint8Array): void {
  const rpc = dev.kind === 'accumulator' ? dev.acc.serve(new RpcServer(accumulatorRegistry()))
    : dev.kind === 'portable-ballot' ? dev.dev.serve(new RpcServer(portableRegistry())) : dev.rpc;
  dev.endpoint = new LinkEndpoint({
    link, clock: dev.clock, crypto, entropy: seeded(crypto, `link-${dev.id}-${Math.random()}`),
    staticKey: { secretKey: dev.noiseSecret, publicKey: dev.noisePublic }, enrolledKeys: [precinctNoisePublic], rpc,
  });
}

// ---- the precinct ----

export interface Station {
  dir: string;
  dbPath: string;
  db: PrecinctDb;
  time: ManualClock;
  work: DeviceWork;
  password: string;
  sheet: string;
  noisePublic: Uint8Array;
  /** Memory links by device id (a device can be moved to a new pair on restart). */
  pairs: Map<string, MemoryLinkPair>;
  servers: TcpLinkServer[];
  devices: Map<string, SimDevice>;
  /** Puts a device on a fresh memory link; returns the address to commission it at. */
  plugMemory(dev: SimDevice): string;
  /** Puts a device behind a TCP server on loopback; returns its address. */
  plugTcp(dev: SimDevice): Promise<string>;
  commitment(): Uint8Array;
  dispose(): Promise<void>;
}

export async function station(options: { voters?: number } = {}): Promise<Station> {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-devices-'));
  const dbPath = join(dir, 'precinct.db');
  const db = openPrecinctDb(dbPath);
  const time = manualClock('2025-03-01T01:30:00.000Z');
  const created = await createPrecinct({
    db, clock: time.clock, crypto, entropy: seeded(crypto, 'precinct-setup'), signedElection: signedElection(), authorityKeys: [authority().public],
    registerCsv: sampleRegisterCsv({ seed: 3, count: options.voters ?? 20 }), operatorPassphrase: PASSPHRASE, logN: 10,
  });
  const identity = await unsealPrecinctIdentity(crypto, fromHex(getSetting(db, 'precinct-identity')!), PASSPHRASE);
  const pairs = new Map<string, MemoryLinkPair>();
  const connectorFor = (deviceId: string, address: string): Connector => async () => {
    if (address.startsWith('tcp:')) {
      const { connectorFor: real } = await import('../precinct/devices/address');
      const { parseAddress } = await import('../precinct/devices/address');
      return real(parseAddress(address))();
    }
    const key = address.replace(/^serial:\/mem\//, '');
    const p = pairs.get(key);
    if (!p || !p.connected) throw new Error(`nothing plugged in at ${address}`);
    return { link: p.b, close: () => {} };
  };
  const pool = new DevicePool({ db, crypto, entropy: seeded(crypto, `pc-${Math.random()}`), clock: new NodeClock({ trustHostWallClock: true }), staticKey: identity.noise, timeoutMs: 300, maxAttempts: 3, connectorFor });
  const servers: TcpLinkServer[] = [];
  const devices = new Map<string, SimDevice>();
  const st: Station = {
    dir, dbPath, db, time, password: passwordFromSheet(created.envelopeSheet), sheet: created.envelopeSheet, noisePublic: identity.noise.publicKey, pairs, servers, devices,
    work: { db, clock: time.clock, crypto, entropy: seeded(crypto, 'work'), pool },
    plugMemory(dev) {
      const p = memoryLinkPair();
      pairs.set(dev.id, p);
      attach(dev, p.a, identity.noise.publicKey);
      devices.set(dev.id, dev);
      return `serial:/mem/${dev.id}`;
    },
    async plugTcp(dev) {
      const server = await TcpLinkServer.listen();
      servers.push(server);
      attach(dev, server, identity.noise.publicKey);
      devices.set(dev.id, dev);
      return `tcp:127.0.0.1:${server.port}`;
    },
    commitment() { return decodeSealedElectionKey(fromHex(getSetting(db, 'sealed-election-key')!)).verifierCommitment; },
    async dispose() {
      await pool.close();
      for (const s of servers) await s.close();
      for (const d of devices.values()) d.clock.clearAll();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return st;
}

export { toHex };
