// The election code inside the real XS engine (no Intl, no Node) gives Node's bytes and order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareKazakh, formatIssue, prepareElectionJson, validateElection } from '../protocol/election/index';
import { smallDefinition } from './election-small-definition';

const root = join(import.meta.dirname, '..');
const v = JSON.parse(readFileSync(join(root, 'tests/vectors/election-small.json'), 'utf8'));

test('election definition code in XS matches Node and the vectors', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/election-entry.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  const { reports } = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const icu = new Intl.Collator('kk');
  const names = ['Һашимов', 'Әбенова', 'Ыбыраев', 'Іслам', 'Ұлан', 'Үсен', 'Ғаббасов', 'Қасым', 'Өтепов', 'Ёлкин', 'Ерлан', 'абай', 'Абай', 'Аб-ай', 'Аб ай', 'Ңа', 'Иа', 'Йа'];
  assert.equal(reports.collation, [...names].sort(icu.compare));
  assert.equal(reports.collation, [...names].sort(compareKazakh));
  assert.equal(reports.encoding, { hex: v.encodingHex });
  assert.equal(reports.fingerprint, { hex: v.fingerprintHex });
  assert.equal(reports.envelope, { hex: v.envelopeHex });
  assert.equal(reports.verified, { hex: v.encodingHex });
  assert.equal(reports.roundtrip, { hex: v.encodingHex });
  const src = JSON.parse(JSON.stringify(smallDefinition()));
  src.contests[0].options.reverse(); delete src.votingHours; src.precinct = 0; src.contests[1].options[0].name.kk = '';
  const prepared = prepareElectionJson(JSON.stringify(src));
  assert.equal(reports.issues, prepared.ok ? [] : prepared.issues.map(formatIssue));
  assert.is(reports.issues.length, 2);
  assert.equal(reports['issues-garbage'], validateElection([1, { a: new Uint8Array(1) }]).map(formatIssue));
  assert.equal(reports['decode-errors'], ['election-malformed', 'election-malformed', 'election-version', 'election-malformed']);
});

test.run();
