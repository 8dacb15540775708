// The host side of the XS engine: runs a firmware entry inside real XS (@agoric/xsnap
// builds it from source at install) and answers its host calls. Separate process on
// purpose: xsnap needs SES lockdown, which freezes this whole Node realm.
//
//   npx tsx hosts/xs/run.ts <entry.ts>     prints one JSON line: { reports, meter }
import '@endo/init/debug.js';
import { xsnap } from '@agoric/xsnap';
import os from 'node:os';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { bundleForXs } from './bundle';
import { decodeCbor, encodeCbor, type CborValue, type CborObject } from '../../protocol/cbor';
import { toHex } from '../../protocol/bytes';

export interface XsRunResult {
  reports: Record<string, unknown>;
  meter: { compute: number; heapSlotsAfterGc: number; allocate: number };
}

/** JSON cannot carry bytes or bigints: bytes become { hex }, bigints strings. */
function toJson(v: CborValue): unknown {
  if (v instanceof Uint8Array) return { hex: toHex(v) };
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [toJson(k), toJson(x)]);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

export async function runInXs(entry: string): Promise<XsRunResult> {
  const code = await bundleForXs(entry);
  const reports: Record<string, unknown> = {};
  const handleCommand = async (message: Uint8Array): Promise<Uint8Array> => {
    const call = decodeCbor(message) as CborObject;
    switch (call.op) {
      case 'random': return encodeCbor(new Uint8Array(randomBytes(call.length as number)));
      case 'report': reports[call.name as string] = toJson(call.value); return encodeCbor(null);
      default: throw new Error(`unknown host call ${String(call.op)}`);
    }
  };
  const worker = await xsnap({
    os: os.type(), spawn, fs: { ...fs.promises, tmpName: () => {} },
    stdout: 'inherit', stderr: 'inherit', handleCommand, meteringLimit: 0,
  });
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
  if (!entry) { console.error('usage: tsx hosts/xs/run.ts <entry.ts>'); process.exit(2); }
  runInXs(entry).then((r) => { console.log(JSON.stringify(r)); }, (e) => { console.error(e); process.exit(1); });
}
