// Runs inside XS: the self-test framework with the virtual clock, and the link endpoint
// serving an authenticated session over an in-memory link, as on a device.
import { SelfTest, flashCheck, clockCheck, batteryCheck, keysCheck, encodeSelfTestReport } from '../../runtime/self-test';
import { VirtualClock } from '../../runtime/virtual-clock';
import { LinkEndpoint } from '../../runtime/link-endpoint';
import type { FlashPort } from '../../runtime/ports';
import { memoryLinkPair, splitFault } from '../../hosts/node/memory-link';
import { SessionClient } from '../../protocol/session';
import { RpcServer } from '../../protocol/wire/rpc';
import { commonRegistry, Status } from '../../protocol/wire/messages';
import { noiseKeyPair } from '../../protocol/crypto/noise';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { report, hostEntropy } from '../../hosts/xs/guest/bridge';

class RamFlash implements FlashPort {
  readonly blockSize = 4096;
  readonly mem: Uint8Array;
  constructor(readonly blockCount: number) { this.mem = new Uint8Array(blockCount * 4096).fill(0xff); }
  read(offset: number, length: number): Uint8Array { return this.mem.slice(offset, offset + length); }
  program(offset: number, data: Uint8Array): void { for (let i = 0; i < data.length; i++) this.mem[offset + i] &= data[i]; }
  erase(block: number): void { this.mem.fill(0xff, block * 4096, (block + 1) * 4096); }
}

async function main(): Promise<void> {
  const clock = new VirtualClock({ wallClockMs: Date.UTC(2025, 2, 1, 8) });
  const st = new SelfTest(clock, { device: 'terminal' })
    .register(flashCheck(new RamFlash(4), 2))
    .register(clockCheck(clock))
    .register(batteryCheck({ status: () => ({ source: 'battery', batteryPercent: 10 }) }))
    .register(keysCheck(() => { throw new Error('no keys'); }));
  const r = await clock.runUntilSettled(st.run());
  report('self-test', encodeSelfTestReport(r));

  const deviceKey = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
  const pcKey = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
  const pair = memoryLinkPair({ fault: splitFault(9, 13) });
  const rpc = new RpcServer(commonRegistry()).on(Status, () => ({ state: 'open', uptimeMs: 1, eventCount: 0 }));
  const endpoint = new LinkEndpoint({ link: pair.a, clock, crypto, entropy: hostEntropy, staticKey: deviceKey, enrolledKeys: [pcKey.publicKey], rpc });
  const pc = new SessionClient({ link: pair.b, crypto, entropy: hostEntropy, clock, staticKey: pcKey, remoteStaticPublicKey: deviceKey.publicKey });
  pair.b.write(hostEntropy.randomBytes(500)); // garbage first
  const states: string[] = [];
  for (let i = 0; i < 3; i++) states.push((await clock.runUntilSettled(pc.call(Status, {}))).state);
  report('link', { states, handshakes: endpoint.stats().handshakes, executions: rpc.executions });
}

main().catch((e: unknown) => report('error', String(e)));
