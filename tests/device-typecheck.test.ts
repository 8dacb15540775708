// The device type check (tsconfig.device.json) is what keeps Node out of the firmware.
// Prove it bites: add a file that uses Node to the device set and expect refusal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function deviceCheckWith(fixture: string): { status: number | null; out: string } {
  const device = JSON.parse(readFileSync(join(root, 'tsconfig.device.json'), 'utf8')) as { include: string[] };
  const config = join(root, `.tsconfig.canary-${process.pid}.json`);
  writeFileSync(config, JSON.stringify({ extends: './tsconfig.device.json', include: [...device.include, fixture] }));
  try {
    const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', config], { cwd: root, encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(config, { force: true });
  }
}

test('device check refuses a Node import and Buffer', () => {
  const r = deviceCheckWith('tests/fixtures/device-canary/uses-node.ts');
  assert.is.not(r.status, 0);
  assert.match(r.out, /uses-node\.ts.*'node:fs'/);
  assert.match(r.out, /uses-node\.ts.*Cannot find name 'Buffer'/);
});

test('device check refuses Node globals (process, __dirname)', () => {
  const r = deviceCheckWith('tests/fixtures/device-canary/uses-process.ts');
  assert.is.not(r.status, 0);
  assert.match(r.out, /Cannot find name 'process'/);
  assert.match(r.out, /Cannot find name '__dirname'/);
});

test.run();
