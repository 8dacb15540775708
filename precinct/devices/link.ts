// A DeviceLink: the precinct computer's secure link to one enrolled device — a SessionClient
// (Noise KK with the precinct's static key and the device's enrolled key, RPC with retries)
// over a link that reconnects by itself.
//
// Reconnecting: the SessionClient stays the same across a dropped TCP connection (or a
// serial port that went away and came back), so a request in flight is re-sent with the same
// seq and the device answers it from its retry cache instead of executing it twice
// (docs/protocol.md §6). relink() is the other case: after the device was restarted (a
// commission decision, 001 §14) it has lost its sessions and its cache, so the precinct
// computer starts over with a new client instance and a new session.
import type { ClockPort, CryptoPort, EntropyPort, LinkPort } from '../../runtime/ports';
import type { NoiseKeyPair } from '../../protocol/crypto/noise';
import { SessionClient } from '../../protocol/session';
import type { MessageDef } from '../../protocol/wire/messages';
import type { Connection, Connector } from './address';
import { DeviceError, toDeviceError } from './errors';

/** What every link of this precinct computer shares. */
export interface LinkContext {
  crypto: CryptoPort;
  entropy: EntropyPort;
  clock: ClockPort;
  /** The precinct computer's Noise static key pair (precinct/keys/precinct-identity.ts). */
  staticKey: NoiseKeyPair;
  /** Per attempt; default 2000 ms (docs/protocol.md §6). */
  timeoutMs?: number;
  /** Sends of one request; default 4. */
  maxAttempts?: number;
  /** Connection attempts before a call gives up as unreachable; default 3. */
  connectAttempts?: number;
}

/** A LinkPort that opens a connection when written to while down, and reports (dis)connects. */
export class ReconnectingLink implements LinkPort {
  private readonly receivers: ((bytes: Uint8Array) => void)[] = [];
  private readonly watchers: ((connected: boolean) => void)[] = [];
  private current: { conn: Connection; gen: number } | undefined;
  private connecting: Promise<void> | undefined;
  private gen = 0;
  private closed = false;
  /** Why the last connection attempt failed. */
  lastError = '';
  connects = 0;
  disconnects = 0;

  constructor(private readonly connector: Connector) {}

  get connected(): boolean { return this.current !== undefined; }

  write(bytes: Uint8Array): void {
    if (this.current) { this.current.conn.link.write(bytes); return; }
    // Nobody on the line: the bytes are lost, as on a UART with no cable; the session client
    // re-sends when the connection comes up (it is told through onConnectionChange).
    void this.ensure();
  }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.receivers.push(handler); }
  onConnectionChange(handler: (connected: boolean) => void): void { this.watchers.push(handler); }

  /** Connects if not connected; resolves when the attempt is over (see `connected`). */
  ensure(): Promise<void> {
    if (this.current || this.closed) return Promise.resolve();
    if (!this.connecting) this.connecting = this.connectOnce().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    const gen = ++this.gen;
    let conn: Connection;
    try {
      conn = await this.connector();
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      return;
    }
    if (this.closed || gen !== this.gen) { void conn.close(); return; }
    this.current = { conn, gen };
    this.connects++;
    conn.link.onReceive((b) => { if (this.current?.gen === gen) for (const h of [...this.receivers]) h(b); });
    conn.link.onConnectionChange((up) => {
      if (up || this.current?.gen !== gen) return;
      // Closed here, reopened by the next write: a serial link would otherwise go on reopening
      // the port by itself while the next connection opens it too.
      void conn.close();
      this.current = undefined;
      this.disconnects++;
      this.notify(false);
    });
    this.notify(true);
  }

  /** Drops the connection (the next write reconnects); resolves when it is closed. */
  hangUp(): Promise<void> {
    const c = this.current;
    this.gen++;
    if (!c) return Promise.resolve();
    this.current = undefined;
    const closed = Promise.resolve(c.conn.close()).catch(() => undefined);
    this.notify(false);
    return closed;
  }

  /** Ends this link for good; resolves when the connection is closed. */
  close(): Promise<void> {
    this.closed = true;
    return this.hangUp();
  }

  private notify(up: boolean): void { for (const h of [...this.watchers]) h(up); }
}

export interface DeviceLinkStats {
  /** Sessions begun from scratch (the first, and one per relink). */
  relinks: number;
  connects: number;
  disconnects: number;
  handshakes: number;
}

/** The secure link to one device; `call` is the only way requests go out. */
export class DeviceLink {
  private link!: ReconnectingLink;
  private client!: SessionClient;
  private relinks = 0;
  private past = { connects: 0, disconnects: 0, handshakes: 0 };

  constructor(readonly deviceId: string, private readonly devicePublicKey: Uint8Array, private readonly connector: Connector, private readonly ctx: LinkContext) {
    this.fresh();
  }

  private fresh(): void {
    this.link = new ReconnectingLink(this.connector);
    this.client = new SessionClient({
      link: this.link, crypto: this.ctx.crypto, entropy: this.ctx.entropy, clock: this.ctx.clock,
      staticKey: this.ctx.staticKey, remoteStaticPublicKey: this.devicePublicKey,
      timeoutMs: this.ctx.timeoutMs, maxAttempts: this.ctx.maxAttempts,
    });
    this.relinks++;
  }

  /** Sends one request and returns the checked answer; every failure is a DeviceError. */
  async call<Req, Res>(def: MessageDef<Req, Res>, body: Req): Promise<Res> {
    await this.connect(def.type);
    try {
      return await this.client.call(def, body);
    } catch (e) {
      const err = toDeviceError(this.deviceId, def.type, e);
      if (err.code === 'device-unreachable' && this.link.lastError) throw new DeviceError('device-unreachable', this.deviceId, `${err.message.replace(`${this.deviceId}: `, '')} (link: ${this.link.lastError})`);
      throw err;
    }
  }

  private async connect(what: string): Promise<void> {
    const attempts = this.ctx.connectAttempts ?? 3;
    for (let i = 0; i < attempts && !this.link.connected; i++) {
      if (i > 0) await new Promise<void>((r) => { this.ctx.clock.setTimeout(100 * i, r); });
      await this.link.ensure();
    }
    if (!this.link.connected) throw new DeviceError('device-unreachable', this.deviceId, `cannot connect for ${what} (${this.link.lastError || 'no connection'})`);
  }

  /**
   * Starts over after the device restarted: the old connection and session are dropped and
   * the next call connects, with a new client instance, and makes a new handshake.
   */
  async relink(): Promise<void> {
    this.past.connects += this.link.connects;
    this.past.disconnects += this.link.disconnects;
    this.past.handshakes += this.client.stats.handshakes;
    const old = this.link;
    this.fresh();
    // A TCP device serves one connection at a time: let the old one close before the new one opens.
    await old.close();
  }

  /** Drops the connection but keeps the session client (a cable pulled and plugged in again). */
  hangUp(): Promise<void> { return this.link.hangUp(); }

  close(): Promise<void> { return this.link.close(); }

  get connected(): boolean { return this.link.connected; }

  stats(): DeviceLinkStats {
    return {
      relinks: this.relinks,
      connects: this.past.connects + this.link.connects,
      disconnects: this.past.disconnects + this.link.disconnects,
      handshakes: this.past.handshakes + this.client.stats.handshakes,
    };
  }
}
