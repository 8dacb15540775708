// The device-side card client and the precinct card writer over the in-process simulated
// reader: one voter's card from the writer through the booth to the accumulator, and the
// typed errors each device sees when something goes wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesEqual } from '../protocol/bytes';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardClient, CardProtocolError, CardRemovedError, CardStatusError, WrongStateError } from '../runtime/card-client';
import { CardWriter, ActivationUnconfirmedError } from '../precinct/card-writer';
import { CardRecordError, openVote, verifyActivation, verifyVotedCard } from '../protocol/card/records';
import { fromHex } from '../protocol/bytes';
import {
  activationPolicy, crypto, election, electionSecret, issuerSecret, makeActivation, makeVote, otherElection, policy, PRECINCT, seededEntropy,
} from './helpers/card-fixtures';

async function rejects<E>(p: Promise<unknown>, type: new (...args: never[]) => E, check?: (e: E) => void): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, type);
    check?.(e as E);
    return;
  }
  assert.unreachable(`resolved; expected ${type.name}`);
}

function writerFor(reader: SimulatedCardReader, label = 'writer'): CardWriter {
  return new CardWriter({ crypto, entropy: seededEntropy(label), issuerSecretKey: issuerSecret, reader, nowSeconds: () => 1_718_000_000 });
}

test('one voter: writer activates, terminal verifies and votes, accumulator verifies, stores and clears', async () => {
  const reader = new SimulatedCardReader();
  const card = new SimulatedCard();
  // precinct computer
  reader.insert(card);
  const issued = await writerFor(reader).activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 2 });
  assert.is(card.view().state, 'activated');
  reader.remove();
  // terminal
  reader.insert(card);
  const terminal = new CardClient(reader, crypto);
  assert.is((await terminal.connect()).state, 'activated');
  const actBytes = await terminal.readActivation();
  assert.equal(actBytes, issued.bytes);
  const a = verifyActivation(crypto, actBytes, activationPolicy);
  assert.is(a.ballotStyle, 2);
  // the writer's clock says 1_718_000_000; the card holds the hour only (secrecy)
  assert.is(a.issuedAt, 1_718_000_000 - (1_718_000_000 % 3600));
  const vote = makeVote(actBytes, seededEntropy('booth'), { code: 5821 });
  await terminal.writeVote(vote.bytes);
  assert.ok(await terminal.confirmVote(vote.bytes));
  await rejects(terminal.writeVote(vote.bytes), WrongStateError, (e) => assert.is(e.actual, 'voted'));
  reader.remove();
  // accumulator
  reader.insert(card);
  const acc = new CardClient(reader, crypto);
  assert.is((await acc.connect()).state, 'voted');
  const onCard = { activation: await acc.readActivation(), vote: await acc.readVote() };
  const verified = verifyVotedCard(crypto, onCard.activation, onCard.vote, policy);
  assert.is(openVote(crypto, electionSecret, election, verified.vote).verificationCode, 5821);
  await acc.clear(onCard.vote);
  assert.is((await acc.readState()).state, 'blank');
  assert.ok(card.eeprom.bytes.every((b) => b === 0));
});

test('typed errors: no card, pulled card, not a voter card, wrong state, refused clear', async () => {
  const reader = new SimulatedCardReader();
  const client = new CardClient(reader, crypto);
  await rejects(client.connect(), CardRemovedError);
  const card = new SimulatedCard();
  reader.insert(card);
  await client.connect();
  await rejects(client.readVote(), WrongStateError, (e) => { assert.is(e.actual, 'blank'); assert.equal(e.expected, ['voted']); });
  await rejects(client.writeVote(Uint8Array.of(1)), WrongStateError);
  await rejects(client.clear(Uint8Array.of(1)), WrongStateError);
  reader.remove();
  await rejects(client.readState(), CardRemovedError);
  // a card without the application: a stand-in whose SELECT answers 6A82
  const alien = new SimulatedCardReader();
  const fake = new SimulatedCard();
  fake.transmit = (apdu: Uint8Array) => (apdu[1] === 0xa4 ? fromHex('6a82') : fromHex('6d00'));
  alien.insert(fake);
  await rejects(new CardClient(alien, crypto).connect(), CardProtocolError);
  // clearing with a vote other than the one on the card: the card refuses with 6982
  const r2 = new SimulatedCardReader();
  const c2 = new SimulatedCard();
  r2.insert(c2);
  const cl = new CardClient(r2, crypto);
  await cl.connect();
  const act = makeActivation();
  await cl.activate(act.bytes);
  await cl.writeVote(makeVote(act.bytes).bytes);
  await rejects(cl.clear(makeVote(act.bytes, seededEntropy('other')).bytes), CardStatusError, (e) => assert.is(e.sw, 0x6982));
  assert.is(c2.view().state, 'voted');
});

test('card writer: refuses a card that is not blank, and confirms an activation whose card was pulled after the commit', async () => {
  const reader = new SimulatedCardReader();
  const card = new SimulatedCard();
  reader.insert(card);
  const writer = writerFor(reader);
  await writer.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 1 });
  await rejects(writer.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 1 }), WrongStateError, (e) => assert.is(e.actual, 'activated'));
  // pulled during ACTIVATE: once before the card saw it, once after its commit point
  for (const tearAfter of [0, 10_000]) {
    const r = new SimulatedCardReader();
    const c = new SimulatedCard();
    r.insert(c);
    const w = writerFor(r, `w${tearAfter}`);
    if (tearAfter === 0) r.pullBeforeNthCommand(2); // SELECT, READ STATE, then ACTIVATE never arrives
    else {
      // the card is pulled right after its 3rd command (SELECT, READ STATE, ACTIVATE) commits
      const orig = c.transmit.bind(c);
      let n = 0;
      c.transmit = (apdu) => { const out = orig(apdu); if (++n === 3) { r.remove(); throw new Error('pulled'); } return out; };
    }
    let pending: Uint8Array | undefined;
    await rejects(w.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 1 }), ActivationUnconfirmedError, (e) => { pending = e.pending.bytes; });
    assert.is(w.unconfirmed.length, 1);
    r.insert(c);
    if (tearAfter === 0) {
      assert.is(c.view().state, 'blank');
      const again = await w.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 1 });
      assert.not.ok(bytesEqual(again.bytes, pending!), 'a fresh activation id for the new attempt');
      assert.is(w.unconfirmed.length, 1, 'the lost attempt stays listed for reconciliation');
    } else {
      assert.is(c.view().state, 'activated');
      const confirmed = await w.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 1 });
      assert.equal(confirmed.bytes, pending);
      assert.is(w.unconfirmed.length, 0);
    }
  }
});

test('replayed activation: a cleared card re-activated with an old activation is refused by the ledger', async () => {
  const reader = new SimulatedCardReader();
  const card = new SimulatedCard();
  reader.insert(card);
  const client = new CardClient(reader, crypto);
  await client.connect();
  const act = makeActivation();
  const spent: string[] = [];
  const isSpent = (id: Uint8Array): boolean => spent.includes(Buffer.from(id).toString('hex'));
  for (let round = 0; round < 2; round++) {
    await client.activate(act.bytes); // the second time: someone copied the first activation
    const vote = makeVote(act.bytes, seededEntropy(`r${round}`));
    await client.writeVote(vote.bytes);
    const a = await client.readActivation();
    const v = await client.readVote();
    if (round === 0) {
      const { activation } = verifyVotedCard(crypto, a, v, { ...policy, isSpent });
      spent.push(Buffer.from(activation.activationId).toString('hex'));
    } else {
      assert.throws(() => verifyVotedCard(crypto, a, v, { ...policy, isSpent }), (e: unknown) => e instanceof CardRecordError && e.reason === 'replayed');
    }
    await client.clear(v);
  }
});

test('a card from another election or precinct is refused by the terminal before it writes anything', async () => {
  for (const over of [{ electionFingerprint: otherElection }, { precinct: PRECINCT + 1 }]) {
    const reader = new SimulatedCardReader();
    const card = new SimulatedCard();
    reader.insert(card);
    const client = new CardClient(reader, crypto);
    await client.connect();
    await client.activate(makeActivation(undefined, over).bytes);
    const bytes = await client.readActivation();
    assert.throws(() => verifyActivation(crypto, bytes, activationPolicy), (e: unknown) => e instanceof CardRecordError
      && (e.reason === 'wrong-election' || e.reason === 'wrong-precinct'));
    assert.is(card.view().state, 'activated');
  }
});

test.run();
