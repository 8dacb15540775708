// LinkPort over a real serial port (USB CDC or a UART adapter; in tests, a socat pty).
// A serial line cannot tell whether anyone is at the other end, so "connected" here means
// "the port exists and is open". The port is watched: when it goes away (cable pulled,
// USB adapter gone, the pty's creator restarted) the link reports false and reopens the
// same path when it is back, reporting true again.
import { realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { LinkPort } from '../../runtime/ports';

export interface SerialLinkOptions {
  baudRate?: number;
  /** How often to look for the port coming back or going away. Default 200 ms. */
  watchMs?: number;
}

export class SerialLink implements LinkPort {
  private readonly receivers: ((bytes: Uint8Array) => void)[] = [];
  private readonly watchers: ((connected: boolean) => void)[] = [];
  private port: SerialPort | undefined;
  private openedTarget: string | undefined; // the device node the path pointed to when opened
  private opening = false;
  private closed = false;
  private readonly watch: NodeJS.Timeout;
  private firstOpen: Promise<void>;
  private resolveFirstOpen!: () => void;

  constructor(readonly path: string, private readonly options: SerialLinkOptions = {}) {
    this.firstOpen = new Promise((r) => { this.resolveFirstOpen = r; });
    this.watch = setInterval(() => this.check(), options.watchMs ?? 200);
    this.check();
  }

  /** Opens the port, waiting up to timeoutMs for it to appear. */
  static async open(path: string, options: SerialLinkOptions & { timeoutMs?: number } = {}): Promise<SerialLink> {
    const link = new SerialLink(path, options);
    const timeoutMs = options.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        link.firstOpen,
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`serial port ${path} did not open in ${timeoutMs} ms`)), timeoutMs); }),
      ]);
    } catch (e) {
      await link.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return link;
  }

  get connected(): boolean { return this.port?.isOpen === true; }

  write(bytes: Uint8Array): void {
    // Buffer.from copies: the caller may reuse its array before the write completes.
    if (this.port?.isOpen) this.port.write(Buffer.from(bytes), () => {});
  }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.receivers.push(handler); }
  onConnectionChange(handler: (connected: boolean) => void): void { this.watchers.push(handler); }

  /** Resolves once everything written so far has left (tcdrain). */
  drain(): Promise<void> {
    const p = this.port;
    if (!p?.isOpen) return Promise.resolve();
    return new Promise((resolve) => p.drain(() => resolve()));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    const p = this.port;
    this.port = undefined;
    if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
  }

  private target(): string | undefined {
    try { return realpathSync(this.path); } catch { return undefined; }
  }

  private check(): void {
    if (this.closed || this.opening) return;
    const target = this.target();
    if (this.port) {
      if (target !== this.openedTarget) this.lost(this.port); // gone, or now another device node
      return;
    }
    if (target !== undefined) this.tryOpen(target);
  }

  private tryOpen(target: string): void {
    this.opening = true;
    const p = new SerialPort({ path: this.path, baudRate: this.options.baudRate ?? 115200, autoOpen: false });
    p.open((err) => {
      this.opening = false;
      if (err || this.closed) { if (!err) p.close(() => {}); return; } // retried on the next watch tick
      this.port = p;
      this.openedTarget = target;
      p.on('data', (b: Buffer) => {
        if (this.port !== p) return;
        const bytes = new Uint8Array(b); // a plain copy, never a Buffer
        for (const h of [...this.receivers]) h(bytes);
      });
      p.on('error', () => this.lost(p));
      p.on('close', () => this.lost(p));
      for (const h of [...this.watchers]) h(true);
      this.resolveFirstOpen();
    });
  }

  private lost(p: SerialPort): void {
    if (this.port !== p) return;
    this.port = undefined;
    this.openedTarget = undefined;
    if (p.isOpen) p.close(() => {});
    for (const h of [...this.watchers]) h(false);
  }
}
