// The precinct computer's side of a conversation with a device running in XS
// (hosts/xs/harness/device.ts): a DeviceLink over the XsDevice's link, and per-call XS compute.
import { join } from 'node:path';
import { XsDevice, type XsDeviceOptions } from '../hosts/xs/harness/device';
import { DeviceLink } from '../precinct/devices/link';
import { DeviceError } from '../precinct/devices/errors';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { fromHex } from '../protocol/bytes';
import { nodeEntropy } from '../hosts/node/entropy';
import { NodeClock } from '../hosts/node/clock';

export const root = join(import.meta.dirname, '..');
export { crypto };

/** The precinct computer's Noise key for these tests. */
export const precinctNoise = noiseKeyPair(crypto, crypto.sha256(new TextEncoder().encode('xs-conversation precinct')));

export interface Conversation {
  dev: XsDevice;
  link: DeviceLink;
  clock: NodeClock;
  /** XS compute of each call, in order (device side only). */
  steps: { step: string; compute: number }[];
  /** Runs one exchange and records what the device spent on it in XS. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function converse(entry: string, deviceId: string, options: XsDeviceOptions): Promise<Conversation> {
  const dev = await XsDevice.start(join(root, entry), options);
  const hex = (dev.reports.noisePublic as { hex?: string } | undefined)?.hex;
  if (!hex) { await dev.close(); throw new Error(`the XS device reported no noise key: ${JSON.stringify(dev.reports)}`); }
  const clock = new NodeClock({ trustHostWallClock: true });
  // Generous per-attempt time: crypto in XS is slow (a handshake is ≈ 8 M compute on the device side).
  const link = new DeviceLink(deviceId, fromHex(hex), dev.connector(), { crypto, entropy: nodeEntropy, clock, staticKey: precinctNoise, timeoutMs: 20_000, maxAttempts: 2 });
  const steps: { step: string; compute: number }[] = [{ step: 'load (modules + boot)', compute: dev.loadCompute }];
  return {
    dev, link, clock, steps,
    async step(name, fn) {
      const before = await dev.sync();
      let r: Awaited<ReturnType<typeof fn>>;
      try {
        r = await fn();
      } catch (e) {
        const now = await dev.sync().catch(() => before);
        if (now.faults.length > before.faults.length) throw new Error(`${name}: ${String(e)}; XS faults: ${now.faults.slice(before.faults.length).join('; ')}`);
        throw e;
      }
      const after = await dev.sync();
      if (after.faults.length > before.faults.length) throw new Error(`XS fault during ${name}: ${after.faults.slice(before.faults.length).join('; ')}`);
      steps.push({ step: name, compute: after.compute - before.compute });
      return r;
    },
    async close() { await link.close(); clock.clearAll(); await dev.close(); },
  };
}

/** The remote code of a refused call. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { if (e instanceof DeviceError) return e.remoteCode ?? e.code; throw e; }
  return 'ok';
}

/** Prints the compute per step, the total, and the engine's live slots after gc() (built-ins included). */
export async function printSteps(device: string, c: Conversation): Promise<void> {
  const heap = (await c.dev.sync({ gc: true })).heapSlots;
  const w = Math.max(...c.steps.map((s) => s.step.length));
  const total = c.steps.reduce((n, s) => n + s.compute, 0);
  console.log(`    ${device} in XS, compute per conversation step (device side):`);
  for (const s of c.steps) console.log(`      ${s.step.padEnd(w)}  ${s.compute.toLocaleString('en-US').padStart(12)}`);
  console.log(`      ${'total'.padEnd(w)}  ${total.toLocaleString('en-US').padStart(12)}; live slots after gc ${heap} (engine built-ins included)`);
}
