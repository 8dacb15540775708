// The voter card's application: its AID, APDU codes, status words and the card's fixed
// sizes. Shared by the device client (runtime/card-client), the precinct card writer and
// the card simulator, so that all three speak exactly the same protocol.
// Every command is ISO 7816-4 short-length; docs/card.md lists them byte by byte.

import { ProtocolError } from '../bytes';

/**
 * Proprietary AID (ISO 7816-5: a RID starting with F is unregistered, for private use):
 * F0 'S' 'A' 'I' 'L' 'A' 'U' then the PIX byte 01, the application's major version.
 */
export const CARD_AID = Uint8Array.of(0xf0, 0x53, 0x41, 0x49, 0x4c, 0x41, 0x55, 0x01);
/** Application (protocol) version reported by READ STATE and in the SELECT FCI. */
export const CARD_APP_VERSION = 1;

export const CLA_ISO = 0x00;
/** Proprietary class for this application's own commands. */
export const CLA_PROPRIETARY = 0x80;
/** ISO 7816-4 §5.4.1: bit 0x10 of CLA says "more commands of this chain follow". */
export const CLA_CHAIN_BIT = 0x10;

export const INS = {
  SELECT: 0xa4,
  READ_STATE: 0xca,
  ACTIVATE: 0x10,
  WRITE_VOTE: 0x30,
  CLEAR: 0x40,
  READ_ACTIVATION: 0xb0,
  READ_VOTE: 0xb2,
} as const;

/** CLEAR's P1: which record the command erases (and whose hash its data must carry). */
export const CLEAR_P1 = { CANCEL_ACTIVATION: 0x01, VOTE: 0x02 } as const;

/** Status words (SW1 SW2 as one number). docs/card.md says when each is returned. */
export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  LAST_COMMAND_OF_CHAIN_EXPECTED: 0x6883,
  CHAINING_NOT_SUPPORTED: 0x6884,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  APPLICATION_NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  WRONG_P1P2_OFFSET: 0x6b00,
  WRONG_LE: 0x6c00, // | exact length in SW2
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** The card's states, as READ STATE reports them (one byte). */
export const CARD_STATE = { BLANK: 0, ACTIVATED: 1, VOTED: 2 } as const;
export type CardStateName = 'blank' | 'activated' | 'voted';
export function cardStateName(code: number): CardStateName {
  if (code === CARD_STATE.BLANK) return 'blank';
  if (code === CARD_STATE.ACTIVATED) return 'activated';
  if (code === CARD_STATE.VOTED) return 'voted';
  throw new ProtocolError('card-bad-state', `card reports unknown state ${code}`);
}

/** Room on the card for each record (bytes). The two together are 1 KiB. */
export const ACTIVATION_CAPACITY = 256;
export const VOTE_CAPACITY = 768;
/** Largest data field of one short command APDU. */
export const MAX_COMMAND_DATA = 255;
/** Largest response of one short APDU (Le = 00). */
export const MAX_RESPONSE_DATA = 256;
/** READ STATE answers with this many bytes. */
export const STATE_RESPONSE_LENGTH = 10;

export interface CardStateInfo {
  state: CardStateName;
  appVersion: number;
  activationLength: number;
  voteLength: number;
  activationCapacity: number;
  voteCapacity: number;
}

export function encodeStateResponse(s: CardStateInfo): Uint8Array {
  const stateCode = s.state === 'blank' ? 0 : s.state === 'activated' ? 1 : 2;
  return Uint8Array.of(
    stateCode, s.appVersion,
    s.activationLength >> 8, s.activationLength & 0xff,
    s.voteLength >> 8, s.voteLength & 0xff,
    s.activationCapacity >> 8, s.activationCapacity & 0xff,
    s.voteCapacity >> 8, s.voteCapacity & 0xff,
  );
}

export function decodeStateResponse(data: Uint8Array): CardStateInfo {
  if (data.length !== STATE_RESPONSE_LENGTH) throw new ProtocolError('card-bad-response', `READ STATE returned ${data.length} bytes`);
  return {
    state: cardStateName(data[0]),
    appVersion: data[1],
    activationLength: (data[2] << 8) | data[3],
    voteLength: (data[4] << 8) | data[5],
    activationCapacity: (data[6] << 8) | data[7],
    voteCapacity: (data[8] << 8) | data[9],
  };
}

/** A short command APDU, cases 1–4. `le` 0–256 (256 is sent as 00); undefined = no Le. */
export function buildApdu(cla: number, ins: number, p1: number, p2: number, data?: Uint8Array, le?: number): Uint8Array {
  const hasData = data !== undefined && data.length > 0;
  if (hasData && data.length > MAX_COMMAND_DATA) throw new ProtocolError('card-apdu-too-long', `data of ${data.length} bytes in one short APDU`);
  if (le !== undefined && (le < 1 || le > 256)) throw new ProtocolError('card-apdu-bad-le', `Le ${le}`);
  const out = new Uint8Array(4 + (hasData ? 1 + data.length : 0) + (le !== undefined ? 1 : 0));
  out[0] = cla; out[1] = ins; out[2] = p1; out[3] = p2;
  let o = 4;
  if (hasData) { out[o++] = data.length; out.set(data, o); o += data.length; }
  if (le !== undefined) out[o] = le & 0xff;
  return out;
}

export function selectApdu(): Uint8Array {
  return buildApdu(CLA_ISO, INS.SELECT, 0x04, 0x00, CARD_AID, 256);
}
export function readStateApdu(): Uint8Array {
  return buildApdu(CLA_PROPRIETARY, INS.READ_STATE, 0, 0, undefined, 256);
}
export function readApdu(ins: typeof INS.READ_ACTIVATION | typeof INS.READ_VOTE, offset: number, le: number): Uint8Array {
  return buildApdu(CLA_PROPRIETARY, ins, (offset >> 8) & 0x7f, offset & 0xff, undefined, le);
}
/** Splits a record into a command chain: every APDU but the last has CLA bit 0x10. */
export function chainedWriteApdus(ins: typeof INS.ACTIVATE | typeof INS.WRITE_VOTE, record: Uint8Array): Uint8Array[] {
  if (record.length === 0) throw new ProtocolError('card-empty-record', 'nothing to write');
  const out: Uint8Array[] = [];
  for (let o = 0; o < record.length; o += MAX_COMMAND_DATA) {
    const last = o + MAX_COMMAND_DATA >= record.length;
    out.push(buildApdu(CLA_PROPRIETARY | (last ? 0 : CLA_CHAIN_BIT), ins, 0, 0, record.subarray(o, Math.min(record.length, o + MAX_COMMAND_DATA))));
  }
  return out;
}
export function clearApdu(p1: number, recordHash: Uint8Array): Uint8Array {
  return buildApdu(CLA_PROPRIETARY, INS.CLEAR, p1, 0, recordHash);
}

/** Splits a response APDU into data and status word. */
export function splitResponse(response: Uint8Array): { data: Uint8Array; sw: number } {
  if (response.length < 2) throw new ProtocolError('card-bad-response', `response of ${response.length} bytes has no status word`);
  const n = response.length - 2;
  return { data: response.slice(0, n), sw: (response[n] << 8) | response[n + 1] };
}

export function swHex(sw: number): string {
  return (sw + 0x10000).toString(16).slice(1).toUpperCase();
}
