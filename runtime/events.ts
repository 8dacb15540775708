// The one catalogue of device event ids (docs/events.md is generated from the same facts and
// must list the same ids; tests/event-log.test.ts checks that). Ids are stable wire numbers:
// never reuse or renumber one; add new ones at the end of their range.
//
// Ranges: 1–99 device life, 100–199 election and session, 200–299 voting and cards,
// 300–399 security refusals, 400–499 storage and power.

export interface EventInfo {
  readonly id: number;
  readonly name: string;
  /** What happened; what the detail may carry (never a vote, never anything that identifies a voter). */
  readonly meaning: string;
}

export const EVENTS = {
  boot: { id: 1, name: 'boot', meaning: 'Firmware started. Detail: firmware version.' },
  powerRestored: { id: 2, name: 'power-restored', meaning: 'Started after a power loss (not a clean shutdown). Detail: none.' },
  shutdown: { id: 3, name: 'shutdown', meaning: 'Clean shutdown requested. Detail: reason code.' },
  selfTestRun: { id: 4, name: 'self-test-run', meaning: 'Self-test before voting (001 §4); failure disposition if any check failed. Detail: failed check name.' },
  timeSet: { id: 5, name: 'time-set', meaning: 'Wall clock set by the precinct computer. Detail: none (the entry time shows the new clock).' },
  lowBattery: { id: 6, name: 'low-battery', meaning: 'Running on battery below the warning level. Detail: percent.' },
  restartDecided: { id: 7, name: 'restart-decided', meaning: 'Program restarted on a commission decision (001 §14). Detail: decision number.' },

  electionLoaded: { id: 100, name: 'election-loaded', meaning: 'Signed election definition accepted. Detail: election id.' },
  electionRefused: { id: 101, name: 'election-refused', meaning: 'Election definition refused (bad signature, wrong precinct, malformed). Detail: error code.' },
  sessionOpened: { id: 102, name: 'session-opened', meaning: 'Authenticated link session with the precinct computer opened. Detail: none.' },
  sessionRefused: { id: 103, name: 'session-refused', meaning: 'Link handshake refused. Detail: error code.' },
  opened: { id: 104, name: 'opened', meaning: 'Voting opened with the sealed start password (001 §4-1). Detail: none.' },
  openRefusedBadPassword: { id: 105, name: 'open-refused-bad-password', meaning: 'Start password wrong. Detail: attempt count.' },
  closed: { id: 106, name: 'closed', meaning: 'Voting closed. Detail: none.' },
  resultsRead: { id: 107, name: 'results-read', meaning: 'The precinct computer read the results/vote store. Detail: none.' },
  decisionRecorded: { id: 108, name: 'decision-recorded', meaning: 'A commission decision was entered (e.g. spoil a card, restart). Detail: decision kind.' },
  logExported: { id: 109, name: 'log-exported', meaning: 'This event log was exported. Detail: none.' },

  cardAccepted: { id: 200, name: 'card-accepted', meaning: 'A voter card was accepted for voting or accumulation. Detail: none (no card serial: it could link a voter).' },
  voteRecorded: { id: 201, name: 'vote-recorded', meaning: 'A vote was stored. Detail: none: never the choice, never a code, never a card id.' },
  duplicateCard: { id: 202, name: 'duplicate-card', meaning: 'A card already voted or already accumulated was presented again. Detail: none.' },
  cardRefusedNotActivated: { id: 203, name: 'card-refused-not-activated', meaning: 'Card refused: not activated. Detail: none.' },
  cardRefusedBadSignature: { id: 204, name: 'card-refused-bad-signature', meaning: 'Card refused: its data does not verify. Detail: error code.' },
  cardRefusedWrongElection: { id: 205, name: 'card-refused-wrong-election', meaning: 'Card refused: other election or precinct. Detail: none.' },
  cardRefusedUnreadable: { id: 206, name: 'card-refused-unreadable', meaning: 'Card refused: no answer or malformed answer. Detail: error code.' },
  cardRefusedClosed: { id: 207, name: 'card-refused-closed', meaning: 'Card refused: voting not open. Detail: none.' },
  verificationCodeShown: { id: 208, name: 'verification-code-shown', meaning: 'The voter asked for the verification code (001 §11). Detail: none (never the code).' },
  voteAbandoned: { id: 209, name: 'vote-abandoned', meaning: 'Card removed before a vote was confirmed. Detail: none.' },
  storedCardCleared: { id: 210, name: 'stored-card-cleared', meaning: 'Accumulator: a card whose vote was already stored (power cut or pull before clearing) was recognised and cleared; not counted again. Detail: none.' },
  cardClearFailed: { id: 211, name: 'card-clear-failed', meaning: 'Accumulator: the vote was stored but the card could not be cleared (pulled); it must be reinserted. Detail: error code.' },
  voteWriteFailed: { id: 230, name: 'vote-write-failed', meaning: 'Terminal: the card did not confirm the vote write (card still in); the voter is asked to reinsert it. Detail: error code.' },
  voteWriteUnconfirmed: { id: 231, name: 'vote-write-unconfirmed', meaning: 'Terminal: the card was pulled while the vote was being written; it holds no vote or exactly that one (the card is atomic). Detail: none.' },
  sessionResetInactivity: { id: 232, name: 'session-reset-inactivity', meaning: 'Terminal: a voting session was reset after the inactivity alert went unanswered; nothing was written. Detail: none.' },
  codesExhausted: { id: 233, name: 'codes-exhausted', meaning: 'Terminal: no verification code left in its share; cards are refused until a top-up. Detail: none (never a code).' },
  homeVotersLoaded: { id: 250, name: 'home-voters-loaded', meaning: 'Portable ballot: the list of home voters (written applications) was loaded and its digest checked. Detail: number of voters.' },
  homeListRefused: { id: 251, name: 'home-list-refused', meaning: 'Portable ballot: a home-voter list was refused (application after the deadline, over capacity, another election, digest mismatch, malformed). Detail: error code.' },
  homeVoterMarked: { id: 252, name: 'home-voter-marked', meaning: 'Portable ballot: a home voter was marked as having voted (after their vote was stored). Detail: none (never who, never which vote).' },
  homeVoterRefused: { id: 253, name: 'home-voter-refused', meaning: 'Portable ballot: a session for a home voter was refused (already voted, not on the list, another session open, battery critical). Detail: reason.' },
  homeSessionInterrupted: { id: 254, name: 'home-session-interrupted', meaning: 'Portable ballot: a home voter\'s session ended without a stored vote (abandoned, or found open after a power cut); the voter is not marked and may vote again. Detail: how.' },
  homeMarkCompleted: { id: 255, name: 'home-mark-completed', meaning: 'Portable ballot: after a power cut, a vote stored just before the cut was matched to the open session and its voter marked. Detail: none.' },
  portableExcessVotes: { id: 256, name: 'portable-excess-votes', meaning: 'Portable ballot: more votes than voters marked or than applications loaded; all its votes go to the commission\'s decision (003). Detail: which rule.' },

  authFailure: { id: 300, name: 'auth-failure', meaning: 'A message failed authentication (MAC, signature). Detail: error code.' },
  frameError: { id: 301, name: 'frame-error', meaning: 'Malformed frame on the link. Detail: error code.' },
  replayRefused: { id: 302, name: 'replay-refused', meaning: 'A message was a replay. Detail: none.' },
  commandRefused: { id: 303, name: 'command-refused', meaning: 'A command not allowed in the current state. Detail: command name.' },

  journalRecovered: { id: 400, name: 'journal-recovered', meaning: 'Storage recovered after a power cut (torn record voided, block sealed, format resumed). Detail: what was done.' },
  journalFull: { id: 401, name: 'journal-full', meaning: 'Storage full: no more records accepted. Detail: none.' },
  journalDamaged: { id: 402, name: 'journal-damaged', meaning: 'Storage holds damage no power cut produces. Detail: error code.' },
  storageFormatted: { id: 403, name: 'storage-formatted', meaning: 'Storage wiped for re-commissioning (first entry of the new log). Detail: none.' },
} as const satisfies Record<string, EventInfo>;

export type EventName = keyof typeof EVENTS;

/** Every event, in id order. */
export const EVENT_LIST: readonly EventInfo[] = Object.keys(EVENTS)
  .map((k) => EVENTS[k as EventName] as EventInfo)
  .sort((a, b) => a.id - b.id);

/** The catalogue entry for a wire id, or undefined for an id this firmware does not know. */
export function eventById(id: number): EventInfo | undefined {
  for (const e of EVENT_LIST) if (e.id === id) return e;
  return undefined;
}
