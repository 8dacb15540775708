// What counting takes in and gives out. The inputs are exactly what the precinct computer
// holds after close: the election definition, the enrolled devices and what each one
// delivered, the register-side figures, the sealed election key and the start password.
import type { ElectionDefinition } from '../../protocol/election/model';
import type { CryptoPort } from '../../protocol/crypto/port';
import type { DeviceKind } from '../db/devices';
import type { EventLog } from '../event-log';

/** An enrolled device, as the devices table holds it. */
export interface EnrolledDevice {
  deviceId: string;
  kind: DeviceKind;
  signPublicKey: Uint8Array;
  kexPublicKey: Uint8Array | null;
  status?: 'active' | 'withdrawn' | 'faulty';
}

/**
 * One stored vote as read out of a device. The portable ballot uploads `[activation, vote]`
 * pairs; the accumulator's `results.read` gives votes only (it verified each card's
 * activation when it took the card and keeps the activation id in the vote's slot, never
 * read out): then `activation` is absent and the signed activation hash inside the vote
 * stands for it (uniqueness, HPKE aad).
 */
export interface StoredVote {
  activation?: Uint8Array;
  vote: Uint8Array;
}

/** An accumulator's read-out after close (`results.read`): its stored records and its own count. */
export interface AccumulatorDelivery {
  deviceId: string;
  kind: 'accumulator';
  records: StoredVote[];
  /** The number of votes the accumulator says it stored (its counter); compared with records. */
  reportedCount?: number;
  /** The fingerprint the collector logged for the raw read-out; the protocol prints it. Default: deliveryFingerprint. */
  dataFingerprint?: Uint8Array;
}

/** The portable ballot's upload: its votes and how many voters it marked as having voted. */
export interface PortableBallotDelivery {
  deviceId: string;
  kind: 'portable-ballot';
  records: StoredVote[];
  markedVoters: number;
  dataFingerprint?: Uint8Array;
}

/** A terminal's close report: it holds no votes, only how many it wrote to cards. */
export interface TerminalDelivery {
  deviceId: string;
  kind: 'terminal';
  votesWritten: number;
  dataFingerprint?: Uint8Array;
}

export type Delivery = AccumulatorDelivery | PortableBallotDelivery | TerminalDelivery;

/** Device kinds that must deliver before counting (a card writer holds nothing to count). */
export const DELIVERING_KINDS: readonly DeviceKind[] = ['terminal', 'accumulator', 'portable-ballot'];

/** Figures from the precinct's own register (db), not from the devices. */
export interface RegisterFigures {
  registered: number;
  /** admissions completed = cards activated at the desk */
  cardsActivated: number;
  /** cards activated then spoiled (damaged, returned unvoted) by the commission's record */
  cardsSpoiled: number;
  /** written applications to vote outside the premises, not withdrawn */
  homeApplications: number;
}

export interface CountInput {
  crypto: CryptoPort;
  election: { definition: ElectionDefinition; fingerprint: Uint8Array };
  devices: readonly EnrolledDevice[];
  deliveries: readonly Delivery[];
  /** Ed25519 public keys that issue activations (the precinct computer's card-writer key). */
  issuerKeys: readonly Uint8Array[];
  register: RegisterFigures;
  /** The sealed election key file and the start password typed by the chairman. */
  sealedElectionKey: Uint8Array;
  startPassword: string;
  /**
   * Devices whose data cannot be delivered, by the commission's recorded decision (001 §14:
   * a fault; the decision is a protocol of its own). Counting then goes ahead without them
   * and the protocol lists each as a `device-not-delivered` anomaly. Nothing else waives.
   */
  waivers?: readonly { deviceId: string; decision: string }[];
  /** Security-relevant refusals and the result go here. */
  log?: EventLog;
  /**
   * How to open the election key; the default is precinct/keys/election-key.ts's
   * unsealElectionKey. Injected only by benches and tests that have a bare key.
   */
  unseal?: (crypto: CryptoPort, sealed: Uint8Array, password: string, fingerprint: Uint8Array) => Promise<{ secretKey: Uint8Array }>;
}

/** A choice in one contest, as counted: an option id (0 = against all), blank, or invalid. */
export type Choice = number | null | 'invalid';

export interface ContestTally {
  contestId: number;
  /** Votes per option id, in ballot order (against all excluded). */
  options: { optionId: number; votes: number }[];
  /** null when the contest has no "against all" line. */
  againstAll: number | null;
  blank: number;
  invalid: number;
  /** options + againstAll + blank + invalid */
  ballots: number;
}

export interface Anomaly {
  /** Stable code, see docs/counting.md. */
  code: string;
  /** The device the anomaly was found in, or null for a precinct-wide one. */
  device: string | null;
  /** The contest it concerns (invalid choices), or null. */
  contest: number | null;
  count: number;
  detail: string;
}

export interface VerificationCodeEntry {
  code: number;
  /** One choice per contest, in ballot order. */
  choices: Choice[];
  /** true only when the portable ballot's votes are set aside for the commission's decision. */
  forDecision: boolean;
}

export interface DeviceSummary {
  deviceId: string;
  kind: DeviceKind;
  signKeyFingerprint: Uint8Array;
  kexKeyFingerprint: Uint8Array | null;
  /** SHA-256 of the deterministic encoding of what the device delivered. */
  dataFingerprint: Uint8Array;
  /** records delivered (0 for a terminal) */
  records: number;
  /** records that were counted (or set aside for decision, for the portable ballot) */
  accepted: number;
  reportedCount: number | null;
  markedVoters: number | null;
  votesWritten: number | null;
}

export interface Reconciliation {
  registered: number;
  cardsActivated: number;
  cardsSpoiled: number;
  /** cardsActivated − cardsSpoiled − votesInPremises, never below 0 (excess is an anomaly) */
  cardsOutstanding: number;
  votesInPremises: number;
  terminalVotesWritten: number;
  homeApplications: number;
  portableMarkedVoters: number;
  portableVotes: number;
  /** false: the portable ballot's votes exceed applications or marked voters; set aside */
  portableCounted: boolean;
  /** votesInPremises + (portableCounted ? portableVotes : 0) */
  ballotsCounted: number;
  recordsDelivered: number;
  recordsRejected: number;
  recordsDuplicate: number;
}

export interface CountResult {
  tallies: ContestTally[];
  /** The portable ballot's votes counted separately: always computed, shown when set aside. */
  portableTallies: ContestTally[];
  reconciliation: Reconciliation;
  anomalies: Anomaly[];
  codes: VerificationCodeEntry[];
  devices: DeviceSummary[];
  /** Milliseconds per stage, for the bench and the log. */
  timings: { unseal: number; verify: number; decrypt: number; tally: number };
}
