// protocol/wire/messages and schema: every common body shape accepts what docs/protocol.md
// allows and refuses the rest with ProtocolError('bad-body'); the registry stays open.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  COMMON_MESSAGES, Close, EventLogRead, Identify, LoadElection, MessageRegistry, Open, ResultsRead, SelfTestReport,
  SelfTestRun, SetTime, Status, commonRegistry, defineMessage, validateRequest, validateResponse,
} from '../protocol/wire/messages';
import { arrayOf, bytes, record, text, uint, optional, oneOf } from '../protocol/wire/schema';
import { ProtocolError } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';

const badBody = (e: unknown) => e instanceof ProtocolError && e.code === 'bad-body';
const h32 = new Uint8Array(32).fill(0xab);

test('the common messages are registered under their documented names', () => {
  assert.equal(commonRegistry().types(), [
    'close', 'event-log.read', 'identify', 'load-election', 'open', 'results.read', 'self-test.report', 'self-test.run', 'set-time', 'status',
  ]);
  assert.is(COMMON_MESSAGES.length, 10);
});

test('the registry is open for device messages and refuses duplicates and bad names', () => {
  const reg = commonRegistry();
  const CardCount = defineMessage('accumulator.card-count', record({}), record({ count: uint() }));
  reg.add(CardCount);
  assert.ok(reg.has('accumulator.card-count'));
  assert.throws(() => reg.add(CardCount), (e: unknown) => e instanceof ProtocolError && e.code === 'duplicate-message-type');
  assert.throws(() => new MessageRegistry().add(Identify, Identify), (e: unknown) => e instanceof ProtocolError);
  for (const bad of ['', 'Identify', 'a..b', 'a b', '-x', 'x'.repeat(65)]) {
    assert.throws(() => defineMessage(bad, record({}), record({})), (e: unknown) => e instanceof ProtocolError && e.code === 'bad-message-type');
  }
});

// [message, good request, good response] — each survives a CBOR round trip and validation
const good: [typeof COMMON_MESSAGES[number], CborValue, CborValue][] = [
  [Identify, {}, { kind: 'terminal', serial: 'T-1', firmwareVersion: '1.0.0', firmwareHash: h32, publicKey: h32 }],
  [Identify, {}, { kind: 'terminal', serial: 'T-1', firmwareVersion: '1.0.0', firmwareHash: h32, publicKey: h32, signingKey: h32 }],
  [Status, {}, { state: 'open', uptimeMs: 5, eventCount: 2 }],
  [Status, {}, { state: 'open', uptimeMs: 5, eventCount: 2, electionId: h32, wallClockMs: 1, power: { source: 'battery', batteryPercent: 80 }, detail: { cards: 3 } }],
  [SelfTestRun, {}, { run: 1 }],
  [SelfTestReport, {}, { state: 'never-run', checks: [] }],
  [SelfTestReport, {}, { state: 'done', run: 2, passed: false, checks: [{ name: 'flash', ok: true }, { name: 'touch', ok: false, detail: 'no touch' }], finishedAtMs: 9 }],
  [EventLogRead, { from: 1, limit: 64 }, { page: Uint8Array.of(0x84, 1), next: 2, total: 1 }],
  [LoadElection, { total: 5000, offset: 3072, chunk: new Uint8Array(1928) }, { received: 5000, electionId: h32 }],
  [LoadElection, { total: 5000, offset: 0, chunk: new Uint8Array(3072) }, { received: 3072 }],
  [Open, { password: Uint8Array.of(0x31, 0x32) }, { state: 'open', openedAtMs: 1 }],
  [Close, {}, { state: 'closed' }],
  [ResultsRead, { from: 10, limit: 1 }, { records: [], next: 10, total: 10 }],
  [SetTime, { wallClockMs: 1764000000000 }, {}],
  [SetTime, { wallClockMs: 0 }, { previousMs: 5 }],
];

test('good bodies are accepted, through CBOR and back', () => {
  for (const [def, q, r] of good) {
    assert.equal(validateRequest(def, decodeCbor(encodeCbor(q))), q, def.type);
    assert.equal(validateResponse(def, decodeCbor(encodeCbor(r))), r, def.type);
  }
});

test('bad bodies are refused with bad-body naming the field', () => {
  const bad: [typeof COMMON_MESSAGES[number], 'req' | 'res', CborValue, string][] = [
    [Identify, 'req', { x: 1 }, 'unknown field'],
    [Identify, 'req', null, 'expected a map'],
    [Identify, 'req', new Map([[1, 2]]), 'non-text keys'],
    [Identify, 'res', { kind: 'terminal', serial: 'T-1', firmwareVersion: '1', firmwareHash: new Uint8Array(31), publicKey: h32 }, 'firmwareHash'],
    [Identify, 'res', { kind: '', serial: 'T-1', firmwareVersion: '1', firmwareHash: h32, publicKey: h32 }, 'kind'],
    [Status, 'res', { state: 'open', uptimeMs: 5 }, 'eventCount'],
    [Status, 'res', { state: 'open', uptimeMs: 1.5, eventCount: 0 }, 'uptimeMs'],
    [Status, 'res', { state: 'open', uptimeMs: 1, eventCount: 0, power: { source: 'solar' } }, 'power.source'],
    [Status, 'res', { state: 'open', uptimeMs: 1, eventCount: 0, power: { source: 'mains', batteryPercent: 101 } }, 'power.batteryPercent'],
    [SelfTestReport, 'res', { state: 'done', checks: [{ name: 'x', ok: 1 }] }, 'checks[0].ok'],
    [EventLogRead, 'req', { from: 1, limit: 0 }, 'limit'],
    [EventLogRead, 'req', { from: 1, limit: 65 }, 'limit'],
    [EventLogRead, 'req', { from: 0, limit: 1 }, 'from'],
    [EventLogRead, 'res', { page: new Uint8Array(3969), next: 1, total: 0 }, 'page'],
    [ResultsRead, 'res', { records: [new Uint8Array(0)], next: 0, total: 0 }, 'records[0]'],
    [LoadElection, 'req', { total: 1, offset: 0, chunk: new Uint8Array(3073) }, 'chunk'],
    [LoadElection, 'req', { total: (1 << 20) + 1, offset: 0, chunk: new Uint8Array(1) }, 'total'],
    [Open, 'req', { password: 'text, not bytes' }, 'password'],
    [Open, 'req', { password: new Uint8Array(65) }, 'password'],
    [Open, 'req', {}, 'password'],
    [SetTime, 'req', { wallClockMs: 2n ** 60n }, 'wallClockMs'],
    [SetTime, 'req', { wallClockMs: true }, 'wallClockMs'],
  ];
  for (const [def, side, body, field] of bad) {
    const f = () => (side === 'req' ? validateRequest(def, body) : validateResponse(def, body));
    assert.throws(f, badBody, `${def.type} ${side} ${field}`);
    try { f(); } catch (e) { assert.ok((e as Error).message.includes(field), `${(e as Error).message} should name ${field}`); }
  }
});

test('property: validators only ever throw bad-body, whatever the value', () => {
  const any = fc.letrec<{ v: CborValue }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('from', 'limit', 'state', 'checks', 'password', 'total', 'offset', 'chunk', 'x', 'name', 'ok'), tie('v'), { maxKeys: 4, noNullPrototype: true })),
  })).v;
  fc.assert(fc.property(fc.constantFrom(...COMMON_MESSAGES), any, (def, v) => {
    for (const side of [def.request, def.response]) {
      try { side(v, ''); } catch (e) { if (!badBody(e)) throw e; }
    }
  }), { numRuns: 2000 });
});

test('an optional field whose value is undefined counts as absent (as encodeCbor leaves it out)', () => {
  assert.equal(validateResponse(Status, { state: 'open', uptimeMs: 1, eventCount: 0, wallClockMs: undefined }), { state: 'open', uptimeMs: 1, eventCount: 0 });
  assert.throws(() => validateResponse(Status, { state: 'open', uptimeMs: undefined, eventCount: 0 }), badBody);
});

test('schema combinators: text counts UTF-8 bytes, oneOf, optional, arrayOf bounds', () => {
  const t = text({ minBytes: 1, maxBytes: 4 });
  assert.is(t('әә', ''), 'әә');
  assert.throws(() => t('әәә', ''), badBody);
  assert.throws(() => oneOf('a', 'b')('c', ''), badBody);
  assert.is(optional(uint())(undefined, ''), undefined);
  assert.throws(() => arrayOf(uint(), { max: 1 })([1, 2], ''), badBody);
  assert.throws(() => bytes({ min: 2, max: 3 })(Uint8Array.of(1), ''), badBody);
  assert.throws(() => uint()(2n ** 64n - 1n, ''), badBody);
});

test.run();
