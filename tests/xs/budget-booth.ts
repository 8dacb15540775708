// XS budget scenario (hosts/xs/budgets.json): the voting terminal (terminal/device.ts) cut into
// operations — boot, configure and open, then voters — with the device kept live between
// steps, so the heap rows show the terminal's working state. Set up as tests/booth-xs-core.ts
// does (its test card is repeated here in brief: that file exports only its run).
import { installSteps } from '../../hosts/xs/guest/steps';
import { hostEntropy } from '../../hosts/xs/guest/bridge';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { encodeElection, electionFingerprint } from '../../protocol/election/encoding';
import { encodeSignedElection, signElection } from '../../protocol/election/signed';
import type { ElectionDefinition } from '../../protocol/election/model';
import { CARD_AID, CARD_STATE, CLA_CHAIN_BIT, INS, SW, encodeStateResponse, cardStateName, ACTIVATION_CAPACITY, VOTE_CAPACITY } from '../../protocol/card/apdu';
import type { CardReaderPort } from '../../runtime/ports';
import { SimFlash } from '../../runtime/flash/sim';
import { VirtualClock } from '../../runtime/virtual-clock';
import type { Terminal } from '../../terminal/device';
import { activationFor, castBallot, configureAndOpen, flush, makeTerminal, precinctKeys, seeded, shownCode, TERMINAL_BLOCKS, type PrecinctKeys } from '../terminal-helpers';

/** A voter card answering the terminal's APDUs (read state and records, activate, write vote). */
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
        return ok(rec.slice(off, off + (apdu[apdu.length - 1] || 256)));
      }
      case INS.ACTIVATE: case INS.WRITE_VOTE: {
        if (this.state !== (ins === INS.ACTIVATE ? CARD_STATE.BLANK : CARD_STATE.ACTIVATED)) { this.chain = []; return sw(SW.CONDITIONS_NOT_SATISFIED); }
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

const definition: ElectionDefinition = {
  electionId: 'XS-BOOTH', title: { kk: 'Президент сайлауы', ru: 'Выборы Президента' }, date: '2025-03-01', precinct: 142,
  votingHours: { opens: '07:00', closes: '20:00' },
  contests: [{
    id: 1, title: { kk: 'Қазақстан Республикасының Президенті', ru: 'Президент Республики Казахстан' }, againstAll: true, blankAllowed: false, kind: 'party-list',
    options: [{ id: 1, name: { kk: '«Дала» партиясы', ru: 'Партия «Дала»' } }, { id: 2, name: { kk: '«Жол» партиясы', ru: 'Партия «Жол»' } }, { id: 3, name: { kk: '«Орда» партиясы', ru: 'Партия «Орда»' } }],
  }],
};

let keys: PrecinctKeys, signed: Uint8Array, fingerprint: Uint8Array, authorityPublic: Uint8Array;
const codes: number[] = [];
const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 2) });
const card = new TinyCard();
let terminal: Terminal;

async function voter(option: number): Promise<void> {
  card.activation = activationFor(keys, hostEntropy, fingerprint, 142);
  card.vote = new Uint8Array(0);
  card.state = CARD_STATE.ACTIVATED;
  card.insert();
  await terminal.idle(); await flush();
  if (terminal.ballotState?.phase !== 'language') throw new Error(`card not accepted: ${terminal.currentScreen.id}`);
  castBallot(terminal, 'kk', [option]);
  await terminal.idle(); await flush();
  terminal.press('1'); terminal.press('2');
  if (shownCode(terminal.currentScreen) === undefined) throw new Error(`no code shown: ${terminal.currentScreen.id}`);
  card.remove();
  if (card.state !== CARD_STATE.VOTED) throw new Error('no vote on the card');
}

installSteps({
  precinct() { // the precinct computer's part: keys, signed election, code share (not device work)
    keys = precinctKeys(crypto, 'xs-booth');
    const authority = seeded(crypto, 'xs-authority').randomBytes(32);
    authorityPublic = crypto.ed25519PublicKey(authority);
    const encoded = encodeElection(definition);
    signed = encodeSignedElection(signElection(encoded, authority, crypto));
    fingerprint = electionFingerprint(encoded, crypto);
    for (let i = 0; i < 100; i++) codes.push((i * 97 + 13) % 10_000);
  },
  boot() {
    terminal = makeTerminal({ flash: new SimFlash(TERMINAL_BLOCKS), reader: card, entropy: hostEntropy, crypto, authorityKeys: [authorityPublic], clock });
  },
  async configureAndOpen() {
    await configureAndOpen(terminal, signed, keys, codes, clock);
  },
  async voter1() { await voter(2); },
  async voter2() { await voter(3); },
});
