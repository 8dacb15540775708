// `./sailau start --scripted` end to end, as a user runs it: the station's devices on
// loopback TCP, 30 voters at the terminals and 5 at home, the signed protocol written and
// verified by the precinct computer's own command. And the by-hand prompt, driven through
// its standard input: self-test, open, admit, vote at a terminal, accumulate, close, count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { sampleVoters } from '../precinct/sample-register';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordFromSheet } from '../precinct/station/day';

const root = join(import.meta.dirname, '..');
const tsx = (args: string[], input?: string) => spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, encoding: 'utf8', input, timeout: 120_000 });

test('the scripted day over loopback TCP: 35 ballots counted, the signed protocol verifies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-station-'));
  try {
    const r = tsx(['precinct/station.ts', '--scripted', '--voters', '30', '--home', '5', '--terminals', '2', '--seed', '9', '--dir', dir]);
    assert.is(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /contest 1: 35 ballots/);
    assert.match(r.stdout, /the signed protocol \(verifies\)/);
    for (const stage of ['setup', 'self-test', 'admissions', 'voting', 'accumulation', 'home voting', 'close', 'count', 'protocol']) assert.match(r.stdout, new RegExp(`\\n  ${stage} +[0-9]+ ms`));
    for (const f of ['protocol.sailau', 'protocol.pdf', 'protocol.nist.json']) assert.ok(existsSync(join(dir, f)), f);
    const v = tsx(['precinct/cli.ts', 'protocol', 'verify', join(dir, 'protocol.sailau'), '--db', join(dir, 'precinct.db')]);
    assert.is(v.status, 0, v.stderr + v.stdout);
    assert.match(v.stdout, /the protocol verifies/);
    // a second start refuses to overwrite the day without --fresh
    const again = tsx(['precinct/station.ts', '--scripted', '--voters', '3', '--dir', dir]);
    assert.is(again.status, 1);
    assert.match(again.stderr, /--fresh/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('by hand: the prompt runs the day\'s commands on the same station; a vote at the booth is counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-hand-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'precinct/station.ts', '--dir', dir, '--terminals', '1'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const sheet = join(dir, 'envelope-sheet.txt');
    for (let i = 0; i < 600 && !out.includes('precinct> '); i++) await new Promise((r) => setTimeout(r, 50));
    const pw = passwordFromSheet(readFileSync(sheet, 'utf8'));
    const iin = sampleVoters({ seed: 1, count: 3000, electionDay: '2028-03-19' })[0].iin;
    // self-test, open, admit (twice: the second is refused), the booth: kk, party 1, confirm, proceed, cast, "1" "2", card out;
    // the accumulator power-cut and re-linked before the card goes in
    const lines = ['selftest', 'open', pw, `admit ${iin}`, `admit ${iin}`, 'vote 1', '1', '1', '1', '2', '1', 'k1', 'k2', 'r', 'restart accumulator-1', 'accumulate', 'home vote 2 3', 'close', 'count', pw, 'quit'];
    child.stdin.write(lines.join('\n') + '\n');
    child.stdin.end();
    assert.is(await exited, 0, out);
    assert.match(out, /voting is open \(zero report all zero\)/);
    assert.match(out, /ADMITTED No\. 1/);
    assert.match(out, /REFUSED: .*already been admitted/);
    assert.match(out, />>> [0-9]{4} <<</);
    assert.match(out, /accumulator-1 is back: state open/);
    assert.match(out, /1 card\(s\) accepted/);
    assert.match(out, /every device collected/);
    assert.match(out, /contest 1: 2 ballots/);
    assert.match(out, /the signed protocol \(verifies\)/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
