// The simulated voter card as a virtual card in vsmartcard's vpcd reader, so that pcscd and
// any PC/SC program (opensc-tool, pcsc_scan, the precinct card writer) see it in a reader.
// vpcd listens on TCP (35963 for its first reader); the card connects as a client. Every
// message is a 2-byte big-endian length and a payload; a 1-byte payload is a control code
// (0 power off, 1 power on, 2 reset, 4 get ATR), anything longer a command APDU. Only
// "get ATR" and APDUs are answered. Closing the connection is pulling the card.
//
//   npx tsx smartcard-sim/vpcd.ts [--host 127.0.0.1] [--port 35963] [--image card.bin]
// With --image the EEPROM is loaded from (and saved back to) a file, so a card keeps its
// state across "removals".

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SimulatedCard, cardAtr } from './card';
import { CardTornError } from './eeprom';

export const VPCD_DEFAULT_PORT = 35963;
const CTRL_OFF = 0;
const CTRL_ON = 1;
const CTRL_RESET = 2;
const CTRL_ATR = 4;

export interface VpcdCardOptions {
  host?: string;
  port?: number;
  /** Called after every command the card answered (e.g. to save its EEPROM). */
  onCommand?: (card: SimulatedCard) => void;
  log?: (line: string) => void;
  /** Called when the connection ends (card pulled, or vpcd went away). */
  onClose?: () => void;
}

/** One simulated card plugged into vpcd for as long as the connection lasts. */
export class VpcdCard {
  private socket: Socket | null = null;
  private buffered = new Uint8Array(0);
  /** APDUs the card has answered over this connection. */
  apdus = 0;

  constructor(readonly card: SimulatedCard, private readonly options: VpcdCardOptions = {}) {}

  /** Connects (inserts the card). Resolves once the TCP connection is up. */
  insert(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? VPCD_DEFAULT_PORT });
      socket.setNoDelay(true);
      socket.once('connect', () => { this.socket = socket; resolve(); });
      socket.once('error', (e) => { if (!this.socket) reject(e); });
      socket.on('data', (chunk) => this.receive(new Uint8Array(chunk)));
      socket.on('close', () => { this.socket = null; this.card.powerOff(); this.options.onClose?.(); });
    });
  }

  /** Disconnects (pulls the card). */
  remove(): Promise<void> {
    const s = this.socket;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => { s.once('close', () => resolve()); s.destroy(); });
  }

  get connected(): boolean { return this.socket !== null; }

  private receive(chunk: Uint8Array): void {
    const all = new Uint8Array(this.buffered.length + chunk.length);
    all.set(this.buffered); all.set(chunk, this.buffered.length);
    let o = 0;
    while (all.length - o >= 2) {
      const n = (all[o] << 8) | all[o + 1];
      if (all.length - o - 2 < n) break;
      const msg = all.slice(o + 2, o + 2 + n);
      o += 2 + n;
      if (!this.handle(msg)) return;
    }
    this.buffered = all.slice(o);
  }

  /** Returns false when the card was pulled (torn) and the connection closed. */
  private handle(msg: Uint8Array): boolean {
    try {
      if (msg.length === 1) {
        switch (msg[0]) {
          case CTRL_OFF: this.card.powerOff(); break;
          case CTRL_ON: case CTRL_RESET: this.card.powerOn(); break;
          case CTRL_ATR: this.send(cardAtr()); break;
          default: this.options.log?.(`vpcd: unknown control code ${msg[0]}`);
        }
        return true;
      }
      if (!this.card.isPowered) this.card.powerOn(); // vpcd may send an APDU before "power on"
      const response = this.card.transmit(msg);
      this.apdus++;
      this.send(response);
      this.options.onCommand?.(this.card);
      return true;
    } catch (e) {
      if (e instanceof CardTornError) {
        this.options.log?.(`vpcd: ${e.message}; card pulled`);
        this.options.onCommand?.(this.card);
        this.socket?.destroy();
        return false;
      }
      throw e;
    }
  }

  private send(payload: Uint8Array): void {
    const frame = new Uint8Array(payload.length + 2);
    frame[0] = payload.length >> 8; frame[1] = payload.length & 0xff;
    frame.set(payload, 2);
    this.socket?.write(frame);
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const host = argValue(args, '--host') ?? '127.0.0.1';
  const port = Number(argValue(args, '--port') ?? VPCD_DEFAULT_PORT);
  const image = argValue(args, '--image');
  const card = new SimulatedCard(image && existsSync(image) ? new Uint8Array(readFileSync(image)) : undefined);
  const vcard = new VpcdCard(card, {
    host, port,
    log: (l) => console.error(l),
    onCommand: image ? (c) => writeFileSync(image, c.eeprom.bytes) : undefined,
    onClose: () => { console.log('voter card disconnected from vpcd'); process.exit(0); },
  });
  await vcard.insert();
  console.log(`voter card inserted into vpcd at ${host}:${port} (state: ${card.view().state})`);
  const stop = (): void => { void vcard.remove().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`vpcd card: ${(e as Error).message}`);
    process.exit(1);
  });
}
