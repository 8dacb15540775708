// LinkPort over a UART (ECMA-419 embedded:io/serial). Received bytes are handed on as they
// come; writes go through a queue that respects the driver's free transmit space
// (onWritable), so a large answer is sent in pieces without blocking or dropping.
// A plain UART cannot tell whether the precinct computer is there: no connection changes
// are reported (the session layer copes with a silent peer by its own time-outs).
import Serial from 'embedded:io/serial';
import type { LinkPort } from '../../runtime/ports';

export interface UartLinkOptions { port: number; transmit: number; receive: number; baud: number }

export class UartLink implements LinkPort {
  private readonly serial: Serial;
  private readonly receivers: ((bytes: Uint8Array) => void)[] = [];
  private readonly queue: Uint8Array[] = [];
  private writable = 0;

  constructor(options: UartLinkOptions) {
    const link = this;
    this.serial = new Serial({
      port: options.port, transmit: options.transmit, receive: options.receive, baud: options.baud,
      format: 'buffer',
      onReadable(this: Serial) {
        const data = this.read();
        if (data instanceof ArrayBuffer && data.byteLength > 0) link.deliver(new Uint8Array(data));
      },
      onWritable(this: Serial, count: number) { link.writable = count; link.pump(); },
    });
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes.slice()); // a copy: the caller may reuse its array
    this.pump();
  }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.receivers.push(handler); }
  onConnectionChange(_handler: (connected: boolean) => void): void { /* a UART cannot tell */ }

  /** Bytes waiting for transmit space. */
  get queuedBytes(): number { let n = 0; for (const q of this.queue) n += q.length; return n; }

  close(): void { this.serial.close(); this.queue.length = 0; }

  private pump(): void {
    while (this.queue.length > 0 && this.writable > 0) {
      const head = this.queue[0];
      const n = Math.min(head.length, this.writable);
      this.serial.write(n === head.length ? head : head.subarray(0, n));
      this.writable -= n;
      if (n === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
  }

  private deliver(bytes: Uint8Array): void { for (const h of this.receivers) h(bytes); }
}
