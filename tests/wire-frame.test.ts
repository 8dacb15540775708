// protocol/wire framing: CRC-32 and COBS against known values, and the frame decoder's
// properties (resync, corruption detected, bounded buffer, split-anywhere invariance).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../protocol/crc32';
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from '../protocol/wire/cobs';
import {
  DROP_REASONS, FRAME_VERSION, FrameDecoder, FrameKind, MAX_PAYLOAD, encodeFrame, maxWireFrameLength, type Frame,
} from '../protocol/wire/frame';
import { ProtocolError, concatBytes, fromHex, toHex, utf8Encode } from '../protocol/bytes';

const KINDS = [FrameKind.Handshake1, FrameKind.Handshake2, FrameKind.Transport, FrameKind.PlainError] as const;

/** A frame built by hand, so tests can make ones the encoder refuses to. */
function rawFrame(version: number, kind: number, payload: Uint8Array): Uint8Array {
  const body = concatBytes(Uint8Array.of(version, kind), payload);
  const c = crc32(body);
  const withCrc = concatBytes(body, Uint8Array.of(c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255));
  return concatBytes(Uint8Array.of(0), cobsEncode(withCrc), Uint8Array.of(0));
}

function sameFrames(a: Frame[], b: Frame[]): boolean {
  return a.length === b.length && a.every((f, i) => f.kind === b[i].kind && toHex(f.payload) === toHex(b[i].payload));
}

test('CRC-32 check value and agreement with zlib', () => {
  assert.is(crc32(utf8Encode('123456789')), 0xcbf43926);
  assert.is(crc32(new Uint8Array(0)), 0);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => crc32(b) === zlibCrc32(b)));
});

test('COBS: the examples of the usual statement of the algorithm', () => {
  const seq = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const cases: [number[], number[]][] = [
    [[0x00], [0x01, 0x01]],
    [[0x00, 0x00], [0x01, 0x01, 0x01]],
    [[0x00, 0x11, 0x00], [0x01, 0x02, 0x11, 0x01]],
    [[0x11, 0x22, 0x00, 0x33], [0x03, 0x11, 0x22, 0x02, 0x33]],
    [[0x11, 0x22, 0x33, 0x44], [0x05, 0x11, 0x22, 0x33, 0x44]],
    [[0x11, 0x00, 0x00, 0x00], [0x02, 0x11, 0x01, 0x01, 0x01]],
    [seq(1, 254), [0xff, ...seq(1, 254)]],
    [[0, ...seq(1, 254)], [0x01, 0xff, ...seq(1, 254)]],
    [seq(1, 255), [0xff, ...seq(1, 254), 0x02, 0xff]],
    [[...seq(2, 255), 0], [0xff, ...seq(2, 255), 0x01, 0x01]],
    [[...seq(3, 255), 0, 1], [0xfe, ...seq(3, 255), 0x02, 0x01]],
  ];
  for (const [raw, enc] of cases) {
    assert.is(toHex(cobsEncode(Uint8Array.from(raw))), toHex(Uint8Array.from(enc)));
    assert.is(toHex(cobsDecode(Uint8Array.from(enc))), toHex(Uint8Array.from(raw)));
  }
});

test('COBS: property round trip, no zero byte, within the stated bound', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (b) => {
    const e = cobsEncode(b);
    assert.ok(!e.includes(0));
    assert.ok(e.length <= cobsMaxEncodedLength(b.length));
    assert.is(toHex(cobsDecode(e)), toHex(b));
  }));
});

test('COBS: malformed blocks are typed errors', () => {
  for (const hex of ['05112233', '0211002233', '00']) {
    assert.throws(() => cobsDecode(fromHex(hex)), (e: unknown) => e instanceof ProtocolError && e.code === 'cobs-malformed');
  }
});

test('frames of every kind round trip; the payload bound is enforced on both sides', () => {
  const d = new FrameDecoder();
  for (const kind of KINDS) {
    for (const n of [0, 1, 253, 254, 255, 1000, MAX_PAYLOAD]) {
      const payload = new Uint8Array(n).map((_, i) => (i * 7 + kind) & 0xff);
      const wire = encodeFrame(kind, payload);
      assert.ok(wire.length <= maxWireFrameLength());
      const got = d.push(wire);
      assert.equal(got.length, 1);
      assert.is(got[0].kind, kind);
      assert.is(toHex(got[0].payload), toHex(payload));
    }
  }
  assert.throws(() => encodeFrame(FrameKind.Transport, new Uint8Array(MAX_PAYLOAD + 1)), (e: unknown) => e instanceof ProtocolError && e.code === 'frame-too-large');
  assert.throws(() => encodeFrame(9 as FrameKind, new Uint8Array(1)), (e: unknown) => e instanceof ProtocolError && e.code === 'frame-bad-kind');
  // a frame one byte too large, made by hand, is dropped and counted
  const big = rawFrame(FRAME_VERSION, FrameKind.Transport, new Uint8Array(MAX_PAYLOAD + 1).fill(1));
  const d2 = new FrameDecoder();
  assert.equal(d2.push(big), []);
  assert.is(d2.stats.framesDropped.oversize, 1);
  assert.ok(d2.bufferedBytes === 0);
});

test('wrong version, unknown kind, short and bad-CRC blocks are dropped and counted by reason', () => {
  const d = new FrameDecoder();
  const good = encodeFrame(FrameKind.Transport, Uint8Array.of(1, 2, 3));
  const badCrc = good.slice(); badCrc[3] ^= 0x40;
  const input = concatBytes(
    rawFrame(2, FrameKind.Transport, Uint8Array.of(1)),
    rawFrame(FRAME_VERSION, 7, Uint8Array.of(1)),
    Uint8Array.of(0, 0x03, 0x01, 0x02, 0), // decodes to 3 bytes: too short
    Uint8Array.of(0x05, 0x01, 0), // code byte past the end
    badCrc,
    good,
  );
  const frames = d.push(input);
  assert.is(frames.length, 1);
  assert.equal(d.stats.framesDropped, { oversize: 0, cobs: 1, short: 1, crc: 1, version: 1, kind: 1 });
  assert.is(d.stats.frames, 1);
  assert.is(d.stats.bytesIn, input.length);
});

test('resynchronises after garbage with no zero byte, holding no more than the bound', () => {
  const d = new FrameDecoder();
  const garbage = new Uint8Array(100_000).fill(0x5a);
  for (let i = 0; i < garbage.length; i += 777) {
    assert.equal(d.push(garbage.subarray(i, i + 777)), []);
    assert.ok(d.bufferedBytes <= d.maxBufferedBytes);
  }
  const frames = d.push(encodeFrame(FrameKind.Handshake1, Uint8Array.of(9)));
  assert.is(frames.length, 1);
  assert.is(d.stats.framesDropped.oversize, 1);
  assert.is(d.stats.bytesDropped.oversize, 100_000);
});

const frameArb = fc.record({ kind: fc.constantFrom(...KINDS), payload: fc.uint8Array({ maxLength: 600 }) });

test('property: a stream of frames with garbage between them decodes the same however it is split', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), frameArb), { maxLength: 8 }),
    fc.array(fc.nat(), { maxLength: 20 }),
    (items, cuts) => {
      const sent = items.map(([, f]) => f as Frame);
      const stream = concatBytes(...items.flatMap(([garbage, f]) => [garbage, encodeFrame(f.kind, f.payload)]));
      const whole = new FrameDecoder().push(stream);
      // garbage never hides a frame: the leading delimiter ends it
      assert.ok(sameFrames(whole, sent));
      const points = [...new Set(cuts.map((c) => (stream.length ? c % stream.length : 0)))].sort((a, b) => a - b);
      const d = new FrameDecoder();
      const got: Frame[] = [];
      let prev = 0;
      for (const p of [...points, stream.length]) { got.push(...d.push(stream.subarray(prev, p))); prev = p; }
      assert.ok(sameFrames(got, sent));
    },
  ), { numRuns: 300 });
});

test('property: arbitrary bytes never throw, never exceed the buffer bound, and yield only well-formed frames', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 6 }), (chunks) => {
    const d = new FrameDecoder();
    for (const c of chunks) {
      const frames = d.push(c);
      assert.ok(d.bufferedBytes <= d.maxBufferedBytes);
      for (const f of frames) assert.ok(KINDS.includes(f.kind) && f.payload.length <= MAX_PAYLOAD);
    }
    const dropped = DROP_REASONS.reduce((n, r) => n + d.stats.bytesDropped[r], 0);
    assert.ok(dropped <= d.stats.bytesIn);
  }), { numRuns: 500 });
});

test('every single-byte change of a small frame is detected (exhaustive)', () => {
  const wire = encodeFrame(FrameKind.Transport, utf8Encode('seq 1 open'));
  const next = encodeFrame(FrameKind.PlainError, Uint8Array.of(0xa0));
  for (let i = 0; i < wire.length; i++) {
    for (let v = 0; v < 256; v++) {
      if (v === wire[i]) continue;
      const bad = wire.slice(); bad[i] = v;
      const d = new FrameDecoder();
      const frames = d.push(concatBytes(bad, next));
      // the damaged frame never comes out; the frame after it always does
      // (changing a delimiter merges or splits blocks; the next frame brings its own delimiter)
      assert.is(frames.length, 1, `byte ${i} set to ${v}`);
      assert.is(frames[0].kind, FrameKind.PlainError);
    }
  }
});

test('property: any change of one to four bytes of a frame is detected', () => {
  fc.assert(fc.property(frameArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (f, changes) => {
    const wire = encodeFrame(f.kind, f.payload);
    const bad = wire.slice();
    for (const [at, x] of changes) bad[at % bad.length] ^= x;
    if (toHex(bad) === toHex(wire)) return; // changes cancelled out
    const frames = new FrameDecoder().push(bad);
    assert.is(frames.length, 0);
  }), { numRuns: 2000 });
});

test('reset() forgets a half frame (link dropped mid-frame)', () => {
  const d = new FrameDecoder();
  const wire = encodeFrame(FrameKind.Transport, new Uint8Array(50).fill(7));
  d.push(wire.subarray(0, 20));
  assert.ok(d.bufferedBytes > 0);
  d.reset();
  assert.is(d.bufferedBytes, 0);
  assert.is(d.stats.framesDropped.short, 1);
  assert.is(d.push(wire).length, 1);
});

test.run();
