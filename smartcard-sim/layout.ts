// Where things live in the simulated card's EEPROM (docs/card.md, "Atomicity").
import { ACTIVATION_CAPACITY, VOTE_CAPACITY } from '../protocol/card/apdu';

export const LAYOUT = {
  /** 0x00: state byte (0 blank, 1 activated, 2 voted). */
  STATE: 0x0000,
  /** 0x01–02: activation length; 0x03–04: vote length (big-endian). */
  ACTIVATION_LENGTH: 0x0001,
  VOTE_LENGTH: 0x0003,
  ACTIVATION: 0x0008,
  VOTE: 0x0008 + ACTIVATION_CAPACITY,
  LIVE_END: 0x0008 + ACTIVATION_CAPACITY + VOTE_CAPACITY,
  /** The transaction journal (redo log): commit flag, body length, body. */
  JOURNAL_FLAG: 0x0008 + ACTIVATION_CAPACITY + VOTE_CAPACITY,
  JOURNAL_LENGTH: 0x0009 + ACTIVATION_CAPACITY + VOTE_CAPACITY,
  JOURNAL_BODY: 0x000b + ACTIVATION_CAPACITY + VOTE_CAPACITY,
  SIZE: 2048,
} as const;

/** The commit flag's value once the journal is complete. Any other value: no transaction. */
export const JOURNAL_COMMITTED = 0xa5;
export const JOURNAL_BODY_CAPACITY = LAYOUT.SIZE - LAYOUT.JOURNAL_BODY;
