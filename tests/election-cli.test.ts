// The authority's CLI: every command, its errors (what went wrong, what to do next) and exit codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { run } from '../precinct/tools/election';
import { smallDefinition } from './election-small-definition';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'sailau-election-cli-'));
const testKey = join(root, 'samples/keys/test-election-authority.key');
const testPub = join(root, 'samples/keys/test-election-authority.key.pub');
const v = JSON.parse(readFileSync(join(root, 'tests/vectors/election-small.json'), 'utf8'));

function cli(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [], err: string[] = [];
  const code = run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const small = join(dir, 'small.json');
writeFileSync(small, JSON.stringify(smallDefinition(), null, 2));

test('--help everywhere; no command or a wrong one is a usage error (exit 2)', () => {
  assert.is(cli('--help').code, 0);
  assert.match(cli('--help').out, /keygen --out/);
  for (const c of ['check', 'build', 'fingerprint', 'keygen', 'verify', 'show']) {
    const r = cli(c, '--help');
    assert.is(r.code, 0, c);
    assert.match(r.out, new RegExp(`usage: .* ${c}`));
  }
  assert.is(cli().code, 2);
  const bad = cli('chek', small);
  assert.is(bad.code, 2);
  assert.match(bad.err, /unknown command "chek"/);
  assert.match(bad.err, /--help/);
  assert.is(cli('check', small, '--bogus').code, 2);
  assert.is(cli('build', small).code, 2);
  assert.match(cli('build', small).err, /needs --key/);
});

test('check: valid file prints the summary and the fingerprint', () => {
  const r = cli('check', small);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /valid/);
  assert.ok(r.out.includes(v.fingerprintShort));
});

test('check: prints every problem with its path, exit 1, and says what to do', () => {
  const d = JSON.parse(JSON.stringify(smallDefinition()));
  d.contests[0].options[1].surname.kk = '';
  d.precinct = -1;
  d.date = 'tomorrow';
  const f = join(dir, 'bad.json');
  writeFileSync(f, JSON.stringify(d));
  const r = cli('check', f);
  assert.is(r.code, 1);
  assert.match(r.err, /3 problems/);
  assert.match(r.err, /contests\[0\]\.options\[1\]\.surname\.kk: empty/);
  assert.match(r.err, /precinct: out-of-range/);
  assert.match(r.err, /date: bad-format/);
  assert.match(r.err, /docs\/election-definition\.md/);
  const nj = join(dir, 'notjson.json');
  writeFileSync(nj, '{"electionId": "x",');
  const r2 = cli('check', nj);
  assert.is(r2.code, 1);
  assert.match(r2.err, /not-json/);
  const missing = cli('check', join(dir, 'nope.json'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /no such file/);
});

test('build, fingerprint, verify, show: the vector bytes; unknown key and tampering refused', () => {
  const out = join(dir, 'small.election.cbor');
  const r = cli('build', small, '--key', testKey, '--out', out);
  assert.is(r.code, 0, r.err);
  assert.is(readFileSync(out).toString('hex'), v.envelopeHex);
  assert.is(cli('build', small, '--key', testKey, '--out', out).code, 1); // no overwrite without --force
  assert.match(cli('build', small, '--key', testKey, '--out', out).err, /--force/);
  assert.is(cli('build', small, '--key', testKey, '--out', out, '--force').code, 0);
  const fp = cli('fingerprint', out);
  assert.is(fp.code, 0);
  assert.ok(fp.out.includes(v.fingerprintShort) && fp.out.includes(v.fingerprintHex));
  assert.ok(cli('fingerprint', small).out.includes(v.fingerprintHex));
  assert.is(cli('verify', out, '--trust', testPub).code, 0);
  assert.match(cli('show', out).out, /Барлығына қарсы/);

  const otherKey = join(dir, 'other.key');
  assert.is(cli('keygen', '--out', otherKey).code, 0);
  const unknown = cli('verify', out, '--trust', `${otherKey}.pub`);
  assert.is(unknown.code, 1);
  assert.match(unknown.err, /election-unknown-key/);
  const tampered = join(dir, 'tampered.election.cbor');
  const bytes = readFileSync(out);
  bytes[bytes.length - 100] ^= 1; // inside the definition
  writeFileSync(tampered, bytes);
  const t = cli('verify', tampered, '--trust', testPub);
  assert.is(t.code, 1);
  assert.match(t.err, /election-bad-signature/);
  assert.match(t.err, /rebuild/);
  assert.is(cli('fingerprint', tampered).code, 1);
  const notKey = cli('build', small, '--key', small, '--out', join(dir, 'x.cbor'));
  assert.is(notKey.code, 1);
  assert.match(notKey.err, /not a secret key file.*\n.*keygen/);
});

test('keygen: secret file private, public file beside it, refuses to overwrite', () => {
  const k = join(dir, 'authority.key');
  assert.is(cli('keygen', '--out', k).code, 0);
  assert.is(statSync(k).mode & 0o777, 0o600);
  assert.ok(existsSync(`${k}.pub`));
  assert.is(cli('keygen', '--out', k).code, 1);
  const out = join(dir, 'own.election.cbor');
  assert.is(cli('build', small, '--key', k, '--out', out).code, 0);
  assert.is(cli('verify', out, '--trust', `${k}.pub`).code, 0);
  assert.is(cli('verify', out, '--trust', testPub, '--trust', `${k}.pub`).code, 0);
});

test('runs as a program with npx tsx, exit codes included', () => {
  const ok = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'precinct/tools/election.ts'), 'check', small], { cwd: root, encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.ok(ok.stdout.includes(v.fingerprintShort));
  const bad = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'precinct/tools/election.ts'), 'check', join(dir, 'bad.json')], { cwd: root, encoding: 'utf8' });
  assert.is(bad.status, 1);
});

test.after(() => { rmSync(dir, { recursive: true, force: true }); });

test.run();
