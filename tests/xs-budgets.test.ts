// XS budgets (issue 9 §2): every operation's compute and heap, measured in the real XS engine
// (deterministic counts, not times), stays within 10% of its budget in hosts/xs/budgets.json.
// Prints the table. The measuring runs in a child process (xsnap's host needs SES lockdown).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BudgetRun, BudgetFile } from '../bench/xs-budgets';

const root = join(import.meta.dirname, '..');

function measure(): { run: BudgetRun; table: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/xs-budgets.ts'), '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`XS budgets run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const file = JSON.parse(readFileSync(join(root, 'hosts/xs/budgets.json'), 'utf8')) as BudgetFile;
const { run, table } = measure();
console.log(table.split('\n').map((l) => `  ${l}`).join('\n'));

test('budgets file: every scenario names its entry and a budget for each of its rows', () => {
  for (const s of file.scenarios) {
    const rows = s.steps.length === 0 ? ['run'] : ['load', ...s.steps];
    for (const r of rows) assert.ok(s.budget.steps[r], `${s.name}/${r} has no budget`);
    assert.ok(s.budget.maxLiveSlots > 0, `${s.name} has no max heap budget`);
  }
});

test('every scenario ran in XS without error, and every row has a budget', () => {
  assert.equal(run.errors, []);
  assert.equal(run.missing.map((f) => `${f.scenario}/${f.step} ${f.figure}`), []);
  assert.ok(run.rows.length >= file.scenarios.filter((s) => !s.benchOnly).length);
});

test('no figure exceeds its budget by more than the tolerance', () => {
  assert.equal(run.over.map((f) => `${f.scenario}/${f.step} ${f.figure}: ${f.measured} > ${f.budget}`), []);
});

test('the devices configure noble without the base-point table (its 7,000+ slots would not fit)', () => {
  // The Ed25519 and X25519 key operations leave no table behind. The first one also makes the
  // curves (protocol/crypto/curve25519 makes them on first use, ≈ 900 slots in xsnap); noble's
  // window-6 table would add 7,155 slots more.
  const crypto = run.rows.filter((r) => r.scenario === 'crypto');
  const before = crypto.find((r) => r.step === 'load')!.heapSlots;
  const after = crypto.find((r) => r.step === 'x25519PublicKey')!.heapSlots;
  assert.ok(after - before < 1500, `key operations grew the live heap by ${after - before} slots`);
});

function meter(steps: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/meter.ts'), join(root, 'tests/xs/budget-meter-probe.ts'), ...steps], { cwd: root, encoding: 'utf8' });
}

test('meter: an async step is drained inside its own evaluate, and its work shows in its own row', () => {
  const r = meter(['nothing', 'asyncAlloc', 'nothing']);
  assert.is(r.status, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^(nothing|asyncAlloc) /.test(l)).map((l) => l.trim().split(/\s+/));
  assert.equal(rows.map((x) => x[0]), ['nothing', 'asyncAlloc', 'nothing']);
  const slots = rows.map((x) => Number(x[2]));
  assert.ok(slots[1] - slots[0] >= 2000, `1,000 kept objects (2 slots each) in the async step's row: ${slots}`);
  assert.ok(Math.abs(slots[2] - slots[1]) < 10, `nothing after it: ${slots}`);
  assert.ok(Number(rows[1][1]) > 10 * Number(rows[0][1]), 'the async step has the compute');
});

test('meter: a step that never settles, or throws, fails the run', () => {
  const pending = meter(['pending']);
  assert.is.not(pending.status, 0);
  assert.match(pending.stderr, /did not settle/);
  const throws = meter(['throws']);
  assert.is.not(throws.status, 0);
  assert.match(throws.stderr, /boom/);
});

test.run();
