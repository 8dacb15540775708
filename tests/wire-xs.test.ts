// The wire protocol inside the real XS engine: the same frames as the vectors, and a whole
// session (device and precinct sides) completing there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const vectors = JSON.parse(readFileSync(join(root, 'tests/vectors/wire-vectors.json'), 'utf8')) as { frames: { name: string; wire: string }[] };

test('framing, Noise and a session run in XS and match the vectors', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, 'tests/xs/precinct-link-entry.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  const { reports } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reports: Record<string, unknown> };
  const wire = (name: string) => vectors.frames.find((f) => f.name === name)!.wire;
  assert.equal(reports['handshake-1'], { hex: wire('handshake-1') });
  assert.equal(reports['transport-request'], { hex: wire('transport-request') });
  assert.is(reports['byte-at-a-time-frames'], 2);
  assert.is(reports['session-error'], undefined);
  assert.is(reports['session-serial'], 'XS-1');
  assert.is(reports['session-executions'], 2);
});

test.run();
