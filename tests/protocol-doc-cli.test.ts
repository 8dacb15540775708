// precinct/tools/protocol.ts: verify and print, exit codes, files written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../precinct/tools/protocol';
import { toHex } from '../protocol/bytes';
import { encodeElection } from '../protocol/election/index';
import { crypto, protocolFixture } from './count-fixtures';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('verify: OK with the chairman key (hex or file) and the election; problems listed and exit 1 when altered; usage exit 2', async () => {
  const f = await protocolFixture({ premisesVotes: 10, portableVotes: 1, seed: 61 });
  const dir = mkdtempSync(join(tmpdir(), 'sailau-protocol-cli-'));
  try {
    const file = join(dir, 'protocol.cbor');
    writeFileSync(file, f.bytes);
    const keyFile = join(dir, 'chairman.pub');
    writeFileSync(keyFile, `# chairman\n${toHex(f.s.keys.chairmanPublic)}\n`);
    const electionFile = join(dir, 'election.cbor');
    writeFileSync(electionFile, encodeElection(f.s.election.definition));
    let r = await cli(['verify', file, '--chairman-key', toHex(f.s.keys.chairmanPublic)]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /OK/);
    r = await cli(['verify', file, '--chairman-key', keyFile, '--election', electionFile]);
    assert.is(r.code, 0, r.err);
    const altered = Uint8Array.from(f.bytes);
    const at = Buffer.from(altered).indexOf(Buffer.from('ballotsCounted')) + 'ballotsCounted'.length;
    altered[at] ^= 1;
    writeFileSync(file, altered);
    r = await cli(['verify', file, '--chairman-key', keyFile]);
    assert.is(r.code, 1);
    assert.match(r.err, /bad-signature/);
    assert.is((await cli(['verify', file])).code, 2, 'the key is required');
    assert.is((await cli(['frobnicate'])).code, 2);
    assert.is((await cli(['verify', join(dir, 'missing.cbor'), '--chairman-key', keyFile])).code, 1);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('verify takes the chairman\'s sealed key file too, and checks it is for the protocol\'s precinct', async () => {
  const f = await protocolFixture({ premisesVotes: 4, seed: 63 });
  const { sealChairmanKey } = await import('../precinct/keys/precinct-identity');
  const dir = mkdtempSync(join(tmpdir(), 'sailau-protocol-cli-'));
  try {
    const file = join(dir, 'protocol.cbor');
    writeFileSync(file, f.bytes);
    const signing = { secretKey: f.s.keys.chairman, publicKey: f.s.keys.chairmanPublic };
    const mine = join(dir, 'chairman-318.key');
    writeFileSync(mine, await sealChairmanKey(crypto, { precinct: 318, signing }, 'correct horse battery staple', { logN: 10 }));
    const other = join(dir, 'chairman-319.key');
    writeFileSync(other, await sealChairmanKey(crypto, { precinct: 319, signing }, 'correct horse battery staple', { logN: 10 }));
    assert.is((await cli(['verify', file, '--chairman-key', mine])).code, 0);
    const r = await cli(['verify', file, '--chairman-key', other]);
    assert.is(r.code, 1);
    assert.match(r.err, /wrong-precinct/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('print: text summary and QR text; writes PDF, JSON and NIST files; refuses an altered file without --force', async () => {
  const f = await protocolFixture({ premisesVotes: 10, portableVotes: 3, homeApplications: 2, seed: 62 });
  const dir = mkdtempSync(join(tmpdir(), 'sailau-protocol-cli-'));
  try {
    const file = join(dir, 'protocol.cbor');
    writeFileSync(file, f.bytes);
    const [pdf, json, nist] = ['p.pdf', 'p.json', 'n.json'].map((n) => join(dir, n));
    const r = await cli(['print', file, '--chairman-key', toHex(f.s.keys.chairmanPublic), '--pdf', pdf, '--json', json, '--nist', nist]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /SET ASIDE/);
    assert.match(r.out, /QR: SAILAU-P1:/);
    assert.is(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    assert.is(JSON.parse(readFileSync(json, 'utf8')).reconciliation.ballotsCounted, f.doc.reconciliation.ballotsCounted);
    assert.is(JSON.parse(readFileSync(nist, 'utf8'))['@type'], 'ElectionResults.ElectionReport');
    const bad = Uint8Array.from(f.bytes);
    bad[bad.length - 70] ^= 1;
    writeFileSync(file, bad);
    rmSync(pdf);
    const r2 = await cli(['print', file, '--pdf', pdf]);
    assert.is(r2.code, 1);
    assert.not.ok(existsSync(pdf));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
