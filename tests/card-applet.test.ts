// The card application, APDU by APDU, on the simulated card: every documented status word,
// the state machine, command chaining, and what a cleared card still holds (nothing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { fromHex, toHex } from '../protocol/bytes';
import { CARD_AID, chainedWriteApdus, clearApdu, decodeStateResponse, INS, selectApdu, splitResponse } from '../protocol/card/apdu';
import { SimulatedCard, cardAtr } from '../smartcard-sim/card';
import { LAYOUT } from '../smartcard-sim/layout';
import { makeActivation, makeVote } from './helpers/card-fixtures';

const sha = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const SELECT = toHex(selectApdu());

function send(card: SimulatedCard, apdu: string | Uint8Array): { data: Uint8Array; sw: string } {
  const r = splitResponse(card.transmit(typeof apdu === 'string' ? fromHex(apdu) : apdu));
  return { data: r.data, sw: r.sw.toString(16).toUpperCase() };
}
function sendAll(card: SimulatedCard, apdus: Uint8Array[]): string[] {
  return apdus.map((a) => send(card, a).sw);
}
function poweredCard(): SimulatedCard {
  const c = new SimulatedCard();
  c.powerOn();
  return c;
}
function selectedCard(): SimulatedCard {
  const c = poweredCard();
  assert.is(send(c, SELECT).sw, '9000');
  return c;
}
const act = makeActivation();
const vote = makeVote(act.bytes);

test('ATR is T=1 with IFSC 254 and a correct check byte', () => {
  const atr = cardAtr();
  assert.is(toHex(atr), '3b868131fe455341494c41558e');
  assert.is(atr.slice(1).reduce((x, b) => x ^ b, 0), 0); // TCK: XOR of T0..TCK is zero
});

test('SELECT: by the AID answers the FCI; wrong AID, P1/P2, length, class and chaining are refused', () => {
  const c = poweredCard();
  const r = send(c, SELECT);
  assert.is(r.sw, '9000');
  assert.is(toHex(r.data), '6f0d8408' + toHex(CARD_AID) + 'a50101');
  assert.is(send(c, '00A4040C08' + toHex(CARD_AID)).sw, '9000');
  assert.is(send(c, '00A4040C08' + toHex(CARD_AID)).data.length, 0);
  assert.is(send(c, '00A4040008F05341494C41550200').sw, '6A82');
  assert.is(send(c, '80CA000000').sw, '6985'); // the failed SELECT left no application selected
  assert.is(send(c, '00A4000008' + toHex(CARD_AID)).sw, '6A86');
  assert.is(send(c, '00A4040108' + toHex(CARD_AID)).sw, '6A86');
  assert.is(send(c, '00A40400').sw, '6700');
  assert.is(send(c, '10A4040008' + toHex(CARD_AID)).sw, '6884');
  assert.is(send(c, '84A4040008' + toHex(CARD_AID)).sw, '6E00');
  assert.is(send(c, '00B0000000').sw, '6D00');
});

test('malformed APDUs: too short, Lc inconsistent, extended length → 6700', () => {
  const c = selectedCard();
  assert.is(send(c, '80CA00').sw, '6700');
  assert.is(send(c, '8010000005010203').sw, '6700');
  assert.is(send(c, '801000000001000102').sw, '6700');
  assert.is(send(c, '80FF000000').sw, '6D00');
});

test('commands before SELECT, and after a reset, are refused with 6985', () => {
  const c = poweredCard();
  assert.is(send(c, '80CA000000').sw, '6985');
  assert.is(send(c, SELECT).sw, '9000');
  assert.is(send(c, '80CA000000').sw, '9000');
  c.powerOn();
  assert.is(send(c, '80CA000000').sw, '6985');
});

test('READ STATE: ten bytes; short Le → 6C0A; P1/P2 → 6A86; no Le → 6700; chained → 6884', () => {
  const c = selectedCard();
  const r = send(c, '80CA000000');
  assert.is(r.sw, '9000');
  assert.equal(decodeStateResponse(r.data), { state: 'blank', appVersion: 1, activationLength: 0, voteLength: 0, activationCapacity: 256, voteCapacity: 768 });
  assert.is(send(c, '80CA000005').sw, '6C0A');
  assert.is(send(c, '80CA010000').sw, '6A86');
  assert.is(send(c, '80CA0000').sw, '6700');
  assert.is(send(c, '90CA000000').sw, '6884');
});

test('the life of a card: blank → activated → voted → blank, and every out-of-order command refused', () => {
  const c = selectedCard();
  // blank
  assert.is(send(c, '80B0000000').sw, '6985');
  assert.is(send(c, '80B2000000').sw, '6985');
  assert.equal(sendAll(c, chainedWriteApdus(INS.WRITE_VOTE, vote.bytes)), ['6985', '6985']); // refused at each link
  assert.is(send(c, clearApdu(2, sha(vote.bytes))).sw, '6985');
  assert.is(send(c, clearApdu(1, sha(act.bytes))).sw, '6985');
  assert.is(send(c, '8010010001AA').sw, '6A86');
  assert.is(send(c, '80100000').sw, '6700');
  assert.equal(sendAll(c, chainedWriteApdus(INS.ACTIVATE, act.bytes)), ['9000']);
  // activated
  assert.is(c.view().state, 'activated');
  assert.equal(sendAll(c, chainedWriteApdus(INS.ACTIVATE, act.bytes)), ['6985']); // a second activation
  assert.is(send(c, '80B2000000').sw, '6985');
  assert.is(send(c, clearApdu(2, sha(vote.bytes))).sw, '6985');
  const readBack = send(c, '80B0000000');
  assert.is(readBack.sw, '9000');
  assert.equal(readBack.data, act.bytes);
  assert.equal(send(c, '80B0001010').data, act.bytes.slice(16, 32));
  assert.is(send(c, '80B0008900').sw, '6B00'); // offset 137 = the length
  assert.is(send(c, '80B0800000').sw, '6A86');
  assert.is(send(c, '80B00000').sw, '6700');
  assert.is(send(c, '90B0000000').sw, '6884');
  // the vote takes two chained commands (291 bytes)
  assert.equal(sendAll(c, chainedWriteApdus(INS.WRITE_VOTE, vote.bytes)), ['9000', '9000']);
  // voted
  assert.is(c.view().state, 'voted');
  assert.equal(sendAll(c, chainedWriteApdus(INS.WRITE_VOTE, vote.bytes)), ['6985', '6985']); // a voted card cannot be voted again
  assert.equal(sendAll(c, chainedWriteApdus(INS.ACTIVATE, act.bytes)), ['6985']);
  assert.is(send(c, clearApdu(1, sha(act.bytes))).sw, '6985'); // cannot cancel the activation of a voted card
  const v1 = send(c, '80B2000000');
  const v2 = send(c, '80B2010000');
  assert.equal([...v1.data, ...v2.data], [...vote.bytes]);
  assert.is(send(c, '80B2012300').sw, '6B00');
  // CLEAR needs the hash of the vote it erases
  const wrong = sha(vote.bytes); wrong[0] ^= 1;
  assert.is(send(c, clearApdu(2, wrong)).sw, '6982');
  assert.is(send(c, clearApdu(2, sha(act.bytes))).sw, '6982');
  assert.is(send(c, '80400200' + '1F' + '00'.repeat(31)).sw, '6700');
  assert.is(send(c, clearApdu(3, sha(vote.bytes))).sw, '6A86');
  assert.is(send(c, '80400201' + '20' + toHex(sha(vote.bytes))).sw, '6A86');
  assert.is(c.view().state, 'voted');
  assert.is(send(c, clearApdu(2, sha(vote.bytes))).sw, '9000');
  assert.is(c.view().state, 'blank');
  assert.is(send(c, '80B2000000').sw, '6985');
});

test('a cleared card holds nothing of the previous vote or activation: its EEPROM is factory-fresh', () => {
  const c = selectedCard();
  const fresh = c.eeprom.bytes.slice();
  sendAll(c, chainedWriteApdus(INS.ACTIVATE, act.bytes));
  sendAll(c, chainedWriteApdus(INS.WRITE_VOTE, vote.bytes));
  const hex = toHex(c.eeprom.bytes);
  assert.ok(hex.includes(toHex(vote.bytes)), 'the vote is on the card before CLEAR');
  assert.is(send(c, clearApdu(2, sha(vote.bytes))).sw, '9000');
  assert.equal(c.eeprom.bytes, fresh);
  // not even an 8-byte window of either record anywhere (journal included)
  const after = toHex(c.eeprom.bytes);
  for (const rec of [vote.bytes, act.bytes]) {
    for (let i = 0; i + 8 <= rec.length; i++) {
      const w = toHex(rec.subarray(i, i + 8));
      if (w !== '0000000000000000') assert.not.ok(after.includes(w), `window at ${i} survives`);
    }
  }
});

test('cancelling an unused activation (spoiled card) returns it to blank; the journal is scrubbed after every update', () => {
  const c = selectedCard();
  sendAll(c, chainedWriteApdus(INS.ACTIVATE, act.bytes));
  assert.ok(c.eeprom.bytes.subarray(LAYOUT.JOURNAL_FLAG).every((b) => b === 0), 'journal empty after ACTIVATE');
  assert.is(send(c, clearApdu(1, sha(vote.bytes))).sw, '6982');
  assert.is(send(c, clearApdu(1, sha(act.bytes))).sw, '9000');
  assert.ok(c.eeprom.bytes.every((b) => b === 0));
});

test('command chaining: capacity, an interleaved command aborts the chain (6883), chains end with the last link', () => {
  const c = selectedCard();
  const tooBig = chainedWriteApdus(INS.ACTIVATE, new Uint8Array(257).fill(7));
  assert.equal(sendAll(c, tooBig), ['9000', '6A84']);
  assert.is(c.view().state, 'blank');
  const links = chainedWriteApdus(INS.WRITE_VOTE, new Uint8Array(600).fill(9));
  sendAll(c, chainedWriteApdus(INS.ACTIVATE, act.bytes));
  assert.is(send(c, links[0]).sw, '9000');
  assert.is(send(c, '80B0000000').sw, '6883'); // another command inside the chain
  assert.is(c.view().state, 'activated');
  // the chain is gone: the next link starts a new chain, and a full, fresh chain works
  assert.equal(sendAll(c, links), ['9000', '9000', '9000']);
  assert.is(c.view().vote.length, 600);
  // a reset in the middle of a chain loses the chain (RAM) and writes nothing
  const c2 = selectedCard();
  sendAll(c2, chainedWriteApdus(INS.ACTIVATE, act.bytes));
  send(c2, links[0]);
  c2.powerOn();
  send(c2, SELECT);
  assert.is(c2.view().state, 'activated');
  assert.is(send(c2, links[2]).sw, '9000'); // a lone last link is a one-link record
  assert.is(c2.view().vote.length, 600 - 510);
});

test.run();
