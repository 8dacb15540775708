// Tries to break the Noise KK handshake and transport as sailau uses them: replayed,
// reordered, truncated and bit-flipped messages, wrong static keys, low-order ephemeral
// keys, and misuse of the API. Run on both crypto ports where the port matters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { NoiseHandshake, noiseKeyPair, type NoiseKeyPair, type NoiseTransport } from '../protocol/crypto/noise';
import { ProtocolError, fromHex, toHex, utf8Encode, concatBytes } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import type { CryptoPort } from '../protocol/crypto/port';

const crypto = nobleCrypto;
const ports: [string, CryptoPort][] = [['noble', nobleCrypto], ['node', nodeCrypto]];

const key = (b: number) => new Uint8Array(32).fill(b);
const device = noiseKeyPair(crypto, key(1));
const precinct = noiseKeyPair(crypto, key(2));
const stranger = noiseKeyPair(crypto, key(9));
const prologue = utf8Encode('sailau link v1');

interface Sides { initiatorStatic?: NoiseKeyPair; responderExpects?: Uint8Array; initiatorExpects?: Uint8Array; eI?: number; eR?: number; prologueI?: Uint8Array; port?: CryptoPort }
function pair(o: Sides = {}) {
  const c = o.port ?? crypto;
  const initiator = NoiseHandshake.initiator(c, {
    staticKey: o.initiatorStatic ?? device, remoteStaticPublicKey: o.initiatorExpects ?? precinct.publicKey,
    ephemeralSecretKey: key(o.eI ?? 3), prologue: o.prologueI ?? prologue,
  });
  const responder = NoiseHandshake.responder(c, {
    staticKey: precinct, remoteStaticPublicKey: o.responderExpects ?? device.publicKey,
    ephemeralSecretKey: key(o.eR ?? 4), prologue,
  });
  return { initiator, responder };
}
function session(o: Sides = {}): { ti: NoiseTransport; tr: NoiseTransport; m1: Uint8Array; m2: Uint8Array } {
  const { initiator, responder } = pair(o);
  const m1 = initiator.writeMessage(utf8Encode('hello'));
  responder.readMessage(m1);
  const m2 = responder.writeMessage(utf8Encode('welcome'));
  initiator.readMessage(m2);
  return { ti: initiator.split(), tr: responder.split(), m1, m2 };
}
function throwsCode(fn: () => unknown, code: string | string[]): void {
  const codes = Array.isArray(code) ? code : [code];
  try {
    fn();
  } catch (err) {
    assert.instance(err, ProtocolError);
    assert.ok(codes.includes((err as ProtocolError).code), `expected ${codes.join('|')}, got ${(err as ProtocolError).code}`);
    return;
  }
  assert.unreachable(`expected ProtocolError ${codes.join('|')}`);
}
function flip(b: Uint8Array, bit: number): Uint8Array {
  const c = b.slice();
  c[bit >> 3] ^= 1 << (bit & 7);
  return c;
}

test('message sizes: 32-byte ephemeral + payload + 16-byte tag; transport = plaintext + 16', () => {
  const { initiator, responder } = pair();
  const m1 = initiator.writeMessage(new Uint8Array(10));
  assert.is(m1.length, 32 + 10 + 16);
  responder.readMessage(m1);
  const m2 = responder.writeMessage(new Uint8Array(0));
  assert.is(m2.length, 32 + 16);
  initiator.readMessage(m2);
  const t = initiator.split();
  assert.is(t.encrypt(new Uint8Array(7)).length, 7 + 16);
});

test('every single-bit flip of handshake message 1 is refused by the responder', () => {
  const m1 = pair().initiator.writeMessage(utf8Encode('hi'));
  for (let bit = 0; bit < m1.length * 8; bit++) {
    const { responder } = pair();
    throwsCode(() => responder.readMessage(flip(m1, bit)), ['noise-decrypt-failed', 'noise-low-order']);
  }
});

test('every single-bit flip of handshake message 2 is refused by the initiator', () => {
  const { responder } = pair();
  const m1 = pair().initiator.writeMessage(utf8Encode('hi'));
  responder.readMessage(m1);
  const m2 = responder.writeMessage(utf8Encode('ok'));
  for (let bit = 0; bit < m2.length * 8; bit++) {
    const { initiator } = pair();
    initiator.writeMessage(utf8Encode('hi'));
    throwsCode(() => initiator.readMessage(flip(m2, bit)), ['noise-decrypt-failed', 'noise-low-order']);
  }
  // The unmodified message still works, so the refusals above were the flips.
  const { initiator } = pair();
  initiator.writeMessage(utf8Encode('hi'));
  assert.is(toHex(initiator.readMessage(m2)), toHex(utf8Encode('ok')));
});

test('truncated or extended handshake messages are refused', () => {
  const m1 = pair().initiator.writeMessage(utf8Encode('payload'));
  for (let n = 0; n < m1.length; n++) {
    const { responder } = pair();
    throwsCode(() => responder.readMessage(m1.subarray(0, n)), n < 48 ? 'noise-malformed' : 'noise-decrypt-failed');
  }
  const { responder } = pair();
  throwsCode(() => responder.readMessage(concatBytes(m1, Uint8Array.of(0))), 'noise-decrypt-failed');
  throwsCode(() => pair().responder.readMessage(new Uint8Array(65536)), 'noise-malformed');
});

test('a failed handshake stays failed (no retry on the same state)', () => {
  const { initiator, responder } = pair();
  const m1 = initiator.writeMessage(utf8Encode('x'));
  throwsCode(() => responder.readMessage(flip(m1, 300)), 'noise-decrypt-failed');
  throwsCode(() => responder.readMessage(m1), 'noise-handshake-failed');
  throwsCode(() => responder.writeMessage(new Uint8Array(0)), 'noise-handshake-failed');
  throwsCode(() => responder.split(), 'noise-handshake-failed');
  assert.not.ok(responder.complete);
});

test('wrong static keys: an impostor initiator, an impostor responder, a different prologue', () => {
  // The precinct computer expects the enrolled device; a stranger with another key is refused.
  const a = pair({ initiatorStatic: stranger, initiatorExpects: precinct.publicKey });
  throwsCode(() => a.responder.readMessage(a.initiator.writeMessage(utf8Encode('vote'))), 'noise-decrypt-failed');
  // A device told to expect another key: the real precinct computer cannot read its message 1.
  const b = pair({ initiatorExpects: stranger.publicKey });
  throwsCode(() => b.responder.readMessage(b.initiator.writeMessage(new Uint8Array(0))), 'noise-decrypt-failed');
  // A stranger in the precinct computer's place cannot read a real message 1.
  const d = pair();
  const m1 = d.initiator.writeMessage(new Uint8Array(0));
  const fake2 = NoiseHandshake.responder(crypto, { staticKey: stranger, remoteStaticPublicKey: device.publicKey, ephemeralSecretKey: key(5), prologue });
  throwsCode(() => fake2.readMessage(m1), 'noise-decrypt-failed');
  // Different prologues (e.g. another election or protocol version) do not interoperate.
  const e = pair({ prologueI: utf8Encode('sailau link v2') });
  throwsCode(() => e.responder.readMessage(e.initiator.writeMessage(new Uint8Array(0))), 'noise-decrypt-failed');
});

test('a stranger who answers message 2 in place of the precinct computer is refused', () => {
  const { initiator } = pair();
  initiator.writeMessage(new Uint8Array(0));
  // The stranger cannot compute es/ss, so it fakes message 2 from its own keys with a
  // handshake that expects the device: the tag cannot verify.
  const fakeI = NoiseHandshake.initiator(crypto, { staticKey: device, remoteStaticPublicKey: stranger.publicKey, ephemeralSecretKey: key(3), prologue });
  const fakeR = NoiseHandshake.responder(crypto, { staticKey: stranger, remoteStaticPublicKey: device.publicKey, ephemeralSecretKey: key(6), prologue });
  fakeR.readMessage(fakeI.writeMessage(new Uint8Array(0)));
  throwsCode(() => initiator.readMessage(fakeR.writeMessage(new Uint8Array(0))), 'noise-decrypt-failed');
});

const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000080', // top bit is ignored
  '0100000000000000000000000000000000000000000000000000000000000080',
];

for (const [portName, port] of ports) {
  test(`a low-order ephemeral key is refused in message 1 and in message 2 (${portName})`, () => {
    for (const point of LOW_ORDER) {
      const { responder } = pair({ port });
      const m1 = concatBytes(fromHex(point), new Uint8Array(16));
      throwsCode(() => responder.readMessage(m1), 'noise-low-order');
      assert.not.ok(responder.complete);
      throwsCode(() => responder.writeMessage(new Uint8Array(0)), 'noise-handshake-failed');

      const { initiator } = pair({ port });
      initiator.writeMessage(new Uint8Array(0));
      throwsCode(() => initiator.readMessage(concatBytes(fromHex(point), new Uint8Array(16))), 'noise-low-order');
    }
  });
}

test('a low-order enrolled static key is refused before anything is sent', () => {
  const { initiator } = pair({ initiatorExpects: fromHex(LOW_ORDER[2]) });
  throwsCode(() => initiator.writeMessage(new Uint8Array(0)), 'noise-low-order');
});

test('transport: replayed message is refused', () => {
  const { ti, tr } = session();
  const c = ti.encrypt(utf8Encode('ballot 1'));
  assert.is(toHex(tr.decrypt(c)), toHex(utf8Encode('ballot 1')));
  throwsCode(() => tr.decrypt(c), 'noise-decrypt-failed');
});

test('transport: reordered messages are refused, and a refusal does not advance the nonce', () => {
  const { ti, tr } = session();
  const c1 = ti.encrypt(utf8Encode('one'));
  const c2 = ti.encrypt(utf8Encode('two'));
  throwsCode(() => tr.decrypt(c2), 'noise-decrypt-failed');
  assert.is(toHex(tr.decrypt(c1)), toHex(utf8Encode('one')));
  assert.is(toHex(tr.decrypt(c2)), toHex(utf8Encode('two')));
});

test('transport: every bit flip, every truncation, wrong AD and a reflected message are refused', () => {
  const { ti, tr } = session();
  const c = ti.encrypt(utf8Encode('close the polls'), utf8Encode('ad'));
  for (let bit = 0; bit < c.length * 8; bit++) throwsCode(() => tr.decrypt(flip(c, bit), utf8Encode('ad')), 'noise-decrypt-failed');
  for (let n = 0; n < c.length; n++) throwsCode(() => tr.decrypt(c.subarray(0, n), utf8Encode('ad')), 'noise-decrypt-failed');
  throwsCode(() => tr.decrypt(c), 'noise-decrypt-failed');
  throwsCode(() => tr.decrypt(c, utf8Encode('ae')), 'noise-decrypt-failed');
  // Sent back to its sender (reflection): the two directions have different keys.
  throwsCode(() => ti.decrypt(c, utf8Encode('ad')), 'noise-decrypt-failed');
  assert.is(toHex(tr.decrypt(c, utf8Encode('ad'))), toHex(utf8Encode('close the polls')));
});

test('replaying a whole old session to a new responder: message 1 is accepted, nothing after it', () => {
  // KK's first message can be replayed (the responder cannot tell it is old): docs/handshake.md
  // says message 1's payload must carry nothing whose replay matters. The replayed session
  // goes nowhere: the new responder's ephemeral key changes every later key.
  const first = pair({ eR: 4 });
  const m1 = first.initiator.writeMessage(utf8Encode('hello'));
  first.responder.readMessage(m1);
  first.initiator.readMessage(first.responder.writeMessage(new Uint8Array(0)));
  const oldTransport = first.initiator.split().encrypt(utf8Encode('command'));

  const second = pair({ eR: 7 });
  assert.is(toHex(second.responder.readMessage(m1)), toHex(utf8Encode('hello')));
  second.responder.writeMessage(new Uint8Array(0));
  const tr = second.responder.split();
  throwsCode(() => tr.decrypt(oldTransport), 'noise-decrypt-failed');
});

test('a replayed message 2 does not complete a new handshake', () => {
  const first = session();
  const { initiator } = pair({ eI: 8 });
  initiator.writeMessage(utf8Encode('hello'));
  throwsCode(() => initiator.readMessage(first.m2), 'noise-decrypt-failed');
});

test('API misuse: wrong turn, after completion, split early or twice, bad key sizes', () => {
  const { initiator, responder } = pair();
  throwsCode(() => responder.writeMessage(new Uint8Array(0)), 'noise-wrong-turn');
  throwsCode(() => initiator.readMessage(new Uint8Array(48)), 'noise-wrong-turn');
  throwsCode(() => initiator.split(), 'noise-handshake-incomplete');
  const m1 = initiator.writeMessage(new Uint8Array(0));
  throwsCode(() => initiator.writeMessage(new Uint8Array(0)), 'noise-wrong-turn');
  responder.readMessage(m1);
  throwsCode(() => responder.readMessage(m1), 'noise-wrong-turn');
  throwsCode(() => responder.split(), 'noise-handshake-incomplete');
  initiator.readMessage(responder.writeMessage(new Uint8Array(0)));
  throwsCode(() => initiator.writeMessage(new Uint8Array(0)), 'noise-handshake-complete');
  throwsCode(() => responder.readMessage(m1), 'noise-handshake-complete');
  initiator.split();
  throwsCode(() => initiator.split(), 'noise-split-twice');
  throwsCode(() => NoiseHandshake.initiator(crypto, { staticKey: device, remoteStaticPublicKey: new Uint8Array(31), ephemeralSecretKey: key(3), prologue }), 'noise-bad-key');
  throwsCode(() => NoiseHandshake.responder(crypto, { staticKey: device, remoteStaticPublicKey: precinct.publicKey, ephemeralSecretKey: new Uint8Array(33), prologue }), 'noise-bad-key');
  const { ti } = session();
  throwsCode(() => ti.encrypt(new Uint8Array(65535 - 15)), 'noise-message-too-long');
  assert.is(ti.encrypt(new Uint8Array(65535 - 16)).length, 65535);
});

test('handshake hash: equal on both sides, different for every session', () => {
  const a = session({ eI: 3 });
  const b = session({ eI: 10 });
  assert.is(toHex(a.ti.handshakeHash), toHex(a.tr.handshakeHash));
  assert.is.not(toHex(a.ti.handshakeHash), toHex(b.ti.handshakeHash));
  // The returned hash is a copy: changing it changes nothing.
  a.ti.handshakeHash.fill(0);
  assert.is(toHex(a.ti.handshakeHash), toHex(a.tr.handshakeHash));
});

test('property: any keys, payloads and ports interoperate; ports can be mixed', () => {
  const k32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const bytes = fc.uint8Array({ maxLength: 200 });
  fc.assert(fc.property(k32, k32, k32, k32, bytes, bytes, bytes, fc.array(bytes, { maxLength: 5 }), fc.boolean(),
    (si, sr, ei, er, pro, p1, p2, msgs, mixed) => {
      const iPort = nobleCrypto;
      const rPort = mixed ? nodeCrypto : nobleCrypto;
      const I = noiseKeyPair(iPort, si);
      const R = noiseKeyPair(rPort, sr);
      const initiator = NoiseHandshake.initiator(iPort, { staticKey: I, remoteStaticPublicKey: R.publicKey, ephemeralSecretKey: ei, prologue: pro });
      const responder = NoiseHandshake.responder(rPort, { staticKey: R, remoteStaticPublicKey: I.publicKey, ephemeralSecretKey: er, prologue: pro });
      assert.is(toHex(responder.readMessage(initiator.writeMessage(p1))), toHex(p1));
      assert.is(toHex(initiator.readMessage(responder.writeMessage(p2))), toHex(p2));
      const ti = initiator.split();
      const tr = responder.split();
      assert.is(toHex(ti.handshakeHash), toHex(tr.handshakeHash));
      msgs.forEach((m, i) => {
        const [s, r] = i % 2 === 0 ? [ti, tr] : [tr, ti];
        assert.is(toHex(r.decrypt(s.encrypt(m))), toHex(m));
      });
    }), { numRuns: 40 });
});

test.run();
