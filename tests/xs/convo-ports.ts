// Ports the XS conversation entries share (device-safe): a card reader with no card in it,
// a sound port that only counts.
import type { CardReaderPort, DisplayPort, PowerPort, SoundPort } from '../../runtime/ports';

export class EmptyReader implements CardReaderPort {
  isCardPresent(): boolean { return false; }
  onCardChange(): void {}
  powerOn(): Promise<Uint8Array> { return Promise.reject(new Error('no card')); }
  transmit(): Promise<Uint8Array> { return Promise.reject(new Error('no card')); }
}

export class CountingSound implements SoundPort {
  signals = 0;
  signal(): void { this.signals++; }
}

/** A screen nobody looks at (keeps the last one shown). */
export class LastScreen<S> implements DisplayPort<S> {
  last: S | undefined;
  show(screen: S): void { this.last = screen; }
  onTouch(): void {}
}

export const MAINS: PowerPort = { status: () => ({ source: 'mains', batteryPercent: 100 }) };
