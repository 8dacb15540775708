// Frame decoder throughput on Node, and the bytes each layer adds to a message.
// Run: npx tsx bench/decoder.ts
import { FrameDecoder, FrameKind, encodeFrame, maxWireFrameLength, MAX_PAYLOAD } from '../protocol/wire/frame';
import { encodeRequest, encodeResponse } from '../protocol/wire/envelope';
import { NoiseHandshake, noiseKeyPair, NOISE_TAG_LENGTH } from '../protocol/crypto/noise';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import { TRANSPORT_AD, WIRE_PROLOGUE, encodeHello, keyHint } from '../protocol/session';
import { concatBytes } from '../protocol/bytes';
import { encodeCbor } from '../protocol/cbor';
import type { CryptoPort } from '../protocol/crypto/port';

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out[i] = s & 0xff; }
  return out;
}

function decoderThroughput(payloadSize: number, chunkSize: number): { mbps: number; fps: number; wireBytes: number } {
  const frames = 2000;
  const one = encodeFrame(FrameKind.Transport, pseudoRandom(payloadSize, payloadSize + 1));
  const stream = new Uint8Array(one.length * frames);
  for (let i = 0; i < frames; i++) stream.set(one, i * one.length);
  const d = new FrameDecoder();
  let got = 0;
  const runs = payloadSize >= 1024 ? 5 : 20;
  // warm up
  for (let o = 0; o < stream.length; o += chunkSize) got += d.push(stream.subarray(o, o + chunkSize)).length;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < runs; r++) {
    for (let o = 0; o < stream.length; o += chunkSize) got += d.push(stream.subarray(o, o + chunkSize)).length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (got !== frames * (runs + 1)) throw new Error(`decoded ${got} frames, expected ${frames * (runs + 1)}`);
  return { mbps: (stream.length * runs) / s / 1e6, fps: (frames * runs) / s, wireBytes: one.length };
}

function encoderThroughput(payloadSize: number): number {
  const p = pseudoRandom(payloadSize, 7);
  const n = payloadSize >= 1024 ? 2000 : 20000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) encodeFrame(FrameKind.Transport, p);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / s;
}

function transports(crypto: CryptoPort) {
  const pc = noiseKeyPair(crypto, pseudoRandom(32, 1));
  const dev = noiseKeyPair(crypto, pseudoRandom(32, 2));
  const i = NoiseHandshake.initiator(crypto, { staticKey: pc, remoteStaticPublicKey: dev.publicKey, ephemeralSecretKey: pseudoRandom(32, 3), prologue: WIRE_PROLOGUE });
  const r = NoiseHandshake.responder(crypto, { staticKey: dev, remoteStaticPublicKey: pc.publicKey, ephemeralSecretKey: pseudoRandom(32, 4), prologue: WIRE_PROLOGUE });
  const m1 = concatBytes(keyHint(crypto, pc.publicKey), i.writeMessage(encodeHello(pseudoRandom(16, 5))));
  r.readMessage(m1.subarray(8));
  const m2 = r.writeMessage(encodeCbor({}));
  i.readMessage(m2);
  return { client: i.split(), device: r.split(), m1, m2 };
}

function sealedMessagesPerSecond(crypto: CryptoPort, size: number): number {
  const { client, device } = transports(crypto);
  const env = pseudoRandom(size, 9);
  const d = new FrameDecoder();
  const n = size >= 1024 ? 300 : 2000;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < n; k++) {
    const wire = encodeFrame(FrameKind.Transport, client.encrypt(env, TRANSPORT_AD));
    for (const f of d.push(wire)) device.decrypt(f.payload, TRANSPORT_AD);
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

console.log('== frame decoder throughput (Node', process.version + ')');
console.log(`${pad('payload B', 10)} ${pad('chunk B', 8)} ${pad('wire B', 7)} ${pad('MB/s', 8)} ${pad('frames/s', 10)}`);
for (const size of [16, 128, 1024, MAX_PAYLOAD]) {
  for (const chunk of [64, 16384]) {
    const r = decoderThroughput(size, chunk);
    console.log(`${pad(size, 10)} ${pad(chunk, 8)} ${pad(r.wireBytes, 7)} ${pad(r.mbps.toFixed(1), 8)} ${pad(Math.round(r.fps), 10)}`);
  }
}
console.log('\n== frame encoder');
for (const size of [16, 128, 1024, MAX_PAYLOAD]) console.log(`${pad(size, 10)} B payload: ${pad(Math.round(encoderThroughput(size)), 8)} frames/s`);

console.log('\n== seal + frame + deframe + open, per message (one core)');
for (const [name, c] of [['noble (XS port)', nobleCrypto], ['node (OpenSSL)', nodeCrypto]] as const) {
  console.log(`${name.padEnd(16)} 64 B: ${pad(Math.round(sealedMessagesPerSecond(c, 64)), 7)} msg/s   4080 B: ${pad(Math.round(sealedMessagesPerSecond(c, 4080)), 6)} msg/s`);
}

console.log('\n== overhead per message, bytes');
const frameOverhead = (n: number) => encodeFrame(FrameKind.Transport, new Uint8Array(n).fill(1)).length - n;
console.log(`frame: 2 delimiters + version + kind + CRC-32 = 8, plus COBS at most 1 + floor((n+6)/254):`);
for (const n of [0, 32, 248, 1024, MAX_PAYLOAD]) console.log(`  payload ${pad(n, 5)} B -> frame adds ${frameOverhead(n)} B`);
console.log(`largest frame on the wire: ${maxWireFrameLength()} B (payload ${MAX_PAYLOAD} B)`);
console.log(`Noise transport tag: ${NOISE_TAG_LENGTH} B; largest envelope ${MAX_PAYLOAD - NOISE_TAG_LENGTH} B`);
const statusReq = encodeRequest({ seq: 1, type: 'status', body: {} });
const setTimeReq = encodeRequest({ seq: 1000, type: 'set-time', body: { wallClockMs: 1764046800000 } });
const setTimeBody = encodeCbor({ wallClockMs: 1764046800000 });
const okEmpty = encodeResponse({ seq: 1000, ok: {} });
console.log(`envelope (deterministic CBOR map {seq, type, body} / {seq, ok|err}):`);
console.log(`  status request (empty body): ${statusReq.length} B envelope`);
console.log(`  set-time request: ${setTimeReq.length} B envelope, of which body ${setTimeBody.length} B -> envelope adds ${setTimeReq.length - setTimeBody.length} B`);
console.log(`  ok response with empty body (seq 1000): ${okEmpty.length} B`);
const wireStatus = encodeFrame(FrameKind.Transport, new Uint8Array(statusReq.length + NOISE_TAG_LENGTH)).length;
console.log(`  status request on the wire: ${wireStatus} B = envelope ${statusReq.length} + tag 16 + frame ${wireStatus - statusReq.length - 16}`);
const { m1, m2 } = transports(nobleCrypto);
console.log(`handshake: handshake-1 frame ${encodeFrame(FrameKind.Handshake1, m1).length} B (payload ${m1.length}), handshake-2 frame ${encodeFrame(FrameKind.Handshake2, m2).length} B (payload ${m2.length})`);
const uart = 115200 / 10; // 8N1: 10 bit times per byte
console.log(`\nat 115200 baud 8N1 (${uart} B/s): status round trip ≈ ${(((wireStatus * 2) / uart) * 1000).toFixed(1)} ms on the line; a full ${maxWireFrameLength()} B frame ≈ ${((maxWireFrameLength() / uart) * 1000).toFixed(0)} ms`);
