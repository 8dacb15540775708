// The portable electronic ballot (REQUIREMENTS 001 §13; 003): carried by commission members to
// voters who applied in writing to vote outside the premises. Loaded at the precinct with the
// election, its code share and the list of home voters; at each home a member finds the voter,
// compares the record with the ID document and confirms; the voter then votes on the shared
// ballot flow (terminal/ballot) with on-screen "1"/"2" code buttons. Back at the precinct it
// uploads a signed summary, the marks and the votes. docs/portable-ballot.md: design, secrecy,
// power cuts, messages.
//
// Storage (each its own flash region):
//   journal  state cells (election, setup, list, phase) and the event log (runtime/journal)
//   voters   the loaded list, one slot per voter, with its session bits and its mark (voter-list.ts)
//   slots    the votes, each in a uniformly random free slot (accumulator/slots.ts, imported)
//   codes    one block: the used-code bitmap, inverted, one bit cleared per draw
// The mark (voters) and the vote (slots) are separate stores with no order, no time and no
// pointer between them; the only tie is the count, which the paper rule needs.

import { ProtocolError, bytesEqual } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';
import { createActivation, sealVote, type Selection } from '../protocol/card/records';
import type { ElectionDefinition } from '../protocol/election/model';
import { verifySignedElection } from '../protocol/election/signed';
import { ElectionError } from '../protocol/election/errors';
import { checkStartVerifier } from '../protocol/start-password';
import { RpcError } from '../protocol/wire/envelope';
import { RpcServer } from '../protocol/wire/rpc';
import type { NoiseKeyPair } from '../protocol/crypto/noise';
import { LinkEndpoint } from '../runtime/link-endpoint';
import {
  Close, EventLogRead, Identify, LoadElection, MAX_EVENT_PAGE_BYTES, Open, SelfTestReport, SelfTestRun, SetTime, Status,
  type ResponseOf,
} from '../protocol/wire/messages';
import { EventLog, safeDetail } from '../runtime/event-log';
import { EVENTS, type EventInfo } from '../runtime/events';
import { Journal, JournalFullError, StateCell } from '../runtime/journal';
import type { ClockPort, CryptoPort, DisplayPort, EntropyPort, FlashPort, LinkPort, PowerPort, SoundPort } from '../runtime/ports';
import {
  SelfTest, batteryCheck, electionCheck, failed, keysCheck, passed, registerCommonChecks, selfTestOutcome, SelfTestRuns, type SelfTestReport as Report,
} from '../runtime/self-test';
import { SlotStoreError, VoteSlotStore, type SlotRegion } from '../accumulator/slots';
import { BallotRunner } from '../terminal/ballot/runner';
import { createBallotFlow, type BallotEffect, type BallotFlow, type BallotState } from '../terminal/ballot/flow';
import { ballotViewFromElection } from '../terminal/ballot/from-election';
import { CODE_BITMAP_BYTES, CodeError, CodePool, fromFlashImage, toFlashImage } from '../terminal/ballot/codes';
import type { BallotConfig } from '../terminal/ballot/config';
import { ballotScreen } from '../terminal/screens/ballot-screens';
import { Counters, LoadSetup, LoadVoters, UploadMarks, UploadSummaryMsg, UploadVotes, portableRegistry } from './messages';
import {
  closedScreen, handBackScreen, identifyScreen, notReadyScreen, recoveryScreen, refusedScreen, searchScreen,
  type PortableScreen, type VoterRefusal,
} from './screens';
import { MarksDigest, VotesDigest, excessReasons, signSummary, type UploadSummary } from './upload';
import {
  HomeListDigest, HomeListError, MIN_CAPACITY, VOTER_SLOT_BYTES, VoterListStore, checkDeadline, checkVoterShape, voterBytes,
  type VoterEntry, type VoterRegion,
} from './voter-list';

export type PortableState = 'unconfigured' | 'loaded' | 'open' | 'closed';

export interface PortablePorts {
  flash: FlashPort;
  clock: ClockPort;
  entropy: EntropyPort;
  crypto: CryptoPort;
  display: DisplayPort<PortableScreen>;
  power: PowerPort;
  sound?: SoundPort;
}

export interface PortableLayout {
  journal: { firstBlock: number; blockCount: number };
  voters: VoterRegion;
  /** Vote slots; slotBytes 512 holds an [activation, vote] pair (8 per block). */
  slots: SlotRegion;
  /** One block for the used-code bitmap. */
  codesBlock: number;
  scratchBlock?: number;
}

export interface PortableIdentity {
  serial: string;
  firmwareVersion: string;
  firmwareHash: Uint8Array;
  noisePublicKey: Uint8Array;
  /** Ed25519 seed: signs the activations it issues, its votes, its upload and its log pages. Enrolled at the precinct. */
  signingKey: Uint8Array;
}

export interface PortableOptions {
  ports: PortablePorts;
  layout: PortableLayout;
  identity: PortableIdentity;
  authorityKeys: readonly Uint8Array[];
  /** Battery levels: below `warnPercent` the member is warned before each voter; below `criticalPercent` no voter starts. */
  battery?: { warnPercent?: number; criticalPercent?: number };
  ballot?: Partial<BallotConfig>;
}

/** Vote slots of 512 bytes: the [activation, vote] pair is ~440 bytes. */
export const PORTABLE_SLOT_BYTES = 512;
export const DEFAULT_WARN_PERCENT = 30;
export const DEFAULT_CRITICAL_PERCENT = 15;

/** A whole precinct (3,008 voters and as many votes), plus the journal: 595 blocks of 4 KiB. */
export const PRECINCT_LAYOUT: PortableLayout = {
  journal: { firstBlock: 0, blockCount: 28 },
  voters: { firstBlock: 28, blockCount: 188 },
  slots: { firstBlock: 216, blockCount: 376, slotBytes: PORTABLE_SLOT_BYTES },
  codesBlock: 592,
  scratchBlock: 593,
};
export const PRECINCT_LAYOUT_BLOCKS = 594;

// Journal tags (the event log is 240).
const TAG_ELECTION = 1;
const TAG_ELECTION_CHUNK = 2;
const TAG_SETUP = 3;
const TAG_LIST = 4;
const TAG_PHASE = 5;
const TAG_COUNTERS = 6;
const PHASE_OPEN = 2;
const PHASE_CLOSED = 3;
const CHUNK = 3584;
const VOTES_PAGE_BYTES = 3600;

interface ElectionInfo { fingerprint: Uint8Array; precinct: number; electionId: string; date: string; definition: ElectionDefinition }
interface Setup { electionPublicKey: Uint8Array; commitment: Uint8Array; codeShare: Uint8Array; deadline: string }
interface ListInfo { count: number; digest: Uint8Array }
interface Session { index: number; committed: boolean; stored: boolean }

export type BeginResult =
  | { result: 'started'; lowBattery: boolean }
  | { result: 'refused'; reason: VoterRefusal };

export class PortableBallot {
  readonly journal: Journal;
  readonly log: EventLog;
  slots: VoteSlotStore;
  voters: VoterListStore | undefined;
  private readonly p: PortablePorts;
  private election: ElectionInfo | undefined;
  private setup: Setup | undefined;
  private list: ListInfo | undefined;
  private phase = 0;
  private openedAt = 0;
  private interrupted = 0;
  private codes: CodePool | undefined;
  private flow: BallotFlow | undefined;
  private runner: BallotRunner<PortableScreen> | undefined;
  private session: Session | undefined;
  private pendingIdentify: number | undefined;
  private ballotTouch: ((id: string) => void) | undefined;
  private loading: { total: number; received: number; digest: HomeListDigest; store: VoterListStore; lastRegNo: number } | undefined;
  private electionBuffer: { total: number; bytes: Uint8Array; received: number } | undefined;
  private readonly selfTests = new SelfTestRuns();
  private logFull = false;
  private badPasswords = 0;
  private summaryCache: UploadSummary | undefined;
  private readonly bootMs: number;
  private screen: PortableScreen;
  /** What recovery found at boot, for the commission (shown until a member acknowledges). */
  readonly recovery: { markCompleted: boolean; interruptedVoter: number | undefined; anomaly: string | undefined } = { markCompleted: false, interruptedVoter: undefined, anomaly: undefined };
  private readonly warnPercent: number;
  private readonly criticalPercent: number;

  constructor(private readonly o: PortableOptions) {
    this.p = o.ports;
    this.warnPercent = o.battery?.warnPercent ?? DEFAULT_WARN_PERCENT;
    this.criticalPercent = o.battery?.criticalPercent ?? DEFAULT_CRITICAL_PERCENT;
    this.bootMs = this.p.clock.monotonicMs();
    this.journal = Journal.open(this.p.flash, this.p.crypto, o.layout.journal);
    this.log = EventLog.open(this.journal, this.p.crypto, this.p.clock, { signingKey: o.identity.signingKey });
    this.slots = VoteSlotStore.open(this.p.flash, o.layout.slots);
    if (this.capacity() < MIN_CAPACITY) throw new ProtocolError('portable-bad-layout', `the layout holds ${this.capacity()} home voters; 001 §13 requires ${MIN_CAPACITY}`);
    this.restore();
    this.record(EVENTS.boot, 'success', `firmware ${o.identity.firmwareVersion}`);
    const r = this.journal.recovery;
    if (r.tornRecordVoided || r.tailSealed || r.formatResumed || this.slots.recovered.voided > 0) {
      const what = [r.tornRecordVoided ? 'torn record voided' : '', r.tailSealed ? 'block sealed' : '', r.formatResumed ? 'format resumed' : '',
        this.slots.recovered.voided > 0 ? 'torn vote slot voided' : ''].filter((s) => s !== '').join(', ');
      this.record(EVENTS.journalRecovered, 'success', what);
    }
    this.recoverSession();
    this.p.display.onTouch((id) => this.touch(id));
    this.screen = this.memberScreen();
    this.p.display.show(this.screen);
  }

  get state(): PortableState {
    if (this.phase === PHASE_CLOSED) return 'closed';
    if (this.phase === PHASE_OPEN) return 'open';
    return this.election && this.setup && this.list ? 'loaded' : 'unconfigured';
  }

  get currentScreen(): PortableScreen { return this.screen; }
  get ballotState(): BallotState | undefined { return this.runner?.state; }
  get sessionOpen(): boolean { return this.session !== undefined; }

  counters(): ResponseOf<typeof Counters> {
    const applications = this.list?.count ?? 0;
    const marked = this.voters?.voted ?? 0;
    const c: ResponseOf<typeof Counters> = {
      state: this.state, applications, marked, votes: this.slots.stored, interrupted: this.interrupted,
      sessionOpen: this.session !== undefined, codesLeft: this.codes?.remaining ?? 0,
      forDecision: excessReasons(applications, marked, this.slots.stored).length > 0,
    };
    const b = this.p.power.status().batteryPercent;
    if (b !== undefined) c.batteryPercent = b;
    return c;
  }

  // ---- at the voter's home ----

  /** Finds a loaded voter by register number (members' search). */
  findByRegisterNo(registerNo: number): VoterEntry | undefined {
    return this.voters?.findByRegisterNo(registerNo);
  }

  /** Loaded voters whose full name starts with the prefix (case and ё folded), at most `limit`. */
  searchByName(prefix: string, limit = 10): VoterEntry[] {
    return this.voters ? this.voters.searchByName(prefix, limit) : [];
  }

  /** Shows the voter's record for the member to compare with the ID document. */
  identify(index: number): VoterEntry {
    if (!this.voters) throw this.refusedCommand('identify', 'no list loaded');
    const e = this.voters.read(index);
    this.pendingIdentify = index;
    this.show({ mode: 'member', screen: e.voted ? refusedScreen('already-voted', e.voter) : identifyScreen(e.voter, this.lowBattery()) });
    return e;
  }

  /**
   * The member confirmed the voter's identity: refuse if already marked, another session is
   * open, the battery is critical, or no code or slot is left; otherwise open the session on
   * flash (the voter's starts bit) and hand the device over: the ballot starts at the language.
   */
  beginVoter(index: number): BeginResult {
    const refuse = (reason: VoterRefusal): BeginResult => {
      this.record(reason === 'battery-critical' ? EVENTS.lowBattery : EVENTS.homeVoterRefused, 'failure', reason);
      this.p.sound?.signal('refused');
      const v = this.voters && index >= 0 && index < this.voters.count ? this.voters.read(index).voter : undefined;
      this.show({ mode: 'member', screen: refusedScreen(reason, v) });
      return { result: 'refused', reason };
    };
    if (this.state !== 'open' || !this.voters || !this.runner) return refuse('not-open');
    if (!Number.isInteger(index) || index < 0 || index >= this.voters.count) return refuse('not-on-list');
    if (this.session) return refuse('session-open');
    if (this.voters.isVoted(index)) return refuse('already-voted');
    const power = this.p.power.status();
    if (power.source === 'battery' && (power.batteryPercent === undefined || power.batteryPercent < this.criticalPercent)) return refuse('battery-critical');
    if ((this.codes?.remaining ?? 0) === 0) return refuse('no-codes');
    if (this.slots.free === 0) return refuse('store-full');
    if (this.voters.sessions(index) >= 8) return refuse('too-many-sessions');
    const low = this.lowBattery();
    if (low) this.record(EVENTS.lowBattery, 'success', `${power.batteryPercent ?? 0}`);
    this.voters.startSession(index);
    this.session = { index, committed: false, stored: false };
    this.pendingIdentify = undefined;
    this.runner.dispatch({ type: 'card-inserted' });
    this.showBallot();
    return { result: 'started', lowBattery: low };
  }

  /**
   * The member takes the device back (after "thank you", or the voter gave up, or the flow timed
   * out). A session without a stored vote ends on flash (ends bit): the voter is not marked.
   */
  endVoter(): { voted: boolean } {
    const s = this.session;
    if (!s) return { voted: false };
    if (s.committed && !s.stored) throw this.refusedCommand('end-voter', 'a vote is being stored');
    this.session = undefined;
    if (!s.stored && this.voters) {
      this.voters.endSessionWithoutVote(s.index);
      this.interrupted++;
      this.saveCounters();
      this.record(EVENTS.homeSessionInterrupted, 'success', 'abandoned');
    }
    this.runner?.dispatch({ type: 'card-removed' });
    this.show();
    return { voted: s.stored };
  }

  /** A touch on the current screen: the ballot's buttons go to the flow, members' buttons here. */
  touch(id: string): void {
    if (this.screen.mode === 'ballot') { this.ballotTouch?.(id); return; }
    if (id === 'member:confirm' && this.pendingIdentify !== undefined) { this.beginVoter(this.pendingIdentify); return; }
    if (id === 'member:finish') { this.endVoter(); return; }
    if (id === 'member:cancel') { this.pendingIdentify = undefined; this.show(); }
  }

  // ---- the ballot flow's effects ----

  private onEffect(e: BallotEffect): void {
    if (e.type === 'check-card') {
      // The member identified the voter: the "card" is the voter's session on this device.
      this.runner!.dispatch(this.session ? { type: 'card-accepted' } : { type: 'card-refused', reason: 'terminal-not-open' });
      return;
    }
    if (e.type === 'commit-vote') { this.commitVote(e.selections); return; }
    if (e.event === 'bad-verification-code') return;
    if (e.event === 'card-removed-before-vote' || e.event === 'session-reset-inactivity') this.record(EVENTS.voteAbandoned, 'success', e.event);
  }

  /**
   * Stores the vote, then marks the voter: draw a code (persisted first: a cut wastes it, never
   * reissues it), issue this voter's activation (fresh random id, constant time), seal the vote to
   * the election key, put [activation, vote] in a random slot, then clear the voter's voted byte.
   * A cut between the last two is repaired at boot (recoverSession): votes = marks + 1 with one
   * open session means that session's vote is the extra one.
   */
  private commitVote(selections: Selection[]): void {
    const s = this.session;
    if (!s || s.committed || !this.election || !this.setup || !this.codes || !this.voters) {
      this.runner!.dispatch({ type: 'vote-write-failed', reason: 'no-session' });
      return;
    }
    s.committed = true;
    let code: number;
    try {
      code = this.codes.draw(this.p.entropy, (used) => this.persistCodes(used));
      const { bytes: activation, activation: a } = createActivation(this.p.crypto, this.p.entropy, this.o.identity.signingKey, {
        electionFingerprint: this.election.fingerprint, precinct: this.election.precinct, ballotStyle: 1, issuedAt: this.openedAt,
      });
      const { bytes: vote } = sealVote(this.p.crypto, this.p.entropy, {
        activationBytes: activation, electionFingerprint: this.election.fingerprint, electionPublicKey: this.setup.electionPublicKey,
        terminalSecretKey: this.o.identity.signingKey, content: { selections, verificationCode: code },
      });
      this.slots.put(a.activationId, encodeCbor([activation, vote]), this.p.entropy);
    } catch (e) {
      if (!(e instanceof SlotStoreError) && !(e instanceof CodeError)) throw e; // flash failure: the device restarts
      s.committed = false;
      this.record(EVENTS.journalFull, 'failure', e.code);
      this.runner!.dispatch({ type: 'vote-write-failed', reason: e.code });
      return;
    }
    s.stored = true;
    this.voters.markVoted(s.index);
    this.summaryCache = undefined;
    this.record(EVENTS.voteRecorded, 'success');
    this.record(EVENTS.homeVoterMarked, 'success');
    this.runner!.dispatch({ type: 'vote-written', verificationCode: code });
  }

  private persistCodes(used: Uint8Array): void {
    const at = this.o.layout.codesBlock * this.p.flash.blockSize;
    const image = toFlashImage(used);
    const now = this.p.flash.read(at, CODE_BITMAP_BYTES);
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) if (now[i] !== image[i]) this.p.flash.program(at + i, Uint8Array.of(image[i]));
  }

  /**
   * After a power cut: at most one session can have been open. Votes − marks tells whether its
   * vote reached the store: 1 → mark the voter now; 0 → the session ends without a vote (the
   * voter may vote again; the commission is shown who). Anything else is an anomaly for the
   * commission (the upload's counts carry it, and the paper rule then applies).
   */
  private recoverSession(): void {
    if (!this.voters) return;
    const open = this.voters.openSessions();
    const diff = this.slots.stored - this.voters.voted;
    if (open.length === 0) {
      if (diff !== 0) this.recovery.anomaly = `votes ${this.slots.stored}, marks ${this.voters.voted}`;
      return;
    }
    if (open.length === 1 && diff === 1) {
      this.voters.markVoted(open[0]);
      this.recovery.markCompleted = true;
      this.record(EVENTS.homeMarkCompleted, 'success');
      return;
    }
    if (diff === 0) {
      for (const i of open) this.voters.endSessionWithoutVote(i);
      this.interrupted += open.length;
      this.saveCounters();
      this.recovery.interruptedVoter = open[0];
      this.record(EVENTS.homeSessionInterrupted, 'success', 'power-cut');
      return;
    }
    this.recovery.anomaly = `${open.length} open sessions, votes ${this.slots.stored}, marks ${this.voters.voted}`;
    this.record(EVENTS.journalDamaged, 'failure', 'sessions-inconsistent');
  }

  // ---- requests from the precinct computer ----

  serve(rpc: RpcServer): RpcServer {
    const id = this.o.identity;
    return rpc
      .on(Identify, () => ({ kind: 'portable-ballot', serial: id.serial, firmwareVersion: id.firmwareVersion, firmwareHash: id.firmwareHash,
        publicKey: id.noisePublicKey, signingKey: this.p.crypto.ed25519PublicKey(id.signingKey) }))
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
      .on(LoadSetup, (b) => this.loadSetup(b))
      .on(LoadVoters, (b) => this.loadVoters(b))
      .on(Open, (b) => this.open(b.password))
      .on(Close, () => this.close())
      .on(UploadSummaryMsg, () => this.uploadSummary())
      .on(UploadMarks, (b) => this.uploadMarks(b.from, b.limit))
      .on(UploadVotes, (b) => this.uploadVotes(b.from, b.limit));
  }

  /** The wire end: framing + Noise KK with the enrolled precinct computer + the RPC server. */
  attachLink(link: LinkPort, staticKey: NoiseKeyPair, enrolledKeys: readonly Uint8Array[]): LinkEndpoint {
    return new LinkEndpoint({
      link, clock: this.p.clock, crypto: this.p.crypto, entropy: this.p.entropy, staticKey, enrolledKeys, rpc: this.serve(new RpcServer(portableRegistry())),
      onSecurityEvent: (e) => this.record(e.code === 'frame-errors' ? EVENTS.frameError
        : e.code === 'unknown-key' || e.code === 'handshake-failed' ? EVENTS.sessionRefused : EVENTS.authFailure, 'failure', e.code),
    });
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
      power: this.p.power.status(),
      detail: { applications: c.applications, marked: c.marked, votes: c.votes, interrupted: c.interrupted, sessionOpen: c.sessionOpen,
        codesLeft: c.codesLeft, forDecision: c.forDecision, lowBattery: this.lowBattery(), logFull: this.logFull },
    };
  }

  loadElection(total: number, offset: number, chunk: Uint8Array): ResponseOf<typeof LoadElection> {
    this.requireState('load-election', ['unconfigured', 'loaded']);
    if (offset === 0) this.electionBuffer = { total, bytes: new Uint8Array(total), received: 0 };
    const buf = this.electionBuffer;
    if (!buf || buf.total !== total || offset !== buf.received || offset + chunk.length > total) {
      throw new RpcError('out-of-range', `chunk at ${offset} does not follow the ${buf?.received ?? 0} bytes received`);
    }
    buf.bytes.set(chunk, offset);
    buf.received += chunk.length;
    if (buf.received < total) return { received: buf.received };
    this.electionBuffer = undefined;
    let info: ElectionInfo;
    try {
      const v = verifySignedElection(buf.bytes, this.o.authorityKeys, this.p.crypto);
      info = { fingerprint: v.fingerprint, precinct: v.definition.precinct, electionId: v.definition.electionId, date: v.definition.date, definition: v.definition };
    } catch (e) {
      if (!(e instanceof ElectionError)) throw e;
      this.record(EVENTS.electionRefused, 'failure', e.code);
      throw new RpcError('bad-election', e.message);
    }
    if (!this.election || !bytesEqual(this.election.fingerprint, info.fingerprint)) {
      // A new election: empty vote slots and code bitmap; setup and list belong to an election.
      this.slots = VoteSlotStore.format(this.p.flash, this.o.layout.slots);
      this.p.flash.erase(this.o.layout.codesBlock);
      const seqs: number[] = [];
      for (let o = 0; o < buf.bytes.length; o += CHUNK) seqs.push(this.journal.append(TAG_ELECTION_CHUNK, buf.bytes.subarray(o, Math.min(buf.bytes.length, o + CHUNK))));
      new StateCell(this.journal, TAG_ELECTION).set(encodeCbor([info.fingerprint, buf.bytes.length, seqs]));
      this.election = info;
      this.setup = undefined;
      this.list = undefined;
      this.voters = undefined;
      this.codes = undefined;
      this.flow = undefined;
    }
    this.record(EVENTS.electionLoaded, 'success', safeDetail(info.electionId));
    this.show();
    return { received: buf.received, electionId: info.fingerprint };
  }

  loadSetup(b: { electionPublicKey: Uint8Array; startPasswordCommitment: Uint8Array; codeShare: Uint8Array; deadline?: string }): ResponseOf<typeof LoadSetup> {
    this.requireState('portable.load-setup', ['unconfigured', 'loaded']);
    if (!this.election) throw this.refusedCommand('portable.load-setup', 'load the election first');
    const deadline = b.deadline ?? '12:00';
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(deadline)) throw new RpcError('bad-request', `deadline "${deadline}" is not HH:MM`);
    let pool: CodePool;
    try {
      pool = CodePool.fromBitmap(b.codeShare);
    } catch (err) {
      if (err instanceof CodeError) throw new RpcError('bad-request', err.message);
      throw err;
    }
    if (pool.remaining === 0) throw new RpcError('bad-request', 'the code share is empty');
    this.p.flash.erase(this.o.layout.codesBlock);
    new StateCell(this.journal, TAG_SETUP).set(encodeCbor([b.electionPublicKey, b.startPasswordCommitment, b.codeShare, deadline]));
    // A list was checked against the previous setup's deadline: it is loaded again after a new setup.
    this.list = undefined;
    this.voters = undefined;
    this.loading = undefined;
    this.setup = { electionPublicKey: b.electionPublicKey.slice(), commitment: b.startPasswordCommitment.slice(), codeShare: b.codeShare.slice(), deadline };
    this.codes = pool;
    this.show();
    return { state: this.state, codes: pool.remaining };
  }

  /**
   * Loads the list chunk by chunk: offset 0 discards any earlier list and erases the region.
   * Each voter is checked (shape, ascending register number, the deadline, size); the last chunk's
   * digest must equal the digest of what was stored, re-read from flash. Any refusal drops the
   * whole load (HomeListError's code goes to the log and back to the precinct computer).
   */
  loadVoters(b: { electionFingerprint: Uint8Array; total: number; offset: number; voters: CborValue[]; digest?: Uint8Array }): ResponseOf<typeof LoadVoters> {
    this.requireState('portable.load-voters', ['unconfigured', 'loaded']);
    if (!this.election || !this.setup) throw this.refusedCommand('portable.load-voters', 'load the election and the setup first');
    const capacity = this.capacity();
    try {
      if (!bytesEqual(b.electionFingerprint, this.election.fingerprint)) throw new HomeListError('home-list-wrong-election', 'the list is for another election');
      if (b.offset === 0) {
        if (b.total > capacity) throw new HomeListError('home-list-over-capacity', `${b.total} home voters; this device holds ${capacity}`);
        if (this.list) { new StateCell(this.journal, TAG_LIST).set(encodeCbor(null)); this.list = undefined; this.voters = undefined; }
        this.loading = { total: b.total, received: 0, digest: new HomeListDigest(this.p.crypto, this.election.fingerprint, b.total), store: VoterListStore.format(this.p.flash, this.o.layout.voters, b.total), lastRegNo: 0 };
      }
      const l = this.loading;
      if (!l || l.total !== b.total || b.offset !== l.received) throw new RpcError('out-of-range', `chunk at ${b.offset} does not follow the ${l?.received ?? 0} voters received`);
      if (l.received + b.voters.length > l.total) throw new HomeListError('home-list-over-capacity', `more voters than the announced ${l.total}`);
      for (const raw of b.voters) {
        const v = checkVoterShape(raw);
        if (v.registerNo <= l.lastRegNo) throw new HomeListError('home-list-order', `register number ${v.registerNo} after ${l.lastRegNo}: the list must be in ascending order, each voter once`);
        checkDeadline(v, this.election.date, this.setup.deadline);
        const body = voterBytes(v);
        l.store.write(l.received, v, body);
        l.digest.add(body);
        l.lastRegNo = v.registerNo;
        l.received++;
      }
      if (l.received < l.total) return { received: l.received, capacity };
      if (!b.digest || !bytesEqual(b.digest, l.digest.digest())) throw new HomeListError('home-list-digest-mismatch', 'the list does not match its digest: nothing was loaded');
      const check = l.store.verify(this.p.crypto, this.election.fingerprint);
      if (check.bad > 0 || !bytesEqual(check.digest, b.digest)) throw new HomeListError('home-list-digest-mismatch', 'the list read back from flash does not match its digest');
      new StateCell(this.journal, TAG_LIST).set(encodeCbor([l.total, b.digest]));
      this.list = { count: l.total, digest: b.digest.slice() };
      this.voters = VoterListStore.open(this.p.flash, this.o.layout.voters, l.total);
      this.loading = undefined;
      this.record(EVENTS.homeVotersLoaded, 'success', `${l.total} voters`);
      this.show();
      return { received: l.received, listDigest: b.digest, capacity };
    } catch (e) {
      if (e instanceof HomeListError) {
        this.loading = undefined;
        this.record(EVENTS.homeListRefused, 'failure', e.code);
        throw new RpcError('bad-request', e.message.length > 0 ? `${e.code}: ${e.message}` : e.code);
      }
      throw e;
    }
  }

  /** Voters this device can hold: its list region, and never fewer votes than voters. */
  capacity(): number {
    const listSlots = Math.floor(this.p.flash.blockSize / VOTER_SLOT_BYTES) * this.o.layout.voters.blockCount;
    return Math.min(listSlots, this.slots.slotCount);
  }

  open(verifier: Uint8Array): ResponseOf<typeof Open> {
    this.requireState('open', ['loaded']);
    if (!this.selfTests.passed) throw this.refusedCommand('open', 'run a passing self-test first');
    if (!checkStartVerifier(this.p.crypto, this.setup!.commitment, verifier)) {
      this.badPasswords++;
      this.record(EVENTS.openRefusedBadPassword, 'failure', `attempt ${this.badPasswords}`);
      throw new RpcError('unauthorized', 'wrong start password');
    }
    if (this.slots.stored > 0 || (this.voters?.voted ?? 0) > 0) throw new RpcError('storage', 'the vote store is not empty');
    const wall = this.p.clock.wallClockMs();
    // One issue time for every activation this device writes: the time of opening, so no vote carries its own time.
    this.openedAt = wall === undefined ? 0 : Math.floor(wall / 1000);
    this.setPhase(PHASE_OPEN);
    this.record(EVENTS.opened, 'success');
    this.startFlow();
    this.show();
    return { state: this.state, openedAtMs: wall === undefined ? undefined : Math.floor(wall) };
  }

  close(): ResponseOf<typeof Close> {
    this.requireState('close', ['open']);
    if (this.session) throw this.refusedCommand('close', 'a voter\'s session is open');
    this.setPhase(PHASE_CLOSED);
    this.record(EVENTS.closed, 'success');
    const reasons = this.excess();
    if (reasons.length > 0) this.record(EVENTS.portableExcessVotes, 'failure', reasons.join(' '));
    this.show();
    const wall = this.p.clock.wallClockMs();
    return { state: this.state, closedAtMs: wall === undefined ? undefined : Math.floor(wall) };
  }

  excess(): string[] {
    return excessReasons(this.list?.count ?? 0, this.voters?.voted ?? 0, this.slots.stored);
  }

  /** The signed summary (after close). Digests are over the marks and votes the pages return. */
  uploadSummary(): ResponseOf<typeof UploadSummaryMsg> {
    this.requireState('portable.upload.summary', ['closed']);
    if (!this.summaryCache) {
      const md = new MarksDigest(this.p.crypto);
      let marked = 0;
      if (this.voters) for (const r of this.voters.votedRegisterNos()) { md.add(r); marked++; }
      const vd = new VotesDigest(this.p.crypto);
      for (const v of this.votePairs(0)) vd.add(v);
      const body = {
        electionFingerprint: this.election!.fingerprint, applications: this.list?.count ?? 0, marked, votes: this.slots.stored,
        interrupted: this.interrupted, listDigest: this.list?.digest ?? new Uint8Array(32), marksDigest: md.digest(), votesDigest: vd.digest(),
        forDecision: excessReasons(this.list?.count ?? 0, marked, this.slots.stored),
      };
      this.summaryCache = signSummary(this.p.crypto, this.o.identity.signingKey, body);
      this.record(EVENTS.resultsRead, 'success');
      if (body.forDecision.length > 0) this.record(EVENTS.portableExcessVotes, 'failure', body.forDecision.join(' '));
    }
    const s = this.summaryCache;
    return { ...s, forDecision: s.forDecision.slice() };
  }

  uploadMarks(from: number, limit: number): ResponseOf<typeof UploadMarks> {
    this.requireState('portable.upload.marks', ['closed']);
    const total = this.voters?.voted ?? 0;
    if (from > total) throw new RpcError('out-of-range', `from ${from} is past the ${total} marks`);
    const registerNos: number[] = [];
    let k = 0;
    if (this.voters) {
      for (const r of this.voters.votedRegisterNos()) {
        if (k++ < from) continue;
        if (registerNos.length >= limit) break;
        registerNos.push(r);
      }
    }
    return { registerNos, next: from + registerNos.length, total };
  }

  uploadVotes(from: number, limit: number): ResponseOf<typeof UploadVotes> {
    this.requireState('portable.upload.votes', ['closed']);
    const total = this.slots.stored;
    if (from > total) throw new RpcError('out-of-range', `from ${from} is past the ${total} votes`);
    const votes: { activation: Uint8Array; vote: Uint8Array }[] = [];
    let bytes = 0;
    for (const v of this.votePairs(from)) {
      const n = v.activation.length + v.vote.length + 24;
      if (votes.length >= limit || (votes.length > 0 && bytes + n > VOTES_PAGE_BYTES)) break;
      votes.push(v);
      bytes += n;
    }
    return { votes, next: from + votes.length, total };
  }

  /** The stored [activation, vote] pairs from the index-th, in slot order. */
  *votePairs(from: number): Generator<{ activation: Uint8Array; vote: Uint8Array }> {
    for (const rec of this.slots.votes(from)) {
      const [activation, vote] = decodeCbor(rec) as [Uint8Array, Uint8Array];
      yield { activation, vote };
    }
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

  /** Flash, journal and stores, event log, clock, battery, keys and codes, election, the list's digest. */
  runSelfTest(): Promise<Report> {
    const st = registerCommonChecks(new SelfTest(this.p.clock, { device: 'portable-ballot' }), { clock: this.p.clock, flash: this.p.flash, scratchBlock: this.o.layout.scratchBlock, journal: this.journal, log: this.log }, (n) => {
      const bad = this.slots.verify();
      if (bad > 0) return failed(`${bad} vote slots fail their check`);
      if (this.voters && this.election && this.list) {
        const v = this.voters.verify(this.p.crypto, this.election.fingerprint);
        if (v.bad > 0 || !bytesEqual(v.digest, this.list.digest)) return failed('the home-voter list does not match its digest');
      }
      return passed(`${n} records, ${this.list?.count ?? 0} home voters`);
    })
      .register(batteryCheck(this.p.power, this.warnPercent))
      .register(keysCheck(() => (this.setup && this.codes ? passed(`${this.codes.remaining} codes`) : failed('no setup loaded'))))
      .register(electionCheck(() => ({ signatureValid: this.election !== undefined, fingerprint: this.election?.fingerprint })));
    return st.run({ withOperator: false, record: (_bytes, report) => {
      const o = selfTestOutcome(report);
      this.record(EVENTS.selfTestRun, o.disposition, o.detail);
    } });
  }


  // ---- state ----

  private restore(): void {
    const e = this.journal.lastRecordWithTag(TAG_ELECTION);
    if (!e) return;
    const [fingerprint, length, seqs] = decodeCbor(e.data) as [Uint8Array, number, number[]];
    const bytes = new Uint8Array(length);
    let o = 0;
    let want = 0;
    for (const r of this.journal.records(seqs[0])) {
      if (want >= seqs.length) break;
      if (r.seq !== seqs[want]) continue;
      bytes.set(r.data, o);
      o += r.data.length;
      want++;
    }
    const v = verifySignedElection(bytes, this.o.authorityKeys, this.p.crypto);
    if (!bytesEqual(v.fingerprint, fingerprint)) throw new ProtocolError('portable-bad-state', 'the stored election does not match its fingerprint');
    this.election = { fingerprint, precinct: v.definition.precinct, electionId: v.definition.electionId, date: v.definition.date, definition: v.definition };
    const after = (tag: number) => {
      const r = this.journal.lastRecordWithTag(tag);
      return r && r.seq > e.seq ? r : undefined;
    };
    const s = after(TAG_SETUP);
    if (s) {
      const [electionPublicKey, commitment, codeShare, deadline] = decodeCbor(s.data) as [Uint8Array, Uint8Array, Uint8Array, string];
      this.setup = { electionPublicKey, commitment, codeShare, deadline };
      const used = fromFlashImage(this.p.flash.read(this.o.layout.codesBlock * this.p.flash.blockSize, CODE_BITMAP_BYTES));
      this.codes = CodePool.restore(codeShare, used);
    }
    const l = after(TAG_LIST);
    if (l && s && l.seq > s.seq) {
      const v2 = decodeCbor(l.data) as [number, Uint8Array] | null;
      if (v2) {
        this.list = { count: v2[0], digest: v2[1] };
        this.voters = VoterListStore.open(this.p.flash, this.o.layout.voters, v2[0]);
      }
    }
    const ph = after(TAG_PHASE);
    if (ph) [this.phase, this.openedAt] = decodeCbor(ph.data) as [number, number];
    const c = after(TAG_COUNTERS);
    if (c) this.interrupted = decodeCbor(c.data) as number;
    if (this.phase === PHASE_OPEN) this.startFlow();
  }

  private startFlow(): void {
    if (!this.election || this.runner) return;
    this.flow = createBallotFlow(ballotViewFromElection(this.election.definition), { ...this.o.ballot, onScreenCodeButtons: true });
    // The runner shows its screens and takes touches only while a voter holds the device.
    const display: DisplayPort<PortableScreen> = {
      show: (screen) => { if (this.session) this.showBallot(screen); },
      onTouch: (handler) => { this.ballotTouch = handler; },
    };
    this.runner = new BallotRunner<PortableScreen>(this.flow, { clock: this.p.clock, display },
      (flow, state) => ({ mode: 'ballot', screen: ballotScreen(flow, state) }), (e) => this.onEffect(e));
  }

  private showBallot(screen?: PortableScreen): void {
    const st = this.runner?.state;
    if (!st || !this.flow) return;
    // After the vote (or a time-out) the voter hands the device back instead of "take the card out".
    if (st.phase === 'take-card' || st.phase === 'waiting') { this.show({ mode: 'member', screen: handBackScreen() }); return; }
    this.show(screen ?? { mode: 'ballot', screen: ballotScreen(this.flow, st) });
  }

  private saveCounters(): void {
    this.guarded(() => new StateCell(this.journal, TAG_COUNTERS).set(encodeCbor(this.interrupted)));
  }

  private setPhase(phase: number): void {
    new StateCell(this.journal, TAG_PHASE).set(encodeCbor([phase, this.openedAt]));
    this.phase = phase;
  }

  private lowBattery(): boolean {
    const s = this.p.power.status();
    return s.source === 'battery' && (s.batteryPercent === undefined || s.batteryPercent < this.warnPercent);
  }

  private requireState(command: string, allowed: PortableState[]): void {
    if (!allowed.includes(this.state)) throw this.refusedCommand(command, `not allowed while ${this.state}`);
  }

  private refusedCommand(command: string, why: string): RpcError {
    this.record(EVENTS.commandRefused, 'failure', command);
    return new RpcError('wrong-state', `${command}: ${why}`);
  }

  private record(event: EventInfo, disposition: 'success' | 'failure', detail = ''): void {
    this.guarded(() => this.log.record(event, disposition, safeDetail(detail)));
  }

  private guarded(write: () => unknown): void {
    try {
      write();
    } catch (e) {
      if (e instanceof JournalFullError) { this.logFull = true; return; }
      throw e;
    }
  }

  private memberScreen(): PortableScreen {
    const s = this.state;
    if (s === 'closed') return { mode: 'member', screen: closedScreen(this.voters?.voted ?? 0, this.slots.stored) };
    if (s !== 'open') return { mode: 'member', screen: notReadyScreen() };
    if (this.recovery.interruptedVoter !== undefined && this.voters) {
      return { mode: 'member', screen: recoveryScreen({ kk: 'Бюллетень аяқталмады: дауыс сақталмады, сайлаушы қайта дауыс бере алады', ru: 'Бюллетень не завершён: голос не сохранён, избиратель может проголосовать снова' }, this.voters.read(this.recovery.interruptedVoter).voter) };
    }
    return { mode: 'member', screen: searchScreen(this.voters?.voted ?? 0, this.list?.count ?? 0, this.lowBattery()) };
  }

  private show(screen?: PortableScreen): void {
    this.screen = screen ?? this.memberScreen();
    this.p.display.show(this.screen);
  }

  /** The commission saw the recovery notice. */
  acknowledgeRecovery(): void {
    this.recovery.interruptedVoter = undefined;
    this.recovery.markCompleted = false;
    this.show();
  }
}


