// The portable ballot's own wire messages, added to the common registry (protocol/wire/messages).
// Common messages it answers unchanged: identify, status, set-time, self-test.run,
// self-test.report, event-log.read, load-election, open (password = the start verifier, see
// protocol/start-password.ts), close. docs/portable-ballot.md lists the bodies.
//   portable.load-setup        the election key, the start-password commitment, the code share, the deadline
//   portable.load-voters       the home voters, in chunks, with the list digest on the last one
//   portable.counters          loaded, marked, votes, interrupted, battery: observers may ask at any time
//   portable.upload.summary    the signed summary (after close)
//   portable.upload.marks      a page of the marked voters' register numbers (ascending)
//   portable.upload.votes      a page of [activation, vote] pairs (slot order)

import { arrayOf, bool, bytes, optional, record, text, uint } from '../protocol/wire/schema';
import { commonRegistry, defineMessage, type MessageRegistry } from '../protocol/wire/messages';
import { CODE_BITMAP_BYTES } from '../terminal/ballot/codes';

const hash32 = bytes({ min: 32, max: 32 });
const key32 = bytes({ min: 32, max: 32 });
const state = text({ minBytes: 1, maxBytes: 32 });

/** Voters per load-voters chunk: ~16 fit a frame; a chunk is also refused above 3,800 bytes by the frame. */
export const MAX_VOTERS_PER_CHUNK = 32;
/** Most voters the wire lets a list have (the device refuses above its own capacity). */
export const MAX_LIST_VOTERS = 10_000;
export const MAX_UPLOAD_PAGE = 64;

export const LoadSetup = defineMessage('portable.load-setup', record({
  /** The election's X25519 public key (HPKE recipient of every vote). */
  electionPublicKey: key32,
  /** startPasswordCommitment(verifier) (protocol/start-password.ts): what `open` is checked against. */
  startPasswordCommitment: key32,
  /** This device's share of the verification codes (terminal/ballot/codes.ts codesToBitmap). */
  codeShare: bytes({ min: CODE_BITMAP_BYTES, max: CODE_BITMAP_BYTES }),
  /** Local "HH:MM" on election day after which applications are refused; "12:00" by law (003). */
  deadline: optional(text({ minBytes: 5, maxBytes: 5 })),
}), record({ state, codes: uint() }));

/**
 * One chunk of the list. `voters` are CBOR arrays [registerNo, surname, firstName, patronymic,
 * birthDate "YYYY-MM-DD", address, appliedAt "YYYY-MM-DD HH:MM"] in ascending register order;
 * `offset` is the index of the first; the chunk that completes `total` carries `digest`
 * (voter-list.ts homeListDigest). offset 0 starts a new load and discards any earlier list.
 */
export const LoadVoters = defineMessage('portable.load-voters', record({
  electionFingerprint: hash32,
  total: uint({ max: MAX_LIST_VOTERS }),
  offset: uint({ max: MAX_LIST_VOTERS }),
  voters: arrayOf((v) => v, { max: MAX_VOTERS_PER_CHUNK }),
  digest: optional(hash32),
}), record({
  received: uint(),
  /** Present once the whole list is in and its digest checked. */
  listDigest: optional(hash32),
  capacity: uint(),
}));

export const Counters = defineMessage('portable.counters', record({}), record({
  state,
  applications: uint(),
  marked: uint(),
  votes: uint(),
  interrupted: uint(),
  /** A voter's session is open now. */
  sessionOpen: bool(),
  codesLeft: uint(),
  forDecision: bool(),
  batteryPercent: optional(uint({ max: 100 })),
}));

export const UploadSummaryMsg = defineMessage('portable.upload.summary', record({}), record({
  electionFingerprint: hash32,
  applications: uint(),
  marked: uint(),
  votes: uint(),
  interrupted: uint(),
  listDigest: hash32,
  marksDigest: hash32,
  votesDigest: hash32,
  forDecision: arrayOf(text({ minBytes: 1, maxBytes: 32 }), { max: 2 }),
  signature: bytes({ min: 64, max: 64 }),
}));

const page = record({ from: uint(), limit: uint({ min: 1, max: MAX_UPLOAD_PAGE }) });

/** Register numbers per marks page (5 bytes each at most). */
export const MAX_MARKS_PAGE = 512;

export const UploadMarks = defineMessage('portable.upload.marks', record({ from: uint(), limit: uint({ min: 1, max: MAX_MARKS_PAGE }) }), record({
  registerNos: arrayOf(uint({ min: 1 }), { max: MAX_MARKS_PAGE }),
  next: uint(),
  total: uint(),
}));

export const UploadVotes = defineMessage('portable.upload.votes', page, record({
  votes: arrayOf(record({ activation: bytes({ min: 1, max: 512 }), vote: bytes({ min: 1, max: 1024 }) }), { max: MAX_UPLOAD_PAGE }),
  next: uint(),
  total: uint(),
}));

export const PORTABLE_MESSAGES = [LoadSetup, LoadVoters, Counters, UploadSummaryMsg, UploadMarks, UploadVotes] as const;

/** The common messages and the portable ballot's own. */
export function portableRegistry(): MessageRegistry {
  return commonRegistry().add(...PORTABLE_MESSAGES);
}
