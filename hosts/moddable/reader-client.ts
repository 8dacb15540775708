// CardReaderPort over the front-end protocol (reader-protocol.ts): one command at a time,
// each with a time-out on the ClockPort, the card-present line debounced. Pure code over
// small interfaces, so it runs under Node tests with a simulated front-end; card-reader.ts
// wires it to the UART and the GPIO on the board.

import { ProtocolError, toHex } from '../../protocol/bytes';
import { CardRemovedError } from '../../runtime/card-client';
import type { CardReaderPort, ClockPort, TimerHandle } from '../../runtime/ports';
import { ReaderCmd, ReaderFrameParser, ReaderStatus, encodeReaderFrame, type ReaderFrame } from './reader-protocol';

export interface ByteChannel {
  write(bytes: Uint8Array): void;
  onReceive(handler: (bytes: Uint8Array) => void): void;
}

/** The raw card-present line; true when a card is in. onChange fires on any edge (bounces included). */
export interface PresenceLine {
  read(): boolean;
  onChange(handler: () => void): void;
}

export interface FrontEndReaderOptions {
  channel: ByteChannel;
  presence: PresenceLine;
  clock: ClockPort;
  /** Time-out of one command; a card on T=0 with a slow EEPROM write can take a second. Default 3 s. */
  commandTimeoutMs?: number;
  /** The presence line must hold still this long. Default 30 ms. */
  debounceMs?: number;
}

interface Pending { cmd: number; resolve: (f: ReaderFrame) => void; reject: (e: unknown) => void; timer: TimerHandle | undefined }

export class FrontEndCardReader implements CardReaderPort {
  private readonly parser = new ReaderFrameParser();
  private present: boolean;
  private readonly watchers: ((present: boolean) => void)[] = [];
  private debounce: TimerHandle | undefined;
  private current: Pending | undefined;
  private readonly queue: (() => void)[] = [];
  /** Answers that matched no command (late, after a time-out): counted, ignored. */
  strayFrames = 0;

  constructor(private readonly opts: FrontEndReaderOptions) {
    this.present = opts.presence.read();
    opts.channel.onReceive((bytes) => { for (const f of this.parser.push(bytes)) this.onFrame(f); });
    opts.presence.onChange(() => this.presenceEdge());
  }

  isCardPresent(): boolean { return this.present; }
  onCardChange(handler: (present: boolean) => void): void { this.watchers.push(handler); }

  async powerOn(): Promise<Uint8Array> {
    if (!this.present) throw new CardRemovedError();
    const f = await this.command(ReaderCmd.PowerUp, new Uint8Array(0));
    return f.data;
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.present) throw new CardRemovedError();
    const f = await this.command(ReaderCmd.Apdu, apdu);
    if (f.data.length < 2) throw new ProtocolError('reader-bad-answer', 'R-APDU shorter than SW1 SW2');
    return f.data;
  }

  async powerOff(): Promise<void> { await this.command(ReaderCmd.PowerOff, new Uint8Array(0)); }

  private command(cmd: number, data: Uint8Array): Promise<ReaderFrame> {
    return new Promise<ReaderFrame>((resolve, reject) => {
      const start = (): void => {
        const p: Pending = { cmd, resolve, reject, timer: undefined };
        this.current = p;
        p.timer = this.opts.clock.setTimeout(this.opts.commandTimeoutMs ?? 3000, () => {
          this.finish(p, () => reject(new ProtocolError('reader-timeout', `front-end did not answer command ${toHex(Uint8Array.of(cmd))}`)));
        });
        try {
          this.opts.channel.write(encodeReaderFrame(cmd, data));
        } catch (e) {
          this.finish(p, () => reject(e));
        }
      };
      if (this.current) this.queue.push(start); else start();
    });
  }

  private finish(p: Pending, settle: () => void): void {
    if (this.current !== p) return;
    if (p.timer) this.opts.clock.clearTimeout(p.timer);
    this.current = undefined;
    settle();
    const next = this.queue.shift();
    if (next) next();
  }

  private onFrame(f: ReaderFrame): void {
    if (f.cmd === ReaderCmd.CardEvent) { this.presenceEdge(); return; } // a hint: the line decides
    const p = this.current;
    if (!p || p.cmd !== f.cmd) { this.strayFrames++; return; }
    if (f.ok) { this.finish(p, () => p.resolve(f)); return; }
    const status = f.data.length > 0 ? f.data[0] : -1;
    if (status === ReaderStatus.NoCard || status === ReaderStatus.CardRemoved) {
      this.finish(p, () => p.reject(new CardRemovedError(`front-end status ${status}`)));
    } else {
      this.finish(p, () => p.reject(new ProtocolError('reader-error', `front-end status ${status} for command ${toHex(Uint8Array.of(f.cmd))}`)));
    }
  }

  private presenceEdge(): void {
    const clock = this.opts.clock;
    if (this.debounce) clock.clearTimeout(this.debounce);
    this.debounce = clock.setTimeout(this.opts.debounceMs ?? 30, () => {
      this.debounce = undefined;
      const now = this.opts.presence.read();
      if (now === this.present) return;
      this.present = now;
      if (!now && this.current) {
        const p = this.current;
        this.finish(p, () => p.reject(new CardRemovedError('card left the reader during a command')));
      }
      for (const h of [...this.watchers]) h(now);
    });
  }
}
