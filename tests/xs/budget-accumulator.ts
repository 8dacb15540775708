// XS budget scenario (hosts/xs/budgets.json): the accumulator (accumulator/device.ts) cut into
// operations — boot, configure and open, take a voted card, refuse a card signed by a terminal
// that is not enrolled, close and read out — with the device kept live between steps (set-up
// as tests/xs/accumulator-scenario.ts; its test card is repeated here in brief).
import { installSteps } from '../../hosts/xs/guest/steps';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { bytesEqual } from '../../protocol/bytes';
import { ACTIVATION_CAPACITY, CARD_STATE, INS, SW, VOTE_CAPACITY, encodeStateResponse } from '../../protocol/card/apdu';
import type { CardReaderPort } from '../../runtime/ports';
import { SimFlash } from '../../runtime/flash/sim';
import { configureAndOpen, fixture, makeAccumulator, seeded, votedRecords, SMALL_BLOCKS, type CardRecords, type Fixture, type Rig } from '../accumulator-helpers';

/** A voted card reduced to what the accumulator asks: select, state, read records, clear. */
class TinyCard {
  state: number = CARD_STATE.VOTED;
  constructor(readonly rec: CardRecords) {}
  answer(apdu: Uint8Array): Uint8Array {
    const ins = apdu[1];
    const ok = (data: Uint8Array = new Uint8Array(0)) => { const r = new Uint8Array(data.length + 2); r.set(data); r[data.length] = 0x90; return r; };
    const sw = (code: number) => Uint8Array.of(code >> 8, code & 0xff);
    const voted = this.state === CARD_STATE.VOTED;
    if (ins === INS.SELECT) return ok();
    if (ins === INS.READ_STATE) {
      return ok(encodeStateResponse({ state: voted ? 'voted' : 'blank', appVersion: 1, activationLength: voted ? this.rec.activation.length : 0,
        voteLength: voted ? this.rec.vote.length : 0, activationCapacity: ACTIVATION_CAPACITY, voteCapacity: VOTE_CAPACITY }));
    }
    if (ins === INS.READ_ACTIVATION || ins === INS.READ_VOTE) {
      if (!voted) return sw(SW.CONDITIONS_NOT_SATISFIED);
      const rec = ins === INS.READ_ACTIVATION ? this.rec.activation : this.rec.vote;
      const offset = (apdu[2] << 8) | apdu[3];
      return ok(rec.subarray(offset, Math.min(rec.length, offset + (apdu[4] || 256))));
    }
    if (ins === INS.CLEAR) {
      if (!bytesEqual(apdu.subarray(5, 37), crypto.sha256(this.rec.vote))) return sw(SW.SECURITY_STATUS_NOT_SATISFIED);
      this.state = CARD_STATE.BLANK;
      return ok();
    }
    return sw(SW.INS_NOT_SUPPORTED);
  }
}

class TinyReader implements CardReaderPort {
  card: TinyCard | null = null;
  private handlers: ((present: boolean) => void)[] = [];
  insert(card: TinyCard): void { this.card = card; for (const h of this.handlers) h(true); }
  remove(): void { this.card = null; for (const h of this.handlers) h(false); }
  isCardPresent(): boolean { return this.card !== null; }
  onCardChange(h: (present: boolean) => void): void { this.handlers.push(h); }
  async powerOn(): Promise<Uint8Array> { if (!this.card) throw new Error('no card'); return Uint8Array.of(0x3b, 0x00); }
  async transmit(apdu: Uint8Array): Promise<Uint8Array> { if (!this.card) throw new Error('no card'); return this.card.answer(apdu); }
}

let f: Fixture, good: CardRecords, rogue: CardRecords, rig: Rig;
const reader = new TinyReader();
async function take(rec: CardRecords, expect: string): Promise<void> {
  reader.insert(new TinyCard(rec));
  const o = await rig.acc.takeCard();
  reader.remove();
  if (o.result !== expect) throw new Error(`card: ${o.result} (${o.result === 'refused' ? o.reason : ''}), expected ${expect}`);
}

installSteps({
  precinct() { // the precinct's and the terminals' part: keys, signed election, two voted cards
    f = fixture(crypto);
    good = votedRecords(f, seeded(crypto, 'xs-voter-1'));
    rogue = votedRecords(f, seeded(crypto, 'xs-voter-2'), { terminal: f.rogueSecret });
  },
  boot() {
    rig = makeAccumulator(f, new SimFlash(SMALL_BLOCKS), reader, seeded(crypto, 'xs-device'));
  },
  async configureAndOpen() { await configureAndOpen(f, rig); },
  async acceptCard() { await take(good, 'accepted'); },
  async refuseCard() { await take(rogue, 'refused'); },
  closeAndReadOut() {
    rig.acc.close();
    if (rig.acc.results(0, 10).records.length !== 1) throw new Error('read-out');
  },
});
