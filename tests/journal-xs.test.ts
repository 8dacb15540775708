// The journal, its recovery after a power cut, and the event log give the same results inside
// the real XS engine as on Node, and fit the firmware's heap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function run(entry: string): { reports: Record<string, unknown> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, entry)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('journal recovery and the event log: XS agrees with Node byte for byte', () => {
  const xs = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/journal-entry.ts')], { cwd: root, encoding: 'utf8' });
  if (xs.status !== 0) throw new Error(`XS run failed:\n${xs.stderr}`);
  const inXs = JSON.parse(xs.stdout.trim().split('\n').pop()!) as { reports: Record<string, unknown>; meter: { compute: number; heapSlotsAfterGc: number } };
  // The same entry on Node, with the bridge's report() captured.
  const node = run('tests/xs/journal-node.ts');
  assert.equal(inXs.reports, node.reports);
  assert.is(inXs.reports['cut'], 'PowerCutError');
  assert.is(inXs.reports['log-ok'], true);
  assert.ok((inXs.reports['count'] as number) >= (inXs.reports['acked'] as number));
  assert.ok(inXs.meter.heapSlotsAfterGc > 0);
  console.log(`  XS: compute ${inXs.meter.compute}, heap slots after GC ${inXs.meter.heapSlotsAfterGc}; digest ${(inXs.reports['digest'] as { hex: string }).hex.slice(0, 16)}…`);
});

test.run();
