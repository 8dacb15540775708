// The voter card application, simulated: the same APDUs, status words and state machine as
// the card (docs/card.md), over a byte-level EEPROM model with tearing (eeprom.ts) and a
// journal that makes every update atomic (transaction.ts). RAM (selection, a command chain
// in progress) is lost whenever power is.

import { createHash } from 'node:crypto';
import {
  ACTIVATION_CAPACITY, CARD_AID, CARD_APP_VERSION, CARD_STATE, CLA_CHAIN_BIT, CLA_ISO, CLA_PROPRIETARY,
  CLEAR_P1, INS, STATE_RESPONSE_LENGTH, SW, VOTE_CAPACITY, cardStateName, encodeStateResponse,
} from '../protocol/card/apdu';
import { Eeprom } from './eeprom';
import { LAYOUT } from './layout';
import { commitAtomically, recover } from './transaction';
import type { Update } from './transaction';

const HISTORICAL = Uint8Array.from('SAILAU', (c) => c.charCodeAt(0));

/** ATR: T=1 only, IFSC 254 (TA3 = FE), BWI 4 / CWI 5, historical bytes "SAILAU", TCK. */
export function cardAtr(): Uint8Array {
  const body = [0x80 | HISTORICAL.length, 0x81, 0x31, 0xfe, 0x45, ...HISTORICAL];
  let tck = 0;
  for (const b of body) tck ^= b;
  return Uint8Array.from([0x3b, ...body, tck]);
}

export class CardNotPoweredError extends Error {
  constructor() { super('the card is not powered'); this.name = 'CardNotPoweredError'; }
}

function sw(code: number, data?: Uint8Array): Uint8Array {
  const out = new Uint8Array((data?.length ?? 0) + 2);
  if (data) out.set(data);
  out[out.length - 2] = code >> 8;
  out[out.length - 1] = code & 0xff;
  return out;
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface Command { cla: number; ins: number; p1: number; p2: number; data: Uint8Array; le: number | undefined }

/** Short APDU cases 1–4 (ISO 7816-3 §12.1); extended length is not supported. */
function parse(apdu: Uint8Array): Command | null {
  if (apdu.length < 4) return null;
  const [cla, ins, p1, p2] = apdu;
  if (apdu.length === 4) return { cla, ins, p1, p2, data: new Uint8Array(0), le: undefined };
  if (apdu.length === 5) return { cla, ins, p1, p2, data: new Uint8Array(0), le: apdu[4] || 256 };
  const lc = apdu[4];
  if (lc === 0) return null; // extended length
  const data = apdu.slice(5, 5 + lc);
  if (apdu.length === 5 + lc) return { cla, ins, p1, p2, data, le: undefined };
  if (apdu.length === 6 + lc) return { cla, ins, p1, p2, data, le: apdu[5 + lc] || 256 };
  return null;
}

export interface CardView {
  state: 'blank' | 'activated' | 'voted';
  activation: Uint8Array;
  vote: Uint8Array;
}

export class SimulatedCard {
  readonly eeprom: Eeprom;
  private powered = false;
  private selected = false;
  private chain: { ins: number; data: number[] } | null = null;

  /** A factory-fresh card (EEPROM all zero: blank), or one with the given EEPROM image. */
  constructor(image?: Uint8Array) {
    this.eeprom = new Eeprom(LAYOUT.SIZE, image);
  }

  get isPowered(): boolean { return this.powered; }

  /** Cold or warm reset: RAM cleared, interrupted transaction recovered, ATR returned. */
  powerOn(): Uint8Array {
    this.powerOff();
    this.powered = true;
    this.guard(() => recover(this.eeprom));
    return cardAtr();
  }

  powerOff(): void {
    this.powered = false;
    this.selected = false;
    this.chain = null;
  }

  /** One command APDU in, one response APDU out. Throws CardTornError if power is lost. */
  transmit(apdu: Uint8Array): Uint8Array {
    if (!this.powered) throw new CardNotPoweredError();
    return this.guard(() => this.process(apdu));
  }

  /** What the card holds, read straight from the EEPROM (as a lab would read the chip). */
  view(): CardView {
    const e = this.eeprom;
    return {
      state: cardStateName(e.readByte(LAYOUT.STATE)),
      activation: e.read(LAYOUT.ACTIVATION, e.readU16(LAYOUT.ACTIVATION_LENGTH)),
      vote: e.read(LAYOUT.VOTE, e.readU16(LAYOUT.VOTE_LENGTH)),
    };
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      this.powerOff(); // a tear (or any fault) leaves the card unpowered with its RAM lost
      throw e;
    }
  }

  private process(apdu: Uint8Array): Uint8Array {
    const c = parse(apdu);
    if (!c) { this.chain = null; return sw(SW.WRONG_LENGTH); }
    const chained = (c.cla & CLA_CHAIN_BIT) !== 0;
    const cla = c.cla & ~CLA_CHAIN_BIT;
    if (cla !== CLA_ISO && cla !== CLA_PROPRIETARY) { this.chain = null; return sw(SW.CLA_NOT_SUPPORTED); }
    if (cla === CLA_ISO) {
      this.chain = null;
      if (c.ins !== INS.SELECT) return sw(SW.INS_NOT_SUPPORTED);
      if (chained) return sw(SW.CHAINING_NOT_SUPPORTED);
      return this.select(c);
    }
    if (!this.selected) { this.chain = null; return sw(SW.CONDITIONS_NOT_SATISFIED); }
    const known = [INS.READ_STATE, INS.ACTIVATE, INS.WRITE_VOTE, INS.CLEAR, INS.READ_ACTIVATION, INS.READ_VOTE] as number[];
    if (!known.includes(c.ins)) { this.chain = null; return sw(SW.INS_NOT_SUPPORTED); }
    if (this.chain && this.chain.ins !== c.ins) { this.chain = null; return sw(SW.LAST_COMMAND_OF_CHAIN_EXPECTED); }
    if (chained && c.ins !== INS.ACTIVATE && c.ins !== INS.WRITE_VOTE) return sw(SW.CHAINING_NOT_SUPPORTED);
    switch (c.ins) {
      case INS.READ_STATE: return this.readState(c);
      case INS.ACTIVATE: return this.write(c, chained, CARD_STATE.BLANK, ACTIVATION_CAPACITY);
      case INS.WRITE_VOTE: return this.write(c, chained, CARD_STATE.ACTIVATED, VOTE_CAPACITY);
      case INS.READ_ACTIVATION: return this.read(c, LAYOUT.ACTIVATION, LAYOUT.ACTIVATION_LENGTH, [CARD_STATE.ACTIVATED, CARD_STATE.VOTED]);
      case INS.READ_VOTE: return this.read(c, LAYOUT.VOTE, LAYOUT.VOTE_LENGTH, [CARD_STATE.VOTED]);
      default: return this.clear(c);
    }
  }

  private select(c: Command): Uint8Array {
    if (c.p1 !== 0x04 || (c.p2 !== 0x00 && c.p2 !== 0x0c)) return sw(SW.INCORRECT_P1P2);
    if (c.data.length === 0) return sw(SW.WRONG_LENGTH);
    if (!equal(c.data, CARD_AID)) { this.selected = false; return sw(SW.APPLICATION_NOT_FOUND); }
    this.selected = true;
    if (c.p2 === 0x0c) return sw(SW.OK);
    // FCI template: 84 = DF name (the AID), A5 = proprietary data (application version)
    return sw(SW.OK, Uint8Array.from([0x6f, 2 + CARD_AID.length + 3, 0x84, CARD_AID.length, ...CARD_AID, 0xa5, 0x01, CARD_APP_VERSION]));
  }

  private readState(c: Command): Uint8Array {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.INCORRECT_P1P2);
    if (c.data.length !== 0 || c.le === undefined) return sw(SW.WRONG_LENGTH);
    if (c.le < STATE_RESPONSE_LENGTH) return sw(SW.WRONG_LE | STATE_RESPONSE_LENGTH);
    const e = this.eeprom;
    return sw(SW.OK, encodeStateResponse({
      state: cardStateName(e.readByte(LAYOUT.STATE)),
      appVersion: CARD_APP_VERSION,
      activationLength: e.readU16(LAYOUT.ACTIVATION_LENGTH),
      voteLength: e.readU16(LAYOUT.VOTE_LENGTH),
      activationCapacity: ACTIVATION_CAPACITY,
      voteCapacity: VOTE_CAPACITY,
    }));
  }

  private write(c: Command, chained: boolean, requiredState: number, capacity: number): Uint8Array {
    if (c.p1 !== 0 || c.p2 !== 0) { this.chain = null; return sw(SW.INCORRECT_P1P2); }
    if (c.data.length === 0) { this.chain = null; return sw(SW.WRONG_LENGTH); }
    if (this.eeprom.readByte(LAYOUT.STATE) !== requiredState) { this.chain = null; return sw(SW.CONDITIONS_NOT_SATISFIED); }
    const chain = this.chain ?? { ins: c.ins, data: [] };
    if (chain.data.length + c.data.length > capacity) { this.chain = null; return sw(SW.NOT_ENOUGH_MEMORY); }
    chain.data.push(...c.data);
    if (chained) { this.chain = chain; return sw(SW.OK); }
    this.chain = null;
    const record = Uint8Array.from(chain.data);
    const e = this.eeprom;
    const n = record.length;
    const updates: Update[] = c.ins === INS.ACTIVATE
      ? [{ offset: LAYOUT.STATE, data: Uint8Array.of(CARD_STATE.ACTIVATED, n >> 8, n & 0xff) }, { offset: LAYOUT.ACTIVATION, data: record }]
      : [{ offset: LAYOUT.STATE, data: Uint8Array.of(CARD_STATE.VOTED) }, { offset: LAYOUT.VOTE_LENGTH, data: Uint8Array.of(n >> 8, n & 0xff) }, { offset: LAYOUT.VOTE, data: record }];
    commitAtomically(e, updates);
    return sw(SW.OK);
  }

  private read(c: Command, area: number, lengthField: number, states: number[]): Uint8Array {
    if (c.p1 & 0x80) return sw(SW.INCORRECT_P1P2);
    if (c.data.length !== 0 || c.le === undefined) return sw(SW.WRONG_LENGTH);
    if (!states.includes(this.eeprom.readByte(LAYOUT.STATE))) return sw(SW.CONDITIONS_NOT_SATISFIED);
    const length = this.eeprom.readU16(lengthField);
    const offset = (c.p1 << 8) | c.p2;
    if (offset >= length) return sw(SW.WRONG_P1P2_OFFSET);
    return sw(SW.OK, this.eeprom.read(area + offset, Math.min(c.le, length - offset)));
  }

  private clear(c: Command): Uint8Array {
    if (c.p2 !== 0 || (c.p1 !== CLEAR_P1.CANCEL_ACTIVATION && c.p1 !== CLEAR_P1.VOTE)) return sw(SW.INCORRECT_P1P2);
    if (c.data.length !== 32) return sw(SW.WRONG_LENGTH);
    const e = this.eeprom;
    const state = e.readByte(LAYOUT.STATE);
    const cancel = c.p1 === CLEAR_P1.CANCEL_ACTIVATION;
    if (state !== (cancel ? CARD_STATE.ACTIVATED : CARD_STATE.VOTED)) return sw(SW.CONDITIONS_NOT_SATISFIED);
    const activationLength = e.readU16(LAYOUT.ACTIVATION_LENGTH);
    const voteLength = e.readU16(LAYOUT.VOTE_LENGTH);
    const record = cancel ? e.read(LAYOUT.ACTIVATION, activationLength) : e.read(LAYOUT.VOTE, voteLength);
    if (!equal(sha256(record), c.data)) return sw(SW.SECURITY_STATUS_NOT_SATISFIED);
    const updates: Update[] = [{ offset: LAYOUT.STATE, data: new Uint8Array(5) }];
    if (activationLength) updates.push({ offset: LAYOUT.ACTIVATION, fill: 0, length: activationLength });
    if (voteLength) updates.push({ offset: LAYOUT.VOTE, fill: 0, length: voteLength });
    commitAtomically(e, updates);
    return sw(SW.OK);
  }
}
