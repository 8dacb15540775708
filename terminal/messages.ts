// The voting terminal's own wire messages, added to the common registry
// (protocol/wire/messages):
//   terminal.provision     what the precinct computer gives the terminal after the election:
//                          card issuing keys, the election's HPKE key, the code share, the
//                          start-password commitment
//   terminal.codes-top-up  more verification codes from the precinct's reserve
//   terminal.counters      votes cast, cards refused by reason, codes left (observers may ask)
// Everything else is common (identify, status, self-test.*, event-log.read, load-election,
// open — whose `password` carries the 32-byte scrypt verifier —, close, set-time).
// docs/terminal.md lists the bodies.

import { arrayOf, bytes, openMap, record, text, uint } from '../protocol/wire/schema';
import { commonRegistry, defineMessage, type MessageRegistry } from '../protocol/wire/messages';
import { CODE_BITMAP_BYTES } from './ballot/codes';

const key32 = bytes({ min: 32, max: 32 });
const codeBitmap = bytes({ min: CODE_BITMAP_BYTES, max: CODE_BITMAP_BYTES });

export const MAX_ISSUER_KEYS = 4;

export const Provision = defineMessage('terminal.provision', record({
  /** Ed25519 keys of the precinct computer's card writer(s): activations must be signed by one. */
  issuers: arrayOf(key32, { min: 1, max: MAX_ISSUER_KEYS }),
  /** The election's X25519 public key: votes are HPKE-sealed to it. */
  electionPublicKey: key32,
  /** This terminal's share of the verification codes, as a 1,250-byte bitmap (code c = bit c&7 of byte c>>3). */
  codes: codeBitmap,
  /** SHA-256("sailau/start-password/v1" ‖ 0 ‖ verifier): protocol/start-password.ts. */
  startPasswordCommitment: key32,
}), record({
  state: text({ minBytes: 1, maxBytes: 32 }),
  codes: uint(),
}));

export const CodesTopUp = defineMessage('terminal.codes-top-up', record({
  codes: codeBitmap,
}), record({
  codesRemaining: uint(),
}));

export const Counters = defineMessage('terminal.counters', record({}), record({
  state: text({ minBytes: 1, maxBytes: 32 }),
  /** Votes written to cards since the terminal was opened. */
  votes: uint(),
  refused: uint(),
  /** reason → count, only reasons seen (terminal/ballot/flow REFUSAL_REASONS). */
  refusedByReason: openMap({ maxEntries: 16 }),
  codesRemaining: uint(),
}));

export const TERMINAL_MESSAGES = [Provision, CodesTopUp, Counters] as const;

/** The common messages and the terminal's own. */
export function terminalRegistry(): MessageRegistry {
  return commonRegistry().add(...TERMINAL_MESSAGES);
}
