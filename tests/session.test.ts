// protocol/session over an in-memory link: handshake, requests, and every way the line or
// an attacker can interfere (garbage, splits, corruption, loss, disconnects, replayed,
// re-ordered and forged frames, wrong keys). Nothing may execute twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { SessionClient, SessionServer, TRANSPORT_AD, WIRE_PROLOGUE, encodeHello, keyHint, type SecurityEvent } from '../protocol/session';
import { NoiseHandshake } from '../protocol/crypto/noise';
import { encodeRequest } from '../protocol/wire/envelope';
import { concatBytes } from '../protocol/bytes';
import { RpcServer } from '../protocol/wire/rpc';
import { Identify, SetTime, commonRegistry } from '../protocol/wire/messages';
import { FrameDecoder, FrameKind, encodeFrame } from '../protocol/wire/frame';
import { noiseKeyPair, type NoiseKeyPair } from '../protocol/crypto/noise';
import { nobleCrypto } from '../protocol/crypto/noble';
import { ProtocolError } from '../protocol/bytes';
import { VirtualClock } from '../runtime/virtual-clock';
import { nodeEntropy } from '../hosts/node/entropy';
import {
  composeFaults, corruptFault, dropFault, memoryLinkPair, seededRandom, splitFault,
  type LinkDirection, type LinkFault, type MemoryLinkPair,
} from '../hosts/node/memory-link';

const crypto = nobleCrypto;
const entropy = nodeEntropy;
// pair.a is the device, pair.b the precinct computer: 'b->a' carries requests.
const TO_DEVICE: LinkDirection = 'b->a';
const TO_PC: LinkDirection = 'a->b';

const key = (): NoiseKeyPair => noiseKeyPair(crypto, entropy.randomBytes(32));
const deviceKey = key();
const pcKey = key();
const identity = { kind: 'terminal', serial: 'T-0042', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32).fill(3), publicKey: deviceKey.publicKey };

function kindOf(chunk: Uint8Array): number | undefined {
  const frames = new FrameDecoder().push(chunk);
  return frames.length === 1 ? frames[0].kind : undefined;
}

interface Setup {
  pair: MemoryLinkPair;
  clock: VirtualClock;
  server: SessionServer;
  client: SessionClient;
  rpc: RpcServer;
  events: SecurityEvent[];
  /** set-time values in the order the device executed them */
  executed: number[];
  /** every whole write, by direction, before faults */
  sent: { direction: LinkDirection; bytes: Uint8Array }[];
  newClient(opts?: { staticKey?: NoiseKeyPair; remoteStaticPublicKey?: Uint8Array }): SessionClient;
}

function setup(opts: { fault?: LinkFault; enrolled?: Uint8Array[]; maxAttempts?: number } = {}): Setup {
  const sent: Setup['sent'] = [];
  const pair = memoryLinkPair();
  pair.fault = (chunk, direction) => {
    sent.push({ direction, bytes: chunk.slice() });
    return opts.fault ? opts.fault(chunk, direction) : [chunk];
  };
  const clock = new VirtualClock();
  const rpc = new RpcServer(commonRegistry());
  const executed: number[] = [];
  rpc.on(Identify, () => identity);
  rpc.on(SetTime, (b) => { executed.push(b.wallClockMs); return {}; });
  const events: SecurityEvent[] = [];
  const server = new SessionServer({
    link: pair.a, crypto, entropy, staticKey: deviceKey, enrolledKeys: opts.enrolled ?? [pcKey.publicKey], rpc,
    onSecurityEvent: (e) => events.push(e),
  });
  const newClient = (o: { staticKey?: NoiseKeyPair; remoteStaticPublicKey?: Uint8Array } = {}) => new SessionClient({
    link: pair.b, crypto, entropy, clock, staticKey: o.staticKey ?? pcKey, remoteStaticPublicKey: o.remoteStaticPublicKey ?? deviceKey.publicKey,
    timeoutMs: 500, maxAttempts: opts.maxAttempts ?? 6,
  });
  return { pair, clock, server, client: newClient(), rpc, events, executed, sent, newClient };
}

/** Delivers everything in flight, firing timers only when the link is quiet. */
async function run<T>(s: Setup, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 500; i++) {
    await s.pair.settle();
    if (done) return p;
    const due = s.clock.nextDue();
    if (due === undefined) throw new Error('nothing left to wait for');
    s.clock.advance(Math.max(0, due - s.clock.monotonicMs()));
  }
  throw new Error('did not settle');
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProtocolError, String(e));
    assert.is(e.code, code, String(e));
    return;
  }
  assert.unreachable(`expected ${code}`);
}

const transportsTo = (s: Setup, d: LinkDirection) => s.sent.filter((x) => x.direction === d && kindOf(x.bytes) === FrameKind.Transport);

test('handshake, then requests over one session', async () => {
  const s = setup();
  assert.is(s.client.state, 'idle');
  assert.equal(await run(s, s.client.call(Identify, {})), identity);
  assert.is(s.client.state, 'ready');
  assert.ok(s.server.hasSession);
  assert.equal(await run(s, s.client.call(SetTime, { wallClockMs: 1 })), {});
  assert.is(s.client.stats.handshakes, 1);
  assert.is(s.server.stats.handshakes, 1);
  assert.equal(s.executed, [1]);
  assert.equal(s.events, []);
  // one handshake-1, one handshake-2, then one transport frame each way per request
  assert.equal(s.sent.map((x) => kindOf(x.bytes)), [1, 2, 3, 3, 3, 3]);
});

test('garbage between frames and chunks split anywhere change nothing', async () => {
  const rnd = seededRandom(7);
  const garbage: LinkFault = (chunk) => {
    const g = new Uint8Array(Math.floor(rnd() * 60)).map(() => Math.floor(rnd() * 256));
    return [g, chunk];
  };
  const s = setup({ fault: composeFaults(garbage, splitFault(11, 9)) });
  for (let i = 1; i <= 15; i++) await run(s, s.client.call(SetTime, { wallClockMs: i }));
  assert.equal(s.executed, Array.from({ length: 15 }, (_, i) => i + 1));
  assert.is(s.client.stats.handshakes, 1, 'garbage outside frames never costs the session');
  const dropped = Object.values(s.server.decoder.stats.bytesDropped).reduce((a, b) => a + b, 0);
  assert.ok(dropped > 0);
});

test('corruption and loss on the line: every call completes and runs exactly once', async () => {
  const s = setup({ fault: composeFaults(corruptFault(3, 0.08), dropFault(5, 0.05), splitFault(9, 40)), maxAttempts: 12 });
  for (let i = 1; i <= 12; i++) await run(s, s.client.call(SetTime, { wallClockMs: i }));
  assert.equal(s.executed, Array.from({ length: 12 }, (_, i) => i + 1));
  assert.ok(s.server.decoder.stats.framesDropped.crc + s.client.decoder.stats.framesDropped.crc + s.server.decoder.stats.framesDropped.cobs + s.client.decoder.stats.framesDropped.cobs > 0);
});

test('property: under random faults a call never runs twice and values never run out of order', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 0.3, noNaN: true }), async (seed, corrupt, drop) => {
    const s = setup({ fault: composeFaults(corruptFault(seed, corrupt), dropFault(seed + 1, drop), splitFault(seed + 2, 30)), maxAttempts: 5 });
    let ok = 0;
    for (let i = 1; i <= 5; i++) {
      try { await run(s, s.client.call(SetTime, { wallClockMs: i })); ok++; } catch (e) { if (!(e instanceof ProtocolError)) throw e; }
    }
    // each value at most once, in order; every acknowledged one is there
    assert.equal([...new Set(s.executed)], s.executed);
    assert.equal([...s.executed].sort((a, b) => a - b), s.executed);
    assert.ok(s.executed.length >= ok);
  }), { numRuns: 15 });
});

test('disconnect mid-request and reconnect: the call completes once, over a new session', async () => {
  const s = setup({ fault: splitFault(4, 5) });
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const p = s.client.call(SetTime, { wallClockMs: 2 });
  for (let i = 0; i < 6; i++) await Promise.resolve(); // part of the request is through
  s.pair.disconnect();
  assert.is(s.client.state, 'idle');
  assert.ok(!s.server.hasSession);
  s.clock.advance(300);
  s.pair.connect();
  await run(s, p);
  assert.equal(s.executed, [1, 2]);
  assert.is(s.client.stats.handshakes, 2);
});

test('a lost answer is re-sent from the cache after the re-handshake, not executed again', async () => {
  let answers = 0;
  const s = setup({ fault: (chunk, d) => (d === TO_PC && kindOf(chunk) === FrameKind.Transport && answers++ === 0 ? [] : [chunk]) });
  assert.equal(await run(s, s.client.call(SetTime, { wallClockMs: 7 })), {});
  assert.equal(s.executed, [7]);
  assert.is(s.rpc.executions, 1);
  assert.ok(s.client.stats.handshakes >= 2, 'the lost answer used a nonce, so the session was renewed');
});

test('a replayed transport frame is rejected, executes nothing, and is logged', async () => {
  const s = setup();
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const old = transportsTo(s, TO_DEVICE)[0].bytes;
  s.pair.b.write(old);
  await s.pair.settle();
  assert.equal(s.executed, [1]);
  assert.equal(s.events.map((e) => e.code), ['decrypt-failed']);
  assert.ok(!s.server.hasSession);
  // the client heard "no session" and starts over on its next call
  await run(s, s.client.call(SetTime, { wallClockMs: 2 }));
  assert.equal(s.executed, [1, 2]);
  // replayed into the new session: rejected as well
  s.pair.b.write(old);
  await s.pair.settle();
  assert.equal(s.executed, [1, 2]);
  assert.is(s.events.length, 2);
});

test('re-ordered transport frames are rejected; the call still completes once', async () => {
  let held: Uint8Array | null = null;
  let seen = 0;
  const s = setup({
    fault: (chunk, d) => {
      if (d !== TO_DEVICE || kindOf(chunk) !== FrameKind.Transport) return [chunk];
      seen++;
      if (seen === 1) { held = chunk; return []; } // the first request is delayed...
      if (seen === 2 && held) { const h = held; held = null; return [chunk, h]; } // ...behind its retry
      return [chunk];
    },
  });
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  assert.equal(s.executed, [1]);
  assert.ok(s.server.stats.decryptFailures >= 1);
  assert.ok(s.events.some((e) => e.code === 'decrypt-failed'));
});

test('frames of one session delivered out of order are rejected (a hand-made client)', async () => {
  const s = setup();
  const frames: Uint8Array[] = [];
  s.pair.b.onReceive((c) => frames.push(c));
  // the initiator side written out by hand, as another implementation would
  const hs = NoiseHandshake.initiator(crypto, { staticKey: pcKey, remoteStaticPublicKey: deviceKey.publicKey, ephemeralSecretKey: entropy.randomBytes(32), prologue: WIRE_PROLOGUE });
  s.pair.b.write(encodeFrame(FrameKind.Handshake1, concatBytes(keyHint(crypto, pcKey.publicKey), hs.writeMessage(encodeHello(new Uint8Array(16).fill(9))))));
  await s.pair.settle();
  const reply = new FrameDecoder().push(concatBytes(...frames));
  assert.is(reply[0].kind, FrameKind.Handshake2);
  hs.readMessage(reply[0].payload);
  const t = hs.split();
  const first = t.encrypt(encodeRequest({ seq: 1, type: 'set-time', body: { wallClockMs: 1 } }), TRANSPORT_AD);
  const second = t.encrypt(encodeRequest({ seq: 2, type: 'set-time', body: { wallClockMs: 2 } }), TRANSPORT_AD);
  s.pair.b.write(encodeFrame(FrameKind.Transport, second));
  s.pair.b.write(encodeFrame(FrameKind.Transport, first));
  await s.pair.settle();
  assert.equal(s.executed, []);
  assert.equal(s.events.map((e) => e.code), ['decrypt-failed']);
  // and in order, over a fresh session, the same hand-made client works
  frames.length = 0;
  const hs2 = NoiseHandshake.initiator(crypto, { staticKey: pcKey, remoteStaticPublicKey: deviceKey.publicKey, ephemeralSecretKey: entropy.randomBytes(32), prologue: WIRE_PROLOGUE });
  s.pair.b.write(encodeFrame(FrameKind.Handshake1, concatBytes(keyHint(crypto, pcKey.publicKey), hs2.writeMessage(encodeHello(new Uint8Array(16).fill(9))))));
  await s.pair.settle();
  const r2 = new FrameDecoder().push(concatBytes(...frames)).filter((f) => f.kind === FrameKind.Handshake2);
  hs2.readMessage(r2[0].payload);
  const t2 = hs2.split();
  s.pair.b.write(encodeFrame(FrameKind.Transport, t2.encrypt(encodeRequest({ seq: 1, type: 'set-time', body: { wallClockMs: 1 } }), TRANSPORT_AD)));
  s.pair.b.write(encodeFrame(FrameKind.Transport, t2.encrypt(encodeRequest({ seq: 2, type: 'set-time', body: { wallClockMs: 2 } }), TRANSPORT_AD)));
  await s.pair.settle();
  assert.equal(s.executed, [1, 2]);
});

test('a forged transport frame (valid CRC, altered ciphertext) is rejected', async () => {
  const s = setup();
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const p = s.client.call(SetTime, { wallClockMs: 2 });
  await run(s, p);
  const last = transportsTo(s, TO_DEVICE).at(-1)!.bytes;
  const payload = new FrameDecoder().push(last)[0].payload.slice();
  for (const at of [0, payload.length - 1, 5]) {
    const forged = payload.slice(); forged[at] ^= 0x01;
    const before = s.executed.length;
    await run(s, s.client.call(Identify, {})); // a live session to attack
    s.pair.b.write(encodeFrame(FrameKind.Transport, forged));
    await s.pair.settle();
    assert.is(s.executed.length, before);
    assert.ok(!s.server.hasSession);
  }
  assert.is(s.events.filter((e) => e.code === 'decrypt-failed').length, 3);
});

test('a forged or replayed handshake-1 does not end the working session', async () => {
  const s = setup();
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const hs1 = s.sent.find((x) => kindOf(x.bytes) === FrameKind.Handshake1)!.bytes;
  s.pair.b.write(hs1); // replay: the device answers, but keeps the current session
  const fake = new FrameDecoder().push(hs1)[0].payload.slice();
  fake[20] ^= 0x80;
  s.pair.b.write(encodeFrame(FrameKind.Handshake1, fake)); // forged: refused
  await s.pair.settle();
  assert.equal(s.events.map((e) => e.code), ['handshake-failed']);
  await run(s, s.client.call(SetTime, { wallClockMs: 2 }));
  assert.is(s.client.stats.handshakes, 1, 'no new handshake was needed');
  assert.equal(s.executed, [1, 2]);
});

test('a new handshake replaces the old session; frames of the old one are refused', async () => {
  const s = setup();
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const oldFrame = transportsTo(s, TO_DEVICE).at(-1)!.bytes;
  s.client.dropSession('test');
  await run(s, s.client.call(SetTime, { wallClockMs: 2 }));
  assert.is(s.server.stats.handshakes, 2);
  s.pair.b.write(oldFrame);
  await s.pair.settle();
  assert.equal(s.executed, [1, 2]);
  assert.ok(s.events.some((e) => e.code === 'decrypt-failed'));
});

test('a device that lost its session (restart) answers no-session; the client re-handshakes', async () => {
  const s = setup();
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  s.server.drop();
  await run(s, s.client.call(SetTime, { wallClockMs: 2 }));
  assert.equal(s.executed, [1, 2]);
  assert.is(s.client.stats.handshakes, 2);
  assert.equal(s.events, [], 'no session is not an attack');
});

test('a restarted precinct computer (new client instance) starts again at seq 1', async () => {
  const s = setup();
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const again = s.newClient();
  await run(s, again.call(SetTime, { wallClockMs: 2 }));
  assert.equal(s.executed, [1, 2]);
});

test('an unenrolled precinct key is refused: unknown-key, logged', async () => {
  const s = setup();
  const stranger = s.newClient({ staticKey: key() });
  await rejects(run(s, stranger.call(Identify, {})), 'unknown-key');
  assert.equal(s.events.map((e) => e.code), ['unknown-key']);
  assert.is(s.rpc.executions, 0);
});

test('a client expecting another device key fails the handshake: handshake-failed, logged', async () => {
  const s = setup();
  const confused = s.newClient({ remoteStaticPublicKey: key().publicKey });
  await rejects(run(s, confused.call(Identify, {})), 'handshake-failed');
  assert.equal(s.events.map((e) => e.code), ['handshake-failed']);
  assert.is(s.rpc.executions, 0);
});

test('an impostor device (other static key) cannot complete the handshake: the call times out', async () => {
  const s = setup({ maxAttempts: 2 });
  // the client expects deviceKey but a device with another key (that enrolled pcKey) answers
  const pair = memoryLinkPair();
  const clock = new VirtualClock();
  new SessionServer({ link: pair.a, crypto, entropy, staticKey: key(), enrolledKeys: [pcKey.publicKey], rpc: s.rpc });
  const client = new SessionClient({ link: pair.b, crypto, entropy, clock, staticKey: pcKey, remoteStaticPublicKey: deviceKey.publicKey, timeoutMs: 100, maxAttempts: 2 });
  const t = { ...s, pair, clock };
  await rejects(run(t, client.call(Identify, {})), 'handshake-failed');
  assert.is(s.rpc.executions, 0);
});

test('a device may enroll several precinct keys', async () => {
  const second = key();
  const s = setup({ enrolled: [key().publicKey, pcKey.publicKey, second.publicKey] });
  await run(s, s.client.call(SetTime, { wallClockMs: 1 }));
  const other = s.newClient({ staticKey: second });
  await run(s, other.call(SetTime, { wallClockMs: 2 }));
  assert.equal(s.executed, [1, 2]);
  s.server.setEnrolledKeys([pcKey.publicKey]);
  assert.ok(!s.server.hasSession, 'changing the enrolled keys ends the session');
  await rejects(run(s, other.call(Identify, {})), 'unknown-key');
});

test.run();
