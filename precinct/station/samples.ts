// The sample election definitions (samples/elections, signed with the test election
// authority's key in samples/keys) the simulated station runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../../protocol/bytes';
import type { CryptoPort } from '../../protocol/crypto/port';
import type { ElectionDefinition } from '../../protocol/election/model';
import { verifySignedElection } from '../../protocol/election/signed';

const root = join(import.meta.dirname, '..', '..');

function readKey(path: string): Uint8Array {
  return fromHex(readFileSync(join(root, path), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('').trim());
}

export const SAMPLE_AUTHORITY_PUBLIC = readKey('samples/keys/test-election-authority.key.pub');
export const SAMPLE_ELECTIONS = ['mazhilis', 'presidential', 'maslikhat'] as const;

export function sampleElection(name: string, crypto: CryptoPort): { signed: Uint8Array; definition: ElectionDefinition; fingerprint: Uint8Array } {
  if (!(SAMPLE_ELECTIONS as readonly string[]).includes(name)) throw new Error(`no sample election "${name}" (one of ${SAMPLE_ELECTIONS.join(', ')})`);
  const signed = new Uint8Array(readFileSync(join(root, `samples/elections/${name}.election.cbor`)));
  const v = verifySignedElection(signed, [SAMPLE_AUTHORITY_PUBLIC], crypto);
  return { signed, definition: v.definition, fingerprint: v.fingerprint };
}
