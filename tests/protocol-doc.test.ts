import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';
import {
  decodeProtocol, encodeProtocol, encodeSignedProtocol, decodeSignedProtocol, protocolToJson, qrPayload, signProtocol,
  verifyQrPayload, verifySignedProtocol, type SignedProtocol,
} from '../precinct/protocol/index';
import type { AccumulatorDelivery } from '../precinct/count/types';
import { crypto, protocolFixture, votedCard, seeded } from './count-fixtures';

type Fixture = Awaited<ReturnType<typeof protocolFixture>>;

/** Three protocols: plain; portable ballot set aside; with duplicates, rejections and invalid choices. */
async function fixtures(): Promise<Fixture[]> {
  return [
    await protocolFixture({ premisesVotes: 30, portableVotes: 4, homeApplications: 5, markedVoters: 4, cardsSpoiled: 1, outstanding: 2, seed: 21 }),
    await protocolFixture({ premisesVotes: 25, portableVotes: 6, homeApplications: 4, markedVoters: 5, seed: 22 }),
    await protocolFixture({
      premisesVotes: 20, portableVotes: 2, seed: 23,
      tweak: (s) => {
        const a1 = s.input.deliveries.find((d) => d.deviceId === 'acc-1') as AccumulatorDelivery;
        const a2 = s.input.deliveries.find((d) => d.deviceId === 'acc-2') as AccumulatorDelivery;
        a2.records.push(a1.records[0]);                                             // duplicate across devices
        a1.records.push(votedCard(s.election, s.keys, s.keys.rogue, s.specs.premises[3], seeded('rogue')));   // unknown terminal
        a1.records.push(votedCard(s.election, s.keys, s.keys.terminals[0], { selections: [{ contest: 1, option: 42 }, { contest: 2, option: null }], code: 9990 }, seeded('inv')));
        a1.reportedCount = 5;                                                       // differs from its records
        s.input.register.cardsActivated = 15;                                       // fewer activations than votes
      },
    }),
  ];
}

const verify = (f: Fixture, bytes: Uint8Array) => verifySignedProtocol(crypto, bytes, { chairmanKey: f.s.keys.chairmanPublic, election: { definition: f.s.election.definition, fingerprint: f.s.election.fingerprint } });

let all: Fixture[];

test('a signed protocol verifies, decodes to what was built, and renders to JSON', async () => {
  all = await fixtures();
  for (const f of all) {
    const r = verify(f, f.bytes);
    assert.equal(r.problems, []);
    assert.ok(r.ok);
    const d = decodeProtocol(f.signed.protocol);
    assert.equal(d.problems, []);
    assert.equal(encodeProtocol(d.doc!), f.signed.protocol, 'decode then encode gives the same bytes');
    assert.equal(decodeSignedProtocol(f.bytes), f.signed);
    const json = JSON.parse(JSON.stringify(protocolToJson(f.doc))) as { election: { fingerprint: string } };
    assert.match(json.election.fingerprint, /^[0-9a-f]{64}$/);
  }
  assert.ok(all[2].doc.anomalies.length >= 5, 'the third fixture carries anomalies');
  assert.is(all[1].doc.flags.portableForDecision, true);
});

test('the wrong chairman key, a swapped key, or another election definition are reported', async () => {
  const f = all[0];
  const other = crypto.ed25519PublicKey(new Uint8Array(32).fill(9));
  const r = verifySignedProtocol(crypto, f.bytes, { chairmanKey: other });
  assert.equal(r.problems.map((p) => p.code), ['wrong-key', 'bad-signature', 'bad-signature']);
  // Re-signed by someone else, presented as the chairman's: the key given decides.
  const forged = encodeSignedProtocol(signProtocol(crypto, f.doc, new Uint8Array(32).fill(7)));
  assert.ok(!verifySignedProtocol(crypto, forged, { chairmanKey: f.s.keys.chairmanPublic }).ok);
  const r2 = verifySignedProtocol(crypto, all[0].bytes, { chairmanKey: f.s.keys.chairmanPublic, election: { definition: { ...f.s.election.definition, precinct: 319 }, fingerprint: crypto.sha256(new Uint8Array(1)) } });
  assert.ok(r2.problems.some((p) => p.code === 'election-mismatch' && p.path === 'precinct'));
  assert.ok(r2.problems.some((p) => p.code === 'election-mismatch' && p.path === 'election.fingerprint'));
});

interface Leaf { path: (string | number)[]; value: number | boolean }
function leaves(v: CborValue, path: (string | number)[] = [], out: Leaf[] = []): Leaf[] {
  if (typeof v === 'number' || typeof v === 'boolean') out.push({ path, value: v });
  else if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...path, i], out));
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Map)) for (const k of Object.keys(v)) leaves((v as Record<string, CborValue>)[k], [...path, k], out);
  return out;
}
function setAt(root: CborValue, path: (string | number)[], value: CborValue): CborValue {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, CborValue>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, CborValue>;
  node[path[path.length - 1]] = value;
  return copy;
}
const show = (p: (string | number)[]): string => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');

/**
 * Figures no other figure in the file determines: the register's count of voters, the
 * number of home applications (bounded below only), the event-log head's seq (checked
 * against the log itself) and each verification code's value (a random number). A change
 * to these is caught by the chairman's signature alone — the first property.
 */
const INDEPENDENT = [/^\.reconciliation\.registered$/, /^\.reconciliation\.homeApplications$/, /^\.eventLog\.seq$/, /^\.codes\[\d+\]\[0\]$/];

/** Returns the problems found after changing one leaf; `resign` signs the altered protocol anew. */
function tamper(f: Fixture, path: (string | number)[], value: CborValue, resign: boolean): string[] {
  const tree = decodeCbor(f.signed.protocol);
  const altered = encodeCbor(setAt(tree, path, value));
  let signed: SignedProtocol;
  if (!resign) signed = { ...f.signed, protocol: altered };
  else {
    const d = decodeProtocol(altered);
    if (!d.doc) return ['undecodable'];
    if (d.problems.length > 0) return d.problems.map((p) => p.code);
    signed = signProtocol(crypto, d.doc, f.s.keys.chairman);
  }
  return verify(f, encodeSignedProtocol(signed)).problems.map((p) => p.code);
}

test('property: changing any numeric or boolean field breaks the chairman\'s signature', () => {
  for (const f of all) {
    const tree = decodeCbor(f.signed.protocol);
    for (const leaf of leaves(tree)) {
      const next = typeof leaf.value === 'boolean' ? !leaf.value : leaf.value + 1;
      const problems = tamper(f, leaf.path, next, false);
      assert.ok(problems.includes('bad-signature'), `${show(leaf.path)} changed without a new signature went unnoticed`);
    }
  }
});

test('property: changing any figure, even re-signed by the chairman, is caught by the consistency checks', () => {
  let checked = 0;
  for (const f of all) {
    const tree = decodeCbor(f.signed.protocol);
    const ls = leaves(tree);
    // Every leaf, one up and (where possible) one down; booleans flipped.
    for (const leaf of ls) {
      const p = show(leaf.path);
      if (INDEPENDENT.some((re) => re.test(p))) continue;
      const alternatives: CborValue[] = typeof leaf.value === 'boolean' ? [!leaf.value] : leaf.value > 0 ? [leaf.value + 1, leaf.value - 1] : [leaf.value + 1];
      for (const v of alternatives) {
        const problems = tamper(f, leaf.path, v, true);
        assert.ok(problems.length > 0, `${p}: ${String(leaf.value)} → ${String(v)} re-signed went unnoticed`);
        checked++;
      }
    }
    // And random values on random leaves.
    const candidates = ls.filter((l) => typeof l.value === 'number' && !INDEPENDENT.some((re) => re.test(show(l.path))));
    fc.assert(fc.property(fc.constantFrom(...candidates), fc.integer({ min: 0, max: 20000 }), (leaf, v) => {
      fc.pre(v !== leaf.value);
      return tamper(f, leaf.path, v, true).length > 0;
    }), { numRuns: 150, seed: 42 });
  }
  assert.ok(checked > 500, `checked ${checked} changes`);
});

test('the independent figures are still covered by the signature (and the set is exactly those)', () => {
  const f = all[0];
  const tree = decodeCbor(f.signed.protocol);
  const independent = leaves(tree).filter((l) => INDEPENDENT.some((re) => re.test(show(l.path))));
  assert.is(independent.length, 3 + f.doc.codes.length);
  for (const l of independent) assert.ok(tamper(f, l.path, (l.value as number) + 1, false).includes('bad-signature'));
});

test('every problem is reported, not only the first', () => {
  const f = all[0];
  const tree = decodeCbor(f.signed.protocol) as Record<string, CborValue>;
  let t = setAt(tree, ['reconciliation', 'ballotsCounted'], 999);
  t = setAt(t, ['contests', 0, 'blank'], 77);
  t = setAt(t, ['codes'], (t as { codes: CborValue[] }).codes.slice(1));
  const d = decodeProtocol(encodeCbor(t));
  const problems = verify(f, encodeSignedProtocol(signProtocol(crypto, d.doc!, f.s.keys.chairman))).problems;
  const paths = problems.map((p) => p.path);
  assert.ok(paths.includes('reconciliation.ballotsCounted'));
  assert.ok(paths.includes('contests[0]'));
  assert.ok(paths.includes('codes'));
  assert.ok(problems.length >= 4, JSON.stringify(problems));
});

test('malformed files give problems, not exceptions', () => {
  const f = all[0];
  for (const bytes of [new Uint8Array(0), Uint8Array.of(0xa0), f.bytes.subarray(0, 100), encodeCbor({ type: 'sailau/signed-protocol', format: 1 })]) {
    const r = verify(f, bytes);
    assert.is(r.ok, false);
    assert.ok(r.problems.length > 0);
  }
  const tree = decodeCbor(f.signed.protocol) as Record<string, CborValue>;
  for (const mutated of [setAt(tree, ['contests', 0, 'options'], 'x'), setAt(tree, ['codes', 0], [1]), setAt(tree, ['format'], 2), { ...tree, extra: 1 }]) {
    const r = verify(f, encodeSignedProtocol({ ...f.signed, protocol: encodeCbor(mutated) }));
    assert.is(r.ok, false);
  }
});

test('the QR code stays scannable: a big ballot keeps only the hash in its summary', async () => {
  const QRCode = (await import('qrcode')).default;
  for (const f of all) assert.ok(QRCode.create(qrPayload(f.signed), { errorCorrectionLevel: 'M' }).version <= 15);
  const big = structuredClone(all[0].doc);
  for (const c of big.contests) c.options = Array.from({ length: 64 }, (_, i) => ({ ...c.options[0], id: i + 1, votes: 2000 + i }));
  const signed = signProtocol(crypto, big, all[0].s.keys.chairman);
  const s = verifyQrPayload(crypto, qrPayload(signed), all[0].s.keys.chairmanPublic);
  assert.equal(s.contests, []);
  assert.equal(s.protocolHash, crypto.sha256(signed.protocol));
  assert.ok(QRCode.create(qrPayload(signed), { errorCorrectionLevel: 'M' }).version <= 15);
});

test('the QR payload carries the signed summary; it checks with the chairman key alone', () => {
  const f = all[1];
  const text = qrPayload(f.signed);
  assert.ok(text.length < 600, `QR text ${text.length} characters`);
  const s = verifyQrPayload(crypto, text, f.s.keys.chairmanPublic);
  assert.equal(s.protocolHash, crypto.sha256(f.signed.protocol));
  assert.is(s.ballotsCounted, f.doc.reconciliation.ballotsCounted);
  assert.is(s.portableForDecision, true);
  assert.equal(s.contests.map((c) => c.options), f.doc.contests.map((c) => c.options.map((o) => o.votes)));
  let err: unknown;
  try { verifyQrPayload(crypto, text, all[0].s.keys.rogue.slice(0, 32)); } catch (e) { err = e; }
  assert.ok(err instanceof Error && /qr-wrong-key/.test(err.message));
  const raw = Buffer.from(text.slice('SAILAU-P1:'.length), 'base64');
  raw[40] ^= 1;
  err = undefined;
  try { verifyQrPayload(crypto, `SAILAU-P1:${raw.toString('base64')}`, f.s.keys.chairmanPublic); } catch (e) { err = e; }
  assert.ok(err instanceof Error);
});

test.run();
