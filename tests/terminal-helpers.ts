// Shared by the terminal tests, the XS scenario (tests/xs/booth-entry.ts) and the bench: the
// keys a precinct would hold, a terminal on given ports, provisioning and opening as the
// precinct computer does it, and a voter who touches their way through the ballot.
// Device-safe (no Node imports).
import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
import { concatBytes, utf8Encode } from '../protocol/bytes';
import { createActivation } from '../protocol/card/records';
import { startPasswordCommitment } from '../protocol/start-password';
import { codesToBitmap } from '../terminal/ballot/codes';
import { Terminal, type TerminalLayout } from '../terminal/device';
import type { Screen } from '../terminal/screens/types';
import type { ButtonsPort, CardReaderPort, ClockPort, DisplayPort, FlashPort } from '../runtime/ports';
import { VirtualClock } from '../runtime/virtual-clock';
import type { BallotConfig } from '../terminal/ballot/config';

/** Reproducible "randomness": SHA-256 of a label and a counter. */
export function seeded(crypto: CryptoPort, label: string): EntropyPort {
  let counter = 0;
  return {
    randomBytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let o = 0; o < n; o += 32) {
        const c = counter++;
        out.set(crypto.sha256(concatBytes(utf8Encode(label), Uint8Array.of(c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255))).subarray(0, Math.min(32, n - o)), o);
      }
      return out;
    },
  };
}

/** What the precinct computer holds for its terminals. */
export interface PrecinctKeys {
  crypto: CryptoPort;
  issuerSecret: Uint8Array;
  issuerPublic: Uint8Array;
  electionSecret: Uint8Array;
  electionPublic: Uint8Array;
  /** The start password's scrypt verifier (precinct/keys/start-password.ts); here simply random. */
  verifier: Uint8Array;
  commitment: Uint8Array;
}

export function precinctKeys(crypto: CryptoPort, label = 'precinct'): PrecinctKeys {
  const e = seeded(crypto, label);
  const issuerSecret = e.randomBytes(32);
  const electionSecret = e.randomBytes(32);
  const verifier = e.randomBytes(32);
  return {
    crypto, issuerSecret, issuerPublic: crypto.ed25519PublicKey(issuerSecret),
    electionSecret, electionPublic: crypto.x25519PublicKey(electionSecret),
    verifier, commitment: startPasswordCommitment(crypto, verifier),
  };
}

/** Journal 48 blocks, the code block, a scratch block. */
export const TERMINAL_LAYOUT: TerminalLayout = { journal: { firstBlock: 0, blockCount: 48 }, codesBlock: 48, scratchBlock: 49 };
export const TERMINAL_BLOCKS = 50;

export class RecordingDisplay implements DisplayPort<Screen> {
  last: Screen | undefined;
  shown = 0;
  private handlers: ((id: string) => void)[] = [];
  show(screen: Screen): void { this.last = screen; this.shown++; }
  onTouch(handler: (id: string) => void): void { this.handlers.push(handler); }
  touch(id: string): void { for (const h of this.handlers) h(id); }
}

export interface TerminalRigOptions {
  flash: FlashPort;
  reader: CardReaderPort;
  entropy: EntropyPort;
  crypto: CryptoPort;
  authorityKeys: readonly Uint8Array[];
  clock?: ClockPort;
  display?: DisplayPort<Screen>;
  buttons?: ButtonsPort;
  layout?: TerminalLayout;
  ballot?: Partial<BallotConfig>;
  serial?: string;
}

export function makeTerminal(o: TerminalRigOptions): Terminal {
  return new Terminal({
    ports: { flash: o.flash, clock: o.clock ?? new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 2) }), entropy: o.entropy, crypto: o.crypto, cardReader: o.reader, display: o.display, buttons: o.buttons },
    layout: o.layout ?? TERMINAL_LAYOUT,
    identity: { serial: o.serial ?? 'TRM-0001', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32) },
    authorityKeys: o.authorityKeys,
    ballot: o.ballot,
  });
}

/** Lets timers and promises run on the virtual clock until nothing is pending. */
export async function settle(clock: VirtualClock, maxTimers = 20): Promise<void> {
  for (let i = 0; i < maxTimers; i++) {
    for (let k = 0; k < 50; k++) await Promise.resolve();
    if (clock.pendingTimers === 0) break;
    clock.advance(clock.nextDue()! - clock.monotonicMs());
  }
  for (let k = 0; k < 50; k++) await Promise.resolve();
}

/** Lets promises run without moving time (card operations are promise-based). */
export async function flush(turns = 200): Promise<void> {
  for (let k = 0; k < turns; k++) await Promise.resolve();
}

/** What the precinct computer does before 07:00: load, provision, self-test, open. */
export async function configureAndOpen(t: Terminal, signedElection: Uint8Array, keys: PrecinctKeys, codes: Uint8Array | number[], clock: VirtualClock): Promise<void> {
  t.loadElection(signedElection.length, 0, signedElection);
  t.provision({ issuers: [keys.issuerPublic], electionPublicKey: keys.electionPublic, codes: codes instanceof Uint8Array ? codes : codesToBitmap(codes), startPasswordCommitment: keys.commitment });
  t.startSelfTest();
  await clock.runUntilSettled(t.selfTestFinished());
  t.open(keys.verifier);
  if (t.state !== 'open') throw new Error('the terminal did not open');
}

/** A fresh activation for this terminal's election, as the card writer makes it. */
export function activationFor(keys: PrecinctKeys, entropy: EntropyPort, fingerprint: Uint8Array, precinct: number, issuerSecret = keys.issuerSecret): Uint8Array {
  return createActivation(keys.crypto, entropy, issuerSecret, { electionFingerprint: fingerprint, precinct, ballotStyle: 1, issuedAt: 1_740_800_000 }).bytes;
}

/** The button id for option `option` on the current contest screen, paging forward as needed. */
export function findOption(t: Terminal, option: string | number | null): string {
  const want = option === null ? 'blank' : `opt:${option}`;
  for (let i = 0; i < 50; i++) {
    const s = t.currentScreen;
    if (s.buttons.some((b) => b.id === want)) return want;
    if (!s.buttons.some((b) => b.id === 'page:next')) break;
    t.touch('page:next');
  }
  throw new Error(`no button ${want} on the contest screen`);
}

/**
 * A voter with the card already accepted: chooses the language, each contest's option
 * (paging as needed), confirms each, proceeds, casts. Returns after "cast" (the write is
 * in flight: await t.idle()).
 */
export function castBallot(t: Terminal, lang: 'kk' | 'ru', options: readonly (string | number | null)[], cast = true): void {
  t.touch(`lang:${lang}`);
  for (const o of options) {
    t.touch(findOption(t, o));
    t.touch('confirm');
  }
  t.touch('proceed');
  if (cast) t.touch('cast');
}

/** The four digits on the code screen, or undefined. */
export function shownCode(s: Screen): string | undefined {
  return s.texts.find((x) => x.role === 'code')?.text;
}
