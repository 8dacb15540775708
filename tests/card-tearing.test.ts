// Atomicity: the card pulled after every byte the card writes to its EEPROM, in every
// command that writes, and again during the recovery that follows. Each time the card must
// come back holding the old records or the new ones, never a mix, with an empty journal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { bytesEqual } from '../protocol/bytes';
import { INS, chainedWriteApdus, clearApdu, selectApdu, splitResponse } from '../protocol/card/apdu';
import { SimulatedCard } from '../smartcard-sim/card';
import type { CardView } from '../smartcard-sim/card';
import { CardTornError } from '../smartcard-sim/eeprom';
import { LAYOUT } from '../smartcard-sim/layout';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardClient, CardRemovedError } from '../runtime/card-client';
import { crypto, makeActivation, makeVote } from './helpers/card-fixtures';

const sha = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const act = makeActivation();
const vote = makeVote(act.bytes);

/** The card's invariants, read from its EEPROM after power-on. */
export function checkInvariants(card: SimulatedCard): void {
  const e = card.eeprom.bytes;
  assert.ok(e.subarray(LAYOUT.JOURNAL_FLAG).every((b) => b === 0), 'journal flag, length and body are zero');
  const v = card.view();
  const aLen = (e[LAYOUT.ACTIVATION_LENGTH] << 8) | e[LAYOUT.ACTIVATION_LENGTH + 1];
  const vLen = (e[LAYOUT.VOTE_LENGTH] << 8) | e[LAYOUT.VOTE_LENGTH + 1];
  if (v.state === 'blank') assert.ok(aLen === 0 && vLen === 0);
  if (v.state === 'activated') assert.ok(aLen > 0 && vLen === 0);
  if (v.state === 'voted') assert.ok(aLen > 0 && vLen > 0);
  assert.ok(e.subarray(LAYOUT.ACTIVATION + aLen, LAYOUT.VOTE).every((b) => b === 0), 'activation area beyond its length is zero');
  assert.ok(e.subarray(LAYOUT.VOTE + vLen, LAYOUT.LIVE_END).every((b) => b === 0), 'vote area beyond its length is zero');
  assert.ok(e.subarray(5, LAYOUT.ACTIVATION).every((b) => b === 0), 'reserved header bytes are zero');
}

function sameView(a: CardView, b: CardView): boolean {
  return a.state === b.state && bytesEqual(a.activation, b.activation) && bytesEqual(a.vote, b.vote);
}

function cardIn(state: 'blank' | 'activated' | 'voted'): SimulatedCard {
  const c = new SimulatedCard();
  c.powerOn();
  c.transmit(selectApdu());
  if (state !== 'blank') for (const a of chainedWriteApdus(INS.ACTIVATE, act.bytes)) c.transmit(a);
  if (state === 'voted') for (const a of chainedWriteApdus(INS.WRITE_VOTE, vote.bytes)) c.transmit(a);
  return c;
}

interface Operation { name: string; from: 'blank' | 'activated' | 'voted'; apdus: Uint8Array[] }
const operations: Operation[] = [
  { name: 'ACTIVATE', from: 'blank', apdus: chainedWriteApdus(INS.ACTIVATE, act.bytes) },
  { name: 'WRITE VOTE', from: 'activated', apdus: chainedWriteApdus(INS.WRITE_VOTE, vote.bytes) },
  { name: 'CLEAR', from: 'voted', apdus: [clearApdu(2, sha(vote.bytes))] },
  { name: 'CANCEL ACTIVATION', from: 'activated', apdus: [clearApdu(1, sha(act.bytes))] },
];

/** Runs an operation on a copy of `base`, pulled after `k` EEPROM byte writes. */
function runTorn(base: SimulatedCard, op: Operation, k: number): { card: SimulatedCard; torn: boolean } {
  const card = new SimulatedCard(base.eeprom.bytes);
  card.powerOn();
  card.transmit(selectApdu());
  card.eeprom.tearAfter(k);
  try {
    for (const apdu of op.apdus) assert.is(splitResponse(card.transmit(apdu)).sw, 0x9000);
  } catch (e) {
    if (!(e instanceof CardTornError)) throw e;
    assert.not.ok(card.isPowered, 'a torn card has lost power');
    return { card, torn: true };
  }
  card.eeprom.disarm();
  return { card, torn: false };
}

for (const op of operations) {
  test(`${op.name}: pulled after every byte written, the card holds the old state or the new`, () => {
    const base = cardIn(op.from);
    const before = base.view();
    const whole = runTorn(base, op, Number.MAX_SAFE_INTEGER);
    const after = whole.card.view();
    assert.not.ok(sameView(before, after));
    const writes = whole.card.eeprom.writes; // the copy counts from zero
    let sawOld = 0, sawNew = 0;
    for (let k = 0; k <= writes; k++) {
      const { card, torn } = runTorn(base, op, k);
      assert.is(torn, k < writes, `k=${k} of ${writes}`);
      card.powerOn(); // recovery
      const v = card.view();
      if (sameView(v, before)) sawOld++;
      else if (sameView(v, after)) sawNew++;
      else assert.unreachable(`k=${k}: a mixed state ${v.state}`);
      checkInvariants(card);
    }
    // the commit point is one byte: before it every pull keeps the old state, after it the new
    assert.ok(sawOld > 0 && sawNew > 0, `old ${sawOld}, new ${sawNew}`);
  });
}

test('property: pulled again during the recovery, and again, the card still ends old or new', () => {
  const bases = operations.map((op) => ({ op, base: cardIn(op.from) }));
  const plans = bases.map(({ op, base }) => {
    const whole = runTorn(base, op, Number.MAX_SAFE_INTEGER);
    return { op, base, before: base.view(), after: whole.card.view(), writes: whole.card.eeprom.writes };
  });
  fc.assert(fc.property(fc.nat(plans.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.nat(1200), { maxLength: 3 }), (i, where, recoveryTears) => {
    const p = plans[i];
    const { card } = runTorn(p.base, p.op, Math.floor(where * p.writes));
    for (const t of recoveryTears) {
      card.eeprom.tearAfter(t);
      try { card.powerOn(); } catch (e) { if (!(e instanceof CardTornError)) throw e; }
      card.eeprom.disarm();
    }
    card.powerOn();
    const v = card.view();
    assert.ok(sameView(v, p.before) || sameView(v, p.after), 'old or new');
    checkInvariants(card);
  }), { numRuns: 400 });
});

test('pulled between the links of a chained WRITE VOTE (before any EEPROM write): still activated, and the vote can be written', async () => {
  for (let n = 0; n < 2; n++) {
    const reader = new SimulatedCardReader();
    const card = cardIn('activated');
    reader.insert(card);
    const client = new CardClient(reader, crypto);
    await client.connect();
    reader.pullBeforeNthCommand(n); // link n of the chain never arrives (connect() already read the state)
    try {
      await client.writeVote(vote.bytes);
      assert.unreachable('the write completed');
    } catch (e) {
      assert.instance(e, CardRemovedError);
    }
    assert.not.ok(reader.isCardPresent());
    reader.insert(card);
    assert.is((await client.connect()).state, 'activated');
    assert.not.ok(await client.confirmVote(vote.bytes));
    await client.writeVote(vote.bytes);
    assert.ok(await client.confirmVote(vote.bytes));
  }
});

test('a torn WRITE VOTE seen by the terminal: removed error, then after reinsertion exactly the vote or none', async () => {
  const base = cardIn('activated');
  const writes = runTorn(base, operations[1], Number.MAX_SAFE_INTEGER).card.eeprom.writes;
  for (const k of [0, 1, Math.floor(writes / 3), Math.floor(writes / 2), writes - 1]) {
    const card = new SimulatedCard(base.eeprom.bytes);
    const reader = new SimulatedCardReader();
    reader.insert(card);
    const client = new CardClient(reader, crypto);
    await client.connect();
    card.eeprom.tearAfter(k);
    await client.writeVote(vote.bytes).then(() => assert.unreachable('not torn'), (e: unknown) => assert.instance(e, CardRemovedError));
    card.eeprom.disarm();
    reader.insert(card);
    const state = (await client.connect()).state;
    assert.ok(state === 'activated' || state === 'voted');
    assert.is(await client.confirmVote(vote.bytes), state === 'voted');
  }
});

test.run();
