// Noise_KK_25519_ChaChaPoly_SHA256 against the published cacophony and snow test vectors,
// on both crypto ports. The vector file is not kept in this repository (it comes from other
// projects' repositories, whose files we do not commit); a developer who has it points
// SAILAU_NOISE_VECTORS at it (JSON: { vectors: [{ source, protocol_name, init_*, resp_*,
// handshake_hash?, messages: [{ payload, ciphertext }] }] }, hex strings). Without it this
// file registers no test; tests/noise-attacks.test.ts always runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoiseHandshake, noiseKeyPair, type NoiseTransport } from '../protocol/crypto/noise';
import { fromHex, toHex } from '../protocol/bytes';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import type { CryptoPort } from '../protocol/crypto/port';

interface Vector {
  source: string;
  protocol_name: string;
  init_prologue: string; init_static: string; init_ephemeral: string; init_remote_static: string;
  resp_prologue: string; resp_static: string; resp_ephemeral: string; resp_remote_static: string;
  handshake_hash?: string;
  messages: { payload: string; ciphertext: string }[];
}
const vectorPath = process.env.SAILAU_NOISE_VECTORS;
const file = vectorPath ? (JSON.parse(readFileSync(vectorPath, 'utf8')) as { vectors: Vector[] }) : { vectors: [] };
const ports: [string, CryptoPort][] = [['noble', nobleCrypto], ['node', nodeCrypto]];

if (vectorPath) test('the vector file holds both published KK vectors', () => {
  assert.equal(file.vectors.map((v) => v.source), ['cacophony', 'snow']);
  for (const v of file.vectors) {
    assert.is(v.protocol_name, 'Noise_KK_25519_ChaChaPoly_SHA256');
    assert.ok(v.messages.length >= 4);
  }
});

for (const v of file.vectors) {
  for (const [portName, crypto] of ports) {
    test(`${v.source} KK vector reproduces byte for byte (${portName} port)`, () => {
      const initStatic = noiseKeyPair(crypto, fromHex(v.init_static));
      const respStatic = noiseKeyPair(crypto, fromHex(v.resp_static));
      // The vectors' remote keys are the other side's public keys.
      assert.is(toHex(respStatic.publicKey), v.init_remote_static);
      assert.is(toHex(initStatic.publicKey), v.resp_remote_static);
      const initiator = NoiseHandshake.initiator(crypto, {
        staticKey: initStatic, remoteStaticPublicKey: fromHex(v.init_remote_static),
        ephemeralSecretKey: fromHex(v.init_ephemeral), prologue: fromHex(v.init_prologue),
      });
      const responder = NoiseHandshake.responder(crypto, {
        staticKey: respStatic, remoteStaticPublicKey: fromHex(v.resp_remote_static),
        ephemeralSecretKey: fromHex(v.resp_ephemeral), prologue: fromHex(v.resp_prologue),
      });
      const [m1, m2, ...transportMessages] = v.messages;
      assert.is(toHex(initiator.writeMessage(fromHex(m1.payload))), m1.ciphertext);
      assert.is(toHex(responder.readMessage(fromHex(m1.ciphertext))), m1.payload);
      assert.not.ok(initiator.complete);
      assert.is(toHex(responder.writeMessage(fromHex(m2.payload))), m2.ciphertext);
      assert.is(toHex(initiator.readMessage(fromHex(m2.ciphertext))), m2.payload);
      assert.ok(initiator.complete && responder.complete);
      const ti: NoiseTransport = initiator.split();
      const tr: NoiseTransport = responder.split();
      assert.is(toHex(ti.handshakeHash), toHex(tr.handshakeHash));
      if (v.handshake_hash !== undefined) assert.is(toHex(ti.handshakeHash), v.handshake_hash);
      // After the handshake the vectors keep alternating: initiator, responder, ...
      transportMessages.forEach((m, i) => {
        const [sender, receiver] = i % 2 === 0 ? [ti, tr] : [tr, ti];
        assert.is(toHex(sender.encrypt(fromHex(m.payload))), m.ciphertext, `transport message ${i + 3}`);
        assert.is(toHex(receiver.decrypt(fromHex(m.ciphertext))), m.payload, `transport message ${i + 3}`);
      });
    });
  }
}

test.run();
