// The board's card reader: the front-end on a UART, its card-present line on a GPIO.
import Serial from 'embedded:io/serial';
import Digital from 'embedded:io/digital';
import type { ClockPort } from '../../runtime/ports';
import { FrontEndCardReader, type ByteChannel, type PresenceLine } from './reader-client';
import { BOARD } from './board';

export function openCardReader(clock: ClockPort, pins = BOARD.cardReader): FrontEndCardReader {
  const receivers: ((bytes: Uint8Array) => void)[] = [];
  const serial = new Serial({
    port: pins.port, transmit: pins.transmit, receive: pins.receive, baud: pins.baud, format: 'buffer',
    onReadable(this: Serial) {
      const data = this.read();
      if (data instanceof ArrayBuffer && data.byteLength > 0) { const b = new Uint8Array(data); for (const h of receivers) h(b); }
    },
  });
  // Commands are at most 305 bytes, well inside the driver's transmit buffer: written whole.
  const channel: ByteChannel = { write: (bytes) => serial.write(bytes), onReceive: (h) => { receivers.push(h); } };

  const edgeHandlers: (() => void)[] = [];
  const line = new Digital({
    pin: pins.presencePin, mode: Digital.InputPullUp, edge: Digital.Rising | Digital.Falling,
    onReadable() { for (const h of edgeHandlers) h(); },
  });
  const presence: PresenceLine = {
    read: () => (line.read() === 0) === pins.presenceActiveLow,
    onChange: (h) => { edgeHandlers.push(h); },
  };
  return new FrontEndCardReader({ channel, presence, clock });
}
