// Byte-level vectors (tests/vectors/election-small.json), both ways; and the signed samples are current.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';
import {
  decodeElection, decodeSignedElection, electionFingerprint, electionSignatureMessage, encodeElection, encodeSignedElection,
  prepareElectionJson, shortFingerprint, signElection, verifySignedElection,
} from '../protocol/election/index';
import { smallDefinition } from './election-fixtures';

const root = join(import.meta.dirname, '..');
const v = JSON.parse(readFileSync(join(root, 'tests/vectors/election-small.json'), 'utf8'));

function readKey(path: string): Uint8Array {
  return fromHex(readFileSync(join(root, path), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('').trim());
}
const testKey = readKey('samples/keys/test-election-authority.key');
const testPub = readKey('samples/keys/test-election-authority.key.pub');

test('vector definition is the fixture (so the fixture cannot drift unnoticed)', () => {
  assert.equal(v.definition, smallDefinition());
});

test('definition -> bytes, fingerprint, signed message, signature, envelope', () => {
  const enc = encodeElection(v.definition);
  assert.is(toHex(enc), v.encodingHex);
  const fp = electionFingerprint(enc, nobleCrypto);
  assert.is(toHex(fp), v.fingerprintHex);
  assert.is(shortFingerprint(fp), v.fingerprintShort);
  assert.is(toHex(electionSignatureMessage(enc)), v.signedMessageHex);
  assert.is(toHex(testKey), v.authoritySecretKeyHex);
  const s = signElection(enc, testKey, nobleCrypto);
  assert.is(toHex(s.authorityKey), v.authorityPublicKeyHex);
  assert.is(toHex(s.signature), v.signatureHex);
  assert.is(toHex(encodeSignedElection(s)), v.envelopeHex);
});

test('bytes -> definition; envelope -> verified definition', () => {
  assert.equal(decodeElection(fromHex(v.encodingHex)), v.definition);
  const s = decodeSignedElection(fromHex(v.envelopeHex));
  assert.is(toHex(s.definition), v.encodingHex);
  assert.is(toHex(s.signature), v.signatureHex);
  const verified = verifySignedElection(fromHex(v.envelopeHex), [fromHex(v.authorityPublicKeyHex)], nobleCrypto);
  assert.equal(verified.definition, v.definition);
  assert.is(toHex(verified.fingerprint), v.fingerprintHex);
  assert.ok(nobleCrypto.ed25519Verify(fromHex(v.signatureHex), fromHex(v.signedMessageHex), fromHex(v.authorityPublicKeyHex)));
});

for (const name of ['presidential', 'mazhilis', 'maslikhat']) {
  test(`sample ${name}: valid, and its signed file is what build makes from the JSON today`, () => {
    const r = prepareElectionJson(readFileSync(join(root, `samples/elections/${name}.json`), 'utf8'));
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
    if (!r.ok) return;
    const signed = encodeSignedElection(signElection(encodeElection(r.definition), testKey, nobleCrypto));
    const onDisk = new Uint8Array(readFileSync(join(root, `samples/elections/${name}.election.cbor`)));
    assert.is(toHex(onDisk), toHex(signed), `rebuild: npx tsx precinct/tools/election.ts build samples/elections/${name}.json --key samples/keys/test-election-authority.key --out samples/elections/${name}.election.cbor --force`);
    assert.equal(verifySignedElection(onDisk, [testPub], nobleCrypto).definition, r.definition);
  });
}

test('samples use the special Kazakh letters and both contest kinds', () => {
  const all = ['presidential', 'mazhilis', 'maslikhat'].map((n) => readFileSync(join(root, `samples/elections/${n}.json`), 'utf8')).join('');
  // No word begins with Ң, so only its small form is expected.
  for (const ch of 'ӘҚӨҰҮІҒҺәқөұүіңғ') assert.ok(all.includes(ch), ch);
  const masl = prepareElectionJson(readFileSync(join(root, 'samples/elections/maslikhat.json'), 'utf8'));
  assert.ok(masl.ok && masl.definition.contests.map((c) => c.kind).join() === 'candidates,party-list');
});

test.run();
