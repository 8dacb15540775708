// A whole polling-station day on one machine (precinct/station/day.ts): 3,000 voters on the
// register, 2,800 at four terminals and 200 at home on the portable ballot, random choices
// with a known ground truth, and random faults — links dropped, cards pulled mid-write at
// the card writer and the accumulator, cards torn out of the terminal during the vote's
// write, terminals and the accumulator power-cut (restarted from their flash), the precinct
// computer restarted while a card is being activated (database reopened, devices re-linked,
// the pending admission completed).
// The devices' crypto is Node's native port (hosts/node/crypto.ts), the links memory links:
// the day then takes about half a minute (bench/day.ts prints the figures).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDay, DAY_FAULTS, type DayResult } from '../precinct/station/day';
import { AGAINST_ALL_ID } from '../protocol/election/model';

let day: DayResult;
const dir = mkdtempSync(join(tmpdir(), 'sailau-day-'));

test.before(async () => {
  day = await runDay({ dir, voters: 2800, home: 200, terminals: 4, seed: 2028, transport: 'memory', faults: DAY_FAULTS });
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('every kind of fault happened during the day', () => {
  const f = day.faults;
  for (const [k, n] of Object.entries(f)) assert.ok(n > 0, `${k}: ${n}`);
  assert.ok(f.tornWithVote < f.terminalTears, 'some torn writes left the card without the vote');
});

test('the protocol\'s tally equals the ground truth exactly', () => {
  const t = day.count.count.tallies;
  assert.is(t.length, day.truth.size);
  for (const tally of t) {
    const truth = day.truth.get(tally.contestId)!;
    for (const o of tally.options) assert.is(o.votes, truth.get(o.optionId) ?? 0, `contest ${tally.contestId} option ${o.optionId}`);
    assert.is(tally.againstAll, truth.get(AGAINST_ALL_ID) ?? 0, 'against all');
    assert.is(tally.blank + tally.invalid, 0);
    assert.is(tally.ballots, 3000);
  }
});

test('no vote lost or counted twice; the figures reconcile', () => {
  const r = day.count.count.reconciliation;
  assert.equal(
    [r.registered, r.cardsActivated, r.votesInPremises, r.terminalVotesWritten, r.cardsOutstanding, r.homeApplications, r.portableVotes, r.ballotsCounted, r.recordsDelivered, r.recordsRejected, r.recordsDuplicate],
    [3000, 2800, 2800, 2800 - day.faults.tornWithVote, 0, 200, 200, 3000, 3000, 0, 0],
  );
  // A card torn out just as its vote landed: the terminal could not confirm the write (it logs
  // vote-write-unconfirmed and does not count it as written), so the count flags exactly those.
  const expected = day.faults.tornWithVote === 0 ? [] : [['votes-exceed-terminal-counts', day.faults.tornWithVote]];
  assert.equal(day.count.count.anomalies.map((a) => [a.code, a.count]), expected);
});

test('verification codes: one per voter (but those whose card was torn out holding the vote), all different', () => {
  assert.is(day.codes.length, 3000 - day.faults.tornWithVote);
  assert.is(new Set(day.codes).size, day.codes.length);
  assert.ok(day.codes.every((c) => /^[0-9]{4}$/.test(c)));
});

test('every refusal and fault procedure is in the precinct\'s event log, which verifies', () => {
  const ev = (k: string): number => day.events.get(k) ?? 0;
  assert.is(ev('admission-refused/refused') + ev('iin-scan/rejected'), day.faults.refusalsProvoked);
  assert.is(ev('card-activation/failed'), day.faults.writerPulls);
  assert.is(ev('restart-decision/info'), day.faults.terminalPowerCuts + day.faults.accumulatorPowerCuts);
  assert.is(ev('device-relinked/ok'), day.faults.terminalPowerCuts + day.faults.accumulatorPowerCuts);
  assert.is(ev('count/ok'), 1);
  assert.ok(day.eventLogOk);
});

test('the signed protocol verifies; its PDF and NIST export are written', () => {
  assert.ok(day.verified);
  for (const f of [day.files.protocol, day.files.pdf, day.files.nist]) assert.ok(existsSync(f), f);
});

test.run();
