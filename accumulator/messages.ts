// The accumulator's own wire messages, added to the common registry (protocol/wire/messages):
//   accumulator.load-keys   the keys it checks cards against, and the start-password check value
//   accumulator.counters    cards accepted and refused (by reason): observers may ask at any time
// Everything else is a common message (identify, status, self-test.*, event-log.read,
// load-election, open, close, results.read, set-time). docs/accumulator.md lists the bodies.

import { arrayOf, bytes, openMap, record, text, uint } from '../protocol/wire/schema';
import { commonRegistry, defineMessage, type MessageRegistry } from '../protocol/wire/messages';

const key32 = bytes({ min: 32, max: 32 });

/** Most enrolled voting terminals and portable ballots of one precinct. */
export const MAX_TERMINAL_KEYS = 64;
export const MAX_PORTABLE_KEYS = 16;
export const MAX_ISSUER_KEYS = 4;

export const LoadKeys = defineMessage('accumulator.load-keys', record({
  /** Ed25519 keys of the precinct computer's card writer(s): activations must be signed by one. */
  issuers: arrayOf(key32, { min: 1, max: MAX_ISSUER_KEYS }),
  /** Ed25519 keys of the enrolled voting terminals. */
  terminals: arrayOf(key32, { max: MAX_TERMINAL_KEYS }),
  /** Ed25519 keys of the precinct's portable ballots. */
  portableBallots: arrayOf(key32, { max: MAX_PORTABLE_KEYS }),
  /** startPasswordCommitment(verifier) (protocol/start-password.ts): what `open` is checked against. */
  startPasswordCommitment: key32,
}), record({
  state: text({ minBytes: 1, maxBytes: 32 }),
  keys: uint(),
}));

export const Counters = defineMessage('accumulator.counters', record({}), record({
  state: text({ minBytes: 1, maxBytes: 32 }),
  accepted: uint(),
  refused: uint(),
  /** reason → count, only reasons seen (screens.ts REFUSAL_REASONS). */
  refusedByReason: openMap({ maxEntries: 32 }),
  /** Cards whose vote had been stored before a power cut or a pull, recognised and cleared (not counted again). */
  recoveredClears: uint(),
  slotsFree: uint(),
}));

export const ACCUMULATOR_MESSAGES = [LoadKeys, Counters] as const;

/** The common messages and the accumulator's own. */
export function accumulatorRegistry(): MessageRegistry {
  return commonRegistry().add(...ACCUMULATOR_MESSAGES);
}
