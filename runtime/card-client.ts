// The device side of the voter card: one client over the CardReaderPort for the terminal,
// the accumulator, the portable ballot and (through a PC/SC reader port) the precinct card
// writer. It speaks the APDUs of protocol/card/apdu and nothing else; what the records mean
// and whether to trust them is protocol/card/records' job.

import { ProtocolError, bytesEqual } from '../protocol/bytes';
import {
  CLEAR_P1, INS, MAX_RESPONSE_DATA, SW, chainedWriteApdus, clearApdu, decodeStateResponse, readApdu,
  readStateApdu, selectApdu, splitResponse, swHex,
} from '../protocol/card/apdu';
import type { CardStateInfo, CardStateName } from '../protocol/card/apdu';
import type { CardReaderPort, CryptoPort } from './ports';

/** No card, or the card left the reader (possibly in the middle of a command). */
export class CardRemovedError extends ProtocolError {
  constructor(message = 'no card in the reader') {
    super('card-removed', message);
    this.name = 'CardRemovedError';
  }
}

/** The card answered a status word other than 9000. */
export class CardStatusError extends ProtocolError {
  readonly sw: number;
  readonly command: string;
  constructor(command: string, sw: number) {
    super('card-status', `${command} answered ${swHex(sw)}`);
    this.name = 'CardStatusError';
    this.sw = sw;
    this.command = command;
  }
}

/** The card is not in the state the operation needs (e.g. voting on a voted card). */
export class WrongStateError extends ProtocolError {
  readonly expected: readonly CardStateName[];
  readonly actual: CardStateName | undefined;
  constructor(command: string, expected: readonly CardStateName[], actual: CardStateName | undefined) {
    super('card-wrong-state', `${command} needs a card that is ${expected.join(' or ')}, the card is ${actual ?? 'in another state'}`);
    this.name = 'WrongStateError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** The card answered, but not what this application answers (wrong card, bad response). */
export class CardProtocolError extends ProtocolError {
  constructor(message: string) {
    super('card-protocol', message);
    this.name = 'CardProtocolError';
  }
}

export class CardClient {
  /**
   * The state last read from the card in this session, so a read or write right after
   * connect() needs no second READ STATE. Forgotten on any write, error or reconnect:
   * a card swapped in the meantime is unpowered and fails its next command anyway.
   */
  private known: CardStateInfo | null = null;

  constructor(private readonly reader: CardReaderPort, private readonly crypto: CryptoPort) {}

  /** Powers the card, selects the application and reads its state. */
  async connect(): Promise<CardStateInfo> {
    this.known = null;
    if (!this.reader.isCardPresent()) throw new CardRemovedError();
    await this.reader.powerOn();
    await this.select();
    return this.readState();
  }

  async select(): Promise<void> {
    const { sw } = await this.exchange('SELECT', selectApdu());
    if (sw === SW.APPLICATION_NOT_FOUND) throw new CardProtocolError('not a voter card: the application is not on it');
    this.expectOk('SELECT', sw);
  }

  async readState(): Promise<CardStateInfo> {
    const { data, sw } = await this.exchange('READ STATE', readStateApdu());
    this.expectOk('READ STATE', sw);
    try {
      this.known = decodeStateResponse(data);
      return this.known;
    } catch (e) {
      throw new CardProtocolError((e as Error).message);
    }
  }

  /** The activation record's bytes (the card must be activated or voted). */
  async readActivation(): Promise<Uint8Array> {
    const state = await this.requireState('READ ACTIVATION', ['activated', 'voted']);
    return this.readRecord('READ ACTIVATION', INS.READ_ACTIVATION, state.activationLength);
  }

  /** The vote record's bytes (the card must be voted). */
  async readVote(): Promise<Uint8Array> {
    const state = await this.requireState('READ VOTE', ['voted']);
    return this.readRecord('READ VOTE', INS.READ_VOTE, state.voteLength);
  }

  /** Writes a (signed) activation on a blank card. */
  async activate(activation: Uint8Array): Promise<void> {
    await this.requireState('ACTIVATE', ['blank']);
    await this.writeChain('ACTIVATE', INS.ACTIVATE, activation, ['blank']);
  }

  /**
   * Writes the vote on an activated card. The card accepts one vote per activation. A card
   * pulled during this call holds either no vote or exactly this one: on CardRemovedError,
   * reinsert it and compare with confirmVote().
   */
  async writeVote(vote: Uint8Array): Promise<void> {
    await this.requireState('WRITE VOTE', ['activated']);
    await this.writeChain('WRITE VOTE', INS.WRITE_VOTE, vote, ['activated']);
  }

  /** True when the card now holds exactly `vote` (after a write that may not have finished). */
  async confirmVote(vote: Uint8Array): Promise<boolean> {
    const state = await this.readState();
    if (state.state !== 'voted') return false;
    return bytesEqual(await this.readRecord('READ VOTE', INS.READ_VOTE, state.voteLength), vote);
  }

  /**
   * Erases the vote and the activation (voted → blank). The card checks that `vote` is what
   * it holds, so only a reader that has read (and stored) this very vote can clear it.
   */
  async clear(vote: Uint8Array): Promise<void> {
    await this.clearRecord('CLEAR', CLEAR_P1.VOTE, vote, ['voted']);
  }

  /** Spoils an unused activation (activated → blank), e.g. when the voter left without voting. */
  async cancelActivation(activation: Uint8Array): Promise<void> {
    await this.clearRecord('CANCEL ACTIVATION', CLEAR_P1.CANCEL_ACTIVATION, activation, ['activated']);
  }

  private async clearRecord(command: string, p1: number, record: Uint8Array, states: CardStateName[]): Promise<void> {
    await this.requireState(command, states);
    this.known = null;
    const { sw } = await this.exchange(command, clearApdu(p1, this.crypto.sha256(record)));
    if (sw === SW.CONDITIONS_NOT_SATISFIED) throw new WrongStateError(command, states, undefined);
    this.expectOk(command, sw);
  }

  private async requireState(command: string, states: CardStateName[]): Promise<CardStateInfo> {
    const s = this.known ?? await this.readState();
    if (!states.includes(s.state)) throw new WrongStateError(command, states, s.state);
    return s;
  }

  private async writeChain(command: string, ins: typeof INS.ACTIVATE | typeof INS.WRITE_VOTE, record: Uint8Array, states: CardStateName[]): Promise<void> {
    this.known = null;
    for (const apdu of chainedWriteApdus(ins, record)) {
      const { sw } = await this.exchange(command, apdu);
      if (sw === SW.CONDITIONS_NOT_SATISFIED) throw new WrongStateError(command, states, undefined);
      this.expectOk(command, sw);
    }
  }

  private async readRecord(command: string, ins: typeof INS.READ_ACTIVATION | typeof INS.READ_VOTE, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; ) {
      const want = Math.min(MAX_RESPONSE_DATA, length - offset);
      const { data, sw } = await this.exchange(command, readApdu(ins, offset, want));
      this.expectOk(command, sw);
      if (data.length === 0 || data.length > want) throw new CardProtocolError(`${command} returned ${data.length} bytes, asked ${want}`);
      out.set(data, offset);
      offset += data.length;
    }
    return out;
  }

  private async exchange(command: string, apdu: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
    let response: Uint8Array;
    try {
      response = await this.reader.transmit(apdu);
    } catch (e) {
      this.known = null;
      if (e instanceof ProtocolError) throw e;
      throw new CardRemovedError(`${command}: ${(e as Error).message}`);
    }
    try {
      return splitResponse(response);
    } catch (e) {
      throw new CardProtocolError(`${command}: ${(e as Error).message}`);
    }
  }

  private expectOk(command: string, sw: number): void {
    if (sw !== SW.OK) throw new CardStatusError(command, sw);
  }
}
