// Shared by the portable-ballot tests, the XS entry and the bench: keys, a signed election, a
// device-safe generator of home voters, a rig building a PortableBallot on simulated flash, the
// precinct's side of loading (chunks + digest) and of the upload (pages reassembled).
// Device-safe (no Node imports): tests/xs/home-entry.ts uses it inside XS.
import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
import { concatBytes, utf8Encode } from '../protocol/bytes';
import type { CborValue } from '../protocol/cbor';
import { encodeElection, electionFingerprint } from '../protocol/election/encoding';
import { encodeSignedElection, signElection } from '../protocol/election/signed';
import type { ElectionDefinition } from '../protocol/election/model';
import { startPasswordCommitment } from '../protocol/start-password';
import { VirtualClock } from '../runtime/virtual-clock';
import type { DisplayPort, FlashPort, PowerPort, PowerStatus } from '../runtime/ports';
import { codesToBitmap, partitionCodes } from '../terminal/ballot/codes';
import { PortableBallot, PORTABLE_SLOT_BYTES, type PortableLayout } from '../portable-ballot/device';
import type { PortableScreen } from '../portable-ballot/screens';
import { homeListDigest, type HomeVoter } from '../portable-ballot/voter-list';
import type { Upload } from '../portable-ballot/upload';

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

export const PRECINCT = 12;
export const ELECTION_DAY = '2025-03-01';

export function definition(electionId = 'HOME-TEST'): ElectionDefinition {
  const t = (s: string) => ({ kk: s, ru: s });
  return {
    electionId, title: t('Сайлау'), date: ELECTION_DAY, precinct: PRECINCT, votingHours: { opens: '07:00', closes: '20:00' },
    contests: [{ id: 1, title: t('Партиялар'), againstAll: true, blankAllowed: false, kind: 'party-list', options: [{ id: 1, name: t('А') }, { id: 2, name: t('Б') }, { id: 3, name: t('В') }] }],
  };
}

export interface Fixture {
  crypto: CryptoPort;
  authorityPublic: Uint8Array;
  deviceSecret: Uint8Array;
  devicePublic: Uint8Array;
  electionSecret: Uint8Array;
  electionPublic: Uint8Array;
  signedElection: Uint8Array;
  otherSignedElection: Uint8Array;
  fingerprint: Uint8Array;
  otherFingerprint: Uint8Array;
  verifier: Uint8Array;
  commitment: Uint8Array;
  codeShare: Uint8Array;
  shareCodes: number[];
}

export function fixture(crypto: CryptoPort): Fixture {
  const e = seeded(crypto, 'portable-keys');
  const [authoritySecret, deviceSecret, electionSecret, verifier] = [0, 1, 2, 3].map(() => e.randomBytes(32));
  const enc = encodeElection(definition());
  const otherEnc = encodeElection(definition('OTHER'));
  const { shares } = partitionCodes([3200, 3200], e);
  return {
    crypto, authorityPublic: crypto.ed25519PublicKey(authoritySecret),
    deviceSecret, devicePublic: crypto.ed25519PublicKey(deviceSecret),
    electionSecret, electionPublic: crypto.x25519PublicKey(electionSecret),
    signedElection: encodeSignedElection(signElection(enc, authoritySecret, crypto)),
    otherSignedElection: encodeSignedElection(signElection(otherEnc, authoritySecret, crypto)),
    fingerprint: electionFingerprint(enc, crypto), otherFingerprint: electionFingerprint(otherEnc, crypto),
    verifier, commitment: startPasswordCommitment(crypto, verifier),
    codeShare: codesToBitmap(shares[0]), shareCodes: shares[0],
  };
}

const SURNAMES = ['Абенов', 'Жұмабаев', 'Иванова', 'Сәрсенбаева', 'Ёлкин', 'Құдайбергенов', 'Петров', 'Әлиева', 'Нұрланов', 'Ким'];
const NAMES = ['Айгерім', 'Ерлан', 'Мария', 'Дәурен', 'Алексей', 'Гүлнар', 'Сергей', 'Жанар'];

/** Home voters with ascending register numbers, applied the day before (device-safe, deterministic). */
export function homeVoters(n: number, start = 1): HomeVoter[] {
  const out: HomeVoter[] = [];
  for (let i = 0; i < n; i++) {
    const k = start + i;
    out.push({
      registerNo: k * 3, surname: SURNAMES[k % SURNAMES.length], firstName: NAMES[(k * 7) % NAMES.length],
      patronymic: k % 4 === 0 ? '' : 'Серікұлы', birthDate: `19${30 + (k % 60)}-0${1 + (k % 9)}-1${k % 10}`,
      address: `Алматы қ., Абай даңғылы, ${1 + (k % 40)} үй, ${1 + (k % 120)} пәтер`, appliedAt: `2025-02-28 1${k % 10}:0${k % 6}`,
    });
  }
  return out;
}

export function voterArray(v: HomeVoter): CborValue[] {
  return [v.registerNo, v.surname, v.firstName, v.patronymic, v.birthDate, v.address, v.appliedAt];
}

export class RecordingDisplay implements DisplayPort<PortableScreen> {
  screens: PortableScreen[] = [];
  private handler: ((id: string) => void) | undefined;
  show(s: PortableScreen): void { this.screens.push(s); if (this.screens.length > 40) this.screens.shift(); }
  onTouch(h: (id: string) => void): void { this.handler = h; }
  touch(id: string): void { this.handler?.(id); }
  get last(): PortableScreen { return this.screens[this.screens.length - 1]; }
}

export class TestPower implements PowerPort {
  constructor(public s: PowerStatus = { source: 'battery', batteryPercent: 90 }) {}
  status(): PowerStatus { return { ...this.s }; }
}

/** 200+ voters: list 13 blocks (208), votes 26 blocks (208). */
export const SMALL_LAYOUT: PortableLayout = {
  journal: { firstBlock: 0, blockCount: 12 },
  voters: { firstBlock: 12, blockCount: 13 },
  slots: { firstBlock: 25, blockCount: 26, slotBytes: PORTABLE_SLOT_BYTES },
  codesBlock: 51,
  scratchBlock: 52,
};
export const SMALL_BLOCKS = 53;

export interface Rig { dev: PortableBallot; display: RecordingDisplay; clock: VirtualClock; power: TestPower; flash: FlashPort }

export function makePortable(f: Fixture, flash: FlashPort, entropy: EntropyPort, o: { layout?: PortableLayout; clock?: VirtualClock; power?: TestPower } = {}): Rig {
  const display = new RecordingDisplay();
  const clock = o.clock ?? new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 3) });
  const power = o.power ?? new TestPower();
  const dev = new PortableBallot({
    ports: { flash, clock, entropy, crypto: f.crypto, display, power },
    layout: o.layout ?? SMALL_LAYOUT,
    identity: { serial: 'PB-0001', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), noisePublicKey: new Uint8Array(32).fill(9), signingKey: f.deviceSecret },
    authorityKeys: [f.authorityPublic],
  });
  return { dev, display, clock, power, flash };
}

/** What the precinct computer sends: the list in chunks, the digest with the last. */
export function loadList(f: Fixture, dev: PortableBallot, voters: readonly HomeVoter[], o: { chunk?: number; digest?: Uint8Array; fingerprint?: Uint8Array } = {}): void {
  const chunk = o.chunk ?? 16;
  const digest = o.digest ?? homeListDigest(f.crypto, f.fingerprint, voters);
  for (let off = 0; off < voters.length || off === 0; off += chunk) {
    const part = voters.slice(off, off + chunk);
    const last = off + part.length >= voters.length;
    dev.loadVoters({ electionFingerprint: o.fingerprint ?? f.fingerprint, total: voters.length, offset: off, voters: part.map(voterArray), digest: last ? digest : undefined });
    if (voters.length === 0) break;
  }
}

export async function settle(clock: VirtualClock): Promise<void> {
  for (let i = 0; i < 20; i++) {
    for (let k = 0; k < 50; k++) await Promise.resolve();
    if (clock.pendingTimers === 0) break;
    clock.advance(clock.nextDue()! - clock.monotonicMs());
  }
  for (let k = 0; k < 50; k++) await Promise.resolve();
}

/** Election, setup, list, a passing self-test, open: what happens at the precinct before leaving. */
export async function configureAndOpen(f: Fixture, rig: Rig, voters: readonly HomeVoter[]): Promise<void> {
  rig.dev.loadElection(f.signedElection.length, 0, f.signedElection);
  rig.dev.loadSetup({ electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare });
  loadList(f, rig.dev, voters);
  rig.dev.startSelfTest();
  await settle(rig.clock);
  rig.dev.open(f.verifier);
}

/** One home voter: identify, confirm, vote for `option` through the shared flow, read the code, hand back. */
export function voteAtHome(rig: Rig, index: number, option: number, o: { finish?: boolean } = {}): { code: number | null } {
  rig.dev.identify(index);
  rig.display.touch('member:confirm');
  if (!rig.dev.sessionOpen) throw new Error(`session refused for ${index}`);
  for (const b of ['lang:kk', `opt:${option}`, 'confirm', 'proceed', 'cast', 'code:1', 'code:2']) rig.display.touch(b);
  const code = rig.dev.ballotState?.code ?? null;
  if (o.finish !== false) rig.dev.endVoter();
  return { code };
}

/** The precinct computer's reading of the upload: summary, then every page. */
export function readUpload(rig: Rig): Upload {
  const s = rig.dev.uploadSummary();
  const marks: number[] = [];
  for (let from = 0; ;) {
    const p = rig.dev.uploadMarks(from, 100);
    marks.push(...p.registerNos);
    if (p.next >= p.total) break;
    from = p.next;
  }
  const votes: Upload['votes'] = [];
  for (let from = 0; ;) {
    const p = rig.dev.uploadVotes(from, 64);
    votes.push(...p.votes);
    if (p.next >= p.total) break;
    from = p.next;
  }
  return { summary: { ...s, forDecision: s.forDecision as Upload['summary']['forDecision'] }, marks, votes };
}
