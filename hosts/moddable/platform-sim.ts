// The ports on the Moddable simulator (mcsim), for a device's main: the manifest maps
// `hosts/moddable/platform` here on lin/mac/win (platform.ts on esp32). The simulator has no
// flash partition (a SimFlash in RAM, lost at every restart), no embedded:io/digital or
// analog (no card-presence line, buttons or battery gauge) and no PWM: an empty card reader,
// mains power, a traced buzzer. Randomness from /dev/urandom (entropy.ts, random.c). The link: a TCP listener on 127.0.0.1 (port config.simLinkPort, default 7101;
// the lin io manifest has embedded:io/socket/*), so a precinct computer on the same machine
// reaches the simulated device at `tcp:<port>`; one connection at a time, the newest wins.
import Listener from 'embedded:io/socket/listener';
import TCP from 'embedded:io/socket/tcp';
import config from 'mc/config';
import { SimFlash } from '../../runtime/flash/sim';
import { openEntropy } from './entropy';
import type { CardReaderPort, ClockPort, LinkPort, PowerPort, SoundPort } from '../../runtime/ports';
import type { Platform } from './platform';

class NoCardReader implements CardReaderPort {
  isCardPresent(): boolean { return false; }
  onCardChange(): void {}
  powerOn(): Promise<Uint8Array> { return Promise.reject(new Error('no card reader on the simulator')); }
  transmit(): Promise<Uint8Array> { return Promise.reject(new Error('no card reader on the simulator')); }
}

/** A stub in place of the buzzer: traces the signal, makes no sound. */
export class TraceSound implements SoundPort {
  signal(kind: 'accepted' | 'refused' | 'attention'): void { trace(`SOUND ${kind}\n`); }
}

/** LinkPort over one accepted TCP connection at a time; writes wait for the socket's free space. */
export class TcpListenLink implements LinkPort {
  private socket: TCP | undefined;
  private readonly receivers: ((bytes: Uint8Array) => void)[] = [];
  private readonly watchers: ((connected: boolean) => void)[] = [];
  private queue: Uint8Array[] = [];
  private writable = 0;
  readonly port: number;

  constructor(port: number) {
    const link = this;
    const listener = new Listener({
      port,
      onReadable(this: Listener, requests: number) {
        for (let i = 0; i < requests; i++) { const from = this.read(); if (from) link.accept(from); }
      },
    });
    this.port = listener.port;
  }

  write(bytes: Uint8Array): void {
    if (!this.socket || bytes.length === 0) return; // nobody on the line: lost, as on a UART
    this.queue.push(bytes.slice());
    this.pump();
  }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.receivers.push(handler); }
  onConnectionChange(handler: (connected: boolean) => void): void { this.watchers.push(handler); }

  private accept(from: TCP): void {
    this.drop();
    const link = this;
    const socket: TCP = new TCP({
      from, format: 'buffer',
      onReadable(this: TCP, count: number) {
        const data = this.read(count);
        if (data instanceof ArrayBuffer && data.byteLength > 0) for (const h of [...link.receivers]) h(new Uint8Array(data));
      },
      onWritable(this: TCP, count: number) { if (link.socket === socket) { link.writable = count; link.pump(); } },
      onError() { if (link.socket === socket) link.drop(); },
    });
    this.socket = socket;
    for (const w of [...this.watchers]) w(true);
  }

  private drop(): void {
    const s = this.socket;
    if (!s) return;
    this.socket = undefined;
    this.queue = [];
    this.writable = 0;
    try { s.close(); } catch { /* already closed by the peer */ }
    for (const w of [...this.watchers]) w(false);
  }

  private pump(): void {
    while (this.socket && this.queue.length > 0 && this.writable > 0) {
      const q = this.queue[0];
      const n = Math.min(q.length, this.writable);
      this.socket.write(q.subarray(0, n));
      this.writable -= n;
      if (n === q.length) this.queue.shift(); else this.queue[0] = q.subarray(n);
    }
  }
}

const MAINS: PowerPort = { status: () => ({ source: 'mains', batteryPercent: undefined }) };

export function openPlatform(_clock: ClockPort, simBlocks: number): Platform {
  return {
    kind: 'simulator',
    where: `RAM (simulator), ${simBlocks} blocks; link on tcp:${Number((config as Record<string, unknown>).simLinkPort ?? 7101)}`,
    flash: new SimFlash(simBlocks),
    entropy: openEntropy(),
    link: new TcpListenLink(Number((config as Record<string, unknown>).simLinkPort ?? 7101)),
    cardReader: new NoCardReader(),
    buttons: undefined,
    power: MAINS,
    sound: new TraceSound(),
  };
}
