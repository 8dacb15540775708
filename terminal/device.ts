// The voting terminal (REQUIREMENTS 001 §3, §11): the ballot flow (terminal/ballot) around a
// card reader, a verification-code share, a journal, an event log, a self-test and the wire.
// The flow decides what the voter sees; this file carries out its effects:
//   check-card   read the card's state and activation; verify issuer, election, precinct,
//                not yet voted → card-accepted / card-refused{reason}
//   commit-vote  draw a code (marked used on flash before anything else), seal the vote
//                (HPKE to the election key + terminal signature), write it to the card
//                atomically → vote-written{code} / vote-write-failed / (card-removed)
//   log          the device event log
// docs/terminal.md: states, what is stored and what is not, messages, provisioning.
//
// Secrecy: the terminal keeps nothing that ties a vote to a time or to its place in the order
// of voters. Its journal holds the election, its keys, its provisioning, its phase, counters
// (votes, refusals by reason) and the event log (events carry no vote, code or card id). The
// used-code bitmap lives in its own flash block, one bit per code, cleared in place: it says
// which codes are used, not in what order. The activation read from the card and the code
// live in RAM only for the session.

import { ProtocolError, bytesEqual, utf8Encode } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../protocol/cbor';
import { CardRecordError, sealVote, verifyActivation, type CardRefusal } from '../protocol/card/records';
import { selectApdu } from '../protocol/card/apdu';
import { noiseKeyPair, type NoiseKeyPair } from '../protocol/crypto/noise';
import { verifySignedElection } from '../protocol/election/signed';
import { ElectionError } from '../protocol/election/errors';
import { checkStartVerifier } from '../protocol/start-password';
import { RpcError } from '../protocol/wire/envelope';
import { RpcServer } from '../protocol/wire/rpc';
import {
  Close, EventLogRead, Identify, LoadElection, MAX_EVENT_PAGE_BYTES, Open, SelfTestReport, SelfTestRun, SetTime, Status,
  type ResponseOf,
} from '../protocol/wire/messages';
import { CardClient } from '../runtime/card-client';
import { EventLog, safeDetail } from '../runtime/event-log';
import { EVENTS, type EventInfo } from '../runtime/events';
import { Journal, JournalFullError, StateCell } from '../runtime/journal';
import { LinkEndpoint, type LinkSecurityEvent } from '../runtime/link-endpoint';
import type { ButtonsPort, CardReaderPort, ClockPort, CryptoPort, DisplayPort, EntropyPort, FlashPort, LinkPort, PowerPort } from '../runtime/ports';
import {
  SelfTest, cardReaderCheck, electionCheck, failed, keysCheck, passed, registerCommonChecks, selfTestOutcome, SelfTestRuns, type CheckOutcome, type SelfTestReport as Report,
} from '../runtime/self-test';
import { CODE_BITMAP_BYTES, CodeError, CodePool, CodesExhaustedError, fromFlashImage } from './ballot/codes';
import type { BallotConfig } from './ballot/config';
import { REFUSAL_REASONS, createBallotFlow, type BallotEffect, type BallotEvent, type BallotFlow, type BallotLogEvent, type BallotState, type RefusalReason } from './ballot/flow';
import { ballotViewFromElection } from './ballot/from-election';
import { BallotRunner } from './ballot/runner';
import type { Selection } from './ballot/view';
import { ballotScreen } from './screens/ballot-screens';
import type { Screen } from './screens/types';
import { CodesTopUp, Counters, Provision, terminalRegistry } from './messages';
import { serviceScreen } from './service-screens';

export type TerminalState = 'unconfigured' | 'loaded' | 'open' | 'closed';

export interface TerminalPorts {
  flash: FlashPort;
  clock: ClockPort;
  entropy: EntropyPort;
  crypto: CryptoPort;
  cardReader: CardReaderPort;
  display?: DisplayPort<Screen>;
  /** Physical buttons "1" and "2" (the verification code, 001 §11). */
  buttons?: ButtonsPort;
  power?: PowerPort;
}

export interface TerminalLayout {
  /** The journal: keys, election, provisioning, phase, counters, event log. */
  journal: { firstBlock: number; blockCount: number };
  /** One block outside the journal for the used-code bitmap (cleared bit by bit, never in order). */
  codesBlock: number;
  /** A block the self-test may erase and write. */
  scratchBlock?: number;
}

export interface TerminalIdentity {
  serial: string;
  firmwareVersion: string;
  firmwareHash: Uint8Array;
}

export interface TerminalOptions {
  ports: TerminalPorts;
  layout: TerminalLayout;
  identity: TerminalIdentity;
  /** Election-authority keys the firmware trusts for signed election definitions. */
  authorityKeys: readonly Uint8Array[];
  /** Ballot time-outs and page sizes (from the panel: pageSizeForPanel). */
  ballot?: Partial<BallotConfig>;
  /** A fault the device cannot carry on after (flash failure, power cut): the host restarts it. */
  onFault?: (error: unknown) => void;
}

// Journal tags (0–239 are the device's; the event log is 240).
const TAG_DEVICE_KEYS = 1;
const TAG_ELECTION = 2; // [fingerprint, total, chunks, first chunk's journal seq]
const TAG_ELECTION_CHUNK = 3;
const TAG_PROVISION = 4; // [fingerprint, issuers, electionPublicKey, commitment]
const TAG_OWNED = 5; // [fingerprint, provision id, owned-codes bitmap]
const TAG_PHASE = 6; // [fingerprint, phase]
const TAG_COUNTERS = 7; // [fingerprint, votes, {reason: n}]
const PHASE_OPEN = 2;
const PHASE_CLOSED = 3;
const ELECTION_CHUNK_BYTES = 3000;

// The used-code block: header, then the inverted bitmap (1 = unused, so a draw only clears a bit).
const CODES_MAGIC = utf8Encode('SCOD');
const CODES_HEADER_BYTES = 32;
const PROVISION_ID_BYTES = 16;

/**
 * What the terminal keeps of a loaded election: the ballot flow (its view holds the texts the
 * screens show) and the two fields it checks cards against. Not the parsed definition: the
 * rest of it is never used after loading, and it would stay in RAM all day (docs/moddable.md).
 */
interface ElectionInfo { electionId: string; precinct: number; fingerprint: Uint8Array; flow: BallotFlow }
interface Provisioning { issuers: Uint8Array[]; electionPublicKey: Uint8Array; commitment: Uint8Array; id: Uint8Array }

export class Terminal {
  readonly journal: Journal;
  readonly log: EventLog;
  private readonly p: TerminalPorts;
  private readonly cards: CardClient;
  private readonly signingSeed: Uint8Array;
  readonly noiseKey: NoiseKeyPair;
  private election: ElectionInfo | undefined;
  private provisioning: Provisioning | undefined;
  private pool: CodePool | undefined;
  private usedShadow: Uint8Array = new Uint8Array(CODE_BITMAP_BYTES);
  private phase = 0;
  private votes = 0;
  private refusals = new Map<string, number>();
  private runner: BallotRunner<Screen> | undefined;
  /** Bumped at every card insertion and removal: a card operation's result is only used for the card it started on. */
  private cardSession = 0;
  /** The activation read from the card in this session (RAM only; needed to bind the vote). */
  private activation: Uint8Array | undefined;
  private screen: Screen;
  private logFull = false;
  private badPasswords = 0;
  private loadBuffer: { total: number; bytes: Uint8Array; received: number } | undefined;
  private readonly selfTests = new SelfTestRuns();
  private readonly bootMs: number;
  private lastPhase: BallotState['phase'] = 'waiting';
  /** Work in flight (card check, vote write): tests and the host can await it. */
  private busy: Promise<void> = Promise.resolve();
  faults: unknown[] = [];

  constructor(private readonly o: TerminalOptions) {
    this.p = o.ports;
    this.bootMs = this.p.clock.monotonicMs();
    this.journal = Journal.open(this.p.flash, this.p.crypto, o.layout.journal);
    // The device's own keys: made from the entropy port at first boot, kept in the journal.
    let keys = this.journal.lastRecordWithTag(TAG_DEVICE_KEYS);
    if (!keys) {
      this.journal.append(TAG_DEVICE_KEYS, encodeCbor([this.p.entropy.randomBytes(32), this.p.entropy.randomBytes(32)]));
      keys = this.journal.lastRecordWithTag(TAG_DEVICE_KEYS)!;
    }
    const [seed, x] = decodeCbor(keys.data) as [Uint8Array, Uint8Array];
    this.signingSeed = seed;
    this.noiseKey = noiseKeyPair(this.p.crypto, x);
    this.log = EventLog.open(this.journal, this.p.crypto, this.p.clock, { signingKey: seed });
    this.cards = new CardClient(this.p.cardReader, this.p.crypto);
    this.record(EVENTS.boot, 'success', `firmware ${o.identity.firmwareVersion}`);
    const r = this.journal.recovery;
    if (r.tornRecordVoided || r.tailSealed || r.formatResumed) {
      const what = [r.tornRecordVoided ? 'torn record voided' : '', r.tailSealed ? 'block sealed' : '', r.formatResumed ? 'format resumed' : ''].filter((s) => s !== '').join(', ');
      this.record(EVENTS.journalRecovered, 'success', what);
    }
    this.restore();
    this.screen = serviceScreen('unconfigured');
    this.p.display?.onTouch((button) => this.runner?.dispatch({ type: 'touch', button }));
    this.p.buttons?.onPress((name) => this.runner?.dispatch({ type: 'button', name }));
    this.p.cardReader.onCardChange((present) => this.cardChanged(present));
    this.startRunner();
    if (this.p.cardReader.isCardPresent()) this.cardChanged(true);
  }

  // ---- what the device is ----

  get state(): TerminalState {
    if (!this.election) return 'unconfigured';
    if (this.phase === PHASE_CLOSED) return 'closed';
    if (this.phase === PHASE_OPEN) return 'open';
    return 'loaded';
  }

  get currentScreen(): Screen { return this.screen; }
  get ballotState(): BallotState | undefined { return this.runner?.state; }
  get electionFingerprint(): Uint8Array | undefined { return this.election?.fingerprint.slice(); }
  get signingPublicKey(): Uint8Array { return this.p.crypto.ed25519PublicKey(this.signingSeed); }
  get codesRemaining(): number { return this.pool?.remaining ?? 0; }

  /** Resolves when the card operation in flight (if any) has finished. */
  idle(): Promise<void> { return this.busy; }

  /** Touch and button input, for hosts whose display is not a DisplayPort (and for tests). */
  touch(button: string): void { this.runner?.dispatch({ type: 'touch', button }); }
  press(name: string): void { this.runner?.dispatch({ type: 'button', name }); }

  counters(): ResponseOf<typeof Counters> {
    const byReason: CborObject = {};
    let refused = 0;
    for (const r of REFUSAL_REASONS) {
      const n = this.refusals.get(r) ?? 0;
      if (n > 0) { byReason[r] = n; refused += n; }
    }
    return { state: this.state, votes: this.votes, refused, refusedByReason: byReason, codesRemaining: this.codesRemaining };
  }

  // ---- the ballot flow and its effects ----

  private startRunner(): void {
    const e = this.election;
    if (!e) { this.runner = undefined; this.show(serviceScreen('unconfigured')); return; }
    const flow = e.flow;
    let self: BallotRunner<Screen> | undefined; // set once constructed: the runner draws its first screen from its constructor
    const runner = new BallotRunner<Screen>(flow, {
      clock: this.p.clock,
      // The runner draws through this: the device decides between the flow's screen and its own.
      display: { show: (s) => { if (self && this.runner === self) this.showFlow(self.state, s); }, onTouch: () => { /* touches come through the device */ } },
    }, (f, s) => ballotScreen(f, s), (effect) => { if (self && this.runner === self) this.effect(effect); });
    self = runner;
    this.runner = runner;
    this.lastPhase = 'waiting';
    this.showFlow(runner.state, ballotScreen(flow, runner.state));
  }

  private showFlow(s: BallotState, screen: Screen): void {
    if (s.phase === 'code' && this.lastPhase !== 'code') this.record(EVENTS.verificationCodeShown, 'success');
    this.lastPhase = s.phase;
    const st = this.state;
    // With no card in, a terminal that is not open says so instead of inviting a card.
    if (s.phase === 'waiting' && st !== 'open' && s.notice === null) this.show(serviceScreen(st === 'closed' ? 'closed' : st === 'loaded' ? 'loaded' : 'unconfigured'));
    else this.show(screen);
  }

  private show(screen: Screen): void {
    this.screen = screen;
    this.p.display?.show(screen);
  }

  private redraw(): void {
    const r = this.runner;
    if (r && this.election) this.showFlow(r.state, ballotScreen(this.election.flow, r.state));
    else this.show(serviceScreen('unconfigured'));
  }

  private cardChanged(present: boolean): void {
    this.cardSession++;
    this.activation = undefined;
    // With no election there is no ballot to refuse the card on screen: the service screen stays, the log notes it.
    if (!this.runner && present) this.record(EVENTS.cardRefusedClosed, 'failure', 'terminal-not-open');
    this.runner?.dispatch(present ? { type: 'card-inserted' } : { type: 'card-removed' });
  }

  private dispatchFor(session: number, event: BallotEvent): void {
    if (session === this.cardSession) this.runner?.dispatch(event);
  }

  private effect(effect: BallotEffect): void {
    const session = this.cardSession;
    switch (effect.type) {
      case 'check-card': this.track(this.checkCard(session)); return;
      case 'commit-vote': this.track(this.commitVote(session, effect.selections)); return;
      case 'log': this.logFlowEvent(effect.event, effect.detail); return;
    }
  }

  private track(work: Promise<void>): void {
    const done = work.catch((e: unknown) => {
      this.faults.push(e);
      this.o.onFault?.(e);
    });
    this.busy = this.busy.then(() => done);
  }

  private async checkCard(session: number): Promise<void> {
    const event = await this.examineCard();
    if (event.type === 'card-accepted' && session === this.cardSession) this.record(EVENTS.cardAccepted, 'success');
    this.dispatchFor(session, event);
  }

  private async examineCard(): Promise<BallotEvent> {
    const refuse = (reason: RefusalReason): BallotEvent => ({ type: 'card-refused', reason });
    const st = this.state;
    if (st === 'closed') return refuse('terminal-closed');
    const e = this.election;
    const prov = this.provisioning;
    if (st !== 'open' || !e || !prov) return refuse('terminal-not-open');
    if (!this.pool || this.pool.remaining === 0) {
      // Cannot take a vote now: refuse the card rather than fail mid-vote (docs/verification-codes.md).
      this.record(EVENTS.codesExhausted, 'failure');
      return refuse('terminal-not-open');
    }
    let activation: Uint8Array;
    try {
      const info = await this.cards.connect();
      if (info.state === 'blank') return refuse('not-activated');
      if (info.state === 'voted') return refuse('already-voted');
      activation = await this.cards.readActivation();
    } catch {
      return refuse('unreadable');
    }
    try {
      verifyActivation(this.p.crypto, activation, { electionFingerprint: e.fingerprint, precinct: e.precinct, issuers: prov.issuers });
    } catch (err) {
      if (err instanceof CardRecordError) return refuse(refusalOf(err.reason));
      if (err instanceof ProtocolError) return refuse('unreadable');
      throw err;
    }
    this.activation = activation;
    return { type: 'card-accepted' };
  }

  private async commitVote(session: number, selections: Selection[]): Promise<void> {
    const e = this.election;
    const prov = this.provisioning;
    const activation = this.activation;
    if (this.state !== 'open' || !e || !prov || !this.pool || !activation) {
      this.dispatchFor(session, { type: 'vote-write-failed', reason: this.state === 'closed' ? 'terminal-closed' : 'not-ready' });
      return;
    }
    let code: number;
    try {
      // Marked used on flash before it goes anywhere: a power cut from here on wastes it, never reuses it.
      code = this.pool.draw(this.p.entropy, (used) => this.persistUsed(used));
    } catch (err) {
      if (err instanceof CodesExhaustedError) { this.dispatchFor(session, { type: 'vote-write-failed', reason: 'codes-exhausted' }); return; }
      throw err;
    }
    const { bytes } = sealVote(this.p.crypto, this.p.entropy, {
      activationBytes: activation, electionFingerprint: e.fingerprint, electionPublicKey: prov.electionPublicKey,
      terminalSecretKey: this.signingSeed, content: { selections, verificationCode: code },
    });
    this.activation = undefined;
    let written = false;
    let failure = 'card-error';
    try {
      await this.cards.writeVote(bytes);
      written = true;
    } catch (err) {
      failure = errorCode(err);
      // The card answered badly but is still in: it holds either nothing or exactly this vote.
      if (session === this.cardSession && this.p.cardReader.isCardPresent()) {
        try { written = await this.cards.confirmVote(bytes); } catch { written = false; }
      }
    }
    if (written) {
      this.votes++;
      this.saveCounters();
    }
    // The code goes to the flow (the screen) only; the flow forgets it when the session ends.
    if (written) this.dispatchFor(session, { type: 'vote-written', verificationCode: code });
    else this.dispatchFor(session, { type: 'vote-write-failed', reason: failure });
  }

  private logFlowEvent(event: BallotLogEvent, detail?: string): void {
    switch (event) {
      case 'card-refused': {
        const reason = (detail ?? 'unreadable') as RefusalReason;
        this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
        this.saveCounters();
        this.record(refusalEvent(reason), 'failure', reason);
        return;
      }
      case 'card-removed-before-vote': this.record(EVENTS.voteAbandoned, 'success'); return;
      case 'card-removed-during-write': this.record(EVENTS.voteWriteUnconfirmed, 'failure'); return;
      case 'vote-write-failed': this.record(EVENTS.voteWriteFailed, 'failure', detail ?? ''); return;
      case 'vote-written': this.record(EVENTS.voteRecorded, 'success'); return;
      case 'session-reset-inactivity': this.record(EVENTS.sessionResetInactivity, 'success'); return;
      case 'bad-verification-code': this.record(EVENTS.voteWriteFailed, 'failure', 'bad verification code'); return;
    }
  }

  /** Programs the bytes of the used-code image that changed (one bit cleared per draw). */
  private persistUsed(used: Uint8Array): void {
    const base = this.o.layout.codesBlock * this.p.flash.blockSize + CODES_HEADER_BYTES;
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) {
      if (used[i] !== this.usedShadow[i]) this.p.flash.program(base + i, Uint8Array.of(~used[i] & 0xff));
    }
    this.usedShadow = used;
  }

  // ---- requests from the precinct computer ----

  /** Installs the handlers of every message this device answers (registry: terminalRegistry()). */
  serve(rpc: RpcServer): RpcServer {
    const id = this.o.identity;
    return rpc
      .on(Identify, () => ({ kind: 'terminal', serial: id.serial, firmwareVersion: id.firmwareVersion, firmwareHash: id.firmwareHash, publicKey: this.noiseKey.publicKey, signingKey: this.signingPublicKey }))
      .on(Status, () => this.status())
      .on(Counters, () => this.counters())
      .on(SetTime, (b) => this.setTime(b.wallClockMs))
      .on(SelfTestRun, () => this.startSelfTest())
      .on(SelfTestReport, () => this.selfTests.reportMessage())
      .on(EventLogRead, (b) => this.eventPage(b.from, b.limit))
      .on(LoadElection, (b) => this.loadElection(b.total, b.offset, b.chunk))
      .on(Provision, (b) => this.provision(b))
      .on(CodesTopUp, (b) => this.topUp(b.codes))
      .on(Open, (b) => this.open(b.password))
      .on(Close, () => this.close());
  }

  /** The wire end: framing + Noise KK with the enrolled precinct computer + the RPC server. */
  attachLink(link: LinkPort, enrolledKeys: readonly Uint8Array[]): LinkEndpoint {
    const rpc = this.serve(new RpcServer(terminalRegistry()));
    return new LinkEndpoint({
      link, clock: this.p.clock, crypto: this.p.crypto, entropy: this.p.entropy, staticKey: this.noiseKey, enrolledKeys, rpc,
      onSecurityEvent: (e) => this.linkEvent(e),
    });
  }

  private linkEvent(e: LinkSecurityEvent): void {
    const event = e.code === 'frame-errors' ? EVENTS.frameError
      : e.code === 'unknown-key' || e.code === 'handshake-failed' ? EVENTS.sessionRefused : EVENTS.authFailure;
    this.record(event, 'failure', e.code);
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
      detail: { votes: c.votes, refused: c.refused, codesRemaining: c.codesRemaining, provisioned: this.provisioning !== undefined, logFull: this.logFull },
    };
  }

  setTime(wallClockMs: number): ResponseOf<typeof SetTime> {
    const previousMs = this.p.clock.wallClockMs();
    this.p.clock.setWallClock(wallClockMs);
    this.record(EVENTS.timeSet, 'success');
    return { previousMs: previousMs === undefined ? undefined : Math.floor(previousMs) };
  }

  loadElection(total: number, offset: number, chunk: Uint8Array): ResponseOf<typeof LoadElection> {
    this.requireState('load-election', ['unconfigured', 'loaded', 'closed']);
    this.requireNoVoter('load-election');
    if (offset === 0) this.loadBuffer = { total, bytes: new Uint8Array(total), received: 0 };
    const buf = this.loadBuffer;
    if (!buf || buf.total !== total || offset !== buf.received || offset + chunk.length > total) {
      throw new RpcError('out-of-range', `chunk at ${offset} does not follow the ${buf?.received ?? 0} bytes received`);
    }
    buf.bytes.set(chunk, offset);
    buf.received += chunk.length;
    if (buf.received < total) return { received: buf.received };
    this.loadBuffer = undefined;
    let info: ElectionInfo;
    try {
      info = this.verifyElection(buf.bytes);
    } catch (e) {
      if (!(e instanceof ElectionError) && !(e instanceof ProtocolError)) throw e;
      this.record(EVENTS.electionRefused, 'failure', e.code);
      throw new RpcError('bad-election', e.message);
    }
    if (!this.election || !bytesEqual(this.election.fingerprint, info.fingerprint)) {
      // Stored in chunks (a record never spans a flash block), then a head record naming them.
      const first = this.journal.count + 1;
      let chunks = 0;
      for (let at = 0; at < buf.bytes.length; at += ELECTION_CHUNK_BYTES) {
        this.journal.append(TAG_ELECTION_CHUNK, buf.bytes.subarray(at, Math.min(buf.bytes.length, at + ELECTION_CHUNK_BYTES)));
        chunks++;
      }
      new StateCell(this.journal, TAG_ELECTION).set(encodeCbor([info.fingerprint, buf.bytes.length, chunks, first]));
      // Provisioning, phase and counters belong to an election: a new one starts from none.
      this.election = info;
      this.provisioning = undefined;
      this.pool = undefined;
      this.phase = 0;
      this.votes = 0;
      this.refusals = new Map();
      this.selfTests.passed = false;
      this.startRunner();
    }
    this.record(EVENTS.electionLoaded, 'success', safeDetail(info.electionId));
    this.redraw();
    return { received: buf.received, electionId: info.fingerprint };
  }

  provision(b: { issuers: Uint8Array[]; electionPublicKey: Uint8Array; codes: Uint8Array; startPasswordCommitment: Uint8Array }): ResponseOf<typeof Provision> {
    this.requireState('terminal.provision', ['loaded']);
    const e = this.election!;
    let pool: CodePool;
    try {
      pool = CodePool.fromBitmap(b.codes);
    } catch (err) {
      if (err instanceof CodeError) throw new RpcError('bad-request', err.message);
      throw err;
    }
    if (pool.remaining === 0) throw new RpcError('bad-request', 'the code share is empty');
    const data = encodeCbor([e.fingerprint, b.issuers, b.electionPublicKey, b.startPasswordCommitment]);
    const id = this.p.crypto.sha256(encodeCbor([data, b.codes])).slice(0, PROVISION_ID_BYTES);
    new StateCell(this.journal, TAG_PROVISION).set(data);
    new StateCell(this.journal, TAG_OWNED).set(encodeCbor([e.fingerprint, id, b.codes]));
    this.formatCodesBlock(id);
    this.provisioning = { issuers: b.issuers.map((k) => k.slice()), electionPublicKey: b.electionPublicKey.slice(), commitment: b.startPasswordCommitment.slice(), id };
    this.pool = pool;
    this.selfTests.passed = false;
    return { state: this.state, codes: pool.remaining };
  }

  topUp(bitmap: Uint8Array): ResponseOf<typeof CodesTopUp> {
    this.requireState('terminal.codes-top-up', ['loaded', 'open']);
    if (!this.pool || !this.provisioning) throw this.refusedCommand('terminal.codes-top-up', 'not provisioned');
    try {
      this.pool.extend(bitmap);
    } catch (err) {
      if (err instanceof CodeError) throw new RpcError('bad-request', err.message);
      throw err;
    }
    new StateCell(this.journal, TAG_OWNED).set(encodeCbor([this.election!.fingerprint, this.provisioning.id, this.pool.ownedBitmap()]));
    return { codesRemaining: this.pool.remaining };
  }

  open(verifier: Uint8Array): ResponseOf<typeof Open> {
    this.requireState('open', ['loaded']);
    const prov = this.provisioning;
    if (!prov || !this.pool) throw this.refusedCommand('open', 'not provisioned');
    if (!this.selfTests.passed) throw this.refusedCommand('open', 'run a passing self-test first');
    if (!checkStartVerifier(this.p.crypto, prov.commitment, verifier)) {
      this.badPasswords++;
      this.record(EVENTS.openRefusedBadPassword, 'failure', `attempt ${this.badPasswords}`);
      throw new RpcError('unauthorized', 'wrong start password');
    }
    this.setPhase(PHASE_OPEN);
    this.record(EVENTS.opened, 'success');
    this.redraw();
    const wall = this.p.clock.wallClockMs();
    return { state: this.state, openedAtMs: wall === undefined ? undefined : Math.floor(wall) };
  }

  /**
   * Closes voting. A voter still in the booth cannot cast any more: "cast" then fails as
   * "terminal closed" and the card stays unvoted (the commission decides what to do).
   */
  close(): ResponseOf<typeof Close> {
    this.requireState('close', ['open']);
    this.setPhase(PHASE_CLOSED);
    this.record(EVENTS.closed, 'success');
    this.redraw();
    const wall = this.p.clock.wallClockMs();
    return { state: this.state, closedAtMs: wall === undefined ? undefined : Math.floor(wall) };
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

  /** Resolves when the self-test started last has finished. */
  selfTestFinished(): Promise<void> { return this.selfTests.finished(); }

  /** The self-test (001 §4): flash, journal, event log, clock, card reader, keys and codes, election. */
  runSelfTest(): Promise<Report> {
    const st = registerCommonChecks(new SelfTest(this.p.clock, { device: 'terminal' }), { clock: this.p.clock, flash: this.p.flash, scratchBlock: this.o.layout.scratchBlock, journal: this.journal, log: this.log }, (n) => passed(`${n} records`))
      .register(cardReaderCheck(this.p.cardReader, { selectApdu: selectApdu() }))
      .register(keysCheck((): CheckOutcome => (this.provisioning && this.pool && this.pool.remaining > 0
        ? passed(`${this.provisioning.issuers.length} issuer keys, codes left: ${this.pool.remaining}`)
        : failed('not provisioned (card keys, election key, codes)'))))
      .register(electionCheck(() => ({ signatureValid: this.election !== undefined, fingerprint: this.election?.fingerprint })));
    return st.run({ withOperator: false, record: (_bytes, report) => {
      const o = selfTestOutcome(report);
      this.record(EVENTS.selfTestRun, o.disposition, o.detail);
    } });
  }


  // ---- state on flash ----

  private verifyElection(bytes: Uint8Array): ElectionInfo {
    const v = verifySignedElection(bytes, this.o.authorityKeys, this.p.crypto);
    const d = v.definition;
    return { electionId: d.electionId, precinct: d.precinct, fingerprint: v.fingerprint, flow: createBallotFlow(ballotViewFromElection(d), this.o.ballot ?? {}) };
  }

  private restore(): void {
    const head = this.journal.lastRecordWithTag(TAG_ELECTION);
    if (!head) return;
    const [fingerprint, total, chunks, first] = decodeCbor(head.data) as [Uint8Array, number, number, number];
    const bytes = new Uint8Array(total);
    let at = 0;
    let got = 0;
    for (const r of this.journal.records(first)) {
      if (r.tag !== TAG_ELECTION_CHUNK) continue;
      bytes.set(r.data, at);
      at += r.data.length;
      if (++got === chunks) break;
    }
    try {
      const info = this.verifyElection(bytes);
      if (!bytesEqual(info.fingerprint, fingerprint)) throw new ProtocolError('election-mismatch', 'stored election does not match its head');
      this.election = info;
    } catch (e) {
      this.record(EVENTS.journalDamaged, 'failure', e instanceof ProtocolError ? e.code : 'election');
      return;
    }
    const same = (fp: CborValue): boolean => fp instanceof Uint8Array && bytesEqual(fp, fingerprint);
    const ph = this.journal.lastRecordWithTag(TAG_PHASE);
    if (ph) { const [fp, phase] = decodeCbor(ph.data) as [Uint8Array, number]; if (same(fp)) this.phase = phase; }
    const c = this.journal.lastRecordWithTag(TAG_COUNTERS);
    if (c) {
      const [fp, votes, reasons] = decodeCbor(c.data) as [Uint8Array, number, CborObject];
      if (same(fp)) { this.votes = votes; for (const k of Object.keys(reasons)) this.refusals.set(k, reasons[k] as number); }
    }
    const pr = this.journal.lastRecordWithTag(TAG_PROVISION);
    const ow = this.journal.lastRecordWithTag(TAG_OWNED);
    if (!pr || !ow) return;
    const [pfp, issuers, electionPublicKey, commitment] = decodeCbor(pr.data) as [Uint8Array, Uint8Array[], Uint8Array, Uint8Array];
    const [ofp, id, owned] = decodeCbor(ow.data) as [Uint8Array, Uint8Array, Uint8Array];
    if (!same(pfp) || !same(ofp)) return;
    this.provisioning = { issuers, electionPublicKey, commitment, id };
    const bs = this.p.flash.blockSize;
    const header = this.p.flash.read(this.o.layout.codesBlock * bs, CODES_HEADER_BYTES);
    if (!bytesEqual(header, codesHeader(id))) {
      if (this.phase === 0) {
        // Provisioning was cut before its code block was ready: nothing was drawn yet.
        this.formatCodesBlock(id);
        this.pool = CodePool.fromBitmap(owned);
        return;
      }
      this.record(EVENTS.journalDamaged, 'failure', 'code block');
      return;
    }
    try {
      const used = fromFlashImage(this.p.flash.read(this.o.layout.codesBlock * bs + CODES_HEADER_BYTES, CODE_BITMAP_BYTES));
      this.pool = CodePool.restore(owned, used);
      this.usedShadow = used;
    } catch (e) {
      this.record(EVENTS.journalDamaged, 'failure', e instanceof ProtocolError ? e.code : 'code block');
    }
  }

  private formatCodesBlock(id: Uint8Array): void {
    const block = this.o.layout.codesBlock;
    this.p.flash.erase(block);
    this.p.flash.program(block * this.p.flash.blockSize, codesHeader(id));
    this.usedShadow = new Uint8Array(CODE_BITMAP_BYTES);
  }

  private saveCounters(): void {
    const e = this.election;
    if (!e) return;
    const m: CborObject = {};
    for (const [k, v] of this.refusals) m[k] = v;
    this.guarded(() => new StateCell(this.journal, TAG_COUNTERS).set(encodeCbor([e.fingerprint, this.votes, m])));
  }

  private setPhase(phase: number): void {
    new StateCell(this.journal, TAG_PHASE).set(encodeCbor([this.election!.fingerprint, phase]));
    this.phase = phase;
  }

  private requireState(command: string, allowed: TerminalState[]): void {
    if (!allowed.includes(this.state)) throw this.refusedCommand(command, `not allowed while ${this.state}`);
  }

  private requireNoVoter(command: string): void {
    const s = this.runner?.state;
    if (s && s.phase !== 'waiting') throw new RpcError('busy', `${command}: a card is in the terminal`);
  }

  private refusedCommand(command: string, why: string): RpcError {
    this.record(EVENTS.commandRefused, 'failure', command);
    return new RpcError('wrong-state', `${command}: ${why}`);
  }

  private record(event: EventInfo, disposition: 'success' | 'failure', detail = ''): void {
    this.guarded(() => this.log.record(event, disposition, safeDetail(detail)));
  }

  /** The event log and counters filling up must not stop voting: note it (status shows it) and go on. */
  private guarded(write: () => unknown): void {
    try {
      write();
    } catch (e) {
      if (e instanceof JournalFullError) { this.logFull = true; return; }
      throw e;
    }
  }
}

function codesHeader(id: Uint8Array): Uint8Array {
  const h = new Uint8Array(CODES_HEADER_BYTES).fill(0xff);
  h.set(CODES_MAGIC, 0);
  h.set(id, 4);
  return h;
}

function refusalOf(r: CardRefusal): RefusalReason {
  switch (r) {
    case 'wrong-election': return 'wrong-election';
    case 'wrong-precinct': return 'wrong-precinct';
    case 'malformed': case 'wrong-version': return 'unreadable';
    default: return 'bad-signature'; // unknown issuer, bad signature, anything else that does not verify
  }
}

function refusalEvent(r: RefusalReason): EventInfo {
  switch (r) {
    case 'not-activated': return EVENTS.cardRefusedNotActivated;
    case 'already-voted': return EVENTS.duplicateCard;
    case 'wrong-election': case 'wrong-precinct': return EVENTS.cardRefusedWrongElection;
    case 'bad-signature': return EVENTS.cardRefusedBadSignature;
    case 'unreadable': return EVENTS.cardRefusedUnreadable;
    case 'terminal-not-open': case 'terminal-closed': return EVENTS.cardRefusedClosed;
  }
}

function errorCode(e: unknown): string {
  return e instanceof ProtocolError ? e.code : e instanceof Error ? e.name : 'error';
}

