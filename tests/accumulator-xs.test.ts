// The accumulator firmware inside the real XS engine: one card accepted (stored, cleared, read
// out after close), one refused (a vote from a terminal that is not enrolled). Prints the
// compute meter of the two cards (the scenario's meter minus the same set-up without cards).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

interface XsRun { reports: Record<string, unknown>; meter: { compute: number; heapSlotsAfterGc: number } }

function runXs(entry: string): XsRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, entry)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as XsRun;
}

test('in XS: one card accepted and cleared, one refused and kept; read-out after close', () => {
  const run = runXs('tests/xs/accumulator-entry.ts');
  const r = run.reports;
  assert.is(r['error'], undefined, String(r['error']));
  assert.equal(r['outcomes'], ['accepted', 'refused:unknown-terminal']);
  assert.equal(r['cleared'], [true, false]);
  assert.equal(r['screens'], ['Голос принят', 'Карточка не принята']);
  assert.is(r['screen-after'], 'ready');
  assert.equal(r['sounds'], ['accepted', 'refused']);
  assert.is(r['accepted'], 1);
  assert.equal(r['refusedByReason'], { 'unknown-terminal': 1 });
  assert.is(r['readout'], 1);
  assert.is(r['readout-matches'], true);
  const base = runXs('tests/xs/accumulator-baseline.ts');
  assert.is(base.reports['state'], 'open');
  const cards = run.meter.compute - base.meter.compute;
  assert.ok(cards > 0);
  // The scenario keeps the device alive after the run; the baseline drops it.
  console.log(`  XS compute: scenario ${run.meter.compute}, set-up alone ${base.meter.compute}, the two cards ${cards}; heap slots after GC ${run.meter.heapSlotsAfterGc} with the device kept, ${base.meter.heapSlotsAfterGc} without (${run.meter.heapSlotsAfterGc - base.meter.heapSlotsAfterGc} slots retained by it, crypto tables and code included)`);
});

test.run();
