// An in-process card reader for the Node device host and for tests: a CardReaderPort with
// one slot into which simulated cards are inserted and from which they are pulled.

import type { CardReaderPort } from '../runtime/ports';
import { CardRemovedError } from '../runtime/card-client';
import { CardTornError } from './eeprom';
import type { SimulatedCard } from './card';

export interface Exchange { command: Uint8Array; response: Uint8Array }

export class SimulatedCardReader implements CardReaderPort {
  private card: SimulatedCard | null = null;
  private handlers: ((present: boolean) => void)[] = [];
  /** Every APDU exchanged, for benches and tests (cleared by the caller). */
  readonly log: Exchange[] = [];
  /** When set, the card is pulled just before the n-th next command reaches it (0 = the next). */
  private pullBeforeCommand: number | undefined;

  get inserted(): SimulatedCard | null { return this.card; }

  insert(card: SimulatedCard): void {
    if (this.card) throw new Error('a card is already in the reader');
    this.card = card;
    for (const h of this.handlers) h(true);
  }

  /** Pulls the card out; it loses power at once. Returns it. */
  remove(): SimulatedCard | null {
    const card = this.card;
    if (!card) return null;
    card.powerOff();
    this.card = null;
    for (const h of this.handlers) h(false);
    return card;
  }

  /** Pulls the card while the n-th next command is on its way (the card never sees it). */
  pullBeforeNthCommand(n: number): void { this.pullBeforeCommand = n; }

  isCardPresent(): boolean { return this.card !== null; }

  onCardChange(handler: (present: boolean) => void): void { this.handlers.push(handler); }

  async powerOn(): Promise<Uint8Array> {
    const card = this.card;
    if (!card) throw new CardRemovedError();
    try {
      return card.powerOn();
    } catch (e) {
      if (e instanceof CardTornError) { this.remove(); throw new CardRemovedError(e.message); }
      throw e;
    }
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const card = this.card;
    if (!card || !card.isPowered) throw new CardRemovedError(card ? 'the card is not powered' : 'no card in the reader');
    if (this.pullBeforeCommand !== undefined) {
      if (this.pullBeforeCommand === 0) {
        this.pullBeforeCommand = undefined;
        this.remove();
        throw new CardRemovedError('card pulled during the command');
      }
      this.pullBeforeCommand--;
    }
    try {
      const response = card.transmit(apdu);
      this.log.push({ command: apdu.slice(), response: response.slice() });
      return response;
    } catch (e) {
      if (e instanceof CardTornError) { this.remove(); throw new CardRemovedError(e.message); }
      throw e;
    }
  }
}
