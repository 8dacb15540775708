// The ballot flow, screens and code draws inside the real XS engine give what Node gives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ballotScript } from './ballot-samples';

const root = join(import.meta.dirname, '..');

test('a whole session in XS renders the same screens as on Node; codes draw unique', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/ballot-entry.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  const { reports } = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const node = ballotScript();
  assert.equal(reports.screens, node);
  assert.ok(node.some((lines) => lines.includes('>>> 0507 <<<')));
  assert.ok(node.some((lines) => lines.includes('== Рахмет! ==')));
  assert.is(reports['codes-unique'], true);
  assert.is(reports['codes-disjoint'], true);
});

test.run();
