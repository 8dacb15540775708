// The card accumulator (REQUIREMENTS 001 §12, §17): a commission member inserts each voted
// card in the voter's sight; the device reads and verifies it, stores the encrypted vote in a
// random slot (slots.ts), and only then clears the card. It cannot decrypt votes, and its
// stored votes are read out only after close. docs/accumulator.md: flow, states, secrecy,
// messages, capacity.
//
// Storage: a journal (runtime/journal) for the device's state cells and its event log, and a
// separate slot region for the votes. The count of record is the number of stored slots.

import { checkStartVerifier } from '../protocol/start-password';
import { ProtocolError, bytesEqual } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject } from '../protocol/cbor';
import { CardRecordError, verifyActivation, verifyVote, type CardRefusal } from '../protocol/card/records';
import { selectApdu } from '../protocol/card/apdu';
import { verifySignedElection } from '../protocol/election/signed';
import { ElectionError } from '../protocol/election/errors';
import { RpcError } from '../protocol/wire/envelope';
import type { RpcServer } from '../protocol/wire/rpc';
import {
  Close, EventLogRead, Identify, LoadElection, MAX_EVENT_PAGE_BYTES, Open, ResultsRead, SelfTestReport, SelfTestRun, SetTime, Status,
  type ResponseOf,
} from '../protocol/wire/messages';
import { CardClient } from '../runtime/card-client';
import { EventLog, safeDetail } from '../runtime/event-log';
import { EVENTS } from '../runtime/events';
import type { EventInfo } from '../runtime/events';
import { Journal, JournalError, StateCell } from '../runtime/journal';
import type { CardReaderPort, ClockPort, CryptoPort, DisplayPort, EntropyPort, FlashPort, PowerPort, SoundPort } from '../runtime/ports';
import {
  SelfTest, cardReaderCheck, electionCheck, failed, keysCheck, passed, registerCommonChecks, selfTestOutcome, SelfTestRuns, type SelfTestReport as Report,
} from '../runtime/self-test';
import { Counters, LoadKeys } from './messages';
import { REFUSAL_REASONS, screenFor, type AccumulatorScreen, type RefusalReason } from './screens';
import { SlotStoreError, VoteSlotStore, type SlotRegion } from './slots';

export type AccumulatorState = 'unconfigured' | 'loaded' | 'open' | 'closed';

export interface AccumulatorPorts {
  flash: FlashPort;
  clock: ClockPort;
  entropy: EntropyPort;
  crypto: CryptoPort;
  cardReader: CardReaderPort;
  display: DisplayPort<AccumulatorScreen>;
  sound: SoundPort;
  power?: PowerPort;
}

export interface AccumulatorLayout {
  /** The journal: state cells and the event log (~120 bytes of log per card). */
  journal: { firstBlock: number; blockCount: number };
  /** The vote slots (slots.ts). */
  slots: SlotRegion;
  /** A block the self-test may erase and write (outside both regions). */
  scratchBlock?: number;
}

export interface AccumulatorIdentity {
  serial: string;
  firmwareVersion: string;
  firmwareHash: Uint8Array;
  /** The device's static X25519 (Noise) public key. */
  noisePublicKey: Uint8Array;
  /** Ed25519 seed: signs event-log pages when given. */
  signingKey?: Uint8Array;
}

export interface AccumulatorOptions {
  ports: AccumulatorPorts;
  layout: AccumulatorLayout;
  identity: AccumulatorIdentity;
  /** Election-authority keys the device was provisioned with (signed election definitions). */
  authorityKeys: readonly Uint8Array[];
}

export type CardOutcome =
  | { result: 'accepted'; recovered: boolean }
  | { result: 'refused'; reason: RefusalReason }
  /** Stored, but the card was pulled before it was cleared: reinsert it. */
  | { result: 'reinsert' };

// Journal tags (0–239 are the device's; the event log is 240).
const TAG_ELECTION = 1;
const TAG_KEYS = 2;
const TAG_PHASE = 3;
const TAG_COUNTERS = 4;
const PHASE_OPEN = 2;
const PHASE_CLOSED = 3;

/** Journal bytes kept for state changes (phase, keys) once the event log has filled the rest. */
const JOURNAL_RESERVE_BYTES = 1024;
/** Answers stay below the envelope limit with room for the map around them. */
const RESULTS_PAGE_BYTES = 3800;


interface ElectionInfo { fingerprint: Uint8Array; precinct: number; electionId: string }
interface KeySet { issuers: Uint8Array[]; terminals: Uint8Array[]; portableBallots: Uint8Array[]; passwordCheck: Uint8Array }

export class Accumulator {
  readonly journal: Journal;
  readonly log: EventLog;
  slots: VoteSlotStore;
  private readonly p: AccumulatorPorts;
  private readonly cards: CardClient;
  private election: ElectionInfo | undefined;
  private keys: KeySet | undefined;
  private phase = 0;
  private refusals: Map<string, number> = new Map();
  private recoveredClears = 0;
  private inFlight: Promise<CardOutcome> | undefined;
  private logFull = false;
  private logDamaged = false;
  private badPasswords = 0;
  private loadBuffer: { total: number; bytes: Uint8Array; received: number } | undefined;
  private readonly selfTests = new SelfTestRuns();
  private readonly bootMs: number;
  private screen: AccumulatorScreen;

  constructor(private readonly o: AccumulatorOptions) {
    this.p = o.ports;
    this.bootMs = this.p.clock.monotonicMs();
    this.journal = Journal.open(this.p.flash, this.p.crypto, o.layout.journal);
    this.log = EventLog.open(this.journal, this.p.crypto, this.p.clock, { signingKey: o.identity.signingKey });
    this.slots = VoteSlotStore.open(this.p.flash, o.layout.slots);
    this.cards = new CardClient(this.p.cardReader, this.p.crypto);
    this.restore();
    this.record(EVENTS.boot, 'success', `firmware ${o.identity.firmwareVersion}`);
    const r = this.journal.recovery;
    if (r.tornRecordVoided || r.tailSealed || r.formatResumed || this.slots.recovered.voided > 0) {
      const what = [r.tornRecordVoided ? 'torn record voided' : '', r.tailSealed ? 'block sealed' : '', r.formatResumed ? 'format resumed' : '',
        this.slots.recovered.voided > 0 ? 'torn vote slot voided' : ''].filter((s) => s !== '').join(', ');
      this.record(EVENTS.journalRecovered, 'success', what);
    }
    this.screen = this.idleScreen();
    this.p.display.show(this.screen);
    this.p.cardReader.onCardChange((present) => {
      // The outcome stays on the display until the member takes the card out.
      if (!present) { if (!this.inFlight) this.show(); return; }
      void this.takeCard().catch(() => { /* a flash failure: the host restarts the device */ });
    });
  }

  get state(): AccumulatorState {
    if (this.phase === PHASE_CLOSED) return 'closed';
    if (this.phase === PHASE_OPEN) return 'open';
    return this.election && this.keys ? 'loaded' : 'unconfigured';
  }

  get currentScreen(): AccumulatorScreen { return this.screen; }

  counters(): ResponseOf<typeof Counters> {
    const byReason: CborObject = {};
    let refused = 0;
    for (const r of REFUSAL_REASONS) {
      const n = this.refusals.get(r) ?? 0;
      if (n > 0) { byReason[r] = n; refused += n; }
    }
    return { state: this.state, accepted: this.slots.stored, refused, refusedByReason: byReason, recoveredClears: this.recoveredClears, slotsFree: this.slots.free };
  }

  // ---- the card ----

  /**
   * Handles the card in the reader: read, verify, refuse a stored activation, store, and only
   * then clear. Called on card insertion; tests call it directly. Flash failures propagate
   * (the device restarts and recovers); everything else ends in an outcome on the display.
   */
  takeCard(): Promise<CardOutcome> {
    // One card at a time: a second call while a card is handled (the insertion event and a
    // caller) gets the same outcome.
    if (this.inFlight) return this.inFlight;
    const run = this.takeCardNow().finally(() => { this.inFlight = undefined; });
    this.inFlight = run;
    return run;
  }

  private async takeCardNow(): Promise<CardOutcome> {
    this.show('reading');
    const outcome = await this.handleCard();
    if (outcome.result === 'accepted') {
      this.show('accepted', undefined, outcome.recovered);
      this.p.sound.signal('accepted');
    } else if (outcome.result === 'refused') {
      this.show('refused', outcome.reason);
      this.p.sound.signal('refused');
    } else {
      this.show('reinsert');
      this.p.sound.signal('attention');
    }
    return outcome;
  }

  private async handleCard(): Promise<CardOutcome> {
    const open = this.state === 'open';
    let activationBytes: Uint8Array;
    let vote: Uint8Array;
    try {
      const s = await this.cards.connect();
      if (s.state !== 'voted') return this.refuse(open ? 'not-voted' : 'not-open', s.state);
      activationBytes = await this.cards.readActivation();
      vote = await this.cards.readVote();
    } catch (e) {
      return this.refuse('unreadable', errorCode(e));
    }
    const election = this.election;
    const keys = this.keys;
    if (!election || !keys) return this.refuse('not-open');
    let activationId: Uint8Array;
    try {
      const a = verifyActivation(this.p.crypto, activationBytes, { electionFingerprint: election.fingerprint, precinct: election.precinct, issuers: keys.issuers });
      // Only terminals write cards: a portable ballot's votes reach the count by its own upload
      // (docs/portable-ballot.md), so a card signed with a portable ballot's key is refused.
      verifyVote(this.p.crypto, vote, activationBytes, { terminals: keys.terminals });
      activationId = a.activationId;
    } catch (e) {
      if (e instanceof CardRecordError) return this.refuse(refusalOf(e.reason), e.reason);
      throw e;
    }

    // Already stored? Either the same card after a power cut or a pull before clearing (clear it,
    // count nothing), or a copy of a card that was cleared, or another vote under the same activation.
    const stored = this.slots.find(activationId);
    if (stored) {
      if (stored.cleared || !bytesEqual(stored.vote, vote)) return this.refuse('duplicate');
      return this.clearCard(stored.slot, vote, true);
    }
    if (this.state !== 'open') return this.refuse('not-open'); // closed while the card was being read
    let slot: number;
    try {
      slot = this.slots.put(activationId, vote, this.p.entropy);
    } catch (e) {
      if (e instanceof SlotStoreError) return this.refuse(e.code === 'vote-store-full' ? 'store-full' : 'too-large', e.code);
      throw e;
    }
    this.record(EVENTS.voteRecorded, 'success');
    return this.clearCard(slot, vote, false);
  }

  private async clearCard(slot: number, vote: Uint8Array, recovered: boolean): Promise<CardOutcome> {
    try {
      await this.cards.clear(vote);
    } catch (e) {
      this.record(EVENTS.cardClearFailed, 'failure', errorCode(e));
      return { result: 'reinsert' };
    }
    this.slots.markCleared(slot);
    if (recovered) {
      this.recoveredClears++;
      this.saveCounters();
      this.record(EVENTS.storedCardCleared, 'success');
    }
    return { result: 'accepted', recovered };
  }

  private refuse(reason: RefusalReason, detail = ''): CardOutcome {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
    this.saveCounters();
    this.record(refusalEvent(reason), 'failure', detail === reason || detail === '' ? reason : `${reason}: ${detail}`);
    return { result: 'refused', reason };
  }

  // ---- requests from the precinct computer ----

  /** Installs the handlers of every message this device answers (registry: accumulatorRegistry()). */
  serve(rpc: RpcServer): RpcServer {
    const id = this.o.identity;
    return rpc
      .on(Identify, () => ({ kind: 'accumulator', serial: id.serial, firmwareVersion: id.firmwareVersion, firmwareHash: id.firmwareHash, publicKey: id.noisePublicKey,
        signingKey: id.signingKey ? this.p.crypto.ed25519PublicKey(id.signingKey) : undefined }))
      .on(Status, () => this.status())
      .on(Counters, () => this.counters())
      .on(SetTime, (b) => {
        const previousMs = this.p.clock.wallClockMs();
        this.p.clock.setWallClock(b.wallClockMs);
        this.record(EVENTS.timeSet, 'success');
        return { previousMs: previousMs === undefined ? undefined : Math.floor(previousMs) };
      })
      .on(SelfTestRun, () => this.startSelfTest())
      .on(SelfTestReport, () => this.selfTests.reportMessage())
      .on(EventLogRead, (b) => this.eventPage(b.from, b.limit))
      .on(LoadElection, (b) => this.loadElection(b.total, b.offset, b.chunk))
      .on(LoadKeys, (b) => this.loadKeys(b))
      .on(Open, (b) => this.open(b.password))
      .on(Close, () => this.close())
      .on(ResultsRead, (b) => this.results(b.from, b.limit));
  }

  status(): ResponseOf<typeof Status> {
    const wall = this.p.clock.wallClockMs();
    const c = this.counters();
    return {
      state: this.state,
      electionId: this.election?.fingerprint,
      wallClockMs: wall === undefined ? undefined : Math.floor(wall),
      uptimeMs: Math.floor(this.p.clock.monotonicMs() - this.bootMs),
      eventCount: this.log.head.seq,
      power: this.p.power?.status(),
      detail: { accepted: c.accepted, refused: c.refused, slotsFree: c.slotsFree, recoveredClears: c.recoveredClears, logFull: this.logFull, logDamaged: this.logDamaged },
    };
  }

  loadElection(total: number, offset: number, chunk: Uint8Array): ResponseOf<typeof LoadElection> {
    this.requireState('load-election', ['unconfigured', 'loaded']);
    if (offset === 0) this.loadBuffer = { total, bytes: new Uint8Array(total), received: 0 };
    const buf = this.loadBuffer;
    if (!buf || buf.total !== total || offset !== buf.received || offset + chunk.length > total) {
      throw new RpcError('out-of-range', `chunk at ${offset} does not follow the ${buf?.received ?? 0} bytes received`);
    }
    buf.bytes.set(chunk, offset);
    buf.received += chunk.length;
    if (buf.received < total) return { received: buf.received };
    this.loadBuffer = undefined; // the definition is released as soon as it is checked
    let info: ElectionInfo;
    try {
      const v = verifySignedElection(buf.bytes, this.o.authorityKeys, this.p.crypto);
      info = { fingerprint: v.fingerprint, precinct: v.definition.precinct, electionId: v.definition.electionId };
    } catch (e) {
      if (!(e instanceof ElectionError)) throw e;
      this.record(EVENTS.electionRefused, 'failure', e.code);
      throw new RpcError('bad-election', e.message);
    }
    if (!this.election || !bytesEqual(this.election.fingerprint, info.fingerprint)) {
      // A new election: start from empty slots (none can hold votes: the device was never opened).
      this.slots = VoteSlotStore.format(this.p.flash, this.o.layout.slots);
      this.keys = undefined; // keys and the password check belong to an election
      new StateCell(this.journal, TAG_ELECTION).set(encodeCbor([info.fingerprint, info.precinct, info.electionId]));
      this.election = info;
    }
    this.record(EVENTS.electionLoaded, 'success', safeDetail(info.electionId));
    this.show();
    return { received: buf.received, electionId: info.fingerprint };
  }

  loadKeys(b: { issuers: Uint8Array[]; terminals: Uint8Array[]; portableBallots: Uint8Array[]; startPasswordCommitment: Uint8Array }): ResponseOf<typeof LoadKeys> {
    this.requireState('accumulator.load-keys', ['loaded', 'unconfigured', 'open']);
    if (!this.election) throw this.refusedCommand('accumulator.load-keys', 'load the election first');
    if (b.terminals.length + b.portableBallots.length === 0) throw new RpcError('bad-request', 'no terminal or portable ballot key');
    // While open, only additions: a terminal or portable ballot commissioned during the day (a
    // replacement, 001 §14). Issuers and the password check stay; no key is withdrawn.
    const old = this.keys;
    if (this.state === 'open' && (!old || !sameKeys(old.issuers, b.issuers) || !bytesEqual(old.passwordCheck, b.startPasswordCommitment)
      || !includesAll(b.terminals, old.terminals) || !includesAll(b.portableBallots, old.portableBallots))) {
      throw this.refusedCommand('accumulator.load-keys', 'while open, terminal and portable ballot keys may only be added');
    }
    new StateCell(this.journal, TAG_KEYS).set(encodeCbor([b.issuers, b.terminals, b.portableBallots, b.startPasswordCommitment]));
    this.keys = { issuers: b.issuers.map((k) => k.slice()), terminals: b.terminals.map((k) => k.slice()), portableBallots: b.portableBallots.map((k) => k.slice()), passwordCheck: b.startPasswordCommitment.slice() };
    if (this.state === 'open') this.record(EVENTS.decisionRecorded, 'success', 'terminal keys added');
    this.show();
    return { state: this.state, keys: b.issuers.length + b.terminals.length + b.portableBallots.length };
  }

  /** `verifier`: the start password's scrypt verifier (protocol/start-password.ts), sent by the precinct computer. */
  open(verifier: Uint8Array): ResponseOf<typeof Open> {
    this.requireState('open', ['loaded']);
    if (!this.selfTests.passed) throw this.refusedCommand('open', 'run a passing self-test first');
    if (!checkStartVerifier(this.p.crypto, this.keys!.passwordCheck, verifier)) {
      this.badPasswords++;
      this.record(EVENTS.openRefusedBadPassword, 'failure', `attempt ${this.badPasswords}`);
      throw new RpcError('unauthorized', 'wrong start password');
    }
    if (this.slots.stored > 0) throw new RpcError('storage', 'the vote store is not empty');
    this.setPhase(PHASE_OPEN);
    this.record(EVENTS.opened, 'success');
    this.show();
    const wall = this.p.clock.wallClockMs();
    return { state: this.state, openedAtMs: wall === undefined ? undefined : Math.floor(wall) };
  }

  close(): ResponseOf<typeof Close> {
    this.requireState('close', ['open']);
    this.setPhase(PHASE_CLOSED);
    this.record(EVENTS.closed, 'success');
    this.show();
    const wall = this.p.clock.wallClockMs();
    return { state: this.state, closedAtMs: wall === undefined ? undefined : Math.floor(wall) };
  }

  /** Stored votes in slot order, only after close: `from` is a 0-based index. */
  results(from: number, limit: number): ResponseOf<typeof ResultsRead> {
    this.requireState('results.read', ['closed']);
    const total = this.slots.stored;
    if (from > total) throw new RpcError('out-of-range', `from ${from} is past the ${total} stored votes`);
    if (from === 0) this.record(EVENTS.resultsRead, 'success');
    const records: Uint8Array[] = [];
    let bytes = 0;
    for (const v of this.slots.votes(from)) {
      if (records.length >= limit || bytes + v.length + 3 > RESULTS_PAGE_BYTES) break;
      records.push(v);
      bytes += v.length + 3;
    }
    return { records, next: from + records.length, total };
  }

  eventPage(from: number, limit: number): ResponseOf<typeof EventLogRead> {
    const answer = this.log.pageWithin(from, limit, MAX_EVENT_PAGE_BYTES);
    if (from === 1) this.record(EVENTS.logExported, 'success');
    return answer;
  }

  startSelfTest(): ResponseOf<typeof SelfTestRun> {
    if (this.state === 'open') throw this.refusedCommand('self-test.run', 'not while open');
    return this.selfTests.start(() => this.runSelfTest());
  }

  /** The self-test (001 §4): flash, journal, event log, clock, card reader, keys, election. */
  runSelfTest(): Promise<Report> {
    const st = registerCommonChecks(new SelfTest(this.p.clock, { device: 'accumulator' }), { clock: this.p.clock, flash: this.p.flash, scratchBlock: this.o.layout.scratchBlock, journal: this.journal, log: this.log }, (n) => {
      const bad = this.slots.verify();
      return bad === 0 ? passed(`${n} records, ${this.slots.stored} votes`) : failed(`${bad} vote slots fail their check`);
    })
      .register(cardReaderCheck(this.p.cardReader, { selectApdu: selectApdu() }))
      .register(keysCheck(() => (this.keys && this.keys.issuers.length > 0 ? passed(`${this.keys.terminals.length} terminals, ${this.keys.portableBallots.length} portable`) : failed('no card keys loaded'))))
      .register(electionCheck(() => ({ signatureValid: this.election !== undefined, fingerprint: this.election?.fingerprint })));
    return st.run({ withOperator: false, record: (_bytes, report) => {
      const o = selfTestOutcome(report);
      this.record(EVENTS.selfTestRun, o.disposition, o.detail);
    } });
  }


  /** A refusal on the link (unknown key, failed handshake, undecryptable frame, broken frames), for the event log. */
  linkRefusal(code: string, detail = ''): void {
    const event = code === 'unknown-key' || code === 'handshake-failed' ? EVENTS.sessionRefused
      : code === 'frame-errors' ? EVENTS.frameError : code === 'internal' ? EVENTS.commandRefused : EVENTS.authFailure;
    this.record(event, 'failure', detail ? `${code}: ${detail}` : code);
  }

  // ---- state ----

  private restore(): void {
    const e = this.journal.lastRecordWithTag(TAG_ELECTION);
    if (e) {
      const [fingerprint, precinct, electionId] = decodeCbor(e.data) as [Uint8Array, number, string];
      this.election = { fingerprint, precinct, electionId };
    }
    const k = this.journal.lastRecordWithTag(TAG_KEYS);
    if (k && (!e || k.seq > e.seq)) {
      const [issuers, terminals, portableBallots, passwordCheck] = decodeCbor(k.data) as [Uint8Array[], Uint8Array[], Uint8Array[], Uint8Array];
      this.keys = { issuers, terminals, portableBallots, passwordCheck };
    }
    const ph = this.journal.lastRecordWithTag(TAG_PHASE);
    if (ph && (!e || ph.seq > e.seq)) this.phase = decodeCbor(ph.data) as number;
    const c = this.journal.lastRecordWithTag(TAG_COUNTERS);
    if (c && (!e || c.seq > e.seq)) {
      const m = decodeCbor(c.data) as CborObject;
      for (const key of Object.keys(m)) {
        if (key === 'recovered-clears') this.recoveredClears = m[key] as number;
        else this.refusals.set(key, m[key] as number);
      }
    }
  }

  private saveCounters(): void {
    const m: CborObject = {};
    for (const [k, v] of this.refusals) m[k] = v;
    m['recovered-clears'] = this.recoveredClears;
    this.guarded(() => new StateCell(this.journal, TAG_COUNTERS).set(encodeCbor(m)));
  }

  private setPhase(phase: number): void {
    new StateCell(this.journal, TAG_PHASE).set(encodeCbor(phase));
    this.phase = phase;
  }

  private requireState(command: string, allowed: AccumulatorState[]): void {
    if (!allowed.includes(this.state)) throw this.refusedCommand(command, `not allowed while ${this.state}`);
  }

  private refusedCommand(command: string, why: string): RpcError {
    this.record(EVENTS.commandRefused, 'failure', command);
    return new RpcError('wrong-state', `${command}: ${why}`);
  }

  private record(event: EventInfo, disposition: 'success' | 'failure', detail = ''): void {
    this.guarded(() => this.log.record(event, disposition, safeDetail(detail)));
  }

  /** Events and counters stop short of the end of the journal, so open/close/keys can still be stored. */
  private journalReserved(): boolean {
    if (this.journal.stats().bytesFree >= JOURNAL_RESERVE_BYTES) return false;
    this.logFull = true;
    return true;
  }

  /**
   * The event log and counters filling up (or their journal found damaged) must not stop the
   * votes, which live in their own region: note it (status shows it) and go on.
   */
  private guarded(write: () => unknown): void {
    if (this.journalReserved()) return;
    try {
      write();
    } catch (e) {
      if (e instanceof JournalError) { if (e.code === 'journal-full') this.logFull = true; else this.logDamaged = true; return; }
      throw e;
    }
  }

  private idleScreen(): AccumulatorScreen {
    const s = this.state;
    return screenFor(s === 'open' ? 'ready' : s === 'closed' ? 'closed' : 'not-ready', this.slots.stored);
  }

  private show(id?: AccumulatorScreen['id'], reason?: RefusalReason, recovered = false): void {
    this.screen = id ? screenFor(id, this.slots.stored, reason, recovered) : this.idleScreen();
    this.p.display.show(this.screen);
  }
}

function includesAll(set: readonly Uint8Array[], wanted: readonly Uint8Array[]): boolean {
  return wanted.every((w) => set.some((k) => bytesEqual(k, w)));
}
function sameKeys(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return includesAll(a, b) && includesAll(b, a);
}

function refusalOf(r: CardRefusal): RefusalReason {
  switch (r) {
    case 'unknown-issuer': case 'unknown-terminal': case 'bad-signature': case 'wrong-election': case 'wrong-precinct': case 'wrong-activation': case 'malformed':
      return r;
    case 'replayed': return 'duplicate';
    default: return 'malformed'; // wrong-version, expired, undecryptable: not a record this device takes
  }
}

function refusalEvent(r: RefusalReason): EventInfo {
  switch (r) {
    case 'not-voted': return EVENTS.cardRefusedNotActivated;
    case 'unreadable': case 'too-large': return EVENTS.cardRefusedUnreadable;
    case 'wrong-election': case 'wrong-precinct': return EVENTS.cardRefusedWrongElection;
    case 'duplicate': return EVENTS.duplicateCard;
    case 'not-open': return EVENTS.cardRefusedClosed;
    case 'store-full': return EVENTS.journalFull;
    default: return EVENTS.cardRefusedBadSignature;
  }
}

function errorCode(e: unknown): string {
  return e instanceof ProtocolError ? e.code : e instanceof Error ? e.name : 'error';
}

