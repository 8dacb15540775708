// The portable ballot (issue 7): loading 200 and 3,000 home voters and searching them; refusals
// of a list (deadline, capacity, another election, digest); a home vote through the shared flow;
// double votes refused; the upload verified and tampering caught; the paper rule; the count
// module takes the upload; unlinkability of marks and votes; wrong-state requests; the battery.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { nobleCrypto } from '../protocol/crypto/noble';
import { decodeActivation, decodeVoteRecord, openVote } from '../protocol/card/records';
import { RpcServer } from '../protocol/wire/rpc';
import { RpcError, decodeResponse, encodeRequest } from '../protocol/wire/envelope';
import { SimFlash } from '../runtime/flash/sim';
import { EVENTS } from '../runtime/events';
import { verifyEventPage } from '../runtime/event-log';
import { sampleVoters } from '../precinct/sample-register';
import { reconcile } from '../precinct/count/count';
import { portableRegistry } from '../portable-ballot/messages';
import { PRECINCT_LAYOUT, PRECINCT_LAYOUT_BLOCKS } from '../portable-ballot/device';
import { UploadError, verifyUpload } from '../portable-ballot/upload';
import { homeListDigest, voterBytes, MAX_VOTER_BODY_BYTES, type HomeVoter } from '../portable-ballot/voter-list';
import {
  ELECTION_DAY, PRECINCT, SMALL_BLOCKS, configureAndOpen, fixture, homeVoters, loadList, makePortable, readUpload, seeded, settle, voteAtHome,
  type Rig,
} from './portable-helpers';

const crypto = nobleCrypto;
const f = fixture(crypto);

async function openRig(voters: readonly HomeVoter[], label = 'pb'): Promise<Rig & { flash: SimFlash }> {
  const flash = new SimFlash(SMALL_BLOCKS);
  const rig = makePortable(f, flash, seeded(crypto, label));
  await configureAndOpen(f, rig, voters);
  return { ...rig, flash };
}

function events(rig: Rig, id: number): number {
  return [...rig.dev.log.entries()].filter((e) => e.event === id).length;
}

function refusedWith(fn: () => unknown, code: string | RegExp): void {
  try { fn(); } catch (e) {
    const m = (e as Error).message;
    assert.ok(typeof code === 'string' ? m.includes(code) : code.test(m), `wrong error: ${m}`);
    return;
  }
  assert.unreachable(`expected a refusal ${String(code)}`);
}

/** Register-like voters from the precinct's sample register, with application times. */
function precinctVoters(n: number): HomeVoter[] {
  return sampleVoters({ count: n, seed: 7 } as Parameters<typeof sampleVoters>[0]).map((v, i) => ({
    registerNo: v.registerNo, surname: v.surname, firstName: v.firstName, patronymic: v.patronymic, birthDate: v.birthDate,
    address: v.address, appliedAt: `2025-02-2${i % 9} 1${i % 10}:${String(i % 60).padStart(2, '0')}`,
  }));
}

test('200 home voters load, each is found by register number and by name; records fit a slot', async () => {
  const voters = precinctVoters(200);
  const rig = await openRig(voters);
  assert.is(rig.dev.state, 'open');
  assert.is(rig.dev.counters().applications, 200);
  for (const v of voters) {
    const e = rig.dev.findByRegisterNo(v.registerNo);
    assert.ok(e, `voter ${v.registerNo}`);
    assert.equal(e!.voter, v);
    assert.ok(voterBytes(v).length <= MAX_VOTER_BODY_BYTES);
  }
  assert.is(rig.dev.findByRegisterNo(999_999), undefined);
  const v = voters[77];
  const hits = rig.dev.searchByName(v.surname.toUpperCase(), 200);
  assert.ok(hits.some((h) => h.voter.registerNo === v.registerNo));
  assert.ok(hits.every((h) => h.voter.surname.toLowerCase() === v.surname.toLowerCase() || h.voter.surname.toLowerCase().startsWith(v.surname.toLowerCase())));
  const full = rig.dev.searchByName(`${v.surname} ${v.firstName}`, 200);
  assert.ok(full.some((h) => h.voter.registerNo === v.registerNo));
  assert.is(events(rig, EVENTS.homeVotersLoaded.id), 1);
});

test('a whole precinct: 3,000 home voters in the same flash, searched by number and name', async () => {
  const voters = precinctVoters(3000);
  const flash = new SimFlash(PRECINCT_LAYOUT_BLOCKS);
  const rig = makePortable(f, flash, seeded(crypto, 'big'), { layout: PRECINCT_LAYOUT });
  await configureAndOpen(f, rig, voters);
  assert.ok(rig.dev.capacity() >= 3000);
  for (let i = 0; i < 3000; i += 37) assert.is(rig.dev.findByRegisterNo(voters[i].registerNo)!.voter.registerNo, voters[i].registerNo);
  assert.is(rig.dev.findByRegisterNo(voters[2999].registerNo)!.index, 2999);
  const ё = voters.find((v) => v.surname.includes('ё') || v.surname.includes('Ё'));
  if (ё) assert.ok(rig.dev.searchByName(ё.surname.replace(/ё/g, 'е').replace(/Ё/g, 'Е'), 3000).some((h) => h.voter.registerNo === ё.registerNo));
  const r = voteAtHome(rig, 2999, 2);
  assert.ok(r.code !== null);
  assert.is(rig.dev.counters().marked, 1);
});

test('the list is refused: after the deadline, over capacity, another election, bad digest, out of order', async () => {
  const flash = new SimFlash(SMALL_BLOCKS);
  const rig = makePortable(f, flash, seeded(crypto, 'refusals'));
  rig.dev.loadElection(f.signedElection.length, 0, f.signedElection);
  rig.dev.loadSetup({ electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare });
  const ok = homeVoters(20);
  const late = ok.map((v, i) => (i === 13 ? { ...v, appliedAt: `${ELECTION_DAY} 12:00` } : v));
  refusedWith(() => loadList(f, rig.dev, late), 'home-list-after-deadline');
  const early = ok.map((v, i) => (i === 13 ? { ...v, appliedAt: `${ELECTION_DAY} 11:59` } : v));
  loadList(f, rig.dev, early);
  assert.is(rig.dev.counters().applications, 20);
  refusedWith(() => loadList(f, rig.dev, homeVoters(rig.dev.capacity() + 1)), 'home-list-over-capacity');
  assert.is(rig.dev.counters().applications, 20, 'refused before anything was erased: the earlier list stays');
  refusedWith(() => loadList(f, rig.dev, ok, { digest: homeListDigest(crypto, f.fingerprint, early) }), 'home-list-digest-mismatch');
  assert.is(rig.dev.counters().applications, 0, 'a load refused part-way leaves no list at all');
  refusedWith(() => loadList(f, rig.dev, ok, { fingerprint: f.otherFingerprint }), 'home-list-wrong-election');
  refusedWith(() => loadList(f, rig.dev, ok, { digest: homeListDigest(crypto, f.otherFingerprint, ok) }), 'home-list-digest-mismatch');
  // A list altered in transit (one address changed) against the commission's digest.
  const altered = ok.map((v, i) => (i === 5 ? { ...v, address: v.address + ' ' } : v));
  refusedWith(() => loadList(f, rig.dev, altered, { digest: homeListDigest(crypto, f.fingerprint, ok) }), 'home-list-digest-mismatch');
  refusedWith(() => loadList(f, rig.dev, [ok[1], ok[0]]), 'home-list-order');
  refusedWith(() => loadList(f, rig.dev, [ok[0], ok[0]]), 'home-list-order');
  assert.is(rig.dev.state, 'unconfigured');
  assert.ok(events(rig, EVENTS.homeListRefused.id) >= 6);
  // The deadline is configurable.
  rig.dev.loadSetup({ electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare, deadline: '11:00' });
  refusedWith(() => loadList(f, rig.dev, early), 'home-list-after-deadline');
  loadList(f, rig.dev, ok);
  assert.is(rig.dev.state, 'loaded');
});

test('a home vote: identify, confirm, the shared flow with on-screen code buttons, mark; a second time refused', async () => {
  const voters = homeVoters(30);
  const rig = await openRig(voters);
  const idx = 4;
  const e = rig.dev.identify(idx);
  assert.equal(e.voter, voters[idx]);
  assert.is(rig.display.last.mode, 'member');
  assert.ok(rig.display.last.mode === 'member' && rig.display.last.screen.lines.includes(voters[idx].birthDate));
  rig.display.touch('member:confirm');
  assert.is(rig.display.screens[rig.display.screens.length - 1].mode, 'ballot');
  for (const b of ['lang:ru', 'opt:3', 'confirm', 'proceed', 'cast']) rig.display.touch(b);
  assert.is(rig.dev.ballotState!.phase, 'thanks');
  const screen = rig.display.screens[rig.display.screens.length - 1];
  assert.ok(screen.mode === 'ballot' && screen.screen.buttons.some((b) => b.id === 'code:1'), 'on-screen "1"/"2"');
  rig.display.touch('code:2');
  rig.display.touch('code:1');
  const code = rig.dev.ballotState!.code!;
  assert.ok(f.shareCodes.includes(code), 'the code comes from this device\'s share');
  rig.dev.endVoter();
  assert.is(rig.display.last.mode, 'member');
  const c = rig.dev.counters();
  assert.equal([c.marked, c.votes, c.interrupted], [1, 1, 0]);
  assert.ok(rig.dev.findByRegisterNo(voters[idx].registerNo)!.voted);
  // Twice: refused, logged, nothing stored.
  const again = rig.dev.beginVoter(idx);
  assert.equal(again, { result: 'refused', reason: 'already-voted' });
  assert.is(rig.dev.counters().votes, 1);
  assert.is(events(rig, EVENTS.homeVoterRefused.id), 1);
  // The vote decrypts to the choice and the code; it is bound to an activation this device issued.
  rig.dev.close();
  const up = readUpload(rig);
  const ok = verifyUpload(crypto, f.devicePublic, { electionFingerprint: f.fingerprint, precinct: PRECINCT }, up);
  assert.equal(ok.marks, [voters[idx].registerNo]);
  const content = openVote(crypto, f.electionSecret, f.fingerprint, decodeVoteRecord(up.votes[0].vote));
  assert.equal(content, { selections: [{ contest: 1, option: 3 }], verificationCode: code });
});

test('one session at a time; an abandoned session leaves the voter unmarked and free to vote again', async () => {
  const rig = await openRig(homeVoters(10));
  assert.equal(rig.dev.beginVoter(1), { result: 'started', lowBattery: false });
  assert.equal(rig.dev.beginVoter(2), { result: 'refused', reason: 'session-open' });
  rig.display.touch('lang:kk');
  assert.equal(rig.dev.endVoter(), { voted: false });
  assert.equal([rig.dev.counters().marked, rig.dev.counters().votes, rig.dev.counters().interrupted], [0, 0, 1]);
  voteAtHome(rig, 1, 1);
  assert.equal([rig.dev.counters().marked, rig.dev.counters().votes], [1, 1]);
  assert.equal(rig.dev.beginVoter(99), { result: 'refused', reason: 'not-on-list' });
});

test('a voter who stops answering: the flow times out, the device asks to be handed back, the voter stays unmarked', async () => {
  const rig = await openRig(homeVoters(6));
  rig.dev.beginVoter(2);
  rig.display.touch('lang:kk');
  rig.clock.advance(120_000);
  rig.clock.advance(30_000);
  assert.is(rig.dev.ballotState!.phase, 'take-card');
  const last = rig.display.screens[rig.display.screens.length - 1];
  assert.ok(last.mode === 'member' && last.screen.id === 'hand-back');
  rig.display.touch('member:finish');
  assert.is(rig.dev.sessionOpen, false);
  assert.equal([rig.dev.counters().marked, rig.dev.counters().votes, rig.dev.counters().interrupted], [0, 0, 1]);
  assert.ok(events(rig, EVENTS.voteAbandoned.id) >= 1);
  assert.is(voteAtHome(rig, 2, 1).code !== null, true);
});

test('member actions in any order, with reboots, against a model (property): one vote per voter, votes = marks', async () => {
  const n = 6;
  const vs = homeVoters(n);
  const flash0 = new SimFlash(SMALL_BLOCKS);
  const rig0 = makePortable(f, flash0, seeded(crypto, 'prop'));
  await configureAndOpen(f, rig0, vs);
  type Act = { a: 'vote' | 'begin' | 'touch' | 'end' | 'reboot'; i: number };
  const act: fc.Arbitrary<Act> = fc.record({ a: fc.constantFrom('vote', 'begin', 'touch', 'end', 'reboot') as fc.Arbitrary<Act['a']>, i: fc.integer({ min: 0, max: n - 1 }) });
  fc.assert(fc.property(fc.array(act, { maxLength: 14 }), (acts) => {
    const flash = flash0.clone();
    let rig = makePortable(f, flash, seeded(crypto, 'p'), { clock: rig0.clock });
    const voted = new Set<number>();
    let open: number | undefined;
    for (const x of acts) {
      if (x.a === 'reboot') { rig = makePortable(f, flash, seeded(crypto, 'p2'), { clock: rig0.clock }); open = undefined; continue; }
      if (x.a === 'end') { rig.dev.endVoter(); open = undefined; continue; }
      if (x.a === 'touch') { for (const b of ['lang:kk', 'opt:1', 'confirm']) rig.display.touch(b); continue; }
      const r = rig.dev.beginVoter(x.i);
      if (open !== undefined) assert.equal(r, { result: 'refused', reason: 'session-open' });
      else if (voted.has(x.i)) assert.equal(r, { result: 'refused', reason: 'already-voted' });
      else assert.is(r.result, 'started');
      if (r.result !== 'started') continue;
      open = x.i;
      if (x.a === 'vote') {
        for (const b of ['lang:ru', 'opt:2', 'confirm', 'proceed', 'cast']) rig.display.touch(b);
        voted.add(x.i);
      }
    }
    const c = rig.dev.counters();
    assert.is(c.votes, c.marked);
    assert.is(c.marked, voted.size);
    for (let i = 0; i < n; i++) assert.is(rig.dev.voters!.isVoted(i), voted.has(i));
  }), { numRuns: 25 });
});

test('upload: verifies; any change to a mark, a vote, a counter or the signer fails', async () => {
  const rig = await openRig(homeVoters(40));
  for (const i of [3, 17, 5, 30, 22]) voteAtHome(rig, i, 1 + (i % 3));
  rig.dev.close();
  const up = readUpload(rig);
  const expect = { electionFingerprint: f.fingerprint, precinct: PRECINCT };
  const v = verifyUpload(crypto, f.devicePublic, expect, up);
  assert.equal(v.forDecision, []);
  assert.equal(v.marks, [3, 5, 17, 22, 30].map((i) => homeVoters(40)[i].registerNo));
  const tamper = (fn: (u: typeof up) => void, code: string) => {
    const u = structuredClone(up);
    fn(u);
    try { verifyUpload(crypto, f.devicePublic, expect, u); } catch (e) { assert.instance(e, UploadError); assert.is((e as UploadError).code, code); return; }
    assert.unreachable('tampering not detected');
  };
  tamper((u) => { u.marks[1] += 3; }, 'portable-upload-mismatch');
  tamper((u) => { u.marks.pop(); }, 'portable-upload-mismatch');
  tamper((u) => { u.votes[2].vote[40] ^= 1; }, 'portable-upload-mismatch');
  tamper((u) => { u.votes.push(u.votes[0]); }, 'portable-upload-mismatch');
  tamper((u) => { u.summary.marked = 6; }, 'portable-upload-bad-signature');
  tamper((u) => { u.summary.forDecision = []; u.summary.applications = 1; }, 'portable-upload-bad-signature');
  try { verifyUpload(crypto, crypto.ed25519PublicKey(new Uint8Array(32).fill(1)), expect, up); assert.unreachable(); } catch (e) { assert.is((e as UploadError).code, 'portable-upload-bad-signature'); }
  try { verifyUpload(crypto, f.devicePublic, { ...expect, electionFingerprint: f.otherFingerprint }, up); assert.unreachable(); } catch (e) { assert.is((e as UploadError).code, 'portable-upload-wrong-election'); }
});

test('the paper rule: more votes than marks (or applications) sends all votes to the decision; device and count agree', async () => {
  const rig = await openRig(homeVoters(12));
  for (const i of [0, 1, 2]) voteAtHome(rig, i, 1);
  // A vote slipped into the store without a mark (a tampered or faulty device).
  const first = [...rig.dev.slots.entries()][0];
  rig.dev.slots.put(new Uint8Array(16).fill(5), first.vote, seeded(crypto, 'extra'));
  assert.is(rig.dev.counters().forDecision, true);
  rig.dev.close();
  assert.is(events(rig, EVENTS.portableExcessVotes.id), 1);
  const up = readUpload(rig);
  assert.equal(up.summary.forDecision, ['votes-exceed-marked']);
  const v = verifyUpload(crypto, f.devicePublic, { electionFingerprint: f.fingerprint, precinct: PRECINCT }, up);
  assert.equal(v.forDecision, ['votes-exceed-marked']);
  const anomalies: string[] = [];
  const rec = reconcile({ registered: 100, cardsActivated: 0, cardsSpoiled: 0, homeApplications: 12, votesInPremises: 0, portableVotes: up.votes.length,
    portableMarkedVoters: up.marks.length, terminalVotesWritten: 0, recordsDelivered: up.votes.length }, { add: (code) => { anomalies.push(code); } });
  assert.is(rec.portableCounted, false);
  assert.ok(anomalies.includes('portable-exceeds-marked'));
  // With the register's applications below the votes too.
  const r2: string[] = [];
  assert.is(reconcile({ registered: 100, cardsActivated: 0, cardsSpoiled: 0, homeApplications: 2, votesInPremises: 0, portableVotes: 3, portableMarkedVoters: 3, terminalVotesWritten: 0, recordsDelivered: 3 }, { add: (c) => { r2.push(c); } }).portableCounted, false);
  assert.ok(r2.includes('portable-exceeds-applications'));
});

test('unlinkable: the order of votes in the store does not follow the order voters were marked', async () => {
  const n = 60;
  const rig = await openRig(homeVoters(n), 'unlink');
  // Voters visited in list order; each votes for a distinct code we can recover by decryption.
  const codeOrder: number[] = [];
  for (let i = 0; i < n; i++) codeOrder.push(voteAtHome(rig, i, 1 + (i % 3)).code!);
  rig.dev.close();
  const up = readUpload(rig);
  const stored = up.votes.map((v) => openVote(crypto, f.electionSecret, f.fingerprint, decodeVoteRecord(v.vote)).verificationCode);
  const rank = stored.map((c) => codeOrder.indexOf(c));
  assert.equal([...rank].sort((a, b) => a - b), [...Array(n).keys()]);
  // Spearman's rank correlation between visit order and store order: near 0 (|ρ| < 0.35 for n = 60 by a wide margin).
  const mean = (n - 1) / 2;
  let num = 0;
  let den = 0;
  rank.forEach((r, i) => { num += (r - mean) * (i - mean); den += (i - mean) ** 2; });
  const rho = num / den;
  assert.ok(Math.abs(rho) < 0.35, `rank correlation ${rho}`);
  // No vote carries a time of its own: every activation has the same issue time.
  const issued = new Set(up.votes.map((v) => decodeActivation(v.activation).issuedAt));
  assert.is(issued.size, 1);
  // The marks come in register order, whatever the marking order.
  assert.equal(up.marks, [...up.marks].sort((a, b) => a - b));
  // The event log never names the voter.
  for (const e of rig.dev.log.entries()) assert.not.match(e.detail, /[0-9]{3,}/);
});

test('wrong-state requests are refused with typed errors and logged', async () => {
  const flash = new SimFlash(SMALL_BLOCKS);
  const rig = makePortable(f, flash, seeded(crypto, 'states'));
  const wrong = (fn: () => unknown) => { try { fn(); assert.unreachable(); } catch (e) { assert.instance(e, RpcError); assert.is((e as RpcError).code, 'wrong-state'); } };
  wrong(() => rig.dev.loadSetup({ electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare }));
  wrong(() => rig.dev.open(f.verifier));
  wrong(() => rig.dev.close());
  wrong(() => rig.dev.uploadSummary());
  assert.equal(rig.dev.beginVoter(0), { result: 'refused', reason: 'not-open' });
  rig.dev.loadElection(f.signedElection.length, 0, f.signedElection);
  wrong(() => loadList(f, rig.dev, homeVoters(3)));
  rig.dev.loadSetup({ electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare });
  loadList(f, rig.dev, homeVoters(3));
  wrong(() => rig.dev.open(f.verifier)); // no self-test yet
  rig.dev.startSelfTest();
  await settle(rig.clock);
  try { rig.dev.open(new Uint8Array(32)); assert.unreachable(); } catch (e) { assert.is((e as RpcError).code, 'unauthorized'); }
  rig.dev.open(f.verifier);
  wrong(() => loadList(f, rig.dev, homeVoters(3)));
  wrong(() => rig.dev.loadElection(f.otherSignedElection.length, 0, f.otherSignedElection));
  wrong(() => rig.dev.uploadVotes(0, 10));
  rig.dev.beginVoter(0);
  wrong(() => rig.dev.close());
  rig.dev.endVoter();
  rig.dev.close();
  assert.equal(rig.dev.beginVoter(1), { result: 'refused', reason: 'not-open' });
  assert.ok(events(rig, EVENTS.commandRefused.id) >= 8);
  const page = rig.dev.eventPage(1, 64);
  assert.ok(verifyEventPage(page.page, crypto, { publicKey: f.devicePublic }).ok);
});

test('battery: status shows it; below the warning level the member is warned; below critical no voter starts', async () => {
  const rig = await openRig(homeVoters(5));
  rig.power.s = { source: 'battery', batteryPercent: 25 };
  assert.is(rig.dev.status().power!.batteryPercent, 25);
  assert.is(rig.dev.counters().batteryPercent, 25);
  rig.dev.identify(0);
  assert.ok(rig.display.last.mode === 'member' && rig.display.last.screen.warning !== undefined, 'a low-battery warning before the voter starts');
  assert.equal(rig.dev.beginVoter(0), { result: 'started', lowBattery: true });
  rig.dev.endVoter();
  rig.power.s = { source: 'battery', batteryPercent: 10 };
  assert.equal(rig.dev.beginVoter(1), { result: 'refused', reason: 'battery-critical' });
  rig.power.s = { source: 'mains', batteryPercent: 10 };
  assert.is(rig.dev.beginVoter(1).result, 'started');
});

test('over the wire: portable.* messages through the registry, upload pages reassemble', async () => {
  const rig = await openRig(homeVoters(25));
  for (let i = 0; i < 20; i++) voteAtHome(rig, i, 1);
  const server = rig.dev.serve(new RpcServer(portableRegistry()));
  let seq = 1;
  const call = async (type: string, body: Record<string, unknown>) => {
    let out: Uint8Array | undefined;
    server.receive('pc', encodeRequest({ seq: seq++, type, body: body as never }), (r) => { out = r; });
    for (let k = 0; k < 10 && !out; k++) await Promise.resolve();
    return decodeResponse(out!);
  };
  const c = await call('portable.counters', {});
  assert.ok('ok' in c);
  assert.is((await call('close', {}) as { ok: unknown }).ok !== undefined, true);
  const s = await call('portable.upload.summary', {});
  assert.ok('ok' in s);
  const p = await call('portable.upload.votes', { from: 0, limit: 64 });
  assert.ok('ok' in p);
  const page = (p as unknown as { ok: { votes: unknown[]; next: number; total: number } }).ok;
  assert.ok(page.votes.length > 0 && page.votes.length < 20, 'a page stays under a frame');
  assert.is(page.total, 20);
  const bad = await call('portable.load-voters', { electionFingerprint: f.fingerprint, total: 1, offset: 0, voters: [] });
  assert.ok('err' in bad);
});

test('the same chip after a reboot: list, marks, votes, codes and phase come back', async () => {
  const voters = homeVoters(30);
  const rig = await openRig(voters, 'reboot');
  const codes = [voteAtHome(rig, 2, 1).code!, voteAtHome(rig, 9, 2).code!];
  const again = makePortable(f, rig.flash, seeded(crypto, 'reboot-2'), { clock: rig.clock });
  assert.is(again.dev.state, 'open');
  assert.equal([again.dev.counters().marked, again.dev.counters().votes], [2, 2]);
  assert.equal(again.dev.beginVoter(2), { result: 'refused', reason: 'already-voted' });
  const third = voteAtHome(again, 3, 3).code!;
  assert.not.ok(codes.includes(third), 'a code is never reissued after a reboot');
  assert.equal(again.dev.findByRegisterNo(voters[9].registerNo)!.voter, voters[9]);
});

test.run();
