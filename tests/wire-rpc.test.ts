// protocol/wire/rpc: the retry cache (never execute twice), seq rules, error mapping, and
// the client's timeout/retry through a virtual clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { RpcClient, RpcServer } from '../protocol/wire/rpc';
import { decodeResponse, encodeRequest, RpcError } from '../protocol/wire/envelope';
import { Identify, LoadElection, Open, SetTime, Status, commonRegistry, defineMessage, type MessageDef } from '../protocol/wire/messages';
import { record, text, uint } from '../protocol/wire/schema';
import { ProtocolError, toHex, utf8Encode } from '../protocol/bytes';
import { encodeCbor } from '../protocol/cbor';
import { VirtualClock } from '../runtime/virtual-clock';

const identity = {
  kind: 'accumulator', serial: 'ACC-0001', firmwareVersion: '0.1.0',
  firmwareHash: new Uint8Array(32).fill(1), publicKey: new Uint8Array(32).fill(2),
};

function server() {
  const internal: unknown[] = [];
  const s = new RpcServer(commonRegistry(), { onInternalError: (_t, e) => internal.push(e) });
  let time: number | undefined;
  s.on(Identify, () => identity);
  s.on(SetTime, (b) => { const previousMs = time; time = b.wallClockMs; return previousMs === undefined ? {} : { previousMs }; });
  s.on(Open, (b) => {
    if (toHex(b.password) !== toHex(utf8Encode('секрет'))) throw new RpcError('unauthorized', 'wrong start password');
    return { state: 'open' };
  });
  s.on(Status, () => { throw new TypeError('a bug'); });
  return { s, internal };
}

function call(s: RpcServer, peer: string, bytes: Uint8Array) {
  const answers: Uint8Array[] = [];
  s.receive(peer, bytes, (r) => answers.push(r));
  return answers;
}
const req = (seq: number, type: string, body: unknown) => encodeRequest({ seq, type, body: body as never });

test('a retried request is answered from the cache, not executed again', () => {
  const { s } = server();
  const r1 = req(1, 'set-time', { wallClockMs: 1000 });
  const a = call(s, 'p', r1);
  const b = call(s, 'p', r1);
  assert.is(s.executions, 1);
  assert.is(toHex(b[0]), toHex(a[0]));
  assert.equal(decodeResponse(a[0]), { seq: 1, ok: {} });
  // had it run twice, previousMs would be 1000 in the second answer
  const c = call(s, 'p', req(2, 'set-time', { wallClockMs: 2000 }));
  assert.equal(decodeResponse(c[0]), { seq: 2, ok: { previousMs: 1000 } });
});

test('a different request under a used seq is refused, and so is a lower seq', () => {
  const { s } = server();
  call(s, 'p', req(5, 'set-time', { wallClockMs: 1 }));
  const a = call(s, 'p', req(5, 'set-time', { wallClockMs: 2 }));
  assert.equal(decodeResponse(a[0]), { seq: 5, err: { code: 'seq-reused', message: 'this seq was used for a different request' } });
  const b = call(s, 'p', req(4, 'identify', {}));
  assert.is((decodeResponse(b[0]) as { err: { code: string } }).err.code, 'stale-seq');
  assert.is(s.executions, 1);
  // the cached answer to seq 5 is unchanged by the refusals
  const c = call(s, 'p', req(5, 'set-time', { wallClockMs: 1 }));
  assert.equal(decodeResponse(c[0]), { seq: 5, ok: {} });
});

test('each peer has its own seq space and cache', () => {
  const { s } = server();
  call(s, 'a', req(1, 'set-time', { wallClockMs: 1 }));
  const b = call(s, 'b', req(1, 'identify', {}));
  assert.is((decodeResponse(b[0]) as unknown as { ok: { serial: string } }).ok.serial, 'ACC-0001');
  assert.is(s.executions, 2);
});

test('error answers: unknown type, bad body, handler refusal, handler bug, bad envelope', () => {
  const { s, internal } = server();
  const code = (bytes: Uint8Array) => (decodeResponse(bytes) as { err: { code: string } }).err.code;
  assert.is(code(call(s, 'p', req(1, 'no-such-thing', {}))[0]), 'unknown-type');
  assert.is(code(call(s, 'p', req(2, 'set-time', { wallClockMs: -1 }))[0]), 'bad-request');
  assert.is(code(call(s, 'p', req(3, 'set-time', { wallClockMs: 1, extra: 1 }))[0]), 'bad-request');
  assert.is(code(call(s, 'p', req(4, 'open', { password: utf8Encode('wrong') }))[0]), 'unauthorized');
  assert.is(code(call(s, 'p', req(5, 'status', {}))[0]), 'internal');
  assert.is(internal.length, 1);
  const noSeq = decodeResponse(call(s, 'p', Uint8Array.of(0xff))[0]);
  assert.equal(noSeq.seq, 0);
  assert.is(code(call(s, 'p', encodeCbor({ seq: 9, type: 'identify' }))[0]), 'bad-request');
  assert.is(code(call(s, 'p', encodeCbor({ seq: 0, type: 'identify', body: {} }))[0]), 'bad-request');
  // the bad-request for seq 9 executed nothing and did not consume the seq
  assert.equal(decodeResponse(call(s, 'p', req(9, 'identify', {}))[0]).seq, 9);
});

test('an answer that does not fit a frame becomes too-large; an invalid answer becomes internal', () => {
  const reg = commonRegistry();
  const Echo = defineMessage('test.echo', record({ n: uint() }), record({ s: text({ maxBytes: 100000 }) }));
  reg.add(Echo);
  const s = new RpcServer(reg);
  s.on(Echo, (b) => (b.n === 0 ? { s: 'x'.repeat(5000) } : ({ s: 42 } as unknown as { s: string })));
  const a = decodeResponse(call(s, 'p', req(1, 'test.echo', { n: 0 }))[0]) as { err: { code: string } };
  assert.is(a.err.code, 'too-large');
  const b = decodeResponse(call(s, 'p', req(2, 'test.echo', { n: 1 }))[0]) as { err: { code: string } };
  assert.is(b.err.code, 'internal');
});

test('while a request executes: its retry waits for the one answer; another request is busy', async () => {
  const reg = commonRegistry();
  const s = new RpcServer(reg);
  let release!: () => void;
  s.on(LoadElection, (b) => new Promise((resolve) => { release = () => resolve({ received: b.offset + b.chunk.length }); }));
  s.on(Identify, () => identity);
  const r = req(1, 'load-election', { total: 10, offset: 0, chunk: new Uint8Array(10) });
  const first: Uint8Array[] = [];
  const second: Uint8Array[] = [];
  s.receive('p', r, (x) => first.push(x));
  s.receive('p', r, (x) => second.push(x)); // the retry, e.g. over a new session
  const busy = call(s, 'p', req(2, 'identify', {}));
  assert.is((decodeResponse(busy[0]) as { err: { code: string } }).err.code, 'busy');
  release();
  await Promise.resolve(); await Promise.resolve();
  assert.is(s.executions, 1);
  assert.is(first.length, 0, 'the answer goes to the newest channel only');
  assert.equal(decodeResponse(second[0]), { seq: 1, ok: { received: 10 } });
  // seq 2 was refused as busy, not executed: it may be sent again
  assert.is(decodeResponse(call(s, 'p', req(2, 'identify', {}))[0]).seq, 2);
  assert.is(s.executions, 2);
});

test('property: whatever mix of new requests, retries and replays arrives, each seq executes at most once', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('new', 'retry', 'old', 'reuse'), fc.nat(5)), { maxLength: 40 }), (ops) => {
    const { s } = server();
    const sent: Uint8Array[] = [];
    let seq = 0;
    let expected = 0;
    for (const [op, n] of ops) {
      if (op === 'new' || sent.length === 0) {
        sent.push(req(++seq, 'set-time', { wallClockMs: seq * 10 }));
        call(s, 'p', sent[sent.length - 1]);
        expected++;
      } else if (op === 'retry') {
        call(s, 'p', sent[sent.length - 1]);
      } else if (op === 'old') {
        call(s, 'p', sent[n % sent.length]);
      } else {
        call(s, 'p', req(seq, 'set-time', { wallClockMs: 7 + n }));
      }
      assert.is(s.executions, expected);
    }
  }), { numRuns: 300 });
});

// ---- client ----

function harness(opts: { dropRequests?: number[]; dropAnswers?: number[]; maxAttempts?: number } = {}) {
  const clock = new VirtualClock();
  const { s } = server();
  let sends = 0;
  let answers = 0;
  const client: RpcClient = new RpcClient({
    send: (bytes) => {
      const n = sends++;
      if (opts.dropRequests?.includes(n)) return;
      s.receive('p', bytes, (a) => {
        const m = answers++;
        if (opts.dropAnswers?.includes(m)) return;
        queueMicrotask(() => client.receive(a));
      });
    },
  }, clock, { timeoutMs: 100, maxAttempts: opts.maxAttempts ?? 4 });
  return { clock, s, client, sends: () => sends };
}

test('client: lost requests and lost answers are retried; the server executes once', async () => {
  const h = harness({ dropRequests: [0], dropAnswers: [0] });
  const res = await h.clock.runUntilSettled(h.client.call(SetTime, { wallClockMs: 5 }));
  assert.equal(res, {});
  assert.is(h.sends(), 3);
  assert.is(h.s.executions, 1);
  assert.is(h.clock.monotonicMs(), 200);
  const res2 = await h.clock.runUntilSettled(h.client.call(SetTime, { wallClockMs: 6 }));
  assert.equal(res2, { previousMs: 5 });
});

test('client: gives up with a typed timeout after maxAttempts', async () => {
  const h = harness({ dropRequests: [0, 1, 2], maxAttempts: 3 });
  try {
    await h.clock.runUntilSettled(h.client.call(Identify, {}));
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof ProtocolError && e.code === 'timeout', String(e));
  }
  assert.is(h.clock.pendingTimers, 0);
});

test('client: error answers reject with RpcError; calls are serialised; bodies checked both ways', async () => {
  const h = harness();
  const p1 = h.client.call(Open, { password: utf8Encode('x') });
  const p2 = h.client.call(Identify, {});
  const [r1, r2] = await Promise.allSettled([h.clock.runUntilSettled(p1), h.clock.runUntilSettled(p2)]);
  assert.ok(r1.status === 'rejected' && r1.reason instanceof RpcError && r1.reason.code === 'unauthorized');
  assert.ok(r2.status === 'fulfilled' && r2.value.serial === 'ACC-0001');
  try {
    await h.client.call(SetTime, { wallClockMs: -3 });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof ProtocolError && e.code === 'bad-body');
  }
});

test('client: an answer with a body that breaks the message shape is a bad-response', async () => {
  const clock = new VirtualClock();
  const Bad: MessageDef<Record<string, never>, { n: number }> = defineMessage('test.bad', record({}), record({ n: uint() }));
  const client: RpcClient = new RpcClient({
    send: () => {
      const seq = 1; // the client's first request
      queueMicrotask(() => client.receive(encodeCbor({ seq: 99, ok: { n: 1 } }))); // wrong seq: ignored
      queueMicrotask(() => client.receive(encodeCbor({ seq, ok: { n: 'one' } })));
    },
  }, clock, { timeoutMs: 100 });
  try {
    await clock.runUntilSettled(client.call(Bad, {}));
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof ProtocolError && e.code === 'bad-response', String(e));
  }
  assert.is(client.ignoredResponses, 1);
});

test.run();
