// Per-operation metering in the real XS engine. xsnap reports compute (a deterministic step
// count) per `evaluate` only, so a scenario is a bundled entry that installs named steps
// (hosts/xs/guest/steps.ts: installSteps({ boot() {…}, …})) and this driver evaluates them
// one at a time: first the bundle itself (module loading, row "load"), then each step.
// After each: the step's compute, the live heap after a full collection, and (from a heap
// snapshot) the live chunk bytes. Promises a step returns are drained inside its evaluate
// (xsnap runs the job queue before it answers); a step left pending is an error.
//
// Heap figures are net of the empty engine (its built-ins live in flash on a device).
// Slots are 16 bytes on a 32-bit MCU (32 here); chunks (strings, bigints, ArrayBuffers,
// array and closure storage) are measured on this 64-bit host, where an array's items take
// 32 bytes each instead of 16, so chunk bytes are an upper bound of the device's.
import { basename } from 'node:path';
import { bundleForXs } from './bundle';
import { startXsWorker, type XsEntropy } from './run';
import type { XsnapWorker } from '@agoric/xsnap';

export const SLOT_BYTES_MCU = 16;

export interface StepMeter {
  step: string;
  /** XS compute units of the step alone (deterministic). */
  compute: number;
  /** Live slots after gc(), net of the empty engine. */
  heapSlots: number;
  /** heapSlots × 16 B, in KiB. */
  heapKiB: number;
  /** Slots in use when the step ended, before collecting (live + garbage not yet collected). */
  slotsBeforeGc: number;
  /** Live chunk bytes after gc(), net of the empty engine (64-bit host: an upper bound). */
  chunkBytes?: number;
}

export interface MeterResult {
  steps: StepMeter[];
  /** The largest heap count seen at the end of any step, before or after collection (net slots). */
  maxHeapSlots: number;
  maxHeapKiB: number;
  /** The empty engine's own slots and chunk bytes (subtracted from every figure above). */
  engine: { slots: number; chunkBytes?: number };
  reports: Record<string, unknown>;
}

export interface MeterOptions {
  /** Deterministic by default (seeded by the entry's file name), so that compute repeats exactly:
   *  compute depends a little on the random bytes (bigint lengths, rejection sampling). */
  entropy?: XsEntropy;
  /** Also measure live chunk bytes through a heap snapshot after each step (≈ +50 ms a step). */
  chunks?: boolean;
  /** Tree-shake the bundle (false by default: every imported module runs whole, as on a device). */
  treeShake?: boolean;
}

const kib = (slots: number) => Math.round((slots * SLOT_BYTES_MCU / 1024) * 10) / 10;

/** Sizes of the BLOC (chunks) and HEAP (slots) sections of an XS snapshot. */
async function snapshotSections(worker: XsnapWorker): Promise<{ chunkBytes: number; slotBytes: number }> {
  const parts: Uint8Array[] = [];
  for await (const p of worker.makeSnapshotStream('meter')) parts.push(p);
  const buf = Buffer.concat(parts);
  let chunkBytes = -1, slotBytes = -1;
  for (let at = 8; at + 8 <= buf.length;) { // inside the XS_M atom
    const size = buf.readUInt32BE(at);
    const tag = buf.toString('latin1', at + 4, at + 8);
    if (tag === 'BLOC') chunkBytes = size - 8;
    if (tag === 'HEAP') slotBytes = size - 8;
    if (size < 8) break;
    at += size;
  }
  if (chunkBytes < 0 || slotBytes < 0) throw new Error('XS snapshot without BLOC/HEAP sections');
  return { chunkBytes, slotBytes };
}

export async function meterScenario(entry: string, steps: string[], options: MeterOptions = {}): Promise<MeterResult> {
  const code = await bundleForXs(entry, { wholeModules: !options.treeShake });
  const chunks = options.chunks ?? true;
  const { worker, reports, extra } = await startXsWorker(options.entropy ?? { seed: basename(entry) });
  let status: { name: string; settled: boolean; error: string } | null = null;
  extra.set('step-status', (call) => { status = { name: String(call.name), settled: call.settled === true, error: String(call.error ?? '') }; return null; });
  try {
    const empty = await worker.evaluate('gc()');
    const engineSlots = empty.meterUsage.currentHeapCount;
    const engineChunks = chunks ? (await snapshotSections(worker)).chunkBytes : undefined;
    const out: StepMeter[] = [];
    let max = 0;
    const measure = async (step: string, compute: number, before: number) => {
      const after = (await worker.evaluate('gc()')).meterUsage.currentHeapCount - engineSlots;
      const row: StepMeter = { step, compute, heapSlots: after, heapKiB: kib(after), slotsBeforeGc: before - engineSlots };
      if (chunks) row.chunkBytes = (await snapshotSections(worker)).chunkBytes - engineChunks!;
      max = Math.max(max, after, before - engineSlots);
      out.push(row);
    };
    const load = await worker.evaluate(code);
    await measure('load', load.meterUsage.compute, load.meterUsage.currentHeapCount);
    for (const step of steps) {
      status = null;
      const r = await worker.evaluate(`__sailauStep(${JSON.stringify(step)})`);
      await worker.evaluate('__sailauStepStatus()');
      const s = status as { name: string; settled: boolean; error: string } | null;
      if (!s || s.name !== step) throw new Error(`step ${step}: the entry did not install it (installSteps)`);
      if (s.error) throw new Error(`step ${step} failed in XS: ${s.error}`);
      if (!s.settled) throw new Error(`step ${step} did not settle within its evaluate (waits for a timer or the host?)`);
      await measure(step, r.meterUsage.compute, r.meterUsage.currentHeapCount);
    }
    return { steps: out, maxHeapSlots: max, maxHeapKiB: kib(max), engine: { slots: engineSlots, chunkBytes: engineChunks }, reports };
  } finally {
    await worker.close();
  }
}

/** A plain-text table of a scenario's rows. */
export function formatMeterTable(rows: { scenario?: string; step: string; compute: number; heapSlots: number; heapKiB: number; slotsBeforeGc: number; chunkBytes?: number }[]): string {
  const head = ['operation', 'compute', 'heap slots', 'KiB@16B', 'slots pre-gc', 'chunks KiB'];
  const body = rows.map((r) => [
    r.scenario ? `${r.scenario}/${r.step}` : r.step, String(r.compute), String(r.heapSlots), r.heapKiB.toFixed(1),
    String(r.slotsBeforeGc), r.chunkBytes === undefined ? '-' : (r.chunkBytes / 1024).toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [entry, ...steps] = process.argv.slice(2);
  if (!entry) { console.error('usage: tsx hosts/xs/harness/meter.ts <entry.ts> <step>…'); process.exit(2); }
  meterScenario(entry, steps).then((r) => {
    console.log(formatMeterTable(r.steps));
    console.log(`max heap ${r.maxHeapSlots} slots (${r.maxHeapKiB} KiB@16B); engine ${r.engine.slots} slots`);
  }, (e) => { console.error(e); process.exit(1); });
}
