// Power cuts over a home-voting round (FaultyFlash): the power goes at every program/erase of
// a round (three voters, one of whom gives up once and comes back), torn at 0 bytes, 1, half
// and all. After each cut the same chip boots: every vote whose "thank you" was shown is stored
// and its voter marked; votes = marks (a vote stored just before its mark is matched to the one
// open session; a session whose vote never reached the store ends unmarked, and that voter may
// vote again); codes are never reissued; the round then finishes and the upload verifies with
// no excess.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nobleCrypto } from '../protocol/crypto/noble';
import { decodeVoteRecord, openVote } from '../protocol/card/records';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash } from '../runtime/flash/faults';
import { PowerCutError } from '../runtime/flash/errors';
import { verifyUpload } from '../portable-ballot/upload';
import {
  PRECINCT, SMALL_BLOCKS, configureAndOpen, fixture, homeVoters, loadList, makePortable, readUpload, seeded, voteAtHome, type Rig,
} from './portable-helpers';
import { VirtualClock } from '../runtime/virtual-clock';

const crypto = nobleCrypto;
const f = fixture(crypto);
const voters = homeVoters(8);

/** The round: returns the voters whose vote was confirmed on screen ("thank you" + code). */
function round(rig: Rig, done: Set<number>): void {
  voteAtHome(rig, 0, 1); done.add(0);
  rig.dev.beginVoter(1);
  rig.display.touch('lang:ru');
  rig.dev.endVoter(); // voter 1 gives up…
  voteAtHome(rig, 1, 2); done.add(1); // …and comes back
  voteAtHome(rig, 2, 3); done.add(2);
}

async function base(): Promise<{ flash: SimFlash; clock: VirtualClock }> {
  const flash = new SimFlash(SMALL_BLOCKS);
  const rig = makePortable(f, flash, seeded(crypto, 'base'));
  await configureAndOpen(f, rig, voters);
  return { flash, clock: rig.clock };
}

test('a power cut at every operation of a home-voting round keeps every completed vote and counts no incomplete one', async () => {
  const b = await base();
  // Dry run: how many flash operations the round (and the boot before it) makes.
  const dry = new FaultyFlash(b.flash.clone(), undefined);
  round(makePortable(f, dry, seeded(crypto, 'run'), { clock: new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 4) }) }), new Set());
  const ops = dry.operations;
  assert.ok(ops > 20, `${ops} operations`);
  let cuts = 0;
  let interruptedSeen = 0;
  let completedSeen = 0;
  for (let at = 1; at <= ops + 1; at++) {
    for (const torn of [0, 1, 8, 1_000_000]) {
      const chip = b.flash.clone();
      const faulty = new FaultyFlash(chip, { atOperation: at, tornBytes: torn, partialByte: torn === 8, seed: at });
      const done = new Set<number>();
      const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 4) });
      try {
        round(makePortable(f, faulty, seeded(crypto, `run-${at}-${torn}`), { clock }), done);
      } catch (e) {
        if (!(e instanceof PowerCutError)) throw e;
      }
      cuts++;
      // The same chip, powered again.
      const rig = makePortable(f, chip, seeded(crypto, `after-${at}-${torn}`), { clock });
      const c = rig.dev.counters();
      const where = `cut at ${at}/${ops}, ${torn} bytes`;
      assert.is(c.votes, c.marked, `${where}: votes = marks`);
      assert.is(c.sessionOpen, false, where);
      assert.is(rig.dev.voters!.openSessions().length, 0, where);
      for (const i of done) assert.ok(rig.dev.voters!.isVoted(i), `${where}: voter ${i} completed but not marked`);
      if (rig.dev.recovery.interruptedVoter !== undefined) interruptedSeen++;
      if (rig.dev.recovery.markCompleted) completedSeen++;
      assert.is(rig.dev.recovery.anomaly, undefined, where);
      // Finish the round: whoever is not marked votes now; then upload.
      for (const i of [0, 1, 2]) if (!rig.dev.voters!.isVoted(i)) voteAtHome(rig, i, 1);
      rig.dev.close();
      const up = readUpload(rig);
      const ok = verifyUpload(crypto, f.devicePublic, { electionFingerprint: f.fingerprint, precinct: PRECINCT }, up);
      assert.equal(ok.marks, [0, 1, 2].map((i) => voters[i].registerNo), where);
      assert.is(up.votes.length, 3, where);
      assert.equal(ok.forDecision, [], where);
      const codes = up.votes.map((v) => openVote(crypto, f.electionSecret, f.fingerprint, decodeVoteRecord(v.vote)).verificationCode);
      assert.is(new Set(codes).size, 3, `${where}: a code was issued twice`);
    }
  }
  assert.ok(interruptedSeen > 0, 'some cuts fall inside a session before its vote was stored');
  assert.ok(completedSeen > 0, 'some cuts fall between the stored vote and the mark');
  console.log(`  ${cuts} cut points over ${ops} operations; ${interruptedSeen} left an interrupted session, ${completedSeen} completed a mark at boot`);
});

test('a second cut during the recovery itself: the next boot still ends with votes = marks and no open session', async () => {
  const b = await base();
  const dry = new FaultyFlash(b.flash.clone(), undefined);
  round(makePortable(f, dry, seeded(crypto, 'run'), { clock: new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 4) }) }), new Set());
  let points = 0;
  for (let at = 1; at <= dry.operations; at++) {
    const chip = b.flash.clone();
    const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 4) });
    const done = new Set<number>();
    try { round(makePortable(f, new FaultyFlash(chip, { atOperation: at, tornBytes: 1, seed: at }), seeded(crypto, `r-${at}`), { clock }), done); } catch (e) { if (!(e instanceof PowerCutError)) throw e; }
    // How many operations does the boot after it make?
    const probe = new FaultyFlash(chip.clone(), undefined);
    makePortable(f, probe, seeded(crypto, 'probe'), { clock });
    for (let at2 = 1; at2 <= probe.operations; at2++) {
      const chip2 = chip.clone();
      try { makePortable(f, new FaultyFlash(chip2, { atOperation: at2, tornBytes: 1, partialByte: true, seed: at2 }), seeded(crypto, 'boot'), { clock }); } catch (e) { if (!(e instanceof PowerCutError)) throw e; }
      const rig = makePortable(f, chip2, seeded(crypto, 'boot-2'), { clock });
      const c = rig.dev.counters();
      assert.is(c.votes, c.marked, `cut ${at}, then ${at2}`);
      assert.is(rig.dev.voters!.openSessions().length, 0);
      for (const i of done) assert.ok(rig.dev.voters!.isVoted(i));
      points++;
    }
  }
  console.log(`  ${points} second cuts inside recoveries`);
});

test('a cut while the list loads: after the reboot there is no list or the whole list, never part of one', async () => {
  const flash = new SimFlash(SMALL_BLOCKS);
  const rig0 = makePortable(f, flash, seeded(crypto, 'load'));
  rig0.dev.loadElection(f.signedElection.length, 0, f.signedElection);
  rig0.dev.loadSetup({ electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare });
  const dry = new FaultyFlash(flash.clone(), undefined);
  loadList(f, makePortable(f, dry, seeded(crypto, 'l')).dev, voters);
  let none = 0;
  let whole = 0;
  for (let at = 1; at <= dry.operations + 1; at++) {
    const chip = flash.clone();
    try { loadList(f, makePortable(f, new FaultyFlash(chip, { atOperation: at, tornBytes: 3, seed: at }), seeded(crypto, 'l')).dev, voters); } catch (e) { if (!(e instanceof PowerCutError)) throw e; }
    const rig = makePortable(f, chip, seeded(crypto, 'l2'));
    const n = rig.dev.counters().applications;
    if (n === 0) { none++; assert.is(rig.dev.state, 'unconfigured'); loadList(f, rig.dev, voters); } else whole++;
    assert.is(rig.dev.counters().applications, voters.length);
    for (const v of voters) assert.equal(rig.dev.findByRegisterNo(v.registerNo)!.voter, v);
  }
  assert.ok(none > 0 && whole > 0);
  console.log(`  ${none + whole} cuts while loading: ${none} left no list, ${whole} the whole list`);
});

test.run();
