// The card accumulator: taking cards (accepted, refused for each reason, duplicates, copies,
// tampering, another election, an unenrolled terminal), store-then-clear across a pull and a
// power cut, states and their typed refusals, counters, and the wire messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardClient } from '../runtime/card-client';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash } from '../runtime/flash/faults';
import { PowerCutError } from '../runtime/flash/errors';
import { verifyEventPage, type EventEntry } from '../runtime/event-log';
import { EVENTS } from '../runtime/events';
import { nobleCrypto } from '../protocol/crypto/noble';
import { bytesEqual, utf8Encode } from '../protocol/bytes';
import { decodeVoteRecord, openVote, sealVote } from '../protocol/card/records';
import { RpcServer } from '../protocol/wire/rpc';
import { decodeResponse, encodeRequest, RpcError } from '../protocol/wire/envelope';
import type { CborValue } from '../protocol/cbor';
import { Counters, accumulatorRegistry } from '../accumulator/messages';
import { startPasswordCommitment } from '../protocol/start-password';
import { serveAccumulator } from '../accumulator/link';
import { Identify, Status } from '../protocol/wire/messages';
import { SessionClient } from '../protocol/session';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { memoryLinkPair } from '../hosts/node/memory-link';
import { REASON_TEXT } from '../accumulator/screens';
import {
  PASSWORD, PRECINCT, SMALL_BLOCKS, SMALL_LAYOUT, configureAndOpen, fixture, makeAccumulator, seeded, settle, votedRecords,
  type CardRecords, type Rig,
} from './accumulator-helpers';

const crypto = nobleCrypto;
const f = fixture(crypto);

async function cardWith(r: CardRecords, voted = true): Promise<SimulatedCard> {
  const card = new SimulatedCard();
  const rd = new SimulatedCardReader();
  rd.insert(card);
  const c = new CardClient(rd, crypto);
  await c.connect();
  await c.activate(r.activation);
  if (voted) await c.writeVote(r.vote);
  rd.remove();
  return card;
}

interface Setup extends Rig { flash: SimFlash; reader: SimulatedCardReader }

async function openRig(label = 'acc'): Promise<Setup> {
  const flash = new SimFlash(SMALL_BLOCKS);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, flash, reader, seeded(crypto, label));
  await configureAndOpen(f, rig);
  return { ...rig, flash, reader };
}

/** Inserts the card, lets the device take it, pulls it out. */
async function insert(s: { reader: SimulatedCardReader; acc: Rig['acc'] }, card: SimulatedCard) {
  s.reader.insert(card);
  const out = await s.acc.takeCard();
  s.reader.remove();
  return out;
}

/** The last outcome screen (after the card is taken out the display goes back to "insert the card"). */
function shown(rig: Rig) {
  for (let i = rig.display.screens.length - 1; i >= 0; i--) {
    const sc = rig.display.screens[i];
    if (sc.id !== 'ready' && sc.id !== 'not-ready' && sc.id !== 'closed' && sc.id !== 'reading') return sc;
  }
  throw new Error('no outcome shown');
}

function events(rig: Rig): EventEntry[] { return [...rig.acc.log.entries()]; }

test('a voted card is verified, stored, then cleared; display in kk and ru, sound, counters', async () => {
  const s = await openRig();
  const r = votedRecords(f, seeded(crypto, 'voter-1'));
  const card = await cardWith(r);
  const out = await insert(s, card);
  assert.equal(out, { result: 'accepted', recovered: false });
  assert.is(card.view().state, 'blank');
  assert.is(shown(s).id, 'accepted');
  assert.ok(shown(s).title.kk.length > 0 && shown(s).title.ru === 'Голос принят');
  assert.is(shown(s).accepted, 1);
  assert.is(s.display.last.id, 'ready', 'back to "insert the card" once the card is out');
  assert.equal(s.sound.signals.slice(-1), ['accepted']);
  const c = s.acc.counters();
  assert.is(c.accepted, 1);
  assert.is(c.refused, 0);
  const stored = [...s.acc.slots.entries()];
  assert.is(stored.length, 1);
  assert.ok(bytesEqual(stored[0].vote, r.vote) && bytesEqual(stored[0].activationId, r.activationId) && stored[0].cleared);
  // The store-then-clear order shows in the log: the vote was recorded; nothing names the card.
  const ev = events(s).filter((e) => e.event === EVENTS.voteRecorded.id);
  assert.is(ev.length, 1);
  assert.is(ev[0].detail, '');
});

test('a replayed card (same records written again after clearing) is refused as a duplicate and counted once', async () => {
  const s = await openRig();
  const r = votedRecords(f, seeded(crypto, 'voter-replay'));
  assert.is((await insert(s, await cardWith(r))).result, 'accepted');
  const replay = await cardWith(r);
  const out = await insert(s, replay);
  assert.equal(out, { result: 'refused', reason: 'duplicate' });
  assert.is(replay.view().state, 'voted', 'a copy is not cleared: it is evidence for the chairman');
  assert.is(shown(s).id, 'refused');
  assert.equal(shown(s).body, REASON_TEXT.duplicate);
  assert.equal(s.sound.signals.slice(-1), ['refused']);
  assert.is(s.acc.counters().accepted, 1);
  assert.equal(s.acc.counters().refusedByReason, { duplicate: 1 });
  assert.ok(events(s).some((e) => e.event === EVENTS.duplicateCard.id && e.disposition === 'failure'));
});

test('a card cloned before clearing, and a second vote under a cloned activation, are refused', async () => {
  const s = await openRig();
  const r = votedRecords(f, seeded(crypto, 'voter-clone'));
  const card = await cardWith(r);
  const clone = new SimulatedCard(card.eeprom.bytes); // the chip image, copied while the card was voted
  assert.is((await insert(s, card)).result, 'accepted');
  assert.equal(await insert(s, clone), { result: 'refused', reason: 'duplicate' });
  // An activated card cloned before the booth, voted on twice (another vote, the same activation).
  const a = votedRecords(f, seeded(crypto, 'voter-twice'));
  const entropy2 = seeded(crypto, 'second-booth');
  const otherVote = sealVote(crypto, entropy2, { activationBytes: a.activation, electionFingerprint: f.fingerprint, electionPublicKey: f.electionPublic, terminalSecretKey: f.terminalSecret, content: { selections: [{ contest: 1, option: 2 }], verificationCode: 99 } }).bytes;
  assert.is((await insert(s, await cardWith(a))).result, 'accepted');
  assert.equal(await insert(s, await cardWith({ ...a, vote: otherVote })), { result: 'refused', reason: 'duplicate' });
  assert.is(s.acc.counters().accepted, 2);
  assert.equal(s.acc.counters().refusedByReason, { duplicate: 2 });
});

test('tampered records, another election or precinct, foreign issuer, unenrolled terminal: refused with their reason, card kept', async () => {
  const s = await openRig();
  const e = seeded(crypto, 'bad-cards');
  const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i] ^= 0x01; return c; };
  const good = votedRecords(f, e);
  const cases: [string, CardRecords][] = [
    ['bad-signature', { ...good, vote: flip(good.vote, good.vote.length - 100) }], // a ciphertext byte
    ['bad-signature', { ...good, activation: flip(good.activation, 40) }], // a byte of the activation id
    ['wrong-election', votedRecords(f, e, { fingerprint: f.otherFingerprint })],
    ['wrong-precinct', votedRecords(f, e, { precinct: PRECINCT + 1 })],
    ['unknown-issuer', votedRecords(f, e, { issuer: f.rogueSecret })],
    ['unknown-terminal', votedRecords(f, e, { terminal: f.rogueSecret })],
  ];
  // Records swapped between two genuine cards: each verifies alone, the pair does not.
  const other = votedRecords(f, e);
  cases.push(['wrong-activation', { ...good, vote: other.vote }]);
  for (const [reason, r] of cases) {
    const card = await cardWith(r);
    const out = await insert(s, card);
    assert.equal(out, { result: 'refused', reason }, reason);
    assert.is(card.view().state, 'voted', `${reason}: card not cleared`);
    assert.equal(shown(s).body, REASON_TEXT[out.result === 'refused' ? out.reason : 'unreadable']);
  }
  assert.is(s.acc.counters().accepted, 0);
  assert.is(s.acc.counters().refused, cases.length);
  // A card signed with a portable ballot's key is refused: its votes come only by its upload.
  const portable = await insert(s, await cardWith(votedRecords(f, e, { terminal: f.portableSecret })));
  assert.equal([portable.result, portable.result === 'refused' && portable.reason], ['refused', 'unknown-terminal']);
  // The genuine card is still accepted after its tampered copies were refused.
  assert.is((await insert(s, await cardWith(good))).result, 'accepted');
  assert.is(s.acc.counters().accepted, 1);
});

test('an activated but unvoted card, a blank card, a card pulled while being read, and any card before open', async () => {
  const s = await openRig();
  const r = votedRecords(f, seeded(crypto, 'unvoted'));
  assert.equal(await insert(s, await cardWith(r, false)), { result: 'refused', reason: 'not-voted' });
  assert.equal(await insert(s, new SimulatedCard()), { result: 'refused', reason: 'not-voted' });
  const card = await cardWith(r);
  s.reader.insert(card);
  s.reader.pullBeforeNthCommand(3);
  assert.equal(await s.acc.takeCard(), { result: 'refused', reason: 'unreadable' });
  assert.is(card.view().state, 'voted');
  // before open
  const flash = new SimFlash(SMALL_BLOCKS);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, flash, reader, seeded(crypto, 'closed'));
  assert.is(rig.acc.state, 'unconfigured');
  assert.is(rig.display.last.id, 'not-ready');
  assert.equal(await insert({ reader, acc: rig.acc }, await cardWith(r)), { result: 'refused', reason: 'not-open' });
});

test('a card pulled after its vote was stored but before clearing: "reinsert", then recognised, cleared, counted once', async () => {
  const s = await openRig();
  const r = votedRecords(f, seeded(crypto, 'pulled'));
  const card = await cardWith(r);
  s.reader.insert(card);
  // SELECT, READ STATE, READ ACTIVATION, READ VOTE ×2 (> 256 bytes), then CLEAR: pull before CLEAR
  s.reader.pullBeforeNthCommand(5);
  assert.equal(await s.acc.takeCard(), { result: 'reinsert' });
  assert.is(shown(s).id, 'reinsert');
  assert.is(card.view().state, 'voted');
  assert.is(s.acc.counters().accepted, 1);
  assert.equal(await insert(s, card), { result: 'accepted', recovered: true });
  assert.is(card.view().state, 'blank');
  assert.is(s.acc.counters().accepted, 1);
  assert.is(s.acc.counters().recoveredClears, 1);
  assert.ok(events(s).some((e) => e.event === EVENTS.cardClearFailed.id));
  assert.ok(events(s).some((e) => e.event === EVENTS.storedCardCleared.id));
});

test('a power cut between storing and clearing: after the restart the card is recognised, cleared and counted once', async () => {
  const base = new SimFlash(SMALL_BLOCKS);
  const plan = { atOperation: Number.MAX_SAFE_INTEGER, tornBytes: 1 << 20 };
  const ff = new FaultyFlash(base, plan);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, ff, reader, seeded(crypto, 'acc'));
  await configureAndOpen(f, rig);
  const card = await cardWith(votedRecords(f, seeded(crypto, 'cut')));
  // Operations of a card: 1 slot body, 2 slot commit, 3 the vote-recorded log record, ... clear, cleared flag.
  plan.atOperation = ff.operations + 3; // completes, then the power goes: stored, not cleared
  reader.insert(card);
  try {
    await rig.acc.takeCard();
    assert.unreachable('the power cut should stop the device');
  } catch (e) {
    assert.instance(e, PowerCutError);
  }
  assert.is(card.view().state, 'voted');
  reader.remove();
  // Restart on the same chip, with the card inserted again.
  const reader2 = new SimulatedCardReader();
  const again = makeAccumulator(f, base, reader2, seeded(crypto, 'acc-after'));
  assert.is(again.acc.state, 'open');
  assert.is(again.acc.counters().accepted, 1);
  assert.equal(await insert({ reader: reader2, acc: again.acc }, card), { result: 'accepted', recovered: true });
  assert.is(card.view().state, 'blank');
  assert.is(again.acc.counters().accepted, 1);
  assert.is(shown(again).body?.ru, 'Этот голос уже сохранён и учитывается один раз. Карточка очищена.');
  // And once cleared, the same card (or a copy made before) is a duplicate.
  const copy = await cardWith(votedRecords(f, seeded(crypto, 'cut')));
  assert.equal(await insert({ reader: reader2, acc: again.acc }, copy), { result: 'refused', reason: 'duplicate' });
  assert.is(again.acc.counters().accepted, 1);
});

function wire(acc: Rig['acc']) {
  const rpc = acc.serve(new RpcServer(accumulatorRegistry()));
  let seq = 0;
  return (type: string, body: CborValue = {}): CborValue => {
    let answer: Uint8Array | undefined;
    rpc.receive('precinct', encodeRequest({ seq: ++seq, type, body }), (r) => { answer = r; });
    if (!answer) throw new Error(`no synchronous answer to ${type}`);
    const env = decodeResponse(answer);
    if ('err' in env) throw new RpcError(env.err.code, env.err.message);
    return env.ok;
  };
}

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { return (e as RpcError).code; }
  return 'ok';
}

test('states over the wire: unconfigured → loaded → open → closed; wrong-state requests refused, typed and logged', async () => {
  const flash = new SimFlash(SMALL_BLOCKS);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, flash, reader, seeded(crypto, 'wire'));
  const call = wire(rig.acc);
  assert.is((call('identify') as { kind: string }).kind, 'accumulator');
  assert.is((call('status') as { state: string }).state, 'unconfigured');
  for (const [type, body] of [['open', { password: PASSWORD }], ['close', {}], ['results.read', { from: 0, limit: 10 }]] as const) {
    assert.is(code(() => call(type, body)), 'wrong-state', type);
  }
  assert.is((call('accumulator.counters') as { accepted: number }).accepted, 0);
  // load-election in chunks; a chunk out of order; an altered definition
  const el = f.signedElection;
  const half = Math.floor(el.length / 2);
  assert.equal(call('load-election', { total: el.length, offset: 0, chunk: el.subarray(0, half) }), { received: half });
  assert.is(code(() => call('load-election', { total: el.length, offset: half + 1, chunk: el.subarray(half + 1) })), 'out-of-range');
  const bad = el.slice(); bad[bad.length - 70] ^= 1;
  assert.is(code(() => call('load-election', { total: bad.length, offset: 0, chunk: bad })), 'bad-election');
  call('load-election', { total: el.length, offset: 0, chunk: el.subarray(0, half) });
  const done = call('load-election', { total: el.length, offset: half, chunk: el.subarray(half) }) as { electionId: Uint8Array };
  assert.ok(bytesEqual(done.electionId, f.fingerprint));
  assert.is((call('status') as { state: string }).state, 'unconfigured', 'keys still missing');
  call('accumulator.load-keys', { issuers: [f.issuerPublic], terminals: [f.terminalPublic], portableBallots: [], startPasswordCommitment: startPasswordCommitment(crypto, PASSWORD) });
  assert.is((call('status') as { state: string }).state, 'loaded');
  assert.is(code(() => call('open', { password: PASSWORD })), 'wrong-state', 'no self-test yet');
  assert.equal(call('self-test.run'), { run: 1 });
  await settle(rig.clock);
  const rep = call('self-test.report') as { state: string; passed: boolean; checks: { name: string; ok: boolean }[] };
  assert.is(rep.state, 'done');
  assert.ok(rep.passed, JSON.stringify(rep.checks));
  assert.is(code(() => call('open', { password: utf8Encode('wrong') })), 'unauthorized');
  assert.is((call('open', { password: PASSWORD }) as { state: string }).state, 'open');
  assert.is(code(() => call('load-election', { total: el.length, offset: 0, chunk: el })), 'wrong-state');
  assert.is(code(() => call('results.read', { from: 0, limit: 5 })), 'wrong-state', 'no read-out before close');
  assert.is(code(() => call('self-test.run')), 'wrong-state');

  const cast: number[] = [];
  for (let i = 0; i < 20; i++) {
    const option = 1 + (i % 3 === 0 ? 1 : 0);
    cast.push(option);
    const card = await cardWith(votedRecords(f, seeded(crypto, `wire-voter-${i}`), { option }));
    assert.is((await insert({ reader, acc: rig.acc }, card)).result, 'accepted');
  }
  const counters = call('accumulator.counters') as { accepted: number; slotsFree: number };
  assert.is(counters.accepted, 20);
  assert.is(counters.slotsFree, rig.acc.slots.slotCount - 20);
  assert.is((call('close') as { state: string }).state, 'closed');
  assert.is(code(() => call('close')), 'wrong-state');
  assert.is(code(() => call('open', { password: PASSWORD })), 'wrong-state');

  // Read-out, paged; the precinct computer opens every vote with the election key.
  const records: Uint8Array[] = [];
  for (let from = 0; ;) {
    const page = call('results.read', { from, limit: 7 }) as { records: Uint8Array[]; next: number; total: number };
    assert.is(page.total, 20);
    records.push(...page.records);
    if (page.next === from) break;
    from = page.next;
  }
  assert.is(records.length, 20);
  // A full page is cut by bytes, not by the limit, so the answer always fits one frame.
  const big = call('results.read', { from: 0, limit: 64 }) as { records: Uint8Array[]; next: number };
  assert.is(big.records.length, 12);
  assert.is(big.next, 12);
  const opened = records.map((r) => openVote(crypto, f.electionSecret, f.fingerprint, decodeVoteRecord(r)).selections[0].option as number);
  assert.equal([...opened].sort(), [...cast].sort());
  assert.is(code(() => call('results.read', { from: 21, limit: 1 })), 'out-of-range');

  // The event log, read over the wire, verifies, and holds the refusals.
  const page = call('event-log.read', { from: 1, limit: 64 }) as { page: Uint8Array; next: number; total: number };
  const v = verifyEventPage(page.page, crypto);
  assert.ok(v.ok);
  const refusedCommands = v.entries.filter((e) => e.event === EVENTS.commandRefused.id).map((e) => e.detail);
  assert.ok(refusedCommands.includes('results.read') && refusedCommands.includes('open') && refusedCommands.includes('load-election'), refusedCommands.join());
  assert.ok(v.entries.some((e) => e.event === EVENTS.openRefusedBadPassword.id));
  assert.ok(v.entries.some((e) => e.event === EVENTS.electionRefused.id));
});

test('a restart keeps state, votes and counters; the journal never holds a vote or an activation id', async () => {
  const s = await openRig();
  const cast: CardRecords[] = [];
  for (let i = 0; i < 6; i++) {
    const r = votedRecords(f, seeded(crypto, `restart-${i}`));
    cast.push(r);
    await insert(s, await cardWith(r));
  }
  await insert(s, await cardWith(votedRecords(f, seeded(crypto, 'x'), { terminal: f.rogueSecret })));
  const reader = new SimulatedCardReader();
  const again = makeAccumulator(f, s.flash, reader, seeded(crypto, 'restarted'));
  assert.is(again.acc.state, 'open');
  assert.equal(again.acc.counters(), s.acc.counters());
  assert.is(again.display.last.id, 'ready');
  assert.is(again.display.last.accepted, 6);
  // No activation id and no piece of a vote in the journal region (only in the slot region).
  const journalBytes = s.flash.memory.subarray(0, SMALL_LAYOUT.journal.blockCount * 4096);
  const slotBytes = s.flash.memory.subarray(SMALL_LAYOUT.slots.firstBlock * 4096, (SMALL_LAYOUT.slots.firstBlock + SMALL_LAYOUT.slots.blockCount) * 4096);
  for (const r of cast) {
    assert.not.ok(contains(journalBytes, r.activationId), 'activation id in the journal');
    assert.not.ok(contains(journalBytes, r.vote.subarray(40, 72)), 'vote bytes in the journal');
    assert.ok(contains(slotBytes, r.activationId));
  }
});

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

test('over an authenticated session on a link: identify, counters, status; an unknown key is refused and logged', async () => {
  const s = await openRig('link');
  await insert(s, await cardWith(votedRecords(f, seeded(crypto, 'link-voter'))));
  const keys = seeded(crypto, 'link-keys');
  const deviceKey = noiseKeyPair(crypto, keys.randomBytes(32));
  const pcKey = noiseKeyPair(crypto, keys.randomBytes(32));
  const strangerKey = noiseKeyPair(crypto, keys.randomBytes(32));
  const pair = memoryLinkPair();
  serveAccumulator(s.acc, { link: pair.a, clock: s.clock, crypto, entropy: keys, staticKey: deviceKey, enrolledKeys: [pcKey.publicKey] });
  const pc = new SessionClient({ link: pair.b, crypto, entropy: keys, clock: s.clock, staticKey: pcKey, remoteStaticPublicKey: deviceKey.publicKey });
  assert.is((await s.clock.runUntilSettled(pc.call(Identify, {}))).kind, 'accumulator');
  const c = await s.clock.runUntilSettled(pc.call(Counters, {}));
  assert.is(c.accepted, 1);
  assert.is(c.state, 'open');
  assert.is((await s.clock.runUntilSettled(pc.call(Status, {}))).detail?.accepted, 1);
  const pair2 = memoryLinkPair();
  serveAccumulator(s.acc, { link: pair2.a, clock: s.clock, crypto, entropy: keys, staticKey: deviceKey, enrolledKeys: [pcKey.publicKey] });
  const stranger = new SessionClient({ link: pair2.b, crypto, entropy: keys, clock: s.clock, staticKey: strangerKey, remoteStaticPublicKey: deviceKey.publicKey, maxAttempts: 1 });
  let refused = '';
  try { await s.clock.runUntilSettled(stranger.call(Counters, {})); } catch (e) { refused = (e as { code: string }).code; }
  assert.is(refused, 'unknown-key');
  assert.ok(events(s).some((e) => e.event === EVENTS.sessionRefused.id && e.detail === 'unknown-key'));
});

test('while open, keys may only be added (a replacement terminal): its votes are then taken; other changes refused', async () => {
  const s = await openRig('rekey');
  const call = wire(s.acc);
  const check = startPasswordCommitment(crypto, PASSWORD);
  const newTerminal = seeded(crypto, 'new-terminal').randomBytes(32);
  const newPublic = crypto.ed25519PublicKey(newTerminal);
  const fromNew = votedRecords(f, seeded(crypto, 'rekey-voter'), { terminal: newTerminal });
  assert.equal(await insert(s, await cardWith(fromNew)), { result: 'refused', reason: 'unknown-terminal' });
  // dropping a terminal, changing the issuer or the password check: refused
  for (const body of [
    { issuers: [f.issuerPublic], terminals: [newPublic], portableBallots: [f.portablePublic], startPasswordCommitment: check },
    { issuers: [f.terminalPublic], terminals: [f.terminalPublic, newPublic], portableBallots: [f.portablePublic], startPasswordCommitment: check },
    { issuers: [f.issuerPublic], terminals: [f.terminalPublic, newPublic], portableBallots: [f.portablePublic], startPasswordCommitment: new Uint8Array(32) },
  ]) assert.is(code(() => call('accumulator.load-keys', body)), 'wrong-state');
  call('accumulator.load-keys', { issuers: [f.issuerPublic], terminals: [f.terminalPublic, newPublic], portableBallots: [f.portablePublic], startPasswordCommitment: check });
  assert.equal(await insert(s, await cardWith(fromNew)), { result: 'accepted', recovered: false });
  assert.is((await insert(s, await cardWith(votedRecords(f, seeded(crypto, 'old-terminal-voter'))))).result, 'accepted');
  call('close');
  assert.is(code(() => call('accumulator.load-keys', { issuers: [f.issuerPublic], terminals: [f.terminalPublic, newPublic], portableBallots: [], startPasswordCommitment: check })), 'wrong-state');
});

test('a full event-log journal does not stop voting: votes go on into their own region, the status says so', async () => {
  const layout = { journal: { firstBlock: 0, blockCount: 1 }, slots: { firstBlock: 1, blockCount: 8 }, scratchBlock: 9 };
  const flash = new SimFlash(10);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, flash, reader, seeded(crypto, 'full-log'), layout);
  await configureAndOpen(f, rig);
  const call = wire(rig.acc);
  let n = 0;
  while (!(call('status') as { detail: { logFull: boolean } }).detail.logFull) {
    assert.equal(await insert({ reader, acc: rig.acc }, await cardWith(votedRecords(f, seeded(crypto, `full-${n}`)))), { result: 'accepted', recovered: false });
    n++;
    assert.ok(n < 90, 'the one-block journal should have filled');
  }
  for (let k = 0; k < 3; k++) assert.is((await insert({ reader, acc: rig.acc }, await cardWith(votedRecords(f, seeded(crypto, `after-full-${k}`))))).result, 'accepted');
  assert.is(rig.acc.counters().accepted, n + 3);
  // the journal kept room to close, and the votes read out
  assert.is((call('close') as { state: string }).state, 'closed');
  assert.is((call('results.read', { from: 0, limit: 64 }) as { total: number }).total, n + 3);
  const again = makeAccumulator(f, flash, new SimulatedCardReader(), seeded(crypto, 'full-log-2'), layout);
  assert.is(again.acc.state, 'closed');
});

test.run();
