// The whole terminal under random use: touches (declared and forged), buttons "1"/"2", cards
// inserted and pulled at random points (including mid-write, through the card simulator's
// EEPROM tearing and pulls between APDUs), time-outs, and link requests. After every step:
// no card ever holds a vote the voter did not cast on the final screen; a card holds at most
// one vote; every code shown is the one sealed in the card in the reader; codes are never
// repeated; at the end the terminal is back to waiting. Then: 3,000 voters over 4 terminals
// and the portable ballot's share, with code sets partitioned as the precinct computer does,
// never repeat a code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { SimFlash } from '../runtime/flash/sim';
import { VirtualClock } from '../runtime/virtual-clock';
import { EVENTS } from '../runtime/events';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { decodeVoteRecord, openVote, verifyVote } from '../protocol/card/records';
import { partitionCodeSets, codesOf, hasCode } from '../precinct/code-sets';
import { CodePool } from '../terminal/ballot/codes';
import type { Terminal } from '../terminal/device';
import { Counters } from '../terminal/messages';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { SessionClient } from '../protocol/session';
import { EventLogRead, LoadElection, SelfTestRun, SetTime, Status } from '../protocol/wire/messages';
import { memoryLinkPair } from '../hosts/node/memory-link';
import {
  TERMINAL_BLOCKS, activationFor, configureAndOpen, flush, makeTerminal, precinctKeys, seeded, shownCode,
} from './terminal-helpers';
import { AUTHORITY_PUBLIC, cardWith, sample, visit } from './terminal-node';

const keys = precinctKeys(crypto, 'prop');
const S = sample('maslikhat'); // two contests, paged options: the richest of the samples

type Action =
  | { k: 'insert-new' } | { k: 'insert-old'; i: number } | { k: 'insert-blank' }
  | { k: 'remove' } | { k: 'swap'; blank: boolean }
  | { k: 'touch'; i: number } | { k: 'forged'; id: string } | { k: 'forward'; i: number }
  | { k: 'button'; name: string }
  | { k: 'time'; ms: number } | { k: 'next-timer' }
  | { k: 'tear'; after: number } | { k: 'pull-before'; n: number }
  | { k: 'link'; what: 'status' | 'counters' | 'events' | 'time' | 'self-test' | 'load' }
  | { k: 'settle' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Action>({ k: 'insert-new' }) },
  { weight: 1, arbitrary: fc.nat(20).map((i): Action => ({ k: 'insert-old', i })) },
  { weight: 1, arbitrary: fc.constant<Action>({ k: 'insert-blank' }) },
  { weight: 2, arbitrary: fc.constant<Action>({ k: 'remove' }) },
  // a card pulled and another pushed in at once, while the terminal may still be reading the first
  { weight: 2, arbitrary: fc.boolean().map((blank): Action => ({ k: 'swap', blank })) },
  { weight: 8, arbitrary: fc.nat(12).map((i): Action => ({ k: 'touch', i })) },
  // a voter who means to vote: the step forward on each screen
  { weight: 30, arbitrary: fc.nat(12).map((i): Action => ({ k: 'forward', i })) },
  { weight: 1, arbitrary: fc.constantFrom('cast', 'confirm', 'proceed', 'opt:999', 'lang:en', 'code:1').map((id): Action => ({ k: 'forged', id })) },
  { weight: 3, arbitrary: fc.constantFrom('1', '2', '3').map((name): Action => ({ k: 'button', name })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((ms): Action => ({ k: 'time', ms })) },
  { weight: 1, arbitrary: fc.constant<Action>({ k: 'next-timer' }) },
  { weight: 1, arbitrary: fc.nat(400).map((after): Action => ({ k: 'tear', after })) },
  { weight: 1, arbitrary: fc.nat(6).map((n): Action => ({ k: 'pull-before', n })) },
  { weight: 1, arbitrary: fc.constantFrom('status', 'counters', 'events', 'time', 'self-test', 'load').map((what): Action => ({ k: 'link', what } as Action)) },
  { weight: 2, arbitrary: fc.constant<Action>({ k: 'settle' }) },
);

interface World {
  t: Terminal; reader: SimulatedCardReader; clock: VirtualClock;
  /** The precinct computer's end of a memory link (Noise KK session): link requests go through it. */
  pc: SessionClient;
  cards: SimulatedCard[];
  /** Cards on which "cast" was touched on the final screen while they were in the reader. */
  castOn: Set<SimulatedCard>;
  codes: Map<number, SimulatedCard>;
  cardSeq: number;
}

async function world(seed: number): Promise<World> {
  const reader = new SimulatedCardReader();
  const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 2) });
  const t = makeTerminal({ flash: new SimFlash(TERMINAL_BLOCKS), reader, entropy: seeded(crypto, `prop-${seed}`), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock });
  const codes = Array.from({ length: 400 }, (_, i) => (i * 23 + seed) % 10_000);
  await configureAndOpen(t, S.signed, keys, [...new Set(codes)], clock);
  const pcKey = noiseKeyPair(crypto, seeded(crypto, `pc-${seed}`).randomBytes(32));
  const pair = memoryLinkPair();
  t.attachLink(pair.a, [pcKey.publicKey]);
  const pc = new SessionClient({ link: pair.b, crypto, entropy: seeded(crypto, `pc-e-${seed}`), clock, staticKey: pcKey, remoteStaticPublicKey: t.noiseKey.publicKey });
  return { t, reader, clock, pc, cards: [], castOn: new Set(), codes: new Map(), cardSeq: 0 };
}

async function apply(w: World, a: Action, seed: number): Promise<void> {
  const { t, reader } = w;
  switch (a.k) {
    case 'insert-new': if (!reader.inserted) {
      const c = await cardWith(activationFor(keys, seeded(crypto, `card-${seed}-${w.cardSeq++}`), S.fingerprint, S.definition.precinct));
      w.cards.push(c); reader.insert(c);
      if (seed % 3 !== 0) { await t.idle(); await flush(); } // mostly let the check finish; sometimes act during it
    } break;
    case 'insert-old': if (!reader.inserted && w.cards.length > 0) reader.insert(w.cards[a.i % w.cards.length]); break;
    case 'insert-blank': if (!reader.inserted) reader.insert(new SimulatedCard()); break;
    case 'remove': reader.remove(); break;
    case 'swap': {
      const next = a.blank ? new SimulatedCard() : await cardWith(activationFor(keys, seeded(crypto, `card-${seed}-${w.cardSeq++}`), S.fingerprint, S.definition.precinct));
      if (!a.blank) w.cards.push(next);
      const prev = reader.remove();
      if (!prev) { reader.insert(next); break; }
      // put the first back and start its check, then swap within the same turn
      reader.insert(prev);
      reader.remove();
      reader.insert(next);
      break;
    }
    case 'touch': {
      const bs = t.currentScreen.buttons;
      if (bs.length === 0) break;
      const id = bs[a.i % bs.length].id;
      if (id === 'cast' && t.ballotState?.phase === 'final' && !t.ballotState.alert && reader.inserted) w.castOn.add(reader.inserted);
      t.touch(id);
      break;
    }
    case 'forward': {
      const bs = t.currentScreen.buttons.map((b) => b.id);
      const id = ['alert:continue', 'cast', 'proceed', 'confirm'].find((x) => bs.includes(x))
        ?? (() => { const opts = bs.filter((x) => x.startsWith('opt:') || x.startsWith('lang:')); return opts.length ? opts[a.i % opts.length] : undefined; })();
      if (!id) break;
      if (id === 'cast' && t.ballotState?.phase === 'final' && !t.ballotState.alert && reader.inserted) w.castOn.add(reader.inserted);
      t.touch(id);
      break;
    }
    case 'forged':
      if (a.id === 'cast' && t.currentScreen.buttons.some((b) => b.id === 'cast') && reader.inserted) w.castOn.add(reader.inserted);
      t.touch(a.id); break;
    case 'button': t.press(a.name); break;
    case 'time': w.clock.advance(a.ms); break;
    case 'next-timer': { const d = w.clock.nextDue(); if (d !== undefined) w.clock.advance(d - w.clock.monotonicMs()); break; }
    case 'tear': if (reader.inserted) reader.inserted.eeprom.tearAfter(a.after); break;
    case 'pull-before': reader.pullBeforeNthCommand(a.n); break;
    case 'link': {
      // Over the wire; drained without moving time (a memory link answers in microtasks).
      const call = (): Promise<unknown> => {
        switch (a.what) {
          case 'status': return w.pc.call(Status, {});
          case 'counters': return w.pc.call(Counters, {});
          case 'events': return w.pc.call(EventLogRead, { from: 1, limit: 8 });
          case 'time': return w.pc.call(SetTime, { wallClockMs: Date.UTC(2025, 2, 1, 3) });
          case 'self-test': return w.pc.call(SelfTestRun, {});
          case 'load': return w.pc.call(LoadElection, { total: S.signed.length, offset: 0, chunk: S.signed.slice(0, 1000) });
        }
      };
      let settledCall = false;
      call().then(() => { settledCall = true; }, () => { settledCall = true; }); // refusals while open are answers too
      for (let i = 0; i < 40 && !settledCall; i++) await flush(50);
      assert.ok(settledCall, `link request ${a.what} got no answer`);
      break;
    }
    case 'settle': await t.idle(); await flush(); break;
  }
}

/** What the card holds as its next power-on will see it (a torn transaction recovered), on a copy. */
function settled(c: SimulatedCard): ReturnType<SimulatedCard['view']> {
  const copy = new SimulatedCard(c.eeprom.bytes);
  copy.powerOn();
  return copy.view();
}

function check(w: World): void {
  const { t, reader } = w;
  assert.equal(t.faults, []);
  for (const c of w.cards) {
    const v = settled(c);
    if (v.state === 'voted') {
      assert.ok(w.castOn.has(c), 'a card holds a vote that was never cast on the final screen');
      // bound to this card's own activation, signed by this terminal
      verifyVote(crypto, v.vote, v.activation, { terminals: [w.t.signingPublicKey] });
      const content = openVote(crypto, keys.electionSecret, S.fingerprint, decodeVoteRecord(v.vote));
      const owner = w.codes.get(content.verificationCode);
      assert.ok(owner === undefined || owner === c, 'a code sealed into two cards');
      w.codes.set(content.verificationCode, c);
    }
  }
  const s = t.ballotState!;
  if (['language', 'contest', 'confirm', 'review', 'final'].includes(s.phase)) {
    // only an activated card of this election is ever let in to vote
    assert.ok(reader.inserted && w.cards.includes(reader.inserted) && settled(reader.inserted).state === 'activated', `voting (${s.phase}) with a card that is not an activated one`);
  }
  if (s.phase === 'code') {
    const code = shownCode(t.currentScreen);
    const card = reader.inserted;
    assert.ok(card && settled(card).state === 'voted', 'a code is shown with no voted card in the reader');
    const content = openVote(crypto, keys.electionSecret, S.fingerprint, decodeVoteRecord(settled(card).vote));
    assert.is(code, String(content.verificationCode).padStart(4, '0'));
  }
  if (s.phase === 'thanks' || s.phase === 'code') assert.ok(reader.inserted && settled(reader.inserted).state === 'voted', 'thank you without a vote on the card');
}

test('random sessions on the whole device: no vote without "cast", one per card, shown code = sealed code, back to waiting', async () => {
  let runs = 0;
  let votes = 0;
  let interrupted = 0;
  await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 20, maxLength: 120 }), fc.nat(1_000_000), async (actions, seed) => {
    runs++;
    const w = await world(seed);
    for (const a of actions) {
      await apply(w, a, seed);
      await flush(a.k === 'touch' || a.k === 'forward' || a.k === 'forged' ? 100 : 8);
      check(w);
    }
    // The end: the voter leaves, time passes: waiting, nothing pending for the card.
    await w.t.idle(); await flush();
    w.reader.remove();
    await w.t.idle(); await flush();
    w.clock.advance(10 * 60_000);
    const s = w.t.ballotState!;
    assert.is(s.phase, 'waiting');
    assert.is(s.notice, null);
    assert.is(w.t.currentScreen.id, 'waiting');
    check(w);
    // counters agree with the cards and the log
    const voted = w.cards.filter((c) => settled(c).state === 'voted').length;
    const c = w.t.counters();
    assert.ok(c.votes <= voted, 'the terminal counted a vote no card holds');
    const entries = [...w.t.log.entries()];
    const refusalIds = new Set<number>([EVENTS.duplicateCard.id, EVENTS.cardRefusedNotActivated.id, EVENTS.cardRefusedWrongElection.id, EVENTS.cardRefusedBadSignature.id, EVENTS.cardRefusedUnreadable.id, EVENTS.cardRefusedClosed.id]);
    assert.is(entries.filter((e) => refusalIds.has(e.event)).length, c.refused);
    assert.is(entries.filter((e) => e.event === EVENTS.voteRecorded.id).length, c.votes);
    votes += c.votes;
    interrupted += entries.filter((e) => e.event === EVENTS.voteWriteUnconfirmed.id || e.event === EVENTS.voteWriteFailed.id).length;
  }), { numRuns: 60, seed: 20251124, reporter: (r) => { if (r.failed) throw new Error(`${String(r.errorInstance ?? '')}\n${JSON.stringify(r.counterexample)}`); } });
  assert.is(runs, 60);
  // the random walks do reach the end of the ballot, and do interrupt writes
  assert.ok(votes >= 10, `only ${votes} votes cast in all runs`);
  assert.ok(interrupted >= 1, 'no write was ever interrupted');
  console.log(`    ${votes} votes cast, ${interrupted} writes interrupted over ${runs} random sessions`);
});

test('3,000 voters on 4 terminals and the portable ballot, code sets partitioned by the precinct computer: no code twice', async () => {
  const devices = ['T1', 'T2', 'T3', 'T4', 'PB'];
  const sets = partitionCodeSets({ devices, voters: 3000 }, seeded(crypto, 'partition'));
  const terminals = await Promise.all([0, 1, 2, 3].map(async (i) => {
    const reader = new SimulatedCardReader();
    const clock = new VirtualClock();
    const t = makeTerminal({ flash: new SimFlash(TERMINAL_BLOCKS), reader, entropy: seeded(crypto, `day-${i}`), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock, serial: devices[i], layout: { journal: { firstBlock: 0, blockCount: 48 }, codesBlock: 48, scratchBlock: 49 } });
    await configureAndOpen(t, S.signed, keys, sets.shares[i].bitmap, clock);
    return { t, reader };
  }));
  // The portable ballot draws from its own share with the same pool (its device is another issue's).
  const portable = CodePool.fromCodes(codesOf(sets.shares[4].bitmap));
  const pbEntropy = seeded(crypto, 'portable');
  const seen = new Set<number>();
  const rnd = seeded(crypto, 'day-choice');
  for (let v = 0; v < 3000; v++) {
    const r = rnd.randomBytes(1)[0];
    let code: number;
    if (r % 20 === 0) {
      code = portable.draw(pbEntropy);
    } else {
      const { t, reader } = terminals[r % 4];
      const card = await cardWith(activationFor(keys, seeded(crypto, `day-card-${v}`), S.fingerprint, S.definition.precinct));
      const out = await visit(t, reader, card, r & 1 ? 'kk' : 'ru', S.view.contests.map((c) => c.options[r % c.options.length].id));
      assert.ok(out.accepted && out.code, `voter ${v}`);
      code = Number(out.code);
      assert.ok(hasCode(sets.shares[r % 4].bitmap, code), 'a terminal issued a code outside its share');
    }
    assert.not.ok(seen.has(code), `code ${code} issued twice (voter ${v})`);
    seen.add(code);
  }
  assert.is(seen.size, 3000);
  const votes = terminals.reduce((n, x) => n + x.t.counters().votes, 0);
  assert.is(votes + (portable.size - portable.remaining), 3000);
});

test.run();
