// The XS accumulator scenario (device-safe: runs in XS and on Node). See accumulator-entry.ts.
import type { CborValue } from '../../protocol/cbor';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { bytesEqual } from '../../protocol/bytes';
import {
  ACTIVATION_CAPACITY, CARD_STATE, INS, SW, VOTE_CAPACITY, encodeStateResponse,
} from '../../protocol/card/apdu';
import type { CardReaderPort } from '../../runtime/ports';
import { SimFlash } from '../../runtime/flash/sim';
import { configureAndOpen, fixture, makeAccumulator, seeded, votedRecords, SMALL_BLOCKS } from '../accumulator-helpers';

/** A voter card reduced to what the accumulator asks: select, state, read records, clear. */
class TinyCard {
  state: number = CARD_STATE.VOTED;
  constructor(public activation: Uint8Array, public vote: Uint8Array) {}
  answer(apdu: Uint8Array): Uint8Array {
    const ins = apdu[1];
    const ok = (data: Uint8Array = new Uint8Array(0)) => { const r = new Uint8Array(data.length + 2); r.set(data); r[data.length] = 0x90; return r; };
    const sw = (code: number) => Uint8Array.of(code >> 8, code & 0xff);
    if (ins === INS.SELECT) return ok();
    if (ins === INS.READ_STATE) {
      return ok(encodeStateResponse({
        state: this.state === CARD_STATE.VOTED ? 'voted' : 'blank', appVersion: 1,
        activationLength: this.state ? this.activation.length : 0, voteLength: this.state ? this.vote.length : 0,
        activationCapacity: ACTIVATION_CAPACITY, voteCapacity: VOTE_CAPACITY,
      }));
    }
    if (ins === INS.READ_ACTIVATION || ins === INS.READ_VOTE) {
      if (this.state !== CARD_STATE.VOTED) return sw(SW.CONDITIONS_NOT_SATISFIED);
      const rec = ins === INS.READ_ACTIVATION ? this.activation : this.vote;
      const offset = (apdu[2] << 8) | apdu[3];
      const le = apdu[4] || 256;
      return ok(rec.subarray(offset, Math.min(rec.length, offset + le)));
    }
    if (ins === INS.CLEAR) {
      if (!bytesEqual(apdu.subarray(5, 37), crypto.sha256(this.vote))) return sw(SW.SECURITY_STATUS_NOT_SATISFIED);
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

export async function runScenario(takeCards: boolean): Promise<Record<string, CborValue>> {
  const f = fixture(crypto);
  const good = votedRecords(f, seeded(crypto, 'xs-voter-1'));
  const rogue = votedRecords(f, seeded(crypto, 'xs-voter-2'), { terminal: f.rogueSecret });
  const flash = new SimFlash(SMALL_BLOCKS);
  const reader = new TinyReader();
  const rig = makeAccumulator(f, flash, reader, seeded(crypto, 'xs-device'));
  await configureAndOpen(f, rig);
  const out: Record<string, CborValue> = { state: rig.acc.state };
  // Keep the device alive after the run, so the heap left after GC includes it (the baseline drops it).
  if (takeCards) (globalThis as { accumulator?: unknown }).accumulator = rig;
  if (!takeCards) return out;
  const cards = [new TinyCard(good.activation, good.vote), new TinyCard(rogue.activation, rogue.vote)];
  const outcomes: CborValue[] = [];
  const screens: CborValue[] = [];
  for (const card of cards) {
    reader.insert(card);
    const o = await rig.acc.takeCard();
    outcomes.push(o.result === 'refused' ? `refused:${o.reason}` : o.result);
    screens.push(rig.acc.currentScreen.title.ru);
    reader.remove();
  }
  out['screens'] = screens;
  out['screen-after'] = rig.acc.currentScreen.id;
  out['outcomes'] = outcomes;
  out['cleared'] = cards.map((c) => c.state === CARD_STATE.BLANK);
  out['sounds'] = rig.sound.signals.slice(-2);
  const c = rig.acc.counters();
  out['accepted'] = c.accepted;
  out['refusedByReason'] = c.refusedByReason;
  rig.acc.close();
  const page = rig.acc.results(0, 10);
  out['readout'] = page.records.length;
  out['readout-matches'] = page.records.length === 1 && bytesEqual(page.records[0], good.vote);
  return out;
}
