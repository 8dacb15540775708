// Runs inside XS: framing, Noise KK and a whole session (client and device) as on Node.
import { FrameDecoder, FrameKind, encodeFrame } from '../../protocol/wire/frame';
import { encodeRequest } from '../../protocol/wire/envelope';
import { Identify, SetTime, commonRegistry } from '../../protocol/wire/messages';
import { RpcServer } from '../../protocol/wire/rpc';
import { NoiseHandshake, noiseKeyPair } from '../../protocol/crypto/noise';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { SessionClient, SessionServer, TRANSPORT_AD, WIRE_PROLOGUE, encodeHello, keyHint } from '../../protocol/session';
import { concatBytes } from '../../protocol/bytes';
import { encodeCbor } from '../../protocol/cbor';
import { VirtualClock } from '../../runtime/virtual-clock';
import { memoryLinkPair, splitFault } from '../../hosts/node/memory-link';
import { report, hostEntropy } from '../../hosts/xs/guest/bridge';

const fill = (n: number, b: number) => new Uint8Array(n).fill(b);

// the handshake-1 and transport-request vectors (tests/vectors/wire-vectors.json)
const pc = noiseKeyPair(crypto, fill(32, 0x11));
const dev = noiseKeyPair(crypto, fill(32, 0x22));
const init = NoiseHandshake.initiator(crypto, { staticKey: pc, remoteStaticPublicKey: dev.publicKey, ephemeralSecretKey: fill(32, 0x33), prologue: WIRE_PROLOGUE });
const resp = NoiseHandshake.responder(crypto, { staticKey: dev, remoteStaticPublicKey: pc.publicKey, ephemeralSecretKey: fill(32, 0x44), prologue: WIRE_PROLOGUE });
const hs1 = concatBytes(keyHint(crypto, pc.publicKey), init.writeMessage(encodeHello(fill(16, 0x55))));
resp.readMessage(hs1.subarray(8));
init.readMessage(resp.writeMessage(encodeCbor({})));
const req = init.split().encrypt(encodeRequest({ seq: 1, type: 'identify', body: {} }), TRANSPORT_AD);
report('handshake-1', encodeFrame(FrameKind.Handshake1, hs1));
report('transport-request', encodeFrame(FrameKind.Transport, req));

// byte-at-a-time decoding
const stream = concatBytes(fill(5, 0x42), encodeFrame(FrameKind.PlainError, fill(300, 0)), encodeFrame(FrameKind.Transport, fill(10, 7)));
const d = new FrameDecoder();
let frames = 0;
for (let i = 0; i < stream.length; i++) frames += d.push(stream.subarray(i, i + 1)).length;
report('byte-at-a-time-frames', frames);

// a whole session over an in-memory link whose chunks are split
const pair = memoryLinkPair({ fault: splitFault(3, 9) });
const clock = new VirtualClock();
const rpc = new RpcServer(commonRegistry());
rpc.on(Identify, () => ({ kind: 'terminal', serial: 'XS-1', firmwareVersion: '0.1.0', firmwareHash: fill(32, 1), publicKey: dev.publicKey }));
rpc.on(SetTime, () => ({}));
new SessionServer({ link: pair.a, crypto, entropy: hostEntropy, staticKey: dev, enrolledKeys: [pc.publicKey], rpc });
const client = new SessionClient({ link: pair.b, crypto, entropy: hostEntropy, clock, staticKey: pc, remoteStaticPublicKey: dev.publicKey });
client.call(Identify, {})
  .then((id) => client.call(SetTime, { wallClockMs: 1764046800000 }).then(() => id))
  .then((id) => { report('session-serial', id.serial); report('session-executions', rpc.executions); })
  .catch((e: unknown) => report('session-error', String(e)));
