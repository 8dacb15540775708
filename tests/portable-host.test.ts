// The portable ballot end to end with the precinct side: applications recorded in the precinct
// database, turned into the device's list, loaded over an authenticated link (Noise KK, frames,
// RPC) in chunks with the digest; self-test and open over the wire; three home voters; close
// and the upload read page by page over the wire, verified, and the voters marked in the register.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { SessionClient } from '../protocol/session';
import { Close, LoadElection, Open, SelfTestReport, SelfTestRun, Identify } from '../protocol/wire/messages';
import { VirtualClock } from '../runtime/virtual-clock';
import { memoryLinkPair, splitFault } from '../hosts/node/memory-link';
import { startPortableHost, homeVotersFromApplications } from '../hosts/node/portable-host';
import { Counters, LoadSetup, LoadVoters, UploadMarks, UploadSummaryMsg, UploadVotes } from '../portable-ballot/messages';
import { homeListDigest } from '../portable-ballot/voter-list';
import { verifyUpload, type Upload, type ExcessReason } from '../portable-ballot/upload';
import { SMALL_BLOCKS, SMALL_LAYOUT, PRECINCT, ELECTION_DAY, fixture, seeded, voterArray, voteAtHome, RecordingDisplay, TestPower } from './portable-helpers';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister } from '../precinct/register';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { homeVoting } from '../precinct/home-voting';

const f = fixture(crypto);

test('applications → list → load over the link → three home votes → upload over the link → marked in the register', async () => {
  const t = tempDb();
  try {
    const mc = manualClock(`${ELECTION_DAY}T05:00:00.000Z`); // 10:00 local
    importRegister(t.db, sampleRegisterCsv({ seed: 5, count: 300, electionDay: ELECTION_DAY }), mc.clock);
    const hv = homeVoting(t.db, mc.clock, { electionDay: ELECTION_DAY });
    for (const n of [12, 40, 41, 77, 150, 151, 220]) hv.apply(n);
    const list = homeVotersFromApplications(hv.listForPortableBallot());
    assert.is(list.length, 7);

    const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 6) });
    const keys = seeded(crypto, 'host-keys');
    const pcKey = noiseKeyPair(crypto, keys.randomBytes(32));
    const pair = memoryLinkPair({ fault: splitFault(3, 200) });
    const display = new RecordingDisplay();
    const host = await startPortableHost({
      flash: undefined, blocks: SMALL_BLOCKS, layout: SMALL_LAYOUT, link: pair.a, enrolledKeys: [pcKey.publicKey], authorityKeys: [f.authorityPublic],
      signingKey: f.deviceSecret, noiseKey: noiseKeyPair(crypto, keys.randomBytes(32)), display, clock, crypto, entropy: seeded(crypto, 'host-dev'),
    });
    const pc = new SessionClient({ link: pair.b, crypto, entropy: seeded(crypto, 'pc'), clock, staticKey: pcKey, remoteStaticPublicKey: host.noiseKey.publicKey, timeoutMs: 500, maxAttempts: 6 });
    const call = <Req, Res>(def: Parameters<typeof pc.call<Req, Res>>[0], body: Req) => clock.runUntilSettled(pc.call(def, body));

    assert.is((await call(Identify, {})).kind, 'portable-ballot');
    const el = f.signedElection;
    for (let o = 0; o < el.length; o += 3000) await call(LoadElection, { total: el.length, offset: o, chunk: el.subarray(o, Math.min(el.length, o + 3000)) });
    await call(LoadSetup, { electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare });
    const digest = homeListDigest(crypto, f.fingerprint, list);
    let loaded;
    for (let o = 0; o < list.length; o += 4) {
      const part = list.slice(o, o + 4);
      loaded = await call(LoadVoters, { electionFingerprint: f.fingerprint, total: list.length, offset: o, voters: part.map(voterArray), digest: o + part.length >= list.length ? digest : undefined });
    }
    assert.equal(loaded!.listDigest, digest);
    hv.markLoaded(list.map((v) => v.registerNo));
    await call(SelfTestRun, {});
    let report = await call(SelfTestReport, {});
    for (let i = 0; i < 20 && report.state !== 'done'; i++) { await clock.runUntilSettled(Promise.resolve()); clock.advance(100); report = await call(SelfTestReport, {}); }
    assert.is(report.passed, true, JSON.stringify(report.checks));
    await call(Open, { password: f.verifier });

    const rig = { dev: host.device, display, clock, power: new TestPower(), flash: host.flash };
    for (const i of [1, 4, 6]) voteAtHome(rig, i, 2);
    const c = await call(Counters, {});
    assert.equal([c.applications, c.marked, c.votes, c.forDecision], [7, 3, 3, false]);
    await call(Close, {});
    const s = await call(UploadSummaryMsg, {});
    const marks = (await call(UploadMarks, { from: 0, limit: 512 })).registerNos;
    const votes: Upload['votes'] = [];
    for (let from = 0; ;) { const p = await call(UploadVotes, { from, limit: 64 }); votes.push(...p.votes); if (p.next >= p.total) break; from = p.next; }
    const v = verifyUpload(crypto, f.devicePublic, { electionFingerprint: f.fingerprint, precinct: PRECINCT }, { summary: { ...s, forDecision: s.forDecision as ExcessReason[] }, marks, votes });
    assert.equal(v.marks, [1, 4, 6].map((i) => list[i].registerNo));
    hv.markVotedOutside(v.marks);
    const statuses = hv.list().map((a) => [a.voter.registerNo, a.status]);
    assert.equal(statuses, list.map((x, i) => [x.registerNo, [1, 4, 6].includes(i) ? 'voted' : 'loaded']));
    await host.close();
  } finally {
    t.dispose();
  }
});

test.run();
