// The precinct computer's card writer: activates voter cards through PC/SC. It waits for a
// card in the reader, selects the voter-card application, checks that the card is blank,
// writes a freshly signed activation and reads it back before telling the member to hand
// the card over. The APDU logic is runtime/card-client's, over a PC/SC reader port here.

// Named imports: the binding is CommonJS, and a default import breaks under a CJS loader.
import {
  Context, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_RESET_CARD, SCARD_LEAVE_CARD, SCARD_SHARE_EXCLUSIVE, SCARD_STATE_PRESENT,
} from 'smartcard';
import type { CardInterface as PcscCard, ContextInterface as PcscContext } from 'smartcard';
import type { CardReaderPort } from '../runtime/ports';
import { CardClient, CardProtocolError, CardRemovedError, WrongStateError } from '../runtime/card-client';
import { activationHashOf, createActivation } from '../protocol/card/records';
import type { Activation } from '../protocol/card/records';
import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
import { bytesEqual } from '../protocol/bytes';

const POLL_MS = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Activations carry their issue time rounded down to this many seconds (secrecy; docs/card.md). */
export const ISSUE_TIME_GRANULARITY_S = 3600;

/** A CardReaderPort over one PC/SC reader (the smartcard N-API binding). */
export class PcscReaderPort implements CardReaderPort {
  private card: PcscCard | null = null;
  private handlers: ((present: boolean) => void)[] = [];
  private poller: NodeJS.Timeout | null = null;
  private lastPresent = false;

  private constructor(private readonly ctx: PcscContext, readonly readerName: string) {}

  /** Opens the first reader whose name matches (default: the first reader). */
  static open(match?: string | RegExp): PcscReaderPort {
    const ctx = new Context();
    const names = ctx.listReaders().map((r) => r.name);
    const name = names.find((n) => match === undefined || (typeof match === 'string' ? n.includes(match) : match.test(n)));
    if (!name) {
      ctx.close();
      throw new Error(`no PC/SC reader${match ? ` matching ${String(match)}` : ''} (readers: ${names.join(', ') || 'none'})`);
    }
    return new PcscReaderPort(ctx, name);
  }

  isCardPresent(): boolean {
    const r = this.ctx.listReaders().find((x) => x.name === this.readerName);
    return r !== undefined && (r.state & SCARD_STATE_PRESENT) !== 0;
  }

  onCardChange(handler: (present: boolean) => void): void {
    this.handlers.push(handler);
    if (this.poller) return;
    this.lastPresent = this.isCardPresent();
    this.poller = setInterval(() => {
      const present = this.isCardPresent();
      if (present === this.lastPresent) return;
      this.lastPresent = present;
      if (!present) this.dropCard();
      for (const h of this.handlers) h(present);
    }, POLL_MS);
  }

  /** Resolves once a card is in the reader; rejects after timeoutMs. */
  async waitForCard(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isCardPresent()) {
      if (Date.now() > deadline) throw new CardRemovedError(`no card within ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
  }

  /** Resolves once the reader is empty (the member took the card). */
  async waitForRemoval(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.isCardPresent()) {
      if (Date.now() > deadline) throw new Error(`card still in the reader after ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
    this.dropCard();
  }

  async powerOn(): Promise<Uint8Array> {
    const reader = this.ctx.listReaders().find((x) => x.name === this.readerName);
    if (!reader || (reader.state & SCARD_STATE_PRESENT) === 0) throw new CardRemovedError();
    try {
      if (this.card?.connected) {
        // a fresh reset, so the card starts with no application selected and recovers any torn update
        await this.card.reconnect(SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, SCARD_RESET_CARD);
      } else {
        this.card = await reader.connect(SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0);
      }
      return new Uint8Array(this.card.getStatus().atr);
    } catch (e) {
      this.dropCard();
      throw new CardRemovedError(`power on: ${(e as Error).message}`);
    }
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.card) throw new CardRemovedError('card not powered');
    try {
      return new Uint8Array(await this.card.transmit(Buffer.from(apdu), { maxRecvLength: 258 }));
    } catch (e) {
      this.dropCard();
      throw new CardRemovedError(`transmit: ${(e as Error).message}`);
    }
  }

  /** Releases the card (left powered as it is). */
  disconnect(): void { this.dropCard(); }

  close(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.dropCard();
    this.ctx.close();
  }

  private dropCard(): void {
    const card = this.card;
    this.card = null;
    if (card?.connected) {
      try { card.disconnect(SCARD_LEAVE_CARD); } catch { /* already gone */ }
    }
  }
}

export interface CardWriterOptions {
  crypto: CryptoPort;
  entropy: EntropyPort;
  /** The precinct computer's Ed25519 issuing key (32-byte seed). */
  issuerSecretKey: Uint8Array;
  reader: CardReaderPort;
  /** Seconds since the epoch; the precinct computer's clock. */
  nowSeconds: () => number;
}

export interface ActivationTarget {
  electionFingerprint: Uint8Array;
  precinct: number;
  ballotStyle: number;
}

export interface IssuedActivation {
  bytes: Uint8Array;
  activation: Activation;
  activationHash: Uint8Array;
}

/** The card was pulled while its activation was being written; it may or may not hold it. */
export class ActivationUnconfirmedError extends CardRemovedError {
  constructor(readonly pending: IssuedActivation, cause: Error) {
    super(`activation not confirmed: ${cause.message}`);
    this.name = 'ActivationUnconfirmedError';
  }
}

export class CardWriter {
  private readonly client: CardClient;
  /**
   * Activations written to a card that was pulled before the read-back. Each is reported to
   * the caller (for the day's reconciliation) and confirmed if its card comes back.
   */
  readonly unconfirmed: IssuedActivation[] = [];

  constructor(private readonly o: CardWriterOptions) {
    this.client = new CardClient(o.reader, o.crypto);
  }

  /**
   * Activates the card in the reader: blank → activated, confirmed by reading it back.
   * Refuses a card that is not blank with WrongStateError (a voted card belongs in the
   * accumulator; an activated one was issued already).
   */
  async activate(target: ActivationTarget): Promise<IssuedActivation> {
    const state = await this.client.connect();
    if (state.state === 'activated') {
      const onCard = await this.client.readActivation();
      const i = this.unconfirmed.findIndex((u) => bytesEqual(u.bytes, onCard));
      if (i >= 0) return this.unconfirmed.splice(i, 1)[0];
    }
    if (state.state !== 'blank') throw new WrongStateError('ACTIVATE', ['blank'], state.state);
    // The issue time is kept to the hour: precise enough to show the card was activated on
    // the day, too coarse to join a vote's activation with the order voters were admitted in.
    const issuedAt = Math.floor(this.o.nowSeconds() / ISSUE_TIME_GRANULARITY_S) * ISSUE_TIME_GRANULARITY_S;
    const { bytes, activation } = createActivation(this.o.crypto, this.o.entropy, this.o.issuerSecretKey, { ...target, issuedAt });
    const issued: IssuedActivation = { bytes, activation, activationHash: activationHashOf(this.o.crypto, bytes) };
    let after;
    let onCard;
    try {
      await this.client.activate(bytes);
      // A pull during the read-back leaves the card activated just as a pull during the write may.
      after = await this.client.readState();
      onCard = after.state === 'activated' ? await this.client.readActivation() : undefined;
    } catch (e) {
      if (e instanceof CardRemovedError) {
        this.unconfirmed.push(issued);
        throw new ActivationUnconfirmedError(issued, e);
      }
      throw e;
    }
    if (after.state !== 'activated' || !onCard || !bytesEqual(onCard, bytes)) {
      throw new CardProtocolError('the card does not read back the activation just written');
    }
    return issued;
  }
}
