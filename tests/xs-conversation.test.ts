// Each device's conversation with the precinct computer, the device inside the real XS engine
// (hosts/xs/harness/device.ts: a persistent xsnap worker in a child process, its link relayed to this
// process) and the precinct computer's own code on Node (DeviceLink, precinct/devices/calls.ts):
// identify, set the time, load the election, provision, self-test, a wrong and the right start
// password, counters and status, close, the event log read and its chain verified.
// Prints the device's XS compute per conversation step (not asserted: tests are never timed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesEqual } from '../protocol/bytes';
import { EVENTS } from '../runtime/events';
import {
  accumulatorCounters, accumulatorLoadKeys, closeDevice, identify, loadElection, openDevice, portableCounters, portableLoadSetup, portableLoadVoters, portableUpload,
  readEventLog, readResults, runSelfTest, setTime, status, terminalCounters, terminalProvision,
} from '../precinct/devices/calls';
import { startPasswordCommitment } from '../protocol/start-password';
import { codesToBitmap } from '../terminal/ballot/codes';
import { precinctKeys } from './terminal-helpers';
import { PASSWORD as ACC_VERIFIER, fixture as accFixture } from './accumulator-helpers';
import { fixture as portableFixture, homeVoters } from './portable-helpers';
import { converse, crypto, precinctNoise, printSteps, refusal } from './xs-conversation-helpers';

const WALL = Date.UTC(2025, 2, 1, 1, 30);

test('terminal in XS: identify, load election, provision, self-test, open, counters, close, event log', async () => {
  const f = accFixture(crypto); // a signed election and its authority
  const k = precinctKeys(crypto, 'xs-convo-terminal');
  const c = await converse('tests/xs/convo-terminal.ts', 'terminal-1', { config: { authority: f.authorityPublic, enrolled: precinctNoise.publicKey } });
  try {
    const id = await c.step('identify (Noise KK handshake + 1 RPC)', () => identify(c.link));
    assert.is(id.kind, 'terminal');
    assert.is(id.serial, 'XS-TRM-1');
    assert.ok(id.signingKey);
    await c.step('set-time', () => setTime(c.link, WALL));
    const electionId = await c.step('load-election (signed, chunks)', () => loadElection(c.link, f.signedElection));
    assert.ok(bytesEqual(electionId, f.fingerprint));
    const codes: number[] = [];
    for (let i = 0; i < 100; i++) codes.push((i * 97 + 13) % 10_000);
    const prov = await c.step('terminal.provision (100 codes)', () => terminalProvision(c.link, { issuers: [k.issuerPublic], electionPublicKey: k.electionPublic, codes: codesToBitmap(codes), startPasswordCommitment: k.commitment }));
    assert.is(prov.codes, 100);
    const st = await c.step('self-test (run + polls)', () => runSelfTest(c.link, c.clock, { pollMs: 50, waitMs: 60_000 }));
    assert.is(st.state, 'done');
    assert.ok(st.passed, JSON.stringify(st.checks));
    assert.is(await c.step('open, wrong password', () => refusal(openDevice(c.link, crypto.sha256(k.verifier)))), 'unauthorized');
    assert.is((await c.step('open', () => openDevice(c.link, k.verifier))).state, 'open');
    const counters = await c.step('terminal.counters', () => terminalCounters(c.link));
    assert.equal([counters.state, counters.votes, counters.codesRemaining], ['open', 0, 100]);
    const s = await c.step('status', () => status(c.link));
    assert.is(s.state, 'open');
    assert.ok(s.electionId && bytesEqual(s.electionId, f.fingerprint));
    assert.is((await c.step('close', () => closeDevice(c.link))).state, 'closed');
    const log = await c.step('event-log.read (all pages, chain verified)', () => readEventLog(c.link, crypto, { publicKey: id.signingKey }));
    assert.ok(log.signed);
    const events = log.entries.map((e) => e.event);
    for (const e of [EVENTS.boot, EVENTS.openRefusedBadPassword, EVENTS.opened, EVENTS.closed]) assert.ok(events.includes(e.id), `${e.name} in the log: ${events.join()}`);
    await printSteps('terminal', c);
  } finally { await c.close(); }
});

test('accumulator in XS: identify, load election and keys, self-test, open, counters, close, empty read-out, event log', async () => {
  const f = accFixture(crypto);
  const c = await converse('tests/xs/convo-accumulator.ts', 'accumulator-1', { config: { authority: f.authorityPublic, enrolled: precinctNoise.publicKey } });
  try {
    const id = await c.step('identify (Noise KK handshake + 1 RPC)', () => identify(c.link));
    assert.equal([id.kind, id.serial], ['accumulator', 'XS-ACC-1']);
    await c.step('set-time', () => setTime(c.link, WALL));
    const electionId = await c.step('load-election (signed, chunks)', () => loadElection(c.link, f.signedElection));
    assert.ok(bytesEqual(electionId, f.fingerprint));
    const keys = await c.step('accumulator.load-keys', () => accumulatorLoadKeys(c.link, { issuers: [f.issuerPublic], terminals: [f.terminalPublic], portableBallots: [f.portablePublic], startPasswordCommitment: startPasswordCommitment(crypto, ACC_VERIFIER) }));
    assert.is(keys.state, 'loaded');
    const st = await c.step('self-test (run + polls)', () => runSelfTest(c.link, c.clock, { pollMs: 50, waitMs: 60_000 }));
    assert.ok(st.state === 'done' && st.passed, JSON.stringify(st.checks));
    assert.is(await c.step('open, wrong password', () => refusal(openDevice(c.link, new Uint8Array(32).fill(1)))), 'unauthorized');
    assert.is((await c.step('open', () => openDevice(c.link, ACC_VERIFIER))).state, 'open');
    const counters = await c.step('accumulator.counters', () => accumulatorCounters(c.link));
    assert.equal([counters.state, counters.accepted, counters.refused, counters.slotsFree], ['open', 0, 0, 48]);
    assert.is((await c.step('status', () => status(c.link))).state, 'open');
    assert.is(await c.step('results.read before close', () => refusal(readResults(c.link))), 'wrong-state');
    assert.is((await c.step('close', () => closeDevice(c.link))).state, 'closed');
    assert.equal(await c.step('results.read (none)', () => readResults(c.link)), []);
    const log = await c.step('event-log.read (all pages, chain verified)', () => readEventLog(c.link, crypto, { publicKey: id.signingKey }));
    assert.ok(log.signed);
    const events = log.entries.map((e) => e.event);
    for (const e of [EVENTS.boot, EVENTS.openRefusedBadPassword, EVENTS.opened, EVENTS.closed]) assert.ok(events.includes(e.id), `${e.name} in the log: ${events.join()}`);
    await printSteps('accumulator', c);
  } finally { await c.close(); }
});

test('portable ballot in XS: identify, load election, setup and home list, self-test, open, counters, close, upload, event log', async () => {
  const f = portableFixture(crypto);
  const c = await converse('tests/xs/convo-portable.ts', 'portable-ballot-1', { config: { authority: f.authorityPublic, enrolled: precinctNoise.publicKey, signingKey: f.deviceSecret } });
  try {
    const id = await c.step('identify (Noise KK handshake + 1 RPC)', () => identify(c.link));
    assert.equal([id.kind, id.serial], ['portable-ballot', 'XS-PB-1']);
    assert.ok(id.signingKey && bytesEqual(id.signingKey, f.devicePublic));
    await c.step('set-time', () => setTime(c.link, WALL));
    await c.step('load-election (signed, chunks)', () => loadElection(c.link, f.signedElection));
    const setup = await c.step(`portable.load-setup (${f.shareCodes.length} codes)`, () => portableLoadSetup(c.link, { electionPublicKey: f.electionPublic, startPasswordCommitment: f.commitment, codeShare: f.codeShare }));
    assert.is(setup.codes, f.shareCodes.length);
    await c.step('portable.load-voters (20 voters, 2 chunks)', () => portableLoadVoters(c.link, crypto, f.fingerprint, homeVoters(20)));
    const st = await c.step('self-test (run + polls)', () => runSelfTest(c.link, c.clock, { pollMs: 50, waitMs: 60_000 }));
    assert.ok(st.state === 'done' && st.passed, JSON.stringify(st.checks));
    assert.is(await c.step('open, wrong password', () => refusal(openDevice(c.link, crypto.sha256(f.verifier)))), 'unauthorized');
    assert.is((await c.step('open', () => openDevice(c.link, f.verifier))).state, 'open');
    const counters = await c.step('portable.counters', () => portableCounters(c.link));
    assert.equal([counters.state, counters.applications, counters.votes, counters.codesLeft], ['open', 20, 0, f.shareCodes.length]);
    assert.is((await c.step('status', () => status(c.link))).state, 'open');
    assert.is((await c.step('close', () => closeDevice(c.link))).state, 'closed');
    const up = await c.step('upload (signed summary, marks, votes)', () => portableUpload(c.link));
    assert.equal([up.summary.applications, up.summary.marked, up.summary.votes, up.votes.length], [20, 0, 0, 0]);
    const log = await c.step('event-log.read (all pages, chain verified)', () => readEventLog(c.link, crypto, { publicKey: f.devicePublic }));
    assert.ok(log.signed);
    const events = log.entries.map((e) => e.event);
    for (const e of [EVENTS.boot, EVENTS.openRefusedBadPassword, EVENTS.opened, EVENTS.closed]) assert.ok(events.includes(e.id), `${e.name} in the log: ${events.join()}`);
    await printSteps('portable ballot', c);
  } finally { await c.close(); }
});

test.run();
