import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countVotes, CountRefusedError } from '../precinct/count/count';
import type { AccumulatorDelivery, CountInput, Delivery, PortableBallotDelivery } from '../precinct/count/types';
import { PrecinctError } from '../precinct/errors';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { eventLog, readEvents, verifyEventLog } from '../precinct/event-log';
import { decodeCbor, encodeCbor } from '../protocol/cbor';
import { crypto, scenario, seeded, votedCard, randomSelections, prng, tallyOf, type VoteSpec } from './count-fixtures';

const acc = (input: CountInput, id: string): AccumulatorDelivery => input.deliveries.find((d) => d.deviceId === id) as AccumulatorDelivery;
const pb = (input: CountInput): PortableBallotDelivery => input.deliveries.find((d) => d.kind === 'portable-ballot') as PortableBallotDelivery;
/** Anomaly counts by code, summed over devices and contests. */
function codesOf(anoms: { code: string; count: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of anoms) out[a.code] = (out[a.code] ?? 0) + a.count;
  return out;
}

async function rejects(fn: () => Promise<unknown>, pred: (e: unknown) => boolean): Promise<void> {
  let err: unknown = null;
  try { await fn(); } catch (e) { err = e; }
  assert.ok(err !== null, 'expected a refusal');
  assert.ok(pred(err), `unexpected error: ${String(err)}`);
}

test('tally equals ground truth for 2,000 random votes, portable votes counted within the rules', async () => {
  const s = await scenario({ premisesVotes: 2000, portableVotes: 40, homeApplications: 45, markedVoters: 40, cardsSpoiled: 3, outstanding: 2, seed: 7 });
  const r = await countVotes(s.input);
  const truth = tallyOf(s.election.definition, [...s.specs.premises, ...s.specs.portable]);
  assert.equal(r.tallies, truth);
  assert.equal(r.portableTallies, s.truthPortable);
  assert.equal(r.anomalies, []);
  const rec = r.reconciliation;
  assert.is(rec.votesInPremises, 2000);
  assert.is(rec.portableVotes, 40);
  assert.is(rec.portableCounted, true);
  assert.is(rec.ballotsCounted, 2040);
  assert.is(rec.cardsActivated, rec.votesInPremises + rec.cardsSpoiled + rec.cardsOutstanding);
  assert.is(rec.cardsOutstanding, 2);
  assert.is(rec.terminalVotesWritten, 2000);
  // One code per vote, sorted, each with the choice it stands for.
  assert.is(r.codes.length, 2040);
  for (let i = 1; i < r.codes.length; i++) assert.ok(r.codes[i - 1].code < r.codes[i].code);
  const byCode = new Map([...s.specs.premises, ...s.specs.portable].map((v) => [v.code, v]));
  for (const e of r.codes) {
    const spec = byCode.get(e.code)!;
    assert.equal(e.choices, s.election.definition.contests.map((c) => spec.selections.find((x) => x.contest === c.id)!.option));
    assert.is(e.forDecision, false);
  }
});

test('counting is refused while an enrolled device has not delivered; the refusal lists them and is logged', async () => {
  const s = await scenario({ premisesVotes: 5, seed: 2 });
  const t = tempDb();
  try {
    const log = eventLog(t.db, manualClock().clock);
    const input = { ...s.input, log, deliveries: s.input.deliveries.filter((d) => d.deviceId !== 'acc-2' && d.deviceId !== 'term-1') };
    let err: unknown;
    try { await countVotes(input); } catch (e) { err = e; }
    assert.instance(err, CountRefusedError);
    assert.is((err as CountRefusedError).code, 'count-devices-missing');
    assert.equal((err as CountRefusedError).missing.sort(), ['acc-2', 'term-1']);
    const ev = readEvents(t.db);
    assert.is(ev.length, 1);
    assert.is(ev[0].disposition, 'refused');
    assert.match(ev[0].detail, /acc-2/);
    // A withdrawn device is not waited for; a device not enrolled cannot deliver.
    const withdrawn = { ...input, devices: input.devices.map((d) => (d.deviceId === 'acc-2' || d.deviceId === 'term-1' ? { ...d, status: 'withdrawn' as const } : d)) };
    const r = await countVotes({ ...withdrawn, register: { ...withdrawn.register, cardsActivated: 5 } });
    assert.ok(r.reconciliation.votesInPremises <= 5);
    const stranger: Delivery = { deviceId: 'acc-9', kind: 'accumulator', records: [] };
    await rejects(() => countVotes({ ...s.input, deliveries: [...s.input.deliveries, stranger] }), (e: unknown) => e instanceof CountRefusedError && e.code === 'count-unknown-device');
    await rejects(() => countVotes({ ...s.input, deliveries: [...s.input.deliveries, s.input.deliveries[2]] }), (e: unknown) => e instanceof CountRefusedError && e.code === 'count-duplicate-delivery');
    assert.ok(verifyEventLog(t.db).ok);
  } finally { t.dispose(); }
});

test('a wrong start password is refused with a typed error and logged; nothing is counted', async () => {
  const s = await scenario({ premisesVotes: 3, seed: 3 });
  const t = tempDb();
  try {
    const log = eventLog(t.db, manualClock().clock);
    const digits = s.input.startPassword.replace(/\D/g, '');
    const wrong = (digits[0] === '9' ? '0' : String(Number(digits[0]) + 1)) + digits.slice(1);
    await rejects(() => countVotes({ ...s.input, log, startPassword: wrong }), (e: unknown) => e instanceof PrecinctError && e.code === 'wrong-start-password');
    await rejects(() => countVotes({ ...s.input, log, startPassword: '1234' }), (e: unknown) => e instanceof PrecinctError && e.code === 'start-password-malformed');
    const ev = readEvents(t.db);
    assert.equal(ev.map((e) => [e.event, e.disposition, JSON.parse(e.detail).reason]), [['count', 'refused', 'wrong-start-password'], ['count', 'refused', 'start-password-malformed']]);
    // The right one, typed with spaces as on the envelope sheet, works.
    const r = await countVotes({ ...s.input, log, startPassword: digits.replace(/(\d{4})(?=\d)/g, '$1 ') });
    assert.is(r.reconciliation.ballotsCounted, 3);
  } finally { t.dispose(); }
});

test('a duplicate activation across devices is counted once and flagged; conflicting copies are not counted', async () => {
  const s = await scenario({ premisesVotes: 10, seed: 4 });
  const a1 = acc(s.input, 'acc-1');
  const a2 = acc(s.input, 'acc-2');
  // The same voted card read into both accumulators.
  a2.records.push(a1.records[0]);
  a2.reportedCount = a2.records.length;
  const r = await countVotes(s.input);
  assert.is(r.reconciliation.votesInPremises, 10);
  assert.equal(r.tallies, s.truthPremises);
  assert.equal(codesOf(r.anomalies), { 'duplicate-activation': 1 });
  assert.is(r.anomalies[0].device, 'acc-2');
  assert.is(r.reconciliation.recordsDuplicate, 1);
  assert.is(r.reconciliation.recordsDelivered, 11);

  // One activation with two different votes (a cloned activation voted twice): neither counts.
  const s2 = await scenario({ premisesVotes: 6, seed: 5, accumulatorActivations: true });
  const b1 = acc(s2.input, 'acc-1');
  const first = b1.records[0];
  // Re-seal a vote on the *same* activation bytes.
  const { sealVote } = await import('../protocol/card/records');
  const forged = sealVote(crypto, seeded('forge'), {
    activationBytes: first.activation!, electionFingerprint: s2.election.fingerprint, electionPublicKey: s2.election.publicKey,
    terminalSecretKey: s2.keys.terminals[1], content: { selections: randomSelections(s2.election.definition, prng(11)), verificationCode: 9998 },
  });
  acc(s2.input, 'acc-2').records.push({ activation: first.activation, vote: forged.bytes });
  acc(s2.input, 'acc-2').reportedCount = undefined;
  const r2 = await countVotes(s2.input);
  assert.is(r2.reconciliation.votesInPremises, 5);
  assert.equal(codesOf(r2.anomalies), { 'conflicting-activation': 2 });
  assert.is(r2.reconciliation.recordsDuplicate, 2);
});

test('a tampered vote (bad signature), a rogue terminal and a foreign activation are rejected and flagged, not counted', async () => {
  const s = await scenario({ premisesVotes: 12, seed: 6, accumulatorActivations: true });
  const a1 = acc(s.input, 'acc-1');
  // Flip one byte of the ciphertext inside the signed vote: the signature no longer verifies.
  const v = decodeCbor(a1.records[0].vote) as unknown[];
  const ct = (v[3] as Uint8Array).slice();
  ct[0] ^= 1;
  v[3] = ct;
  a1.records[0] = { activation: a1.records[0].activation, vote: encodeCbor(v as never) };
  // A vote signed by a terminal that is not enrolled.
  a1.records[1] = votedCard(s.election, s.keys, s.keys.rogue, s.specs.premises[1], seeded('rogue'));
  // An activation issued by a key that is not the precinct computer's.
  a1.records[2] = votedCard(s.election, s.keys, s.keys.terminals[0], s.specs.premises[2], seeded('rogue-issuer'), s.keys.rogue);
  const r = await countVotes(s.input);
  assert.equal(codesOf(r.anomalies), { 'rejected-bad-signature': 1, 'rejected-unknown-terminal': 1, 'rejected-unknown-issuer': 1 });
  assert.is(r.reconciliation.votesInPremises, 9);
  assert.is(r.reconciliation.recordsRejected, 3);
  // acc-1 holds votes 0, 2, 4, … (the accumulators take turns): its first three are gone.
  assert.equal(r.tallies, tallyOf(s.election.definition, s.specs.premises.filter((_, i) => i !== 0 && i !== 2 && i !== 4)));
  assert.is(r.reconciliation.cardsOutstanding, 3, 'the rejected cards show up as not accumulated');
  for (const a of r.anomalies) assert.is(a.device, 'acc-1');
  // Logged: one entry per anomaly, then the count; the collector's fingerprint is kept.
  const t = tempDb();
  try {
    const fp = crypto.sha256(Uint8Array.of(42));
    acc(s.input, 'acc-1').dataFingerprint = fp;
    const r2 = await countVotes({ ...s.input, log: eventLog(t.db, manualClock().clock) });
    assert.equal(r2.devices.find((d) => d.deviceId === 'acc-1')!.dataFingerprint, fp);
    const ev = readEvents(t.db).map((e) => [e.event, e.disposition, JSON.parse(e.detail).code ?? null]);
    assert.equal(ev, [
      ['count-anomaly', 'rejected', 'rejected-bad-signature'], ['count-anomaly', 'rejected', 'rejected-unknown-issuer'],
      ['count-anomaly', 'rejected', 'rejected-unknown-terminal'], ['count', 'ok', null],
    ]);
  } finally { t.dispose(); }
});

test('portable ballot: more votes than applications (or marked voters) → all its votes set aside for decision, not counted', async () => {
  const s = await scenario({ premisesVotes: 20, portableVotes: 8, homeApplications: 7, markedVoters: 8, seed: 8 });
  const r = await countVotes(s.input);
  assert.is(r.reconciliation.portableCounted, false);
  assert.is(r.reconciliation.portableVotes, 8);
  assert.is(r.reconciliation.ballotsCounted, 20);
  assert.equal(r.tallies, s.truthPremises, 'main tally holds the premises only');
  assert.equal(r.portableTallies, s.truthPortable, 'the portable votes are tallied apart');
  assert.equal(codesOf(r.anomalies), { 'portable-exceeds-applications': 1 });
  assert.is(r.codes.filter((c) => c.forDecision).length, 8);

  const s2 = await scenario({ premisesVotes: 5, portableVotes: 6, homeApplications: 10, markedVoters: 5, seed: 9 });
  const r2 = await countVotes(s2.input);
  assert.is(r2.reconciliation.portableCounted, false);
  assert.equal(codesOf(r2.anomalies), { 'portable-exceeds-marked': 1 });
  assert.is(r2.reconciliation.ballotsCounted, 5);

  // Exactly as many as applied and marked: counted.
  const s3 = await scenario({ premisesVotes: 5, portableVotes: 6, homeApplications: 6, markedVoters: 6, seed: 10 });
  const r3 = await countVotes(s3.input);
  assert.is(r3.reconciliation.portableCounted, true);
  assert.is(r3.reconciliation.ballotsCounted, 11);
  assert.is(r3.codes.filter((c) => c.forDecision).length, 0);
});

test('the portable ballot cannot pass off a terminal vote, nor an accumulator a portable-ballot vote', async () => {
  const s = await scenario({ premisesVotes: 4, portableVotes: 2, seed: 11, accumulatorActivations: true });
  const p = pb(s.input);
  const a1 = acc(s.input, 'acc-1');
  const moved = a1.records.shift()!;
  a1.reportedCount = a1.records.length;
  p.records.push(moved);
  acc(s.input, 'acc-2').records.push(p.records[0]);
  acc(s.input, 'acc-2').reportedCount = undefined;
  const r = await countVotes(s.input);
  assert.equal(codesOf(r.anomalies), { 'rejected-unknown-terminal': 1, 'rejected-portable-vote-in-accumulator': 1 });
  assert.is(r.anomalies.find((a) => a.code === 'rejected-unknown-terminal')!.device, 'pb-1');
});

test('reconciliation flags more votes than cards activated, and an accumulator count that differs from its records', async () => {
  const s = await scenario({ premisesVotes: 6, seed: 12 });
  s.input.register.cardsActivated = 4;
  acc(s.input, 'acc-1').reportedCount = 99;
  const r = await countVotes(s.input);
  const a = codesOf(r.anomalies);
  assert.is(a['votes-exceed-activations'], 2);
  assert.is(a['device-count-mismatch'], 96, 'count = reported − records (99 − 3)');
  assert.is(r.reconciliation.cardsOutstanding, 0);
  assert.is(r.reconciliation.ballotsCounted, 6, 'flagged, still counted: each vote verified');
});

test('invalid choices (not on the ballot, blank where not allowed) count as invalid and are flagged', async () => {
  const s = await scenario({ premisesVotes: 3, seed: 13 });
  const specs: VoteSpec[] = [
    { selections: [{ contest: 1, option: null }, { contest: 2, option: 1 }], code: 5001 },
    { selections: [{ contest: 1, option: 77 }, { contest: 2, option: 0 }], code: 5002 },
    { selections: [{ contest: 2, option: 3 }], code: 5003 },
  ];
  const a1 = acc(s.input, 'acc-1');
  for (const spec of specs) a1.records.push(votedCard(s.election, s.keys, s.keys.terminals[0], spec, seeded(`inv-${spec.code}`)));
  a1.reportedCount = a1.records.length;
  s.input.register.cardsActivated += 3;
  (s.input.deliveries[0] as { votesWritten: number }).votesWritten += 3;
  const r = await countVotes(s.input);
  assert.is(r.tallies[0].invalid, 3);
  assert.is(r.tallies[1].invalid, 1);
  assert.equal(r.anomalies.filter((a) => a.code === 'invalid-choice').map((a) => [a.contest, a.count]), [[1, 3], [2, 1]]);
  assert.is(r.tallies[0].ballots, 6);
});

test('an accumulator read-out of votes alone: a tampered vote, a vote for another election, and a bare vote from the portable ballot are rejected', async () => {
  const s = await scenario({ premisesVotes: 10, portableVotes: 2, seed: 15 });
  const a1 = acc(s.input, 'acc-1');
  assert.is(a1.records[0].activation, undefined, 'the accumulator delivers votes only');
  const v = decodeCbor(a1.records[0].vote) as unknown[];
  const ct = (v[3] as Uint8Array).slice();
  ct[5] ^= 0x80;
  v[3] = ct;
  a1.records[0] = { vote: encodeCbor(v as never) };
  // Signed by an enrolled terminal, sealed for another election's key and fingerprint.
  const { sealVote } = await import('../protocol/card/records');
  const other = seeded('other-election');
  const otherKey = crypto.x25519PublicKey(other.randomBytes(32));
  const foreign = sealVote(crypto, other, {
    activationBytes: other.randomBytes(100), electionFingerprint: other.randomBytes(32), electionPublicKey: otherKey,
    terminalSecretKey: s.keys.terminals[0], content: { selections: s.specs.premises[0].selections, verificationCode: 1 },
  });
  a1.records.push({ vote: foreign.bytes });
  a1.reportedCount = a1.records.length;
  const p = pb(s.input);
  p.records[0] = { vote: p.records[0].vote };
  s.input.register.cardsActivated += 1;
  const r = await countVotes(s.input);
  assert.equal(codesOf(r.anomalies), { 'rejected-bad-signature': 1, 'rejected-undecryptable': 1, 'rejected-malformed': 1 });
  assert.is(r.reconciliation.votesInPremises, 9);
  assert.is(r.reconciliation.portableVotes, 1);
  assert.is(r.reconciliation.recordsRejected, 3);
});

test('a device waived by the commission\'s decision is not waited for, and the protocol says so', async () => {
  const s = await scenario({ premisesVotes: 8, seed: 14 });
  const deliveries = s.input.deliveries.filter((d) => d.deviceId !== 'term-2');
  await rejects(() => countVotes({ ...s.input, deliveries }), (e) => e instanceof CountRefusedError && e.missing.join() === 'term-2');
  await rejects(() => countVotes({ ...s.input, deliveries, waivers: [{ deviceId: 'term-2', decision: ' ' }] }), (e) => e instanceof CountRefusedError && e.code === 'count-waiver-empty');
  await rejects(() => countVotes({ ...s.input, waivers: [{ deviceId: 'term-2', decision: 'No 3' }] }), (e) => e instanceof CountRefusedError && e.code === 'count-waiver-conflict');
  const r = await countVotes({ ...s.input, deliveries, waivers: [{ deviceId: 'term-2', decision: 'decision No 3, 14:20: display failed' }] });
  assert.is(r.reconciliation.ballotsCounted, 8, 'its votes reached the accumulators and count');
  const a = r.anomalies.find((x) => x.code === 'device-not-delivered')!;
  assert.is(a.device, 'term-2');
  assert.match(a.detail, /decision No 3/);
  assert.is(codesOf(r.anomalies)['votes-exceed-terminal-counts'], 4, 'and the terminal counts no longer cover the votes: flagged');
});

test.run();
