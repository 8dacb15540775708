// The election key sealed by the start password (precinct/keys/election-key.ts), the start
// password itself, the device-side check at "open" and the envelope sheet; then attempts
// to break the seal: wrong passwords, every altered byte, another election's file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Decrypter, Encrypter } from 'age-encryption';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import { nodeEntropy } from '../hosts/node/entropy';
import { hpkeOpen, hpkeSeal } from '../protocol/crypto/hpke';
import { encodeCbor } from '../protocol/cbor';
import { ProtocolError, concatBytes, utf8Encode } from '../protocol/bytes';
import { shortFingerprint } from '../protocol/election/encoding';
import { checkStartVerifier, startPasswordCommitment } from '../protocol/start-password';
import {
  checkStartPassword, createElectionKey, decodeSealedElectionKey, encodeSealedElectionKey, unsealElectionKey,
} from '../precinct/keys/election-key';
import {
  DEFAULT_LOG_N, OneTimeStartPassword, generateStartPassword, normalizeStartPassword, startPasswordEntropyBits, startPasswordVerifier,
} from '../precinct/keys/start-password';
import { ageScryptLogN } from '../precinct/keys/age-seal';
import { bigDigits, envelopeSheet } from '../precinct/keys/envelope-sheet';
import { keyFingerprint } from '../precinct/keys/fingerprint';
import { indexOf, rejectsWith, scriptedEntropy, seededEntropy } from './keys-helpers';

const LOG_N = 10; // tests only; production is 2^18 (checked below once)
const crypto = nodeCrypto;
const FP_A = nobleCrypto.sha256(utf8Encode('election A'));
const FP_B = nobleCrypto.sha256(utf8Encode('election B'));

async function fresh(fp = FP_A) {
  const k = await createElectionKey(crypto, nodeEntropy, fp, { logN: LOG_N });
  return { ...k, password: k.startPassword.take() };
}

/* ------------------------------------------------------------ the start password */

test('start password: five groups of four digits, ≥ 64 bits', () => {
  for (let i = 0; i < 200; i++) assert.match(generateStartPassword(nodeEntropy), /^\d{4} \d{4} \d{4} \d{4} \d{4}$/);
  assert.ok(startPasswordEntropyBits() >= 64, `${startPasswordEntropyBits()} bits`);
  assert.ok(Math.abs(startPasswordEntropyBits() - 66.44) < 0.01);
});

test('start password digits are uniform (seeded source, chi-square, 9 dof)', () => {
  const counts = new Array(10).fill(0);
  const e = seededEntropy('digits');
  for (let i = 0; i < 5000; i++) for (const ch of generateStartPassword(e).replace(/ /g, '')) counts[Number(ch)]++;
  const n = 5000 * 20;
  const chi = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
  assert.ok(chi < 27.88, `chi-square ${chi} (p = 0.001 bound 27.88)`); // deterministic: the seed is fixed
});

test('start password digit draw rejects bytes 250..255 (no modulo bias)', () => {
  // 255 and 250 must be skipped; 7 → '7'; then 0..
  const e = scriptedEntropy([255, 250, 7, 251, 0, ...new Array(40).fill(3)]);
  assert.ok(generateStartPassword(e).startsWith('7033'));
});

test('typed password is normalized; slips are start-password-malformed, not a wrong password', () => {
  assert.is(normalizeStartPassword(' 0123-4567 8901 2345  6789 '), '01234567890123456789');
  for (const bad of ['', '0123 4567 8901 2345 678', '0123 4567 8901 2345 67890', '0123 4567 8901 2345 678O', '٠١٢٣ 4567 8901 2345 6789', 'O123 4567 8901 2345 6789']) {
    try { normalizeStartPassword(bad); assert.unreachable(bad); } catch (e) { assert.is((e as ProtocolError).code, 'start-password-malformed'); }
  }
});

test('the password can be taken exactly once', () => {
  const p = new OneTimeStartPassword('01234567890123456789');
  assert.is(p.take(), '01234567890123456789');
  assert.ok(p.taken);
  try { p.take(); assert.unreachable(); } catch (e) { assert.is((e as ProtocolError).code, 'start-password-taken'); }
});

/* ------------------------------------------------------------ seal and unseal */

test('seal → unseal round trip; the key decrypts an HPKE vote sealed to the public key', async () => {
  const k = await fresh();
  const pair = await unsealElectionKey(crypto, k.sealed, k.password, FP_A);
  assert.equal(pair.publicKey, k.publicKey);
  assert.equal(nobleCrypto.x25519PublicKey(pair.secretKey), k.publicKey);
  const info = concatBytes(utf8Encode('test'), FP_A);
  const { enc, ciphertext } = hpkeSeal(nobleCrypto, k.publicKey, info, new Uint8Array(0), utf8Encode('vote'), nodeEntropy.randomBytes(32));
  assert.equal(hpkeOpen(crypto, pair.secretKey, enc, info, new Uint8Array(0), ciphertext), utf8Encode('vote'));
  // typed with other spacing: same password
  const spaced = k.password.replace(/ /g, '-');
  assert.equal((await unsealElectionKey(crypto, k.sealed, spaced, FP_A)).publicKey, k.publicKey);
});

test('the sealed file holds neither the password nor the secret key in clear', async () => {
  const k = await fresh();
  const pair = await unsealElectionKey(crypto, k.sealed, k.password, FP_A);
  assert.is(indexOf(k.sealed, pair.secretKey), -1);
  assert.is(indexOf(k.sealed, utf8Encode(normalizeStartPassword(k.password))), -1);
  assert.is(indexOf(k.sealed, utf8Encode(k.password)), -1);
});

test('"open": the precinct computer\'s verifier passes each device\'s check; another password\'s does not', async () => {
  const k = await fresh();
  const v = await checkStartPassword(crypto, k.sealed, k.password, FP_A);
  for (const c of [nobleCrypto, nodeCrypto]) assert.ok(checkStartVerifier(c, k.verifierCommitment, v));
  const s = decodeSealedElectionKey(k.sealed);
  const other = await startPasswordVerifier('00000000000000000000', FP_A, s.verifierSalt, s.logN);
  assert.not.ok(checkStartVerifier(nobleCrypto, k.verifierCommitment, other));
  assert.not.ok(checkStartVerifier(nobleCrypto, k.verifierCommitment, v.subarray(0, 31)));
  assert.not.ok(checkStartVerifier(nobleCrypto, k.verifierCommitment, k.verifierCommitment));
  // the verifier is not the key that opens the seal: it does not decrypt the age file
  const d = new Decrypter();
  d.addIdentity({ unwrapFileKey: () => v.subarray(0, 16) });
  await rejectsWith(() => d.decrypt(s.age), null);
});

test('wrong password: wrong-start-password, for "open" and for counting (property)', async () => {
  const k = await fresh();
  const right = normalizeStartPassword(k.password);
  await fc.assert(fc.asyncProperty(fc.stringMatching(/^[0-9]{20}$/), async (guess) => {
    fc.pre(guess !== right);
    await rejectsWith(() => unsealElectionKey(crypto, k.sealed, guess, FP_A), 'wrong-start-password');
    await rejectsWith(() => checkStartPassword(crypto, k.sealed, guess, FP_A), 'wrong-start-password');
  }), { numRuns: 15 });
  // one digit off
  const oneOff = right.slice(0, 19) + String((Number(right[19]) + 1) % 10);
  await rejectsWith(() => unsealElectionKey(crypto, k.sealed, oneOff, FP_A), 'wrong-start-password');
  await rejectsWith(() => unsealElectionKey(crypto, k.sealed, 'letters', FP_A), 'start-password-malformed');
});

test('a sealed key for another election is refused', async () => {
  const a = await fresh(FP_A);
  await rejectsWith(() => unsealElectionKey(crypto, a.sealed, a.password, FP_B), 'sealed-key-wrong-election');
  await rejectsWith(() => checkStartPassword(crypto, a.sealed, a.password, FP_B), 'sealed-key-wrong-election');
  // relabelled: the outer fingerprint rewritten to B. The verifier is bound to A → refused.
  const s = decodeSealedElectionKey(a.sealed);
  const relabelled = encodeSealedElectionKey({ ...s, electionFingerprint: FP_B });
  await rejectsWith(() => unsealElectionKey(crypto, relabelled, a.password, FP_B), 'wrong-start-password');
});

test('a forged outer record for election B around a secret sealed for A: the inner fingerprint refuses it', async () => {
  // The attacker knows a password and can build everything but the sealed inner record,
  // which says election A. (Here we build it ourselves, as the attacker would have to.)
  const password = '11112222333344445555';
  const secretKey = nodeEntropy.randomBytes(32);
  const salt = nodeEntropy.randomBytes(16);
  const verifier = await startPasswordVerifier(password, FP_B, salt, LOG_N);
  const commitment = startPasswordCommitment(crypto, verifier);
  const inner = encodeCbor({ format: 1, kind: 'sailau/election-secret-key', electionFingerprint: FP_A, secretKey, verifierCommitment: commitment });
  const e = new Encrypter(); e.setPassphrase(password); e.setScryptWorkFactor(LOG_N);
  const sealed = encodeSealedElectionKey({
    electionFingerprint: FP_B, publicKey: crypto.x25519PublicKey(secretKey), logN: LOG_N, verifierSalt: salt, verifierCommitment: commitment, age: await e.encrypt(inner),
  });
  await rejectsWith(() => unsealElectionKey(crypto, sealed, password, FP_B), 'sealed-key-wrong-election');
});

test('single-byte changes to the age part are refused (sealed-key-corrupt): every header byte, every 4th payload byte', async () => {
  const k = await fresh();
  const s = decodeSealedElectionKey(k.sealed);
  // The header ends after "\n--- " and the 43-character MAC line; each try costs a scrypt.
  const headerEnd = indexOf(s.age, utf8Encode('\n--- ')) + 5 + 43 + 1;
  assert.ok(headerEnd > 50);
  for (let i = 0; i < s.age.length; i += i < headerEnd ? 1 : 4) {
    const age = s.age.slice(); age[i] ^= (i % 7) + 1;
    const bad = encodeSealedElectionKey({ ...s, age });
    await rejectsWith(() => unsealElectionKey(crypto, bad, k.password, FP_A), 'sealed-key-corrupt', `byte ${i}`);
  }
  for (const cut of [0, 1, 40, s.age.length - 17, s.age.length - 1]) {
    const bad = encodeSealedElectionKey({ ...s, age: s.age.slice(0, cut) });
    await rejectsWith(() => unsealElectionKey(crypto, bad, k.password, FP_A), 'sealed-key-corrupt', `cut ${cut}`);
  }
});

test('altered outer fields are refused', async () => {
  const k = await fresh();
  const s = decodeSealedElectionKey(k.sealed);
  const flip = (b: Uint8Array) => { const c = b.slice(); c[0] ^= 1; return c; };
  await rejectsWith(() => unsealElectionKey(crypto, encodeSealedElectionKey({ ...s, publicKey: flip(s.publicKey) }), k.password, FP_A), 'sealed-key-corrupt');
  await rejectsWith(() => unsealElectionKey(crypto, encodeSealedElectionKey({ ...s, verifierCommitment: flip(s.verifierCommitment) }), k.password, FP_A), 'wrong-start-password');
  await rejectsWith(() => unsealElectionKey(crypto, encodeSealedElectionKey({ ...s, verifierSalt: flip(s.verifierSalt) }), k.password, FP_A), 'wrong-start-password');
  await rejectsWith(() => unsealElectionKey(crypto, encodeSealedElectionKey({ ...s, logN: LOG_N + 1 }), k.password, FP_A), 'wrong-start-password');
  await rejectsWith(() => unsealElectionKey(crypto, encodeSealedElectionKey({ ...s, logN: 30 }), k.password, FP_A), 'sealed-key-malformed');
  await rejectsWith(() => unsealElectionKey(crypto, k.sealed.slice(0, k.sealed.length - 1), k.password, FP_A), 'sealed-key-malformed');
  await rejectsWith(() => unsealElectionKey(crypto, utf8Encode('not cbor at all'), k.password, FP_A), 'sealed-key-malformed');
  await rejectsWith(() => unsealElectionKey(crypto, encodeCbor({ format: 1, kind: 'sailau/sealed-election-key' }), k.password, FP_A), 'sealed-key-malformed');
});

test('production default: scrypt 2^18 in both the age stanza and the verifier', async () => {
  assert.is(DEFAULT_LOG_N, 18);
  const k = await createElectionKey(crypto, nodeEntropy, FP_A);
  const s = decodeSealedElectionKey(k.sealed);
  assert.is(s.logN, 18);
  assert.is(ageScryptLogN(s.age), 18);
});

test('work factors outside 2^10..2^20 are refused at sealing', async () => {
  await rejectsWith(() => createElectionKey(crypto, nodeEntropy, FP_A, { logN: 9 }), 'key-bad-argument');
  await rejectsWith(() => createElectionKey(crypto, nodeEntropy, FP_A, { logN: 21 }), 'key-bad-argument');
  await rejectsWith(() => createElectionKey(crypto, nodeEntropy, FP_A.subarray(0, 31), { logN: LOG_N }), 'key-bad-argument');
});

/* ------------------------------------------------------------ the envelope sheet */

test('envelope sheet: election, precinct, fingerprints, the password in block and plain digits, signature lines', async () => {
  const k = await fresh();
  const sheet = envelopeSheet(crypto, {
    electionId: '2024-PRES', title: { kk: 'Президент сайлауы', ru: 'Выборы Президента' }, electionDate: '2024-11-20', precinct: 123,
    electionFingerprint: FP_A, electionPublicKey: k.publicKey, sealedOn: '2024-11-10 14:05', members: 6,
  }, k.password);
  const groups = normalizeStartPassword(k.password).match(/\d{4}/g)!;
  assert.ok(sheet.includes(groups.join('  ')));
  for (const g of groups) assert.ok(sheet.includes(bigDigits(g)[0]));
  assert.ok(sheet.includes('2024-PRES') && sheet.includes('123') && sheet.includes('2024-11-20') && sheet.includes('2024-11-10 14:05'));
  assert.ok(sheet.includes(keyFingerprint(crypto, k.publicKey)));
  assert.ok(sheet.includes(shortFingerprint(FP_A)));
  assert.is((sheet.match(/Мүше \/ Член комиссии \d+:/g) ?? []).length, 6);
  assert.ok(sheet.includes('Төраға / Председатель'));
  assert.ok(sheet.includes('подсчёт голосов невозможен'));
});

test('block digits: ten distinct glyphs, five rows each', () => {
  const glyphs = '0123456789'.split('').map((d) => bigDigits(d).join('\n'));
  assert.is(new Set(glyphs).size, 10);
  assert.is(bigDigits('0123').length, 5);
});

test.run();
