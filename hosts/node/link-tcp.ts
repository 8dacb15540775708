// LinkPort over TCP on loopback, for running device simulators as separate processes.
// Device side: TcpLinkServer listens and serves one precinct-computer connection at a
// time; a second connection while one is open is refused (closed at once), so nobody can
// push the precinct computer off the link; TCP keep-alive notices a peer that vanished.
// Precinct side: connectTcpLink() gives a LinkPort on a client socket.
import net from 'node:net';
import type { LinkPort } from '../../runtime/ports';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

class Listeners {
  readonly receive: ((bytes: Uint8Array) => void)[] = [];
  readonly connection: ((connected: boolean) => void)[] = [];
  data(buf: Buffer): void {
    const bytes = new Uint8Array(buf); // a plain copy: device code never sees a Buffer
    for (const h of [...this.receive]) h(bytes);
  }
  changed(connected: boolean): void { for (const h of [...this.connection]) h(connected); }
}

export interface TcpLinkServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only unless allowRemote. */
  host?: string;
  allowRemote?: boolean;
}

export class TcpLinkServer implements LinkPort {
  private readonly listeners = new Listeners();
  private socket: net.Socket | undefined;
  /** Connections refused because one was already open. */
  refused = 0;

  private constructor(private readonly server: net.Server, readonly port: number) {}

  static listen(options: TcpLinkServerOptions = {}): Promise<TcpLinkServer> {
    const host = options.host ?? '127.0.0.1';
    if (!options.allowRemote && !LOOPBACK.has(host)) return Promise.reject(new Error(`refusing to listen on non-loopback ${host}`));
    const server = net.createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 5000 });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        const link = new TcpLinkServer(server, (server.address() as net.AddressInfo).port);
        server.on('connection', (s) => link.accept(s));
        resolve(link);
      });
    });
  }

  get connected(): boolean { return this.socket !== undefined; }

  write(bytes: Uint8Array): void {
    // Bytes written with nobody connected are lost, as on a UART with no cable.
    if (this.socket && !this.socket.destroyed) this.socket.write(bytes);
  }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.listeners.receive.push(handler); }
  onConnectionChange(handler: (connected: boolean) => void): void { this.listeners.connection.push(handler); }

  /** Drops the current connection (tests; or the device deciding to hang up). */
  hangUp(): void { this.socket?.destroy(); }

  close(): Promise<void> {
    this.socket?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(s: net.Socket): void {
    if (this.socket) { this.refused++; s.destroy(); return; }
    this.socket = s;
    s.on('data', (b: Buffer) => { if (this.socket === s) this.listeners.data(b); });
    s.on('error', () => {}); // 'close' follows; the error itself carries nothing the device can act on
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      this.listeners.changed(false);
    });
    this.listeners.changed(true);
  }
}

/** The precinct computer's end of a TCP link. */
export class TcpLinkClient implements LinkPort {
  private readonly listeners = new Listeners();
  private open = true;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => this.listeners.data(b));
    socket.on('error', () => {});
    socket.on('close', () => { this.open = false; this.listeners.changed(false); });
  }

  get connected(): boolean { return this.open; }
  write(bytes: Uint8Array): void { if (this.open) this.socket.write(bytes); }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.listeners.receive.push(handler); }
  onConnectionChange(handler: (connected: boolean) => void): void { this.listeners.connection.push(handler); }

  /** Closes after what was written has been sent. */
  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => { this.socket.once('close', () => resolve()); this.socket.end(); });
  }
}

export function connectTcpLink(port: number, host = '127.0.0.1'): Promise<TcpLinkClient> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host });
    s.once('error', reject);
    s.once('connect', () => { s.off('error', reject); resolve(new TcpLinkClient(s)); });
  });
}
