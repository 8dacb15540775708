// Shared by the accumulator tests, the XS scenario and the bench: keys, a signed election,
// voted cards' records, a recording display and sound, and a rig that builds an accumulator on
// simulated flash. Device-safe (no Node imports), so tests/xs/accumulator-entry.ts uses it too.
import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
import { concatBytes, utf8Encode } from '../protocol/bytes';
import { createActivation, sealVote, type Selection } from '../protocol/card/records';
import { encodeElection, electionFingerprint } from '../protocol/election/encoding';
import { encodeSignedElection, signElection } from '../protocol/election/signed';
import type { ElectionDefinition } from '../protocol/election/model';
import { Accumulator, type AccumulatorLayout } from '../accumulator/device';
import { startPasswordCommitment } from '../protocol/start-password';
import type { AccumulatorScreen } from '../accumulator/screens';
import type { CardReaderPort, ClockPort, DisplayPort, FlashPort, SoundPort } from '../runtime/ports';
import { VirtualClock } from '../runtime/virtual-clock';

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

export const PRECINCT = 7;
/** The start password's verifier as the precinct computer sends it at open (32 bytes; protocol/start-password.ts). */
export const PASSWORD = new Uint8Array(32).fill(0x5a);

export function definition(precinct = PRECINCT, electionId = 'ACC-TEST'): ElectionDefinition {
  const t = (s: string) => ({ kk: s, ru: s });
  return {
    electionId, title: t('Тест'), date: '2025-03-01', precinct, votingHours: { opens: '07:00', closes: '20:00' },
    contests: [{ id: 1, title: t('Президент'), againstAll: true, blankAllowed: false, kind: 'party-list', options: [{ id: 1, name: t('А') }, { id: 2, name: t('Б') }] }],
  };
}

export interface Fixture {
  crypto: CryptoPort;
  authoritySecret: Uint8Array;
  authorityPublic: Uint8Array;
  issuerSecret: Uint8Array;
  issuerPublic: Uint8Array;
  terminalSecret: Uint8Array;
  terminalPublic: Uint8Array;
  portableSecret: Uint8Array;
  portablePublic: Uint8Array;
  rogueSecret: Uint8Array;
  electionPublic: Uint8Array;
  electionSecret: Uint8Array;
  signedElection: Uint8Array;
  fingerprint: Uint8Array;
  otherFingerprint: Uint8Array;
}

export function fixture(crypto: CryptoPort): Fixture {
  const e = seeded(crypto, 'accumulator-keys');
  const [authoritySecret, issuerSecret, terminalSecret, portableSecret, rogueSecret, electionSecret] = [0, 1, 2, 3, 4, 5].map(() => e.randomBytes(32));
  const encoded = encodeElection(definition());
  const signedElection = encodeSignedElection(signElection(encoded, authoritySecret, crypto));
  return {
    crypto, authoritySecret, authorityPublic: crypto.ed25519PublicKey(authoritySecret),
    issuerSecret, issuerPublic: crypto.ed25519PublicKey(issuerSecret),
    terminalSecret, terminalPublic: crypto.ed25519PublicKey(terminalSecret),
    portableSecret, portablePublic: crypto.ed25519PublicKey(portableSecret),
    rogueSecret, electionSecret, electionPublic: crypto.x25519PublicKey(electionSecret),
    signedElection, fingerprint: electionFingerprint(encoded, crypto),
    otherFingerprint: electionFingerprint(encodeElection(definition(PRECINCT, 'OTHER')), crypto),
  };
}

export interface CardRecords { activation: Uint8Array; vote: Uint8Array; activationId: Uint8Array }

/** The two records of a voted card, signed as the card writer and a terminal would. */
export function votedRecords(f: Fixture, entropy: EntropyPort, over: Partial<{ fingerprint: Uint8Array; precinct: number; issuer: Uint8Array; terminal: Uint8Array; option: number; code: number }> = {}): CardRecords {
  const { bytes: activation, activation: a } = createActivation(f.crypto, entropy, over.issuer ?? f.issuerSecret, {
    electionFingerprint: over.fingerprint ?? f.fingerprint, precinct: over.precinct ?? PRECINCT, ballotStyle: 1, issuedAt: 1_740_800_000,
  });
  const selections: Selection[] = [{ contest: 1, option: over.option ?? 1 }];
  const { bytes: vote } = sealVote(f.crypto, entropy, {
    activationBytes: activation, electionFingerprint: over.fingerprint ?? f.fingerprint, electionPublicKey: f.electionPublic,
    terminalSecretKey: over.terminal ?? f.terminalSecret, content: { selections, verificationCode: over.code ?? 1234 },
  });
  return { activation, vote, activationId: a.activationId };
}

export class RecordingDisplay implements DisplayPort<AccumulatorScreen> {
  screens: AccumulatorScreen[] = [];
  show(screen: AccumulatorScreen): void { this.screens.push(screen); if (this.screens.length > 50) this.screens.shift(); }
  onTouch(): void {}
  get last(): AccumulatorScreen { return this.screens[this.screens.length - 1]; }
}

export class RecordingSound implements SoundPort {
  signals: string[] = [];
  signal(kind: 'accepted' | 'refused' | 'attention'): void { this.signals.push(kind); if (this.signals.length > 50) this.signals.shift(); }
}

/** Small layout for most tests: journal 16 blocks, 4 slot blocks (48 slots), a scratch block. */
export const SMALL_LAYOUT: AccumulatorLayout = { journal: { firstBlock: 0, blockCount: 16 }, slots: { firstBlock: 16, blockCount: 4 }, scratchBlock: 20 };
export const SMALL_BLOCKS = 21;
/** A whole precinct: 3,600 slots (3,000 voters + 20 %), a journal of 128 blocks. */
export const DAY_LAYOUT: AccumulatorLayout = { journal: { firstBlock: 0, blockCount: 128 }, slots: { firstBlock: 128, blockCount: 300 }, scratchBlock: 428 };
export const DAY_BLOCKS = 429;

export interface Rig {
  acc: Accumulator;
  display: RecordingDisplay;
  sound: RecordingSound;
  clock: VirtualClock;
}

export function makeAccumulator(f: Fixture, flash: FlashPort, reader: CardReaderPort, entropy: EntropyPort, layout = SMALL_LAYOUT, clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 2) })): Rig {
  const display = new RecordingDisplay();
  const sound = new RecordingSound();
  const acc = new Accumulator({
    ports: { flash, clock, entropy, crypto: f.crypto, cardReader: reader, display, sound },
    layout,
    identity: { serial: 'ACC-0001', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), noisePublicKey: new Uint8Array(32).fill(7) },
    authorityKeys: [f.authorityPublic],
  });
  return { acc, display, sound, clock };
}

/** Load election and keys, pass the self-test, open: what the precinct computer does before 07:00. */
export async function configureAndOpen(f: Fixture, rig: Rig): Promise<void> {
  const { acc, clock } = rig;
  acc.loadElection(f.signedElection.length, 0, f.signedElection);
  acc.loadKeys({ issuers: [f.issuerPublic], terminals: [f.terminalPublic], portableBallots: [f.portablePublic], startPasswordCommitment: startPasswordCommitment(f.crypto, PASSWORD) });
  acc.startSelfTest();
  await settle(clock);
  acc.open(PASSWORD);
}

/** Lets the self-test's timers and promises run on the virtual clock. */
export async function settle(clock: ClockPort & { pendingTimers?: number }): Promise<void> {
  const vc = clock as VirtualClock;
  for (let i = 0; i < 20; i++) {
    for (let k = 0; k < 50; k++) await Promise.resolve();
    if (vc.pendingTimers === 0) break;
    vc.advance(vc.nextDue()! - vc.monotonicMs());
  }
  for (let k = 0; k < 50; k++) await Promise.resolve();
}
