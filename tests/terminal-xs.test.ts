// One voter through the whole terminal inside the real XS engine: the card's vote decrypts to
// the choice and the code the screen showed. Prints the compute meter (not asserted: tests
// are never timed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

test('XS: load, provision, self-test, open, one voter in Kazakh, code shown; the vote decrypts to it', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/booth-entry.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  const { reports, meter } = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.is(reports.error, undefined, String(reports.error));
  const b = reports.booth;
  assert.is(b.accepted, true);
  assert.is(b.thanks, 'thanks');
  assert.is(b.state, 'open');
  assert.is(b.votes, 1);
  assert.is(b.faults, 0);
  assert.ok(/^\d{4}$/.test(b.code));
  assert.equal(b.decrypted, { code: Number(b.code), option: 2 });
  assert.is(b.codeInShare, true);
  assert.is(b.screenAfter, 'waiting');
  console.log(`    XS booth run (configure + one voter): compute ${meter.compute}, heap slots after GC ${meter.heapSlotsAfterGc}, allocated ${meter.allocate} bytes`);
});

test.run();
