// Device control on the precinct computer, against the real accumulator firmware and a
// minimal test terminal over memory links and TCP on loopback: commissioning, the morning
// self-test (stored, printable), opening (refused with a wrong password, refused when a device
// is not at zero or unreachable, the zero report), a restart decision and re-link, close and
// collect.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesEqual } from '../protocol/bytes';
import { PrecinctError } from '../precinct/errors';
import { listDevices } from '../precinct/db/devices';
import { readEvents, verifyEventLog } from '../precinct/event-log';
import { commissionDevice, dayPhase, precinctIdentityPublic, provisionDevice, readElection, sealedElectionKey } from '../precinct/setup';
import { latestSelfTest, latestZeroReport, openPrecinct, selfTestAll, OpenRefused } from '../precinct/morning';
import { recordRestartDecision, relinkDevice } from '../precinct/devices/restart';
import { closeAndCollect, collectedDeliveries, storedDeviceData } from '../precinct/devices/close';
import { checkDeliveries, countVotes, CountRefusedError } from '../precinct/count/count';
import { enrolledDevices, registerFigures } from '../precinct/count/register-figures';
import { encodeCbor } from '../protocol/cbor';
import { readEventLog, runSelfTest, status } from '../precinct/devices/calls';
import { SelfTestRun } from '../protocol/wire/messages';
import { NodeClock } from '../hosts/node/clock';
import { DeviceError } from '../precinct/devices/errors';
import { parseAddress } from '../precinct/devices/address';
import { selfTestText, zeroReportText } from '../precinct/reports/text';
import { selfTestPdf, zeroReportPdf } from '../precinct/reports/pdf';
import { homeVoting } from '../precinct/home-voting';
import { voteAtHome, type Rig as PortableRig } from './portable-helpers';
import { loadHomeVoters } from '../precinct/devices/home-list';
import { portableCounters } from '../precinct/devices/calls';
import { crypto, makeAccumulator, makePortableBallot, makeRealTerminal, makeTerminal, station, type Station, type TerminalOptions } from './precinct-devices-rig';

async function rejects(p: Promise<unknown>, code: string): Promise<PrecinctError> {
  try { await p; } catch (e) {
    assert.instance(e, PrecinctError, String(e));
    assert.is((e as PrecinctError).code, code, (e as Error).message);
    return e as PrecinctError;
  }
  throw new assert.Assertion({ message: `expected a rejection with ${code}`, generated: true, operator: 'rejects', expects: code, actual: 'resolved' });
}

/** A station with a terminal and an accumulator commissioned over memory links. */
async function commissioned(t: TerminalOptions = {}): Promise<Station> {
  const s = await station();
  const term = makeTerminal('t1', t);
  const acc = makeAccumulator('a1');
  const r1 = await commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(term), devicePublicKey: term.noisePublic });
  assert.is(r1.device.deviceId, 'terminal-1');
  const r2 = await commissionDevice(s.work, { kind: 'accumulator', address: s.plugMemory(acc), devicePublicKey: acc.noisePublic });
  assert.is(r2.device.deviceId, 'accumulator-1');
  return s;
}

test('addresses parse; a bad one is a typed refusal', () => {
  assert.equal(parseAddress('tcp:7001'), { kind: 'tcp', host: '127.0.0.1', port: 7001 });
  assert.equal(parseAddress('tcp:localhost:7002'), { kind: 'tcp', host: 'localhost', port: 7002 });
  assert.equal(parseAddress('serial:/dev/ttyUSB0'), { kind: 'serial', path: '/dev/ttyUSB0' });
  for (const bad of ['7001', 'tcp:99999', 'usb:x', 'serial:dev']) {
    assert.throws(() => parseAddress(bad), (e: unknown) => e instanceof DeviceError && e.code === 'device-bad-address', bad);
  }
});

test('commissioning identifies, enrols, provisions; what the firmware cannot take is reported', async () => {
  const s = await station();
  try {
    const term = makeTerminal('t1');
    const acc = makeAccumulator('a1');
    const rt = await commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(term), devicePublicKey: term.noisePublic });
    assert.ok(rt.steps.every((x) => x.ok), JSON.stringify(rt.steps));
    assert.match(rt.steps.find((x) => x.what === 'keys and verification codes')!.detail, /^20 verification codes/);
    // a firmware without terminal.provision: enrolled, the step reported as not supported
    const old = makeTerminal('t0', { commonOnly: true });
    const ro = await commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(old), devicePublicKey: old.noisePublic, deviceId: 'terminal-old' });
    const missing = ro.steps.find((x) => x.what === 'keys and verification codes')!;
    assert.is(missing.ok, false);
    assert.match(missing.detail, /device-not-supported/);
    const ra = await commissionDevice(s.work, { kind: 'accumulator', address: s.plugMemory(acc), devicePublicKey: acc.noisePublic });
    assert.ok(ra.steps.every((x) => x.ok), JSON.stringify(ra.steps));
    assert.is(acc.acc.state, 'loaded');
    const devices = listDevices(s.db);
    assert.equal(devices.map((d) => [d.deviceId, d.kind, d.serial]), [['accumulator-1', 'accumulator', 'SN-a1'], ['terminal-1', 'terminal', 'SN-t1'], ['terminal-old', 'terminal', 'SN-t0']]);
    assert.ok(bytesEqual(devices[0].kexPublicKey!, acc.noisePublic));
    assert.ok(bytesEqual(devices[0].signPublicKey, crypto.ed25519PublicKey(acc.signingSeed)));
    // each code-showing device has its own share
    const shares = s.db.prepare('SELECT bitmap FROM device_code_sets').all() as { bitmap: Uint8Array }[];
    assert.is(shares.length, 2);
    for (let i = 0; i < 1250; i++) assert.is(shares[0].bitmap[i] & shares[1].bitmap[i], 0, 'code shares are disjoint');
    // a device that is not what the technician said: refused, not enrolled
    const other = makeAccumulator('a2');
    await rejects(commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(other), devicePublicKey: other.noisePublic }), 'device-identity-mismatch');
    // a key typed wrong: the handshake does not authenticate and the device says so
    const third = makeAccumulator('a3');
    const addr = s.plugMemory(third);
    const e = await rejects(commissionDevice(s.work, { kind: 'accumulator', address: addr, devicePublicKey: other.noisePublic }), 'device-refused-key');
    assert.match(e.message, /accumulator-2/);
    assert.is(listDevices(s.db).length, 3);
    assert.ok(verifyEventLog(s.db).ok);
    assert.ok(readEvents(s.db).some((r) => r.event === 'device-commission' && r.disposition === 'refused'));
  } finally { await s.dispose(); }
});

test('self-test of every device: stored, per check passed / failed / needs-operator, printable in text and PDF', async () => {
  const s = await commissioned();
  try {
    const r = await selfTestAll(s.work, { pollMs: 20 });
    assert.is(r.devices.length, 2);
    const acc = r.devices.find((d) => d.deviceId === 'accumulator-1')!;
    const term = r.devices.find((d) => d.deviceId === 'terminal-1')!;
    assert.ok(acc.checks.find((c) => c.name === 'event-log-chain')?.outcome === 'passed', JSON.stringify(acc.checks));
    assert.ok(acc.checks.some((c) => c.name === 'journal'), 'the device\'s own checks are in');
    assert.is(acc.checks.find((c) => c.name === 'card-reader')?.outcome, 'needs-operator'); // no service card in the reader
    assert.is(term.checks.find((c) => c.name === 'screen')?.outcome, 'needs-operator');
    assert.is(term.checks.find((c) => c.name === 'provisioning'), undefined, 'fully provisioned');
    assert.is(r.outcome, 'needs-operator');
    const stored = latestSelfTest(s.db)!;
    assert.equal(stored, r);
    const text = selfTestText(stored);
    assert.match(text, /ӨЗІН-ӨЗІ ТЕКСЕРУ/);
    assert.match(text, /САМОТЕСТИРОВАНИЕ/);
    assert.match(text, /accumulator-1/);
    const pdf = await selfTestPdf(stored);
    assert.is(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 2000);
  } finally { await s.dispose(); }
});

test('a self-test already running on the device (busy) is waited for, not refused', async () => {
  const s = await commissioned();
  try {
    const link = s.work.pool.link('accumulator-1');
    const { run } = await link.call(SelfTestRun, {});
    const r = await runSelfTest(link, new NodeClock(), { pollMs: 10 });
    assert.is(r.state, 'done');
    assert.is(r.run, run);
  } finally { await s.dispose(); }
});

test('self-test: an unreachable device fails its line, the others are still tested', async () => {
  const s = await commissioned();
  try {
    s.pairs.get('t1')!.disconnect();
    const r = await selfTestAll(s.work, { pollMs: 20 });
    const term = r.devices.find((d) => d.deviceId === 'terminal-1')!;
    assert.is(term.outcome, 'failed');
    assert.is(term.checks[0].name, 'link');
    assert.is(r.outcome, 'failed');
    assert.is(r.devices.find((d) => d.deviceId === 'accumulator-1')!.outcome, 'needs-operator');
  } finally { await s.dispose(); }
});

test('open: a wrong start password is refused before any device is asked; the right one opens with a zero report', async () => {
  const s = await commissioned();
  try {
    await selfTestAll(s.work, { pollMs: 20 });
    const digits = s.password.replace(/ /g, '');
    const wrong = (digits[0] === '9' ? '0' : '9') + digits.slice(1);
    await rejects(openPrecinct(s.work, wrong), 'wrong-start-password');
    await rejects(openPrecinct(s.work, '1234'), 'start-password-malformed');
    assert.is(latestZeroReport(s.db), undefined, 'no device was asked');
    const r = await openPrecinct(s.work, s.password);
    assert.ok(r.report.allZero);
    assert.equal(r.report.lines.map((l) => [l.deviceId, l.votes, l.zero]), [['accumulator-1', 0, true], ['terminal-1', 0, true], ['precinct-computer', 0, true]]);
    assert.equal(r.opened.map((o) => o.deviceId).sort(), ['accumulator-1', 'terminal-1']);
    assert.is((s.devices.get('a1') as ReturnType<typeof makeAccumulator>).acc.state, 'open');
    assert.is(dayPhase(s.db), 'open');
    const text = zeroReportText(latestZeroReport(s.db)!);
    assert.match(text, /НӨЛДІК/);
    assert.match(text, /НУЛЕВОЙ/);
    const pdf = await zeroReportPdf(latestZeroReport(s.db)!);
    assert.is(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
    const events = readEvents(s.db).map((e) => `${e.event}:${e.disposition}`);
    assert.ok(events.includes('open:refused') && events.includes('zero-report:ok') && events.includes('open:ok'));
  } finally { await s.dispose(); }
});

test('open is refused when a device is not at zero, or unreachable; the report lists which', async () => {
  const s = await commissioned({ votes: 3 });
  try {
    await selfTestAll(s.work, { pollMs: 20 });
    const e = await rejects(openPrecinct(s.work, s.password), 'open-refused-not-zero') as OpenRefused;
    assert.equal(e.devices, ['terminal-1']);
    assert.match(e.message, /terminal-1 \(holds 3 votes/);
    assert.is(e.report!.allZero, false);
    assert.is(latestZeroReport(s.db)!.allZero, false);
    assert.is((s.devices.get('a1') as ReturnType<typeof makeAccumulator>).acc.state, 'loaded', 'nothing was opened');
    // now it is at zero but the accumulator is unplugged
    (s.devices.get('t1') as ReturnType<typeof makeTerminal>).opts.votes = 0;
    s.pairs.get('a1')!.disconnect();
    const e2 = await rejects(openPrecinct(s.work, s.password), 'open-refused-not-zero') as OpenRefused;
    assert.equal(e2.devices, ['accumulator-1']);
    assert.is(e2.report!.lines[0].reachable, false);
    assert.is(dayPhase(s.db), 'setup');
  } finally { await s.dispose(); }
});

test('open: a device that does not report its vote count cannot be shown at zero, so opening is refused', async () => {
  const s = await commissioned({ silent: true });
  try {
    const e = await rejects(openPrecinct(s.work, s.password), 'open-refused-not-zero') as OpenRefused;
    assert.equal(e.devices, ['terminal-1']);
    assert.match(e.message, /does not report how many votes/);
  } finally { await s.dispose(); }
});

test('a device that refuses the verifier: open-incomplete names it; the others stay open', async () => {
  const s = await commissioned({ commitment: new Uint8Array(32).fill(1) });
  try {
    await selfTestAll(s.work, { pollMs: 20 });
    const e = await rejects(openPrecinct(s.work, s.password), 'open-incomplete') as OpenRefused;
    assert.equal(e.devices, ['terminal-1']);
    assert.match(e.message, /refused open/);
    assert.is(dayPhase(s.db), 'setup');
  } finally { await s.dispose(); }
});

test('restart decision: recorded with the members and reason; the restarted device is re-linked and voting goes on', async () => {
  const s = await commissioned();
  try {
    await selfTestAll(s.work, { pollMs: 20 });
    await openPrecinct(s.work, s.password);
    const acc = s.devices.get('a1') as ReturnType<typeof makeAccumulator>;
    const before = s.work.pool.link('accumulator-1').stats().handshakes;
    assert.throws(() => recordRestartDecision(s.work, { deviceId: 'accumulator-1', members: ['A. Chairman'], reason: 'screen frozen' }), (e: unknown) => e instanceof PrecinctError && e.code === 'decision-incomplete');
    const seq = recordRestartDecision(s.work, { deviceId: 'accumulator-1', members: ['A. Chairman', 'B. Secretary', 'C. Member'], reason: 'screen frozen at 10:40' });
    const ev = readEvents(s.db, seq, 1)[0];
    assert.is(ev.event, 'restart-decision');
    assert.match(ev.detail, /A\. Chairman; B\. Secretary; C\. Member/);
    assert.match(ev.detail, /screen frozen/);
    // the specialist restarts it: the firmware boots again from its flash, on a new link
    acc.clock.clearAll();
    s.pairs.get('a1')!.disconnect();
    const restarted = makeAccumulator('a1', acc.flash);
    assert.is(restarted.acc.state, 'open', 'state survives the restart');
    s.plugMemory(restarted);
    const r = await relinkDevice(s.work, 'accumulator-1');
    assert.is(r.status.state, 'open');
    assert.ok(s.work.pool.link('accumulator-1').stats().handshakes > before);
    assert.is(s.work.pool.link('accumulator-1').stats().relinks, 2);
    // and it answers as before
    assert.is((await status(s.work.pool.link('accumulator-1'))).state, 'open');
    const log = await readEventLog(s.work.pool.link('accumulator-1'), crypto, { publicKey: listDevices(s.db, 'accumulator')[0].signPublicKey });
    assert.ok(log.entries.length > 3 && log.signed);
    assert.ok(readEvents(s.db).some((e) => e.event === 'device-relinked' && e.disposition === 'ok'));
  } finally { await s.dispose(); }
});

test('a different device at a restarted device\'s address is not accepted: the handshake fails, logged', async () => {
  const s = await commissioned();
  try {
    s.pairs.get('a1')!.disconnect();
    const impostor = makeAccumulator('a9'); // knows the precinct's key, but is not the enrolled device
    s.pairs.delete('a1');
    const addr = s.plugMemory(impostor);
    s.pairs.set('a1', s.pairs.get('a9')!);
    assert.is(addr, 'serial:/mem/a9');
    await rejects(relinkDevice(s.work, 'accumulator-1'), 'device-refused-key');
    assert.ok(readEvents(s.db).some((e) => e.event === 'device-relinked' && e.disposition === 'failed'));
  } finally { await s.dispose(); }
});

test('close collects every device\'s data with a fingerprint; a missing device is reported, and collected on the next run', async () => {
  const s = await commissioned({ votesWritten: 2 });
  try {
    await selfTestAll(s.work, { pollMs: 20 });
    await openPrecinct(s.work, s.password);
    s.pairs.get('a1')!.disconnect();
    const r1 = await closeAndCollect(s.work);
    assert.is(r1.complete, false);
    assert.equal(r1.missing.map((m) => m.deviceId), ['accumulator-1']);
    assert.equal(r1.collected.map((c) => [c.deviceId, c.records]), [['terminal-1', 1]]);
    const t = storedDeviceData(s.db, 'terminal-1')!;
    assert.equal(t.records, [encodeCbor({ kind: 'sailau/terminal-votes-written', votesWritten: 2 })]);
    assert.is(dayPhase(s.db), 'closed');
    s.pairs.get('a1')!.connect();
    const r2 = await closeAndCollect(s.work);
    assert.is(r2.complete, true);
    assert.equal(r2.collected.map((c) => [c.deviceId, c.records]).sort(), [['accumulator-1', 0], ['terminal-1', 1]]);
    assert.is((s.devices.get('a1') as ReturnType<typeof makeAccumulator>).acc.state, 'closed');
    await rejects(openPrecinct(s.work, s.password), 'already-closed');
    assert.ok(verifyEventLog(s.db).ok);
  } finally { await s.dispose(); }
});

test('counting input from the collected data: an accumulator\'s bare votes and a portable ballot\'s [activation, vote] pairs are taken; completeness is checked', async () => {
  const s = await commissioned({ votesWritten: 1 });
  try {
    await selfTestAll(s.work, { pollMs: 20 });
    await openPrecinct(s.work, s.password);
    s.pairs.get('a1')!.disconnect();
    await closeAndCollect(s.work);
    // the accumulator is missing: counting refuses and names it
    assert.throws(() => checkDeliveries({ devices: enrolledDevices(s.db), deliveries: collectedDeliveries(s.db) }),
      (e: unknown) => e instanceof CountRefusedError && e.code === 'count-devices-missing' && e.missing.join() === 'accumulator-1');
    const put = (records: Uint8Array[]) => {
      s.db.prepare('DELETE FROM device_data WHERE device_id = ?').run('accumulator-1');
      s.db.prepare('INSERT INTO device_data (device_id, collected_at, record_count, records, fingerprint) VALUES (?, ?, ?, ?, ?)')
        .run('accumulator-1', 'now', records.length, encodeCbor(records), new Uint8Array(32));
    };
    const bareVote = encodeCbor([1, Uint8Array.of(2), 3, 4, Uint8Array.of(5)]); // as an accumulator reads it out
    put([bareVote]);
    const d = collectedDeliveries(s.db);
    const acc = d.find((x) => x.deviceId === 'accumulator-1');
    assert.equal(acc, { deviceId: 'accumulator-1', kind: 'accumulator', records: [{ vote: bareVote }], reportedCount: 1 });
    assert.equal(d.find((x) => x.deviceId === 'terminal-1'), { deviceId: 'terminal-1', kind: 'terminal', votesWritten: 1 });
    checkDeliveries({ devices: enrolledDevices(s.db), deliveries: d });
  } finally { await s.dispose(); }
});

test('the real portable ballot: provisioned, home voters loaded (digest checked), opened at zero, a home vote uploaded, verified, marked and counted', async () => {
  const s = await station();
  try {
    const term = makeTerminal('t1');
    const pb = makePortableBallot('p1');
    const acc = makeAccumulator('a1');
    await commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(term), devicePublicKey: term.noisePublic });
    const rp = await commissionDevice(s.work, { kind: 'portable-ballot', address: s.plugMemory(pb), devicePublicKey: pb.noisePublic });
    assert.ok(rp.steps.every((x) => x.ok), JSON.stringify(rp.steps));
    const ra = await commissionDevice(s.work, { kind: 'accumulator', address: s.plugMemory(acc), devicePublicKey: acc.noisePublic });
    assert.match(ra.steps.find((x) => x.what.startsWith('keys'))!.detail, /1 terminals, 1 portable ballots/);
    const hv = homeVoting(s.db, s.time.clock, { electionDay: '2025-03-01' });
    hv.apply(3);
    hv.apply(5, { location: 'hospital ward 2' });
    const loaded = await loadHomeVoters(s.work);
    assert.equal([loaded.deviceId, loaded.voters], ['portable-ballot-1', 2]);
    assert.equal(hv.list().map((x) => x.status), ['loaded', 'loaded']);
    assert.is((await portableCounters(s.work.pool.link('portable-ballot-1'))).applications, 2);
    const st = await selfTestAll(s.work, { pollMs: 20 });
    assert.not.equal(st.outcome, 'failed', JSON.stringify(st.devices.map((d) => [d.deviceId, d.checks.filter((c) => c.outcome === 'failed')])));
    const open = await openPrecinct(s.work, s.password);
    assert.ok(open.report.allZero);
    assert.is(pb.dev.state, 'open');
    // the mobile group: one of the two votes at home
    voteAtHome({ dev: pb.dev, display: pb.display } as unknown as PortableRig, 0, 1);
    const c = await closeAndCollect(s.work);
    assert.ok(c.complete, JSON.stringify(c));
    assert.equal(c.collected.find((x) => x.deviceId === 'portable-ballot-1')?.records, 1);
    assert.equal(hv.list().map((x) => [x.voter.registerNo, x.status]), [[3, 'voted'], [5, 'loaded']]);
    const d = collectedDeliveries(s.db).find((x) => x.deviceId === 'portable-ballot-1');
    assert.ok(d && d.kind === 'portable-ballot' && d.records.length === 1 && d.markedVoters === 1, JSON.stringify(d));
    // and counting takes it: the home vote for option 1 is in the tally
    const election = readElection(s.db, crypto);
    const result = await countVotes({
      crypto, election: { definition: election.definition, fingerprint: election.fingerprint }, devices: enrolledDevices(s.db), deliveries: collectedDeliveries(s.db),
      issuerKeys: [precinctIdentityPublic(s.db).issuingPublicKey], register: registerFigures(s.db), sealedElectionKey: sealedElectionKey(s.db), startPassword: s.password,
    });
    assert.equal(result.tallies[0].options.find((o) => o.optionId === 1)?.votes, 1, JSON.stringify(result));
  } finally { await s.dispose(); }
});

test('the real terminal firmware: provisioned (codes, keys, commitment), opened with the verifier, counted at close', async () => {
  const s = await station();
  try {
    const term = makeRealTerminal('t1');
    const acc = makeAccumulator('a1');
    const rt = await commissionDevice(s.work, { kind: 'terminal', address: s.plugMemory(term), devicePublicKey: term.noisePublic });
    assert.ok(rt.steps.every((x) => x.ok), JSON.stringify(rt.steps));
    await commissionDevice(s.work, { kind: 'accumulator', address: s.plugMemory(acc), devicePublicKey: acc.noisePublic });
    const st = await selfTestAll(s.work, { pollMs: 20 });
    const t = st.devices.find((d) => d.deviceId === 'terminal-1')!;
    assert.not.equal(t.outcome, 'failed', JSON.stringify(t.checks));
    const digits = s.password.replace(/ /g, '');
    await rejects(openPrecinct(s.work, (digits[0] === '1' ? '2' : '1') + digits.slice(1)), 'wrong-start-password');
    const r = await openPrecinct(s.work, s.password);
    assert.ok(r.report.allZero);
    assert.is(term.real.state, 'open');
    const c = await closeAndCollect(s.work);
    assert.ok(c.complete, JSON.stringify(c));
    assert.equal(collectedDeliveries(s.db).find((x) => x.deviceId === 'terminal-1'), { deviceId: 'terminal-1', kind: 'terminal', votesWritten: 0 });
  } finally { await s.dispose(); }
});

test('over TCP on loopback: commission, self-test, open, a dropped connection is re-made, close', async () => {
  const s = await station();
  try {
    const term = makeTerminal('t1');
    const acc = makeAccumulator('a1');
    await commissionDevice(s.work, { kind: 'terminal', address: await s.plugTcp(term), devicePublicKey: term.noisePublic });
    await commissionDevice(s.work, { kind: 'accumulator', address: await s.plugTcp(acc), devicePublicKey: acc.noisePublic });
    const st = await selfTestAll(s.work, { pollMs: 20 });
    assert.is(st.outcome, 'needs-operator', JSON.stringify(st.devices.map((d) => d.checks.filter((c) => c.outcome === 'failed'))));
    await openPrecinct(s.work, s.password);
    s.servers[1].hangUp(); // the accumulator's side drops the connection
    await new Promise((r) => setTimeout(r, 50));
    assert.is((await status(s.work.pool.link('accumulator-1'))).state, 'open');
    assert.ok(s.work.pool.link('accumulator-1').stats().connects >= 2);
    const c = await closeAndCollect(s.work);
    assert.ok(c.complete);
  } finally { await s.dispose(); }
});

test('provisioning again after a firmware reload is possible; an unknown device is a typed refusal', async () => {
  const s = await commissioned();
  try {
    const steps = await provisionDevice(s.work, 'accumulator-1');
    assert.ok(steps.every((x) => x.ok));
    await rejects(provisionDevice(s.work, 'terminal-9'), 'device-unknown');
  } finally { await s.dispose(); }
});

test.run();
