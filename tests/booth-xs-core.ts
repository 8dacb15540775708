// Runs inside XS (through booth-entry.ts): one voter through the whole voting terminal (terminal/device.ts) — load a
// signed election, provision, self-test, open with the start password, insert an activated
// card, vote in Kazakh, press "1" and "2", read the code — on RAM flash and a minimal card
// (the Node card simulator needs node:crypto, so a small APDU-level card stands in here).
// The harness checks the card's vote decrypts to the choice and the code, and reports the
// compute meter.
import { report, hostEntropy } from '../hosts/xs/guest/bridge';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { encodeElection, electionFingerprint } from '../protocol/election/encoding';
import { encodeSignedElection, signElection } from '../protocol/election/signed';
import type { ElectionDefinition } from '../protocol/election/model';
import { decodeVoteRecord, openVote } from '../protocol/card/records';
import { CARD_AID, CARD_STATE, CLA_CHAIN_BIT, INS, SW, encodeStateResponse, cardStateName, ACTIVATION_CAPACITY, VOTE_CAPACITY } from '../protocol/card/apdu';
import type { CardReaderPort, FlashPort } from '../runtime/ports';
import { VirtualClock } from '../runtime/virtual-clock';
import { activationFor, castBallot, configureAndOpen, flush, makeTerminal, precinctKeys, seeded, shownCode, TERMINAL_BLOCKS } from './terminal-helpers';

class RamFlash implements FlashPort {
  readonly blockSize = 4096;
  readonly mem: Uint8Array;
  constructor(readonly blockCount: number) { this.mem = new Uint8Array(blockCount * 4096).fill(0xff); }
  read(offset: number, length: number): Uint8Array { return this.mem.slice(offset, offset + length); }
  program(offset: number, data: Uint8Array): void { for (let i = 0; i < data.length; i++) this.mem[offset + i] &= data[i]; }
  erase(block: number): void { this.mem.fill(0xff, block * 4096, (block + 1) * 4096); }
}

/** The voter card's APDUs in their simplest form: enough for the terminal's reads and write. */
class TinyCard implements CardReaderPort {
  state: number = CARD_STATE.BLANK;
  activation: Uint8Array = new Uint8Array(0);
  vote: Uint8Array = new Uint8Array(0);
  present = false;
  private chain: number[] = [];
  private handlers: ((p: boolean) => void)[] = [];
  isCardPresent(): boolean { return this.present; }
  onCardChange(h: (p: boolean) => void): void { this.handlers.push(h); }
  insert(): void { this.present = true; for (const h of this.handlers) h(true); }
  remove(): void { this.present = false; for (const h of this.handlers) h(false); }
  async powerOn(): Promise<Uint8Array> { return Uint8Array.of(0x3b); }
  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const ok = (data: Uint8Array = new Uint8Array(0)): Uint8Array => { const o = new Uint8Array(data.length + 2); o.set(data); o[data.length] = 0x90; return o; };
    const sw = (v: number): Uint8Array => Uint8Array.of(v >> 8, v & 0xff);
    const [cla, ins, p1, p2] = apdu;
    const data = apdu.length > 5 ? apdu.subarray(5, 5 + apdu[4]) : new Uint8Array(0);
    switch (ins) {
      case INS.SELECT: return data.length === CARD_AID.length ? ok() : sw(SW.APPLICATION_NOT_FOUND);
      case INS.READ_STATE: return ok(encodeStateResponse({ state: cardStateName(this.state), appVersion: 1, activationLength: this.activation.length, voteLength: this.vote.length, activationCapacity: ACTIVATION_CAPACITY, voteCapacity: VOTE_CAPACITY }));
      case INS.READ_ACTIVATION: case INS.READ_VOTE: {
        const rec = ins === INS.READ_VOTE ? this.vote : this.activation;
        const off = (p1 << 8) | p2;
        const le = apdu[apdu.length - 1] || 256;
        return ok(rec.slice(off, off + le));
      }
      case INS.ACTIVATE: case INS.WRITE_VOTE: {
        const need = ins === INS.ACTIVATE ? CARD_STATE.BLANK : CARD_STATE.ACTIVATED;
        if (this.state !== need) { this.chain = []; return sw(SW.CONDITIONS_NOT_SATISFIED); }
        for (const b of data) this.chain.push(b);
        if (cla & CLA_CHAIN_BIT) return ok();
        const rec = Uint8Array.from(this.chain);
        this.chain = [];
        if (ins === INS.ACTIVATE) { this.activation = rec; this.state = CARD_STATE.ACTIVATED; } else { this.vote = rec; this.state = CARD_STATE.VOTED; }
        return ok();
      }
      default: return sw(SW.INS_NOT_SUPPORTED);
    }
  }
}

function definition(): ElectionDefinition {
  return {
    electionId: 'XS-BOOTH', title: { kk: 'Президент сайлауы', ru: 'Выборы Президента' }, date: '2025-03-01', precinct: 142,
    votingHours: { opens: '07:00', closes: '20:00' },
    contests: [{
      id: 1, title: { kk: 'Қазақстан Республикасының Президенті', ru: 'Президент Республики Казахстан' }, againstAll: true, blankAllowed: false, kind: 'party-list',
      options: [{ id: 1, name: { kk: '«Дала» партиясы', ru: 'Партия «Дала»' } }, { id: 2, name: { kk: '«Жол» партиясы', ru: 'Партия «Жол»' } }, { id: 3, name: { kk: '«Орда» партиясы', ru: 'Партия «Орда»' } }],
    }],
  };
}

/** `voters` voters through the booth (booth-voters-entry.ts runs 6; the bench takes the difference). */
export async function runBooth(VOTERS: number): Promise<void> {
  const keys = precinctKeys(crypto, 'xs-booth');
  const authority = seeded(crypto, 'xs-authority').randomBytes(32);
  const encoded = encodeElection(definition());
  const signed = encodeSignedElection(signElection(encoded, authority, crypto));
  const fingerprint = electionFingerprint(encoded, crypto);
  const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 2) });
  const card = new TinyCard();
  const t = makeTerminal({ flash: new RamFlash(TERMINAL_BLOCKS), reader: card, entropy: hostEntropy, crypto, authorityKeys: [crypto.ed25519PublicKey(authority)], clock });
  const codes: number[] = [];
  for (let i = 0; i < 100; i++) codes.push((i * 97 + 13) % 10_000);
  await configureAndOpen(t, signed, keys, codes, clock);
  let accepted = true;
  let thanks = '';
  let code: string | undefined;
  for (let v = 0; v < VOTERS; v++) {
    card.activation = activationFor(keys, hostEntropy, fingerprint, 142);
    card.vote = new Uint8Array(0);
    card.state = CARD_STATE.ACTIVATED;
    card.insert();
    await t.idle(); await flush();
    accepted = accepted && t.ballotState?.phase === 'language';
    castBallot(t, 'kk', [2]);
    await t.idle(); await flush();
    thanks = t.currentScreen.id;
    t.press('1'); t.press('2');
    code = shownCode(t.currentScreen);
    card.remove();
  }
  const content = card.state === CARD_STATE.VOTED ? openVote(crypto, keys.electionSecret, fingerprint, decodeVoteRecord(card.vote)) : null;
  report('booth', {
    accepted, thanks, code: code ?? null, state: t.state, votes: t.counters().votes,
    decrypted: content ? { code: content.verificationCode, option: content.selections[0].option as number } : null,
    codeInShare: content ? codes.includes(content.verificationCode) : false,
    screenAfter: t.currentScreen.id,
    faults: t.faults.length,
  });
}

export function reportError(e: unknown): void { report('error', String(e instanceof Error ? `${e.message}\n${e.stack}` : e)); }
