// The self-test framework and the link endpoint run inside the real XS engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeSelfTestReport } from '../runtime/self-test';
import { fromHex } from '../protocol/bytes';

const root = join(import.meta.dirname, '..');

test('self-test and link endpoint in XS', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/self-test-entry.ts')], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const { reports } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reports: Record<string, unknown> };
  assert.is(reports.error, undefined, String(reports.error));
  const report = decodeSelfTestReport(fromHex((reports['self-test'] as { hex: string }).hex));
  assert.equal(report.checks.map((c) => [c.id, c.status, c.detail]), [
    ['flash', 'passed', 'block 2, 4096 bytes'],
    ['clock', 'passed', ''],
    ['battery', 'failed', 'battery 10% below 20%'],
    ['keys', 'failed', 'error: no keys'],
  ]);
  assert.is(report.automaticMs, 50);
  assert.equal(reports.link, { states: ['open', 'open', 'open'], handshakes: 1, executions: 3 });
});

test.run();
