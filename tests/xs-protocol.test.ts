// The shared protocol code inside the real XS engine gives the same bytes as on Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { encodeCbor } from '../protocol/cbor';
import { toHex, utf8Encode } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';

const root = join(import.meta.dirname, '..');

function runXs(entry: string): { reports: Record<string, { hex?: string } | unknown>; meter: { compute: number; heapSlotsAfterGc: number } } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, entry)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('protocol code in XS matches Node byte for byte', () => {
  const { reports, meter } = runXs('tests/xs/protocol-entry.ts');
  const sample = { precinct: 1234, title: { kk: 'Қазақстан Республикасының Президенті', ru: 'Президент' }, ids: [1, -2, 2 ** 40, 18446744073709551615n], raw: new Uint8Array([0, 255]) };
  assert.equal(reports['cbor'], { hex: toHex(encodeCbor(sample)) });
  assert.equal(reports['cbor-roundtrip'], reports['cbor']);
  assert.equal(reports['sha256-abc'], { hex: toHex(nobleCrypto.sha256(utf8Encode('abc'))) });
  assert.equal(reports['ed25519-rfc8032-test1'], { hex: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b' });
  assert.is(reports['ed25519-verify'], true);
  assert.is(reports['random-length'], 16);
  assert.ok(meter.compute > 0 && meter.heapSlotsAfterGc > 0);
});

test.run();
