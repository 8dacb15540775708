// The precinct computer's Noise static and issuing keys, the chairman's key, their sealed
// key files and printed fingerprints (precinct/keys/precinct-identity.ts, fingerprint.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError, utf8Encode } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject } from '../protocol/cbor';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import { nodeEntropy } from '../hosts/node/entropy';
import { NoiseHandshake, noiseKeyPair } from '../protocol/crypto/noise';
import {
  MIN_PASSPHRASE_LENGTH, generateChairmanKey, generateOperatorPassphrase, generatePrecinctIdentity, readChairmanPublicKey,
  readPrecinctIdentityPublic, sealChairmanKey, sealPrecinctIdentity, unsealChairmanKey, unsealPrecinctIdentity,
} from '../precinct/keys/precinct-identity';
import { keyFingerprint } from '../precinct/keys/fingerprint';
import { indexOf, rejectsWith, seededEntropy } from './keys-helpers';

const LOG_N = 10;
const crypto = nodeCrypto;
const PASS = '1234 5678 9012 3456 7890';

test('identity: generate, seal, unseal round trip; public keys readable without the passphrase', async () => {
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 4217);
  const file = await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N });
  const pub = readPrecinctIdentityPublic(file);
  assert.equal(pub, { precinct: 4217, noisePublicKey: id.noise.publicKey, issuingPublicKey: id.issuing.publicKey });
  const back = await unsealPrecinctIdentity(crypto, file, PASS);
  assert.equal(back, id);
  assert.is(indexOf(file, id.noise.secretKey), -1);
  assert.is(indexOf(file, id.issuing.secretKey), -1);
});

test('identity keys work: issuing signs (verified on both ports), Noise static completes a KK handshake', async () => {
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 1);
  const msg = utf8Encode('activation');
  const sig = nobleCrypto.ed25519Sign(msg, id.issuing.secretKey);
  assert.ok(nodeCrypto.ed25519Verify(sig, msg, id.issuing.publicKey));
  const device = noiseKeyPair(nobleCrypto, nodeEntropy.randomBytes(32));
  const prologue = utf8Encode('sailau-wire/1');
  const i = NoiseHandshake.initiator(crypto, { staticKey: noiseKeyPair(crypto, id.noise.secretKey), remoteStaticPublicKey: device.publicKey, ephemeralSecretKey: nodeEntropy.randomBytes(32), prologue });
  const r = NoiseHandshake.responder(nobleCrypto, { staticKey: device, remoteStaticPublicKey: id.noise.publicKey, ephemeralSecretKey: nodeEntropy.randomBytes(32), prologue });
  r.readMessage(i.writeMessage(new Uint8Array(0)));
  i.readMessage(r.writeMessage(new Uint8Array(0)));
  assert.ok(i.complete && r.complete);
});

test('the same identity seals to the same public part; the inner record is deterministic CBOR', async () => {
  const id = generatePrecinctIdentity(crypto, seededEntropy('id'), 7);
  const a = decodeCbor(await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N })) as CborObject;
  const b = decodeCbor(await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N })) as CborObject;
  assert.equal(a.public, b.public);
  assert.not.equal(a.age, b.age); // fresh salt and file key every time
  const again = generatePrecinctIdentity(crypto, seededEntropy('id'), 7);
  assert.equal(again, id);
});

test('wrong passphrase → wrong-passphrase; weak passphrase refused at sealing', async () => {
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 5);
  const file = await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N });
  await rejectsWith(() => unsealPrecinctIdentity(crypto, file, '1234 5678 9012 3456 7891'), 'wrong-passphrase');
  await rejectsWith(() => unsealPrecinctIdentity(crypto, file, ''), 'wrong-passphrase');
  await rejectsWith(() => sealPrecinctIdentity(crypto, id, 'x'.repeat(MIN_PASSPHRASE_LENGTH - 1), { logN: LOG_N }), 'passphrase-too-weak');
  await rejectsWith(() => sealPrecinctIdentity(crypto, id, `  ${'y'.repeat(MIN_PASSPHRASE_LENGTH - 1)}   `, { logN: LOG_N }), 'passphrase-too-weak');
  assert.match(generateOperatorPassphrase(nodeEntropy), /^\d{4}( \d{4}){4}$/);
});

test('a swapped public key outside the seal is caught on opening (key-file-corrupt)', async () => {
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 5);
  const other = generatePrecinctIdentity(crypto, nodeEntropy, 5);
  const file = decodeCbor(await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N })) as CborObject;
  for (const which of ['noise', 'issuing']) {
    const pub = { ...(file.public as CborObject), [which]: (which === 'noise' ? other.noise : other.issuing).publicKey };
    await rejectsWith(() => unsealPrecinctIdentity(crypto, encodeCbor({ ...file, public: pub }), PASS), 'key-file-corrupt', which);
  }
  await rejectsWith(() => unsealPrecinctIdentity(crypto, encodeCbor({ ...file, precinct: 6 }), PASS), 'key-file-corrupt');
});

test('altered sealed bytes are refused (a changed salt or wrapped key reads as a wrong passphrase; the rest as corrupt)', async () => {
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 5);
  const file = decodeCbor(await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N })) as CborObject;
  const age = file.age as Uint8Array;
  const seen = new Set<string>();
  for (let i = 0; i < age.length; i += 3) {
    const bad = age.slice(); bad[i] ^= 0x04;
    try {
      await unsealPrecinctIdentity(crypto, encodeCbor({ ...file, age: bad }), PASS);
      assert.unreachable(`byte ${i} accepted`);
    } catch (e) {
      assert.instance(e, ProtocolError);
      const code = (e as ProtocolError).code;
      assert.ok(code === 'key-file-corrupt' || code === 'wrong-passphrase', `byte ${i}: ${code}`);
      seen.add(code);
    }
  }
  assert.ok(seen.has('key-file-corrupt'));
  await rejectsWith(() => unsealPrecinctIdentity(crypto, utf8Encode('nonsense'), PASS), 'key-file-malformed');
});

test('chairman key: its own file and passphrase; not interchangeable with the identity file', async () => {
  const ch = generateChairmanKey(crypto, nodeEntropy, 42);
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 42);
  const chPass = generateOperatorPassphrase(nodeEntropy);
  const chFile = await sealChairmanKey(crypto, ch, chPass, { logN: LOG_N });
  const idFile = await sealPrecinctIdentity(crypto, id, PASS, { logN: LOG_N });
  assert.equal(readChairmanPublicKey(chFile), { precinct: 42, publicKey: ch.signing.publicKey });
  assert.equal(await unsealChairmanKey(crypto, chFile, chPass), ch);
  await rejectsWith(() => unsealChairmanKey(crypto, chFile, PASS), 'wrong-passphrase');
  await rejectsWith(() => unsealChairmanKey(crypto, idFile, PASS), 'key-file-malformed');
  await rejectsWith(() => unsealPrecinctIdentity(crypto, chFile, chPass), 'key-file-malformed');
  const sig = crypto.ed25519Sign(utf8Encode('protocol'), ch.signing.secretKey);
  assert.ok(nobleCrypto.ed25519Verify(sig, utf8Encode('protocol'), ch.signing.publicKey));
});

test('printed fingerprints: eight groups of four hex digits of SHA-256(public key); distinct keys differ', () => {
  const id = generatePrecinctIdentity(crypto, nodeEntropy, 1);
  const f = keyFingerprint(crypto, id.noise.publicKey);
  assert.match(f, /^[0-9A-F]{4}( [0-9A-F]{4}){7}$/);
  assert.is(f.replace(/ /g, '').toLowerCase(), Buffer.from(nobleCrypto.sha256(id.noise.publicKey).subarray(0, 16)).toString('hex'));
  assert.is.not(f, keyFingerprint(crypto, id.issuing.publicKey));
  try { keyFingerprint(crypto, new Uint8Array(31)); assert.unreachable(); } catch (e) { assert.is((e as ProtocolError).code, 'key-bad-argument'); }
});

test('bad precinct numbers are refused', () => {
  for (const p of [0, -1, 1.5, NaN]) {
    try { generatePrecinctIdentity(crypto, nodeEntropy, p); assert.unreachable(String(p)); } catch (e) { assert.is((e as ProtocolError).code, 'key-bad-argument'); }
  }
});

test.run();
