// The host side of the XS engine: runs a firmware entry inside real XS (@agoric/xsnap
// builds it from source at install) and answers its host calls. Separate process on
// purpose: xsnap needs SES lockdown, which freezes this whole Node realm.
//
//   npx tsx hosts/xs/harness/run.ts <entry.ts>     prints one JSON line: { reports, meter }
//
// Per-operation figures (compute and heap of each step of a scenario) come from
// hosts/xs/harness/meter.ts, which shares the worker set-up below.
import '@endo/init/debug.js';
import { xsnap, type XsnapWorker } from '@agoric/xsnap';
import os from 'node:os';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { bundleForXs } from './bundle';
import { decodeCbor, encodeCbor, type CborValue, type CborObject } from '../../../protocol/cbor';
import { toHex } from '../../../protocol/bytes';

export interface XsRunResult {
  reports: Record<string, unknown>;
  meter: { compute: number; heapSlotsAfterGc: number; allocate: number };
}

/** JSON cannot carry bytes or bigints: bytes become { hex }, bigints strings. */
export function toJson(v: CborValue): unknown {
  if (v instanceof Uint8Array) return { hex: toHex(v) };
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [toJson(k), toJson(x)]);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

/**
 * Where the guest's randomness comes from: the operating system (default), or a
 * deterministic stream (SHA-256 of a seed and a counter) so that a metered scenario
 * does the very same work, hence the same compute, on every run.
 */
export type XsEntropy = 'os' | { seed: string };

function entropySource(entropy: XsEntropy): (length: number) => Uint8Array {
  if (entropy === 'os') return (length) => new Uint8Array(randomBytes(length));
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 32) {
      const block = createHash('sha256').update(`${entropy.seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - i)), i);
    }
    return out;
  };
}

export interface XsWorkerHost {
  worker: XsnapWorker;
  reports: Record<string, unknown>;
  /** Host calls other than `random` and `report` (e.g. the meter's `step-status`). */
  extra: Map<string, (call: CborObject) => CborValue>;
}

export async function startXsWorker(entropy: XsEntropy = 'os'): Promise<XsWorkerHost> {
  const reports: Record<string, unknown> = {};
  const extra = new Map<string, (call: CborObject) => CborValue>();
  const random = entropySource(entropy);
  const handleCommand = async (message: Uint8Array): Promise<Uint8Array> => {
    const call = decodeCbor(message) as CborObject;
    switch (call.op) {
      case 'random': return encodeCbor(random(call.length as number));
      case 'report': reports[call.name as string] = toJson(call.value); return encodeCbor(null);
      default: {
        const h = extra.get(String(call.op));
        if (!h) throw new Error(`unknown host call ${String(call.op)}`);
        return encodeCbor(h(call));
      }
    }
  };
  const worker = await xsnap({
    os: os.type(), spawn, fs: { ...fs.promises, tmpName: () => {} },
    stdout: 'inherit', stderr: 'inherit', handleCommand, meteringLimit: 0,
  });
  return { worker, reports, extra };
}

export async function runInXs(entry: string): Promise<XsRunResult> {
  const code = await bundleForXs(entry);
  const { worker, reports } = await startXsWorker();
  try {
    const run = await worker.evaluate(code);
    const after = await worker.evaluate('gc()');
    return {
      reports,
      meter: { compute: run.meterUsage.compute, heapSlotsAfterGc: after.meterUsage.currentHeapCount, allocate: after.meterUsage.allocate },
    };
  } finally {
    await worker.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const entry = process.argv[2];
  if (!entry) { console.error('usage: tsx hosts/xs/harness/run.ts <entry.ts>'); process.exit(2); }
  runInXs(entry).then((r) => { console.log(JSON.stringify(r)); }, (e) => { console.error(e); process.exit(1); });
}
