// The ports: the small interfaces every device's logic is written against. Hosts
// (hosts/node, hosts/xs, hosts/moddable) implement them; device code never touches
// hardware, timers or the operating system any other way.

import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
export type { CryptoPort, EntropyPort };

/**
 * NOR flash. A block erases to 0xFF; programming can only clear bits (the stored byte
 * becomes old & new). Calls are synchronous and durable when they return, as on ESP32.
 */
export interface FlashPort {
  readonly blockSize: number; // 4096 on every supported part
  readonly blockCount: number;
  read(offset: number, length: number): Uint8Array;
  program(offset: number, data: Uint8Array): void;
  erase(block: number): void;
}

/** A byte stream to the precinct computer (UART, USB CDC or TCP). Chunks arrive in any split. */
export interface LinkPort {
  write(bytes: Uint8Array): void;
  onReceive(handler: (bytes: Uint8Array) => void): void;
  /** Called when the other end (dis)connects, where the transport can tell. */
  onConnectionChange(handler: (connected: boolean) => void): void;
}

/** An ISO 7816 contact reader with one slot. */
export interface CardReaderPort {
  isCardPresent(): boolean;
  onCardChange(handler: (present: boolean) => void): void;
  /** Powers the card and returns its ATR. Rejects with a CardRemovedError-like error when no card. */
  powerOn(): Promise<Uint8Array>;
  /** Sends one command APDU; resolves to the response data followed by SW1 SW2. */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

export type TimerHandle = { readonly id: number };

/** Time and timers. The wall clock is unknown until the precinct computer sets it. */
export interface ClockPort {
  monotonicMs(): number;
  wallClockMs(): number | undefined;
  setWallClock(msSinceEpoch: number): void;
  setTimeout(delayMs: number, callback: () => void): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A screen the device logic describes as data; each device defines its screen type. */
export interface DisplayPort<Screen> {
  show(screen: Screen): void;
  /** Touch on a button the current screen declared, by its id. */
  onTouch(handler: (buttonId: string) => void): void;
}

/** Physical push buttons, by name ("1", "2" on the terminal). */
export interface ButtonsPort {
  readonly names: readonly string[];
  onPress(handler: (name: string) => void): void;
}

export interface PowerStatus {
  source: 'mains' | 'battery';
  /** 0–100, or undefined when the device has no battery gauge. */
  batteryPercent: number | undefined;
}
export interface PowerPort {
  status(): PowerStatus;
}

/** Short signals on the accumulator and the portable ballot. */
export interface SoundPort {
  signal(kind: 'accepted' | 'refused' | 'attention'): void;
}

/** Everything a device may be given; each device states which of these it needs. */
export interface DevicePorts {
  flash: FlashPort;
  link: LinkPort;
  clock: ClockPort;
  entropy: EntropyPort;
  crypto: CryptoPort;
  cardReader?: CardReaderPort;
  display?: DisplayPort<unknown>;
  buttons?: ButtonsPort;
  power?: PowerPort;
  sound?: SoundPort;
}
