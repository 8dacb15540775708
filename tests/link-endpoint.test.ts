// The device's link endpoint: authenticated RPC with the enrolled precinct computer over a
// link that loses, splits, corrupts and duplicates bytes, disconnects and reconnects; the
// refusals it reports for the event log, and their rate limit. Over memory and over TCP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LinkEndpoint, type LinkSecurityEvent } from '../runtime/link-endpoint';
import { VirtualClock } from '../runtime/virtual-clock';
import { memoryLinkPair, splitFault, duplicateFault, corruptFault, composeFaults, type MemoryLinkPair } from '../hosts/node/memory-link';
import { TcpLinkServer, connectTcpLink } from '../hosts/node/link-tcp';
import { NodeClock } from '../hosts/node/clock';
import { SessionClient } from '../protocol/session';
import { RpcServer } from '../protocol/wire/rpc';
import { commonRegistry, Identify, Status } from '../protocol/wire/messages';
import { FrameKind, encodeFrame } from '../protocol/wire/frame';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import type { ClockPort, EntropyPort, LinkPort } from '../runtime/ports';
import { concatBytes, utf8Encode } from '../protocol/bytes';

/** Reproducible randomness: SHA-256 of a label and a counter. */
function seeded(label: string): EntropyPort {
  let n = 0;
  return {
    randomBytes(len: number): Uint8Array {
      const out = new Uint8Array(len);
      for (let o = 0; o < len; o += 32) out.set(crypto.sha256(concatBytes(utf8Encode(label), Uint8Array.of(n >> 8, n++ & 0xff))).subarray(0, Math.min(32, len - o)), o);
      return out;
    },
  };
}

const keys = seeded('link-endpoint-keys');
const deviceKey = noiseKeyPair(crypto, keys.randomBytes(32));
const pcKey = noiseKeyPair(crypto, keys.randomBytes(32));
const strangerKey = noiseKeyPair(crypto, keys.randomBytes(32));

function device(link: LinkPort, clock: ClockPort, events: LinkSecurityEvent[], extra: Partial<ConstructorParameters<typeof LinkEndpoint>[0]> = {}) {
  const rpc = new RpcServer(commonRegistry())
    .on(Identify, () => ({ kind: 'terminal', serial: 'T-0001', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32), publicKey: deviceKey.publicKey }))
    .on(Status, () => ({ state: 'open', uptimeMs: Math.round(clock.monotonicMs()), eventCount: events.length }));
  const endpoint = new LinkEndpoint({
    link, clock, crypto, entropy: seeded('device'), staticKey: deviceKey, enrolledKeys: [pcKey.publicKey], rpc,
    onSecurityEvent: (e) => events.push(e), ...extra,
  });
  return { endpoint, rpc };
}

let pcCount = 0;
function precinct(link: LinkPort, clock: ClockPort, staticKey = pcKey) {
  return new SessionClient({ link, crypto, entropy: seeded(`pc-${pcCount++}`), clock, staticKey, remoteStaticPublicKey: deviceKey.publicKey, timeoutMs: 500, maxAttempts: 6 });
}

function memorySetup(fault?: Parameters<typeof memoryLinkPair>[0]) {
  const clock = new VirtualClock();
  const pair: MemoryLinkPair = memoryLinkPair(fault);
  const events: LinkSecurityEvent[] = [];
  const dev = device(pair.a, clock, events);
  const pc = precinct(pair.b, clock);
  return { clock, pair, events, ...dev, pc };
}

test('an enrolled precinct computer gets answers; the session is authenticated', async () => {
  const { clock, pc, endpoint, events } = memorySetup();
  const id = await clock.runUntilSettled(pc.call(Identify, {}));
  assert.is(id.serial, 'T-0001');
  const st = await clock.runUntilSettled(pc.call(Status, {}));
  assert.is(st.state, 'open');
  assert.equal([endpoint.stats().handshakes, endpoint.stats().hasSession], [1, true]);
  assert.equal(events, []);
});

test('a precinct computer with another key is refused and the refusal is reported', async () => {
  const clock = new VirtualClock();
  const pair = memoryLinkPair();
  const events: LinkSecurityEvent[] = [];
  const { endpoint, rpc } = device(pair.a, clock, events);
  const stranger = precinct(pair.b, clock, strangerKey);
  try { await clock.runUntilSettled(stranger.call(Status, {})); assert.unreachable(); }
  catch (e) { assert.is((e as { code?: string }).code, 'unknown-key'); }
  assert.equal(events.map((e) => e.code), ['unknown-key']);
  assert.is(rpc.executions, 0);
  assert.is(endpoint.stats().hasSession, false);
});

test('garbage, half frames and delimiter noise before and between requests change nothing', async () => {
  const { clock, pair, pc, rpc, endpoint, events } = memorySetup();
  await clock.runUntilSettled(pc.call(Status, {}));
  const junk = seeded('junk').randomBytes(3000);
  pair.b.write(junk);
  const half = encodeFrame(FrameKind.Transport, seeded('half').randomBytes(200));
  pair.b.write(half.subarray(0, 90)); // a frame cut short: the next frame's leading 0x00 ends it
  pair.b.write(new Uint8Array(50)); // idle fill
  const st = await clock.runUntilSettled(pc.call(Status, {}));
  assert.is(st.state, 'open');
  pair.b.write(half.subarray(0, 40));
  assert.is((await clock.runUntilSettled(pc.call(Identify, {}))).serial, 'T-0001');
  assert.is(rpc.executions, 3);
  assert.ok(endpoint.stats().framesDropped >= 2);
  assert.not.ok(events.some((e) => e.code === 'decrypt-failed' || e.code === 'unknown-key'));
});

test('every chunk split into 1–7 byte pieces: calls still work', async () => {
  const { clock, pc, rpc } = memorySetup({ fault: splitFault(11, 7) });
  for (let i = 0; i < 5; i++) await clock.runUntilSettled(pc.call(Status, {}));
  assert.is(rpc.executions, 5);
});

test('duplicated frames never run a request twice; the replay is reported', async () => {
  const { clock, pc, rpc, events } = memorySetup({ fault: duplicateFault(5, 1, 'b->a') });
  for (let i = 0; i < 4; i++) assert.is((await clock.runUntilSettled(pc.call(Status, {}))).state, 'open');
  assert.is(rpc.executions, 4);
  assert.ok(events.some((e) => e.code === 'decrypt-failed'), 'a replayed transport frame is a security event');
});

test('corrupted bytes both ways: calls get through by retrying, nothing runs twice', async () => {
  const { clock, pc, rpc } = memorySetup({ fault: composeFaults(corruptFault(3, 0.15), splitFault(4, 64)) });
  let ok = 0;
  for (let i = 0; i < 10; i++) {
    try { await clock.runUntilSettled(pc.call(Status, {})); ok++; } catch { /* a call may exhaust its attempts */ }
  }
  assert.ok(ok >= 8, `${ok} of 10 calls got through`);
  assert.ok(rpc.executions <= 10 && rpc.executions >= ok);
});

test('disconnect mid-call and reconnect: the call completes once', async () => {
  const { clock, pair, pc, rpc, endpoint } = memorySetup();
  await clock.runUntilSettled(pc.call(Status, {}));
  const call = pc.call(Identify, {});
  pair.disconnect(); // the request is lost on the wire
  await clock.advanceAsync(200);
  pair.connect();
  assert.is((await clock.runUntilSettled(call)).serial, 'T-0001');
  assert.is(rpc.executions, 2);
  const s = endpoint.stats();
  assert.equal([s.disconnects, s.connects, s.handshakes], [1, 1, 2]);
});

test('a burst of broken frames is reported once per threshold, not per frame', async () => {
  const { clock, pair, events, endpoint } = memorySetup();
  endpoint; // default threshold: 16 broken frames in 60 s
  const bad = encodeFrame(FrameKind.Transport, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  bad[5] ^= 0x40; // CRC no longer matches
  for (let i = 0; i < 15; i++) pair.b.write(bad);
  await pair.settle();
  assert.equal(events, []);
  pair.b.write(bad);
  await pair.settle();
  assert.equal(events.map((e) => e.code), ['frame-errors']);
  assert.match(events[0].detail, /16 broken frames/);
  // line noise spread thinly over time is not an event
  events.length = 0;
  for (let i = 0; i < 30; i++) { pair.b.write(bad); await pair.settle(); await clock.advanceAsync(10_000); }
  assert.equal(events, []);
});

test('half frames cut off by disconnects are not counted as broken frames', async () => {
  const { pair, events, endpoint, clock, pc } = memorySetup();
  const half = encodeFrame(FrameKind.Transport, new Uint8Array(64)).subarray(0, 30);
  for (let i = 0; i < 40; i++) {
    pair.b.write(half);
    await pair.settle();
    pair.disconnect();
    pair.connect();
  }
  assert.equal(events, []);
  assert.is(endpoint.stats().disconnects, 40);
  assert.is((await clock.runUntilSettled(pc.call(Status, {}))).state, 'open');
});

test('a flood of refusals is rate-limited, then summarised', async () => {
  const clock = new VirtualClock();
  const pair = memoryLinkPair();
  const events: LinkSecurityEvent[] = [];
  device(pair.a, clock, events, { eventLimit: { max: 5, windowMs: 60_000 } });
  const stranger = precinct(pair.b, clock, strangerKey);
  for (let i = 0; i < 40; i++) {
    try { await clock.runUntilSettled(stranger.call(Status, {})); } catch { /* refused */ }
  }
  assert.is(events.length, 5);
  await clock.advanceAsync(60_000);
  assert.is(events.length, 6);
  assert.is(events[5].code, 'events-suppressed');
  assert.match(events[5].detail, /^35 more/);
});

test('over TCP: calls, garbage, a precinct computer that reconnects with a new session', async () => {
  const clock = new NodeClock();
  const server = await TcpLinkServer.listen();
  const events: LinkSecurityEvent[] = [];
  const { endpoint, rpc } = device(server, clock, events);
  try {
    let link = await connectTcpLink(server.port);
    let pc = precinct(link, clock);
    assert.is((await pc.call(Identify, {})).serial, 'T-0001');
    link.write(seeded('tcp-junk').randomBytes(5000));
    link.write(encodeFrame(FrameKind.Transport, new Uint8Array(100)).subarray(0, 60));
    assert.is((await pc.call(Status, {})).state, 'open');
    await link.close();
    link = await connectTcpLink(server.port);
    pc = precinct(link, clock);
    for (let i = 0; i < 3; i++) assert.is((await pc.call(Status, {})).state, 'open');
    assert.is(rpc.executions, 5);
    const s = endpoint.stats();
    assert.equal([s.connects, s.disconnects, s.handshakes], [2, 1, 2]);
    // 5000 random bytes hold about 20 zeros, so about 20 broken blocks: one report
    assert.equal(events.map((e) => e.code), ['frame-errors']);
    await link.close();
  } finally {
    clock.clearAll();
    await server.close();
  }
});

test.run();
