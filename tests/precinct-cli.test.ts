// The precinct computer's command line: --help for every command, usage errors, and the
// day end to end through the commands — init → devices → commission (TCP on loopback, the
// real accumulator and a test terminal) → selftest → open → counters → decision → close →
// log verify.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../protocol/bytes';
import { runCli } from '../precinct/cli';
import { COMMANDS } from '../precinct/cli/help';
import type { CliIo } from '../precinct/cli/io';
import { openPrecinctDb } from '../precinct/db/open';
import { precinctIdentityPublic } from '../precinct/setup';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { TcpLinkServer } from '../hosts/node/link-tcp';
import { attach, authority, makeAccumulator, makeTerminal, passwordFromSheet, signedElection, PASSPHRASE } from './precinct-devices-rig';

interface Captured { io: CliIo; out: string[]; err: string[]; text(): string }

function capture(answers: string[] = [], env: Record<string, string> = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const queue = [...answers];
  return {
    out, err,
    text: () => [...out, ...err].join('\n'),
    io: {
      out: (l) => out.push(l), err: (l) => err.push(l), env: { SAILAU_PASSPHRASE: PASSPHRASE, ...env },
      ask: async (q) => { out.push(q); return queue.shift() ?? ''; },
    },
  };
}

test('--help for every command, and for the whole', async () => {
  for (const c of COMMANDS) {
    const cap = capture();
    assert.is(await runCli([c, '--help'], cap.io), 0, c);
    assert.match(cap.out.join('\n'), /^usage: npx tsx precinct\/cli\.ts /, c);
  }
  const all = capture();
  assert.is(await runCli(['--help'], all.io), 0);
  for (const c of COMMANDS) assert.match(all.out.join('\n'), new RegExp(`\\n  ${c} `), c);
  const none = capture();
  assert.is(await runCli([], none.io), 2);
});

test('usage errors: exit 2 with the command\'s help; refusals: exit 1 with what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-cli-'));
  try {
    const u = capture();
    assert.is(await runCli(['nonsense'], u.io), 2);
    assert.match(u.err.join('\n'), /unknown command/);
    const m = capture();
    assert.is(await runCli(['init', '--db', join(dir, 'x.db')], m.io), 2);
    assert.match(m.err.join('\n'), /--election is required/);
    const k = capture();
    assert.is(await runCli(['commission', 'toaster', 'tcp:1', '--key', '00', '--db', join(dir, 'x.db')], k.io), 2);
    const d = capture();
    assert.is(await runCli(['devices', '--db', join(dir, 'none.db')], d.io), 1);
    assert.match(d.err.join('\n'), /run `init` first/);
    assert.not.ok(existsSync(join(dir, 'none.db')), 'a missing database is not created by a reading command');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('init refuses a definition not signed by the given authority, and leaves no file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-cli-'));
  try {
    writeFileSync(join(dir, 'e.cbor'), signedElection());
    writeFileSync(join(dir, 'other.pub'), `# another authority\n${toHex(new Uint8Array(32).fill(5))}\n`);
    const c = capture();
    const db = join(dir, 'p.db');
    assert.is(await runCli(['init', '--db', db, '--election', join(dir, 'e.cbor'), '--authority', join(dir, 'other.pub'), '--logn', '10'], c.io), 1);
    assert.match(c.err.join('\n'), /election-refused/);
    assert.not.ok(existsSync(db));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the day through the command line: init → devices → commission → selftest → open → counters → decision → close → log verify', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-cli-'));
  const servers: TcpLinkServer[] = [];
  const term = makeTerminal('t1');
  const acc = makeAccumulator('a1');
  try {
    const db = join(dir, 'precinct.db');
    writeFileSync(join(dir, 'e.cbor'), signedElection());
    writeFileSync(join(dir, 'authority.pub'), toHex(authority().public));
    writeFileSync(join(dir, 'register.csv'), sampleRegisterCsv({ seed: 5, count: 30 }));
    const c1 = capture();
    c1.io.env.SAILAU_CHAIRMAN_PASSPHRASE = 'chairman passphrase 77';
    assert.is(await runCli(['init', '--db', db, '--election', join(dir, 'e.cbor'), '--authority', join(dir, 'authority.pub'), '--register', join(dir, 'register.csv'),
      '--chairman-key-out', join(dir, 'chairman.key'), '--logn', '10'], c1.io), 0, c1.text());
    assert.match(c1.text(), /register: 30 voters imported/);
    assert.match(c1.text(), /chairman's key\s+[0-9A-F]{4} /);
    assert.ok(existsSync(join(dir, 'chairman.key')));
    const sheet = readFileSync(join(dir, 'envelope-sheet.txt'), 'utf8');
    const password = passwordFromSheet(sheet);
    writeFileSync(join(dir, 'password'), password);

    const c2 = capture();
    assert.is(await runCli(['devices', '--db', db], c2.io), 0);
    assert.match(c2.text(), /no devices enrolled yet/);

    const c3 = capture();
    assert.is(await runCli(['counters', '--db', db], c3.io), 0);
    assert.match(c3.text(), /В списке\s+30/);

    // the devices: they were given this precinct computer's link key (init printed it)
    const h = openPrecinctDb(db, { mustExist: true });
    const pcKey = precinctIdentityPublic(h).noisePublicKey;
    h.close();
    for (const dev of [term, acc]) {
      const s = await TcpLinkServer.listen();
      servers.push(s);
      attach(dev, s, pcKey);
    }
    const c4 = capture();
    assert.is(await runCli(['commission', 'terminal', `tcp:${servers[0].port}`, '--key', toHex(term.noisePublic), '--db', db], c4.io), 0, c4.text());
    assert.match(c4.text(), /enrolled terminal-1: terminal SN-t1/);
    assert.match(c4.text(), /done    keys and verification codes: 30 verification codes/);
    const c5 = capture();
    assert.is(await runCli(['commission', 'accumulator', `tcp:${servers[1].port}`, '--key', toHex(acc.noisePublic), '--db', db], c5.io), 0, c5.text());
    const c6 = capture();
    assert.is(await runCli(['devices', '--db', db], c6.io), 0);
    assert.match(c6.text(), /accumulator-1\s+accumulator\s+SN-a1/);
    assert.not.match(c6.text(), /not provisioned/);

    const c7 = capture();
    const pdf = join(dir, 'selftest.pdf');
    assert.is(await runCli(['selftest', '--db', db, '--pdf', pdf], c7.io), 0, c7.text());
    assert.match(c7.text(), /self-test report 1: NEEDS-OPERATOR/);
    assert.is(readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-');

    const wrong = capture(['0000 0000 0000 0000 0000']);
    assert.is(await runCli(['open', '--db', db], wrong.io), 1);
    assert.match(wrong.text(), /wrong-start-password/);
    const c8 = capture();
    assert.is(await runCli(['open', '--db', db, '--password-file', join(dir, 'password')], c8.io), 0, c8.text());
    assert.match(c8.text(), /НУЛЕВОЙ ОТЧЁТ/);
    assert.match(c8.text(), /VOTING IS OPEN on 2 devices/);
    assert.is(acc.acc.state, 'open');

    const iin = sampleRegisterCsv({ seed: 5, count: 30 }).split(/\r?\n/)[1].split(',')[1];
    const desk = capture([iin, 'y', iin, '']);
    assert.is(await runCli(['admit', '--simulate-card', '--db', db], desk.io), 0, desk.text());
    assert.match(desk.text(), /ADMITTED No\. 1/);
    assert.match(desk.text(), /REFUSED: .*already been admitted/);
    const c9 = capture();
    assert.is(await runCli(['counters', '--db', db], c9.io), 0);
    assert.match(c9.text(), /Допущено\s+1/);

    const c10 = capture(['']);
    assert.is(await runCli(['decision', 'restart', 'accumulator-1', '--members', 'A. Chairman, B. Secretary', '--reason', 'screen frozen', '--db', db], c10.io), 0, c10.text());
    assert.match(c10.text(), /accumulator-1 is back: state open/);

    const lg = capture();
    assert.is(await runCli(['log', 'device', 'accumulator-1', '--db', db], lg.io), 0, lg.text());
    assert.match(lg.text(), /accumulator-1: \d+ entries, chain verified, every page signed by the device/);
    assert.match(lg.text(), /opened\s+success/);

    const c11 = capture();
    assert.is(await runCli(['close', '--db', db], c11.io), 0, c11.text());
    assert.match(c11.text(), /Данные всех устройств получены/);

    writeFileSync(join(dir, 'junk.protocol'), Uint8Array.of(1, 2, 3));
    const pv = capture();
    assert.is(await runCli(['protocol', 'verify', join(dir, 'junk.protocol'), '--db', db], pv.io), 1, pv.text());
    assert.match(pv.text(), /PROBLEM malformed/);
    assert.match(pv.text(), /does NOT verify/);

    const c12 = capture();
    assert.is(await runCli(['log', 'verify', '--db', db], c12.io), 0);
    assert.match(c12.text(), /event log verifies: \d+ entries; head seq \d+/);
    const c13 = capture();
    assert.is(await runCli(['log', 'show', '--db', db], c13.io), 0);
    assert.match(c13.text(), /restart-decision/);
  } finally {
    for (const s of servers) await s.close();
    term.clock.clearAll();
    acc.clock.clearAll();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
