// One home voter on the portable ballot inside the real XS engine: found by name, voted through
// the shared flow, refused a second time; the upload made in XS verifies and decrypts on Node.
// Reports XS's compute meter for the whole run and for one home voter (run minus setup).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeCbor } from '../protocol/cbor';
import { fromHex } from '../protocol/bytes';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { decodeVoteRecord, openVote } from '../protocol/card/records';
import { verifyUpload, type Upload, type ExcessReason } from '../portable-ballot/upload';
import { PRECINCT, fixture } from './portable-helpers';

const root = join(import.meta.dirname, '..');

function runXs(entry: string): { reports: Record<string, unknown>; meter: { compute: number; heapSlotsAfterGc: number } } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, entry)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`XS run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('one home voter in XS: the upload verifies on Node; compute meter reported', () => {
  const run = runXs('tests/xs/home-entry.ts');
  assert.is(run.reports.error, undefined, String(run.reports.error));
  const setup = runXs('tests/xs/home-setup-entry.ts');
  assert.is(setup.reports.error, undefined, String(setup.reports.error));
  assert.is(setup.reports.state, 'open');
  assert.is(run.reports.found, 7);
  assert.is(run.reports['refused-again'], 'refused');
  const [signature, applications, marked, votes, interrupted, listDigest, marksDigest, votesDigest, forDecision, marks, pairs] =
    decodeCbor(fromHex((run.reports.upload as { hex: string }).hex)) as [Uint8Array, number, number, number, number, Uint8Array, Uint8Array, Uint8Array, string[], number[], [Uint8Array, Uint8Array][]];
  const f = fixture(crypto);
  const u: Upload = {
    summary: { electionFingerprint: f.fingerprint, applications, marked, votes, interrupted, listDigest, marksDigest, votesDigest, forDecision: forDecision as ExcessReason[], signature },
    marks, votes: pairs.map(([activation, vote]) => ({ activation, vote })),
  };
  const v = verifyUpload(crypto, f.devicePublic, { electionFingerprint: f.fingerprint, precinct: PRECINCT }, u);
  assert.equal(v.marks, [24]);
  const content = openVote(crypto, f.electionSecret, f.fingerprint, decodeVoteRecord(u.votes[0].vote));
  assert.equal(content, { selections: [{ contest: 1, option: 2 }], verificationCode: run.reports.code });
  const perVoter = run.meter.compute - setup.meter.compute;
  assert.ok(perVoter > 0);
  console.log(`  XS: whole run ${run.meter.compute} compute, setup ${setup.meter.compute}; one home voter (search, vote, seal, store, mark, refusal, close, upload) ≈ ${perVoter}; heap slots after GC ${run.meter.heapSlotsAfterGc}`);
});

test.run();
