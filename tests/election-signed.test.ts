// The signed definition: a device accepts only what a provisioned authority key signed, unaltered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ProtocolError, bytesEqual, concatBytes, utf8Encode } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject } from '../protocol/cbor';
import { nobleCrypto } from '../protocol/crypto/noble';
import {
  decodeSignedElection, electionFingerprint, electionSignatureMessage, encodeElection, encodeSignedElection, signElection,
  verifySignedElection, ElectionError,
} from '../protocol/election/index';
import { deepCopy, smallDefinition } from './election-fixtures';

const crypto = nobleCrypto;
const authority = crypto.sha256(utf8Encode('election-signed test authority'));
const authorityPub = crypto.ed25519PublicKey(authority);
const rogue = crypto.sha256(utf8Encode('someone else'));
const rogueKey = crypto.ed25519PublicKey(rogue);
const otherTrusted = crypto.ed25519PublicKey(crypto.sha256(utf8Encode('another provisioned authority')));
const definition = encodeElection(smallDefinition());
const envelope = encodeSignedElection(signElection(definition, authority, crypto));

function codeOf(f: () => unknown): string {
  try { f(); } catch (e) {
    assert.instance(e, ProtocolError);
    return (e as ProtocolError).code;
  }
  return 'accepted';
}
const verify = (bytes: Uint8Array, keys: Uint8Array[] = [otherTrusted, authorityPub]): string => codeOf(() => verifySignedElection(bytes, keys, crypto));

test('a definition signed by a provisioned key is accepted, with its fingerprint', () => {
  const v = verifySignedElection(envelope, [otherTrusted, authorityPub], crypto);
  assert.equal(v.definition, smallDefinition());
  assert.ok(bytesEqual(v.definitionBytes, definition));
  assert.ok(bytesEqual(v.fingerprint, electionFingerprint(definition, crypto)));
  assert.ok(bytesEqual(v.authorityKey, authorityPub));
  assert.ok(bytesEqual(decodeSignedElection(envelope).definition, definition));
});

test('every single-bit change anywhere in the signed file is refused', () => {
  for (let i = 0; i < envelope.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const t = Uint8Array.from(envelope);
      t[i] ^= bit;
      const code = verify(t);
      assert.ok(code.startsWith('election-'), `byte ${i}: ${code}`);
    }
  }
});

test('a changed byte inside the definition is a bad signature (nothing parsed before the signature)', () => {
  const s = decodeSignedElection(envelope);
  for (let i = 0; i < s.definition.length; i++) {
    const d = Uint8Array.from(s.definition);
    d[i] ^= 0x20;
    assert.is(verify(encodeSignedElection({ ...s, definition: d })), 'election-bad-signature', `byte ${i}`);
  }
});

test('signed by a key the device was not provisioned with: unknown key', () => {
  const rogueEnvelope = encodeSignedElection(signElection(definition, rogue, crypto));
  assert.is(verify(rogueEnvelope), 'election-unknown-key');
  assert.is(verify(envelope, []), 'election-unknown-key');
  assert.is(verify(envelope, [otherTrusted]), 'election-unknown-key');
});

test('another key\'s signature presented under a trusted key: bad signature', () => {
  const forged = { ...signElection(definition, rogue, crypto), authorityKey: authorityPub };
  assert.is(verify(encodeSignedElection(forged)), 'election-bad-signature');
  // A signature over another definition, moved onto this one.
  const other = deepCopy(smallDefinition()); other.precinct = 8;
  const otherSigned = signElection(encodeElection(other), authority, crypto);
  assert.is(verify(encodeSignedElection({ ...otherSigned, definition })), 'election-bad-signature');
});

test('domain separation: a signature over the bare definition (or another domain) is refused', () => {
  const bare = crypto.ed25519Sign(definition, authority);
  assert.is(verify(encodeSignedElection({ definition, authorityKey: authorityPub, signature: bare })), 'election-bad-signature');
  const otherDomain = crypto.ed25519Sign(concatBytes(utf8Encode('sailau/protocol/v1'), Uint8Array.of(0), definition), authority);
  assert.is(verify(encodeSignedElection({ definition, authorityKey: authorityPub, signature: otherDomain })), 'election-bad-signature');
  assert.ok(bytesEqual(electionSignatureMessage(definition).subarray(0, 19), utf8Encode('sailau/election/v1\0')));
});

test('a properly signed but invalid definition is still refused (election-invalid)', () => {
  const bad = decodeCbor(definition) as any; // any: reaching into decoded CBOR to break a rule
  bad.contests[0].options.reverse();
  const badBytes = encodeCbor(bad);
  assert.is(codeOf(() => signElection(badBytes, authority, crypto)), 'election-invalid'); // the tool never signs it
  const signature = crypto.ed25519Sign(electionSignatureMessage(badBytes), authority);
  assert.is(verify(encodeSignedElection({ definition: badBytes, authorityKey: authorityPub, signature })), 'election-invalid');
});

test('malformed and wrong-version envelopes', () => {
  const env = decodeCbor(envelope) as CborObject;
  const re = (patch: CborObject, drop?: string): Uint8Array => {
    const o: CborObject = { ...env, ...patch };
    if (drop) delete o[drop];
    return encodeCbor(o);
  };
  assert.is(verify(re({ format: 2 })), 'election-version');
  assert.is(verify(re({ format: 'one' })), 'election-malformed');
  assert.is(verify(re({ type: 'sailau/protocol' })), 'election-malformed');
  assert.is(verify(re({}, 'signature')), 'election-malformed');
  assert.is(verify(re({ extra: 1 })), 'election-malformed');
  assert.is(verify(re({ signature: new Uint8Array(63) })), 'election-malformed');
  assert.is(verify(re({ authorityKey: new Uint8Array(33) })), 'election-malformed');
  assert.is(verify(re({ definition: 'text' })), 'election-malformed');
  assert.is(verify(definition), 'election-malformed'); // a bare definition is not a signed one
  assert.is(verify(new Uint8Array(0)), 'election-malformed');
  assert.is(verify(new Uint8Array(70000)), 'election-too-large');
});

test('property: arbitrary bytes, or an envelope around arbitrary bytes, only ever give a typed refusal', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
    assert.ok(verify(b).startsWith('election-'));
  }), { numRuns: 3000 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
    const signature = crypto.ed25519Sign(electionSignatureMessage(b), authority);
    const code = verify(encodeSignedElection({ definition: b, authorityKey: authorityPub, signature }));
    assert.ok(code.startsWith('election-') && code !== 'election-bad-signature', code);
  }), { numRuns: 300 });
});

test('signing is deterministic: the same definition and key give the same file', () => {
  assert.ok(bytesEqual(encodeSignedElection(signElection(encodeElection(smallDefinition()), authority, crypto)), envelope));
});

test.run();
