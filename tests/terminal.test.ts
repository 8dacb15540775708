// The voting terminal as a device: whole ballots of the three sample elections in both
// languages through a simulated card (the vote decrypts to the choices and the code), every
// refusal with its screen and event, the start password, the wire over a memory link with a
// SessionClient, a power cut between the code draw and the card write, a reboot, and a scan
// of the flash for anything that would tie a vote to a voter or a time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash } from '../runtime/flash/faults';
import { PowerCutError } from '../runtime/flash/errors';
import { VirtualClock } from '../runtime/virtual-clock';
import { verifyEventPage } from '../runtime/event-log';
import { EVENTS } from '../runtime/events';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { decodeVoteRecord, openVote, type Selection } from '../protocol/card/records';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { SessionClient } from '../protocol/session';
import { Close, EventLogRead, Identify, LoadElection, Open, SelfTestReport, SelfTestRun, SetTime, Status } from '../protocol/wire/messages';
import { memoryLinkPair } from '../hosts/node/memory-link';
import { codesToBitmap, fromFlashImage, bitmapToCodes } from '../terminal/ballot/codes';
import { renderText } from '../terminal/screens/text';
import { Counters, Provision } from '../terminal/messages';
import type { Terminal } from '../terminal/device';
import type { FlashPort } from '../runtime/ports';
import {
  RecordingDisplay, TERMINAL_BLOCKS, TERMINAL_LAYOUT, activationFor, castBallot, configureAndOpen, flush, makeTerminal, precinctKeys, seeded,
} from './terminal-helpers';
import { AUTHORITY_PUBLIC, SAMPLE_NAMES, cardWith, sample, visit } from './terminal-node';

const keys = precinctKeys(crypto);
const CODES = Array.from({ length: 200 }, (_, i) => i * 37 % 10_000);

interface Booth { t: Terminal; reader: SimulatedCardReader; clock: VirtualClock; flash: SimFlash; display: RecordingDisplay }

async function openBooth(name = 'presidential', label = 'booth', flash = new SimFlash(TERMINAL_BLOCKS)): Promise<Booth> {
  const s = sample(name);
  const reader = new SimulatedCardReader();
  const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 2) });
  const display = new RecordingDisplay();
  const t = makeTerminal({ flash, reader, entropy: seeded(crypto, label), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock, display });
  await configureAndOpen(t, s.signed, keys, CODES, clock);
  return { t, reader, clock, flash, display };
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try { await p; } catch (e) { assert.match(String((e as Error).message ?? e) + ' ' + String((e as { code?: string }).code ?? ''), re); return; }
  assert.unreachable('expected a refusal');
}

/** A flash whose power cut can be armed at any moment (FaultyFlash takes its plan up front). */
class ArmableFlash implements FlashPort {
  target: FlashPort;
  constructor(readonly base: FlashPort) { this.target = base; }
  get blockSize(): number { return this.base.blockSize; }
  get blockCount(): number { return this.base.blockCount; }
  read(o: number, n: number): Uint8Array { return this.target.read(o, n); }
  program(o: number, d: Uint8Array): void { this.target.program(o, d); }
  erase(b: number): void { this.target.erase(b); }
  /** The next program/erase is torn after `tornBytes` bytes, and the chip is dead after it. */
  arm(tornBytes: number, partialByte: boolean): void { this.target = new FaultyFlash(this.base, { atOperation: 1, tornBytes, partialByte, seed: tornBytes + 7 }); }
}

function events(t: Terminal): number[] { return [...t.log.entries()].map((e) => e.event); }

function sortSel(s: readonly Selection[]): string { return JSON.stringify([...s].map((x) => [String(x.contest), x.option === null ? null : String(x.option)]).sort()); }

for (const name of SAMPLE_NAMES) {
  for (const lang of ['kk', 'ru'] as const) {
    test(`${name} in ${lang}: a whole ballot; the card's vote decrypts to the choices and the shown code`, async () => {
      const b = await openBooth(name, `${name}-${lang}`);
      const s = sample(name);
      const rnd = seeded(crypto, `choice-${name}-${lang}`);
      // the last option of each contest (to exercise paging), the first of the next voter's
      const options = s.view.contests.map((c) => c.options[rnd.randomBytes(1)[0] % c.options.length].id);
      const card = await cardWith(activationFor(keys, seeded(crypto, `act-${name}`), s.fingerprint, s.definition.precinct));
      const v = await visit(b.t, b.reader, card, lang, options);
      assert.ok(v.accepted, `accepted: ${v.screenIds.join(' ')}`);
      assert.equal(v.screenIds.slice(1), ['thanks', 'code']);
      assert.ok(v.code && /^\d{4}$/.test(v.code));
      assert.is(card.view().state, 'voted');
      const content = openVote(crypto, keys.electionSecret, s.fingerprint, decodeVoteRecord(card.view().vote));
      assert.is(content.verificationCode, Number(v.code));
      assert.is(sortSel(content.selections), sortSel(s.view.contests.map((c, i) => ({ contest: c.id, option: options[i] }))));
      assert.ok(CODES.includes(content.verificationCode));
      assert.is(b.t.counters().votes, 1);
      // the thank-you screen was in the chosen language, the code screen too
      assert.is(b.display.last!.id === 'waiting' || b.display.last!.id === 'out-of-service' || b.display.last!.lang !== 'both', true);
      const ev = events(b.t);
      assert.ok(ev.includes(EVENTS.cardAccepted.id) && ev.includes(EVENTS.voteRecorded.id) && ev.includes(EVENTS.verificationCodeShown.id));
    });
  }
}

test('the same card cannot vote twice; each refusal has its screen, its event and its counter', async () => {
  const b = await openBooth();
  const s = sample('presidential');
  const act = (over: Partial<{ fp: Uint8Array; precinct: number; issuer: Uint8Array }> = {}) =>
    activationFor(keys, seeded(crypto, `r-${Math.random()}`), over.fp ?? s.fingerprint, over.precinct ?? s.definition.precinct, over.issuer ?? keys.issuerSecret);
  const voted = await cardWith(act());
  const first = await visit(b.t, b.reader, voted, 'kk', [s.view.contests[0].options[0].id]);
  assert.ok(first.accepted);
  const cases: [string, Promise<import('../smartcard-sim/card').SimulatedCard>, number][] = [
    ['already-voted', Promise.resolve(voted), EVENTS.duplicateCard.id],
    ['not-activated', cardWith(null), EVENTS.cardRefusedNotActivated.id],
    ['wrong-election', cardWith(act({ fp: sample('mazhilis').fingerprint })), EVENTS.cardRefusedWrongElection.id],
    ['wrong-precinct', cardWith(act({ precinct: s.definition.precinct + 1 })), EVENTS.cardRefusedWrongElection.id],
    ['bad-signature', cardWith(act({ issuer: seeded(crypto, 'rogue').randomBytes(32) })), EVENTS.cardRefusedBadSignature.id],
    ['unreadable', cardWith(Uint8Array.of(0x82, 0x01, 0x02)), EVENTS.cardRefusedUnreadable.id], // not an activation record
  ];
  for (const [reason, cardP, eventId] of cases) {
    const card = await cardP;
    const before = events(b.t).length;
    b.reader.insert(card);
    await b.t.idle(); await flush();
    assert.is(b.t.ballotState?.phase, 'refused', reason);
    assert.is(b.t.ballotState?.refusal, reason);
    assert.is(b.t.currentScreen.id, 'refused');
    const text = renderText(b.t.currentScreen).lines.join('\n');
    assert.ok(text.length > 40);
    const fresh = [...b.t.log.entries()].slice(before);
    assert.ok(fresh.some((e) => e.event === eventId && e.disposition === 'failure' && e.detail === reason), `${reason} logged`);
    b.reader.remove();
    await flush();
  }
  assert.is(voted.view().state, 'voted');
  const c = b.t.counters();
  assert.is(c.votes, 1);
  assert.equal(c.refusedByReason, { 'already-voted': 1, 'not-activated': 1, 'wrong-election': 1, 'wrong-precinct': 1, 'bad-signature': 1, unreadable: 1 });
  // closed: refused as closed; nothing cast
  b.t.close();
  const late = await cardWith(act());
  b.reader.insert(late);
  await b.t.idle(); await flush();
  assert.is(b.t.ballotState?.refusal, 'terminal-closed');
  b.reader.remove(); await flush();
  assert.is(b.t.currentScreen.id, 'out-of-service');
  assert.is(late.view().state, 'activated');
  assert.ok(events(b.t).includes(EVENTS.cardRefusedClosed.id));
});

test('not open: a card is refused as "voting has not started"; a wrong start password is refused and logged', async () => {
  const s = sample('mazhilis');
  const reader = new SimulatedCardReader();
  const clock = new VirtualClock();
  const t = makeTerminal({ flash: new SimFlash(TERMINAL_BLOCKS), reader, entropy: seeded(crypto, 'np'), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock });
  assert.is(t.state, 'unconfigured');
  assert.is(t.currentScreen.id, 'out-of-service');
  reader.insert(await cardWith(null));
  await t.idle(); await flush();
  assert.is(t.currentScreen.id, 'out-of-service');
  assert.ok([...t.log.entries()].some((e) => e.event === EVENTS.cardRefusedClosed.id && e.detail === 'terminal-not-open'));
  reader.remove();
  t.loadElection(s.signed.length, 0, s.signed);
  t.provision({ issuers: [keys.issuerPublic], electionPublicKey: keys.electionPublic, codes: codesToBitmap(CODES), startPasswordCommitment: keys.commitment });
  const card = await cardWith(activationFor(keys, seeded(crypto, 'np-a'), s.fingerprint, s.definition.precinct));
  reader.insert(card);
  await t.idle(); await flush();
  assert.is(t.ballotState?.refusal, 'terminal-not-open');
  assert.ok([...t.log.entries()].some((e) => e.event === EVENTS.cardRefusedClosed.id && e.detail === 'terminal-not-open'));
  reader.remove(); await flush();
  assert.is(card.view().state, 'activated');
  assert.throws(() => t.open(keys.verifier), /self-test/); // no self-test yet
  t.startSelfTest();
  await clock.runUntilSettled(t.selfTestFinished());
  const wrong = keys.verifier.slice(); wrong[0] ^= 1;
  assert.throws(() => t.open(wrong), /wrong start password/);
  assert.throws(() => t.open(new Uint8Array(5)), /wrong start password/);
  assert.is(t.state, 'loaded');
  const bad = [...t.log.entries()].filter((e) => e.event === EVENTS.openRefusedBadPassword.id);
  assert.is(bad.length, 2);
  assert.is(bad[1].detail, 'attempt 2');
  t.open(keys.verifier);
  assert.is(t.state, 'open');
  assert.ok(events(t).includes(EVENTS.opened.id));
  // an election signed by an unknown key is refused and logged
  const forged = s.signed.slice(); forged[forged.length - 5] ^= 1;
  t.close();
  assert.throws(() => t.loadElection(forged.length, 0, forged), /bad|signature|verify/i);
  assert.ok(events(t).includes(EVENTS.electionRefused.id));
});

test('wire: every message over a memory link with a SessionClient (Noise KK), device keys made at first boot', async () => {
  const s = sample('maslikhat');
  const reader = new SimulatedCardReader();
  const clock = new VirtualClock();
  const flash = new SimFlash(TERMINAL_BLOCKS);
  const t = makeTerminal({ flash, reader, entropy: seeded(crypto, 'wire'), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock });
  const pcKey = noiseKeyPair(crypto, seeded(crypto, 'pc').randomBytes(32));
  const pair = memoryLinkPair();
  t.attachLink(pair.a, [pcKey.publicKey]);
  const pc = new SessionClient({ link: pair.b, crypto, entropy: seeded(crypto, 'pc-e'), clock, staticKey: pcKey, remoteStaticPublicKey: t.noiseKey.publicKey });
  const call = <Req, Res>(def: import('../protocol/wire/messages').MessageDef<Req, Res>, body: Req) => clock.runUntilSettled(pc.call(def, body));

  const id = await call(Identify, {});
  assert.is(id.kind, 'terminal');
  assert.equal(id.publicKey, t.noiseKey.publicKey);
  assert.equal(id.signingKey, t.signingPublicKey);
  assert.is((await call(Status, {})).state, 'unconfigured');
  await call(SetTime, { wallClockMs: Date.UTC(2025, 2, 1, 1, 30) });
  // load in chunks
  let r;
  for (let at = 0; at < s.signed.length; at += 1000) r = await call(LoadElection, { total: s.signed.length, offset: at, chunk: s.signed.slice(at, at + 1000) });
  assert.equal(r!.electionId, s.fingerprint);
  await rejects(call(Open, { password: keys.verifier }), /not provisioned|wrong-state/);
  const p = await call(Provision, { issuers: [keys.issuerPublic], electionPublicKey: keys.electionPublic, codes: codesToBitmap(CODES), startPasswordCommitment: keys.commitment });
  assert.is(p.codes, CODES.length);
  const run = await call(SelfTestRun, {});
  await clock.runUntilSettled(t.selfTestFinished());
  const rep = await call(SelfTestReport, {});
  assert.is(rep.run, run.run);
  assert.is(rep.passed, true, JSON.stringify(rep.checks));
  await rejects(call(Open, { password: new Uint8Array(32) }), /unauthorized|wrong start password/);
  const o = await call(Open, { password: keys.verifier });
  assert.is(o.state, 'open');
  const card = await cardWith(activationFor(keys, seeded(crypto, 'wire-a'), s.fingerprint, s.definition.precinct));
  const v = await visit(t, reader, card, 'ru', s.view.contests.map((c) => c.options[0].id));
  assert.ok(v.accepted);
  const c = await call(Counters, {});
  assert.is(c.votes, 1);
  assert.is(c.codesRemaining, CODES.length - 1);
  const st = await call(Status, {});
  assert.is(st.state, 'open');
  assert.is((st.detail as { votes: number }).votes, 1);
  // the event log, page by page, verifies with the device's signing key
  let from = 1;
  let prevHash: Uint8Array | undefined;
  let n = 0;
  for (;;) {
    const page = await call(EventLogRead, { from, limit: 8 });
    const verdict = verifyEventPage(page.page, crypto, { prevHash, fromSeq: from, publicKey: t.signingPublicKey });
    assert.ok(verdict.ok, JSON.stringify(verdict));
    if (!verdict.ok || verdict.entries.length === 0) break;
    n += verdict.entries.length;
    from = verdict.lastSeq + 1;
    prevHash = verdict.lastHash;
    if (from > page.total) break;
  }
  assert.ok(n > 5);
  const cl = await call(Close, {});
  assert.is(cl.state, 'closed');
  // a rebooted device keeps its keys, election, phase and counters
  const t2 = makeTerminal({ flash, reader, entropy: seeded(crypto, 'wire-2'), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock });
  assert.equal(t2.noiseKey.publicKey, t.noiseKey.publicKey);
  assert.is(t2.state, 'closed');
  assert.is(t2.counters().votes, 1);
  assert.is(t2.codesRemaining, CODES.length - 1);
});

test('power cut between the code draw and the card write: after reboot the code is never drawn again', async () => {
  const s = sample('presidential');
  const sim = new SimFlash(TERMINAL_BLOCKS);
  // open on a healthy flash, then find the flash operation that marks the code used
  const b = await openBooth('presidential', 'pc', sim);
  assert.is(bitmapToCodes(fromFlashImage(sim.read(TERMINAL_LAYOUT.codesBlock * 4096 + 32, 1250))).length, 0);
  void b;
  const drawnAcrossCuts: number[] = [];
  for (let round = 0; round < 6; round++) {
    const faulty = new ArmableFlash(sim);
    const reader = new SimulatedCardReader();
    const clock = new VirtualClock();
    const t = makeTerminal({ flash: faulty, reader, entropy: seeded(crypto, `pc-${round}`), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock });
    assert.is(t.state, 'open');
    const remaining = t.codesRemaining;
    const card = await cardWith(activationFor(keys, seeded(crypto, `pc-a-${round}`), s.fingerprint, s.definition.precinct));
    reader.insert(card);
    await t.idle(); await flush();
    t.touch('lang:kk');
    t.touch('opt:1'); t.touch('confirm'); t.touch('proceed');
    // the next flash operation is the code's bit: cut the power there
    faulty.arm(round % 2, round >= 4);
    t.touch('cast');
    await t.idle(); await flush();
    assert.ok(t.faults.some((e) => e instanceof PowerCutError), 'the device died at the cut');
    assert.is(card.view().state, 'activated'); // nothing reached the card
    // reboot: the code is used (or the program never happened, and then it was never shown)
    const usedBefore = drawnAcrossCuts.length;
    const t2 = makeTerminal({ flash: sim, reader: new SimulatedCardReader(), entropy: seeded(crypto, `pc-r-${round}`), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock: new VirtualClock() });
    const used = bitmapToCodes(fromFlashImage(sim.read(TERMINAL_LAYOUT.codesBlock * 4096 + 32, 1250)));
    drawnAcrossCuts.splice(0, drawnAcrossCuts.length, ...used);
    // the cut hit the program that marks the drawn code: completed (1 byte) → marked; torn at 0 → not drawn at all
    if (round % 2 === 1 && round < 4) assert.is(used.length, usedBefore + 1, 'the drawn code is on flash before anything else happens');
    if (round % 2 === 0 && round < 4) assert.is(used.length, usedBefore);
    assert.is(t2.codesRemaining, remaining - (used.length - usedBefore));
  }
  // a voter after the cuts gets a code that none of the cut sessions held
  const reader = new SimulatedCardReader();
  const t3 = makeTerminal({ flash: sim, reader, entropy: seeded(crypto, 'pc-final'), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock: new VirtualClock() });
  const usedNow = new Set(bitmapToCodes(fromFlashImage(sim.read(TERMINAL_LAYOUT.codesBlock * 4096 + 32, 1250))));
  const card = await cardWith(activationFor(keys, seeded(crypto, 'pc-final-a'), s.fingerprint, s.definition.precinct));
  assert.ok(usedNow.size >= 2);
  // every code left is handed out once, none of those marked at the cuts
  const shown = new Set<number>();
  for (let i = 0; t3.codesRemaining > 0; i++) {
    const c = i === 0 ? card : await cardWith(activationFor(keys, seeded(crypto, `pc-rest-${i}`), s.fingerprint, s.definition.precinct));
    const v = await visit(t3, reader, c, 'ru', [1]);
    assert.ok(v.accepted && v.code);
    assert.not.ok(usedNow.has(Number(v.code)), 'a code marked used before a cut is never handed out');
    assert.not.ok(shown.has(Number(v.code)));
    shown.add(Number(v.code));
  }
  assert.is(shown.size + usedNow.size, CODES.length);
});

test('the flash holds no vote, no verification code, no activation id; the used codes are a bitmap', async () => {
  const b = await openBooth('maslikhat', 'scan');
  const s = sample('maslikhat');
  const secrets: Uint8Array[] = [];
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) {
    const act = activationFor(keys, seeded(crypto, `scan-${i}`), s.fingerprint, s.definition.precinct);
    const card = await cardWith(act);
    const v = await visit(b.t, b.reader, card, i % 2 ? 'kk' : 'ru', s.view.contests.map((c) => c.options[i % c.options.length].id));
    assert.ok(v.accepted);
    codes.push(Number(v.code));
    const vote = decodeVoteRecord(card.view().vote);
    secrets.push(card.view().activation.slice(38, 54)); // activation id (16 bytes, after version, fingerprint, precinct, ballot style)
    secrets.push(act, card.view().vote, vote.ciphertext.slice(0, 16), vote.enc, vote.activationHash, vote.signature);
  }
  const image = b.flash.read(0, TERMINAL_BLOCKS * 4096);
  const contains = (needle: Uint8Array) => {
    outer: for (let i = 0; i + needle.length <= image.length; i++) {
      for (let k = 0; k < needle.length; k++) if (image[i + k] !== needle[k]) continue outer;
      return true;
    }
    return false;
  };
  for (const x of secrets) assert.not.ok(contains(x), 'a vote record, activation or its id is on the terminal flash');
  // codes: never in the event log as text or as a number
  for (const e of b.t.log.entries()) for (const c of codes) assert.not.ok(e.detail.includes(String(c).padStart(4, '0')));
  // the used-code block is exactly the bitmap of the codes shown
  const used = bitmapToCodes(fromFlashImage(b.flash.read(TERMINAL_LAYOUT.codesBlock * 4096 + 32, 1250)));
  assert.equal(used, [...codes].sort((x, y) => x - y));
  // the journal's own records: only the device's tags, and no record is per-voter besides counters and events
  const tags = new Map<number, number>();
  for (const r of b.t.journal.records()) tags.set(r.tag, (tags.get(r.tag) ?? 0) + 1);
  assert.equal([...tags.keys()].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 240]);
});

test('inactivity reset and a pull during the write are logged; the card then holds no vote or exactly one', async () => {
  const b = await openBooth('mazhilis', 'inact');
  const s = sample('mazhilis');
  const card = await cardWith(activationFor(keys, seeded(crypto, 'inact-a'), s.fingerprint, s.definition.precinct));
  b.reader.insert(card);
  await b.t.idle(); await flush();
  b.t.touch('lang:ru');
  b.clock.advance(120_000 + 30_000 + 10);
  assert.is(b.t.ballotState?.phase, 'take-card');
  assert.ok(events(b.t).includes(EVENTS.sessionResetInactivity.id));
  b.reader.remove(); await flush();
  // pull mid-write: the reader pulls the card before the second APDU of the write
  b.reader.insert(card);
  await b.t.idle(); await flush();
  castBallot(b.t, 'kk', [s.view.contests[0].options[1].id]);
  // cast already sent the first command synchronously? the write is promise-based: pull now
  b.reader.remove();
  await b.t.idle(); await flush();
  assert.is(b.t.ballotState?.phase, 'waiting');
  assert.is(b.t.ballotState?.notice, 'write-unconfirmed');
  assert.ok(events(b.t).includes(EVENTS.voteWriteUnconfirmed.id));
  assert.ok(card.view().state === 'activated' || card.view().state === 'voted');
});

test.run();
