// The binary definition: deterministic, round-trips exactly, and any malformed input is a typed error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ProtocolError, bytesEqual } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject } from '../protocol/cbor';
import { nobleCrypto } from '../protocol/crypto/noble';
import {
  ElectionError, ElectionInvalidError, decodeElection, electionFingerprint, encodeElection, shortFingerprint, LIMITS,
} from '../protocol/election/index';
import { definitionArb, deepCopy, smallDefinition } from './election-fixtures';

function codeOf(f: () => unknown): string {
  try { f(); } catch (e) {
    assert.instance(e, ProtocolError);
    return (e as ProtocolError).code;
  }
  return 'no error';
}

test('property: decode(encode(d)) is d, and re-encoding gives the same bytes', () => {
  fc.assert(fc.property(definitionArb, (d) => {
    const bytes = encodeElection(d);
    const back = decodeElection(bytes);
    assert.equal(back, d);
    assert.ok(bytesEqual(encodeElection(back), bytes));
  }), { numRuns: 400 });
});

test('same definition, same bytes, whatever the key order or extra copies of it', () => {
  const d = smallDefinition();
  const shuffled = JSON.parse(JSON.stringify(d, Object.keys(d).reverse().concat('kk', 'ru', 'id', 'kind', 'title', 'againstAll', 'blankAllowed', 'options', 'surname', 'firstName', 'patronymic', 'party', 'name', 'opens', 'closes')));
  assert.ok(bytesEqual(encodeElection(shuffled), encodeElection(d)));
  assert.ok(bytesEqual(encodeElection(deepCopy(d)), encodeElection(d)));
});

test('the encoding is a map with the format number and the model fields', () => {
  const m = decodeCbor(encodeElection(smallDefinition())) as CborObject;
  assert.equal(Object.keys(m).sort(), ['contests', 'date', 'electionId', 'format', 'precinct', 'title', 'votingHours']);
  assert.is(m.format, 1);
  const c0 = (m.contests as CborObject[])[0];
  assert.is(((c0.options as CborObject[])[0]).patronymic, null);
});

test('encode refuses an invalid definition with every issue', () => {
  const d = deepCopy(smallDefinition()) as any; // any: invalid on purpose
  d.precinct = 0; d.title.kk = ''; d.sneaky = 'extra field';
  try { encodeElection(d); assert.unreachable(); } catch (e) {
    assert.instance(e, ElectionInvalidError);
    assert.equal((e as ElectionInvalidError).issues.map((i) => i.path).sort(), ['precinct', 'sneaky', 'title.kk']);
  }
});

const withFormat = (f: unknown, d = smallDefinition()): Uint8Array => encodeCbor({ ...(decodeCbor(encodeElection(d)) as CborObject), format: f as number });

test('typed refusals: version, missing version, not a map, extra field, out of order, too large', () => {
  assert.is(codeOf(() => decodeElection(withFormat(2))), 'election-version');
  assert.is(codeOf(() => decodeElection(withFormat(0))), 'election-version');
  assert.is(codeOf(() => decodeElection(withFormat('1'))), 'election-version');
  const noFormat = decodeCbor(encodeElection(smallDefinition())) as CborObject;
  delete noFormat.format;
  assert.is(codeOf(() => decodeElection(encodeCbor(noFormat))), 'election-malformed');
  assert.is(codeOf(() => decodeElection(encodeCbor([1, 2]))), 'election-malformed');
  assert.is(codeOf(() => decodeElection(encodeCbor(new Map([[1, 1]])))), 'election-malformed');
  assert.is(codeOf(() => decodeElection(new Uint8Array(0))), 'election-malformed');
  assert.is(codeOf(() => decodeElection(Uint8Array.of(0xff))), 'election-malformed');
  const extra = { ...(decodeCbor(encodeElection(smallDefinition())) as CborObject), note: 'x' };
  assert.is(codeOf(() => decodeElection(encodeCbor(extra))), 'election-invalid');
  // A device refuses candidates out of alphabetical order, whoever built the file.
  const unordered = decodeCbor(encodeElection(smallDefinition())) as any; // any: reaching into decoded CBOR
  unordered.contests[0].options.reverse();
  try { decodeElection(encodeCbor(unordered)); assert.unreachable(); } catch (e) {
    assert.instance(e, ElectionInvalidError);
    assert.is((e as ElectionInvalidError).issues[0].rule, 'not-in-alphabetical-order');
  }
  assert.is(codeOf(() => decodeElection(new Uint8Array(LIMITS.maxEncodedBytes + 1))), 'election-too-large');
  // Bytes after the map, and a non-shortest integer head, are refused by the strict decoder.
  assert.is(codeOf(() => decodeElection(Uint8Array.from([...encodeElection(smallDefinition()), 0]))), 'election-malformed');
});

test('property: arbitrary bytes only ever give a ProtocolError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    const code = codeOf(() => decodeElection(b));
    assert.ok(code.startsWith('election-'), code);
  }), { numRuns: 5000 });
});

test('property: corrupted encodings (flip, cut, insert) give a ProtocolError or a valid definition with those exact bytes', () => {
  const base = encodeElection(smallDefinition());
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(base.length - 1), x: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(base.length - 1), x: fc.constant(0) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(base.length), x: fc.integer({ min: 0, max: 255 }) }),
  );
  fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
    let b = Uint8Array.from(base);
    for (const m of ms) {
      const at = Math.min(m.at, b.length - 1);
      if (m.kind === 'flip' && b.length > 0) b[at] ^= m.x;
      else if (m.kind === 'cut') b = b.slice(0, at);
      else b = Uint8Array.from([...b.slice(0, m.at), m.x, ...b.slice(m.at)]);
    }
    try {
      const d = decodeElection(b);
      assert.ok(bytesEqual(encodeElection(d), b));
    } catch (e) {
      assert.instance(e, ElectionError);
    }
  }), { numRuns: 5000 });
});

test('fingerprint: SHA-256 of the encoding; short form is 5 groups of 4 hex digits', () => {
  const bytes = encodeElection(smallDefinition());
  const fp = electionFingerprint(bytes, nobleCrypto);
  assert.ok(bytesEqual(fp, nobleCrypto.sha256(bytes)));
  assert.match(shortFingerprint(fp), /^[0-9A-F]{4}( [0-9A-F]{4}){4}$/);
  const other = deepCopy(smallDefinition()); other.precinct = 8;
  assert.is.not(shortFingerprint(electionFingerprint(encodeElection(other), nobleCrypto)), shortFingerprint(fp));
});

test.run();
