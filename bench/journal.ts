// Journal figures: append cost by record size (in-memory NOR and the fsync'ed file flash),
// records per KiB and overhead, recovery (open) time of a full 1 MiB journal, full-scan and
// state-lookup times. Node timings; XS on the device is slower by a large constant factor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimFlash } from '../runtime/flash/sim';
import { Journal, RECORD_HEADER_BYTES, BLOCK_HEADER_BYTES } from '../runtime/journal';
import { FileFlash } from '../hosts/node/flash-file';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';

const now = () => performance.now();
const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131) & 0xff);

console.log('append cost (µs per append, in-memory NOR, 1 MiB region):');
for (const size of [16, 64, 256, 1024, 2048]) {
  const j = Journal.open(new SimFlash(256), crypto);
  const d = data(size);
  const perBlock = Math.floor((4096 - BLOCK_HEADER_BYTES) / ((RECORD_HEADER_BYTES + size + 3) & ~3));
  const n = Math.min(20000, 256 * perBlock);
  const t0 = now();
  for (let i = 0; i < n; i++) j.append(1, d);
  console.log(`  ${String(size).padStart(5)} B: ${(((now() - t0) * 1000) / n).toFixed(2)} µs  (${n} appends)`);
}

const dir = mkdtempSync(join(tmpdir(), 'sailau-bench-'));
try {
  const ff = FileFlash.open(join(dir, 'flash.bin'), { blockCount: 16 });
  const j = Journal.open(ff, crypto);
  const n = 200;
  const t0 = now();
  for (let i = 0; i < n; i++) j.append(1, data(256));
  console.log(`  file flash (2 fsyncs per append), 256 B: ${(((now() - t0) * 1000) / n).toFixed(0)} µs`);
  ff.close();
} finally { rmSync(dir, { recursive: true, force: true }); }

console.log(`\ncapacity: ${RECORD_HEADER_BYTES} bytes of header per record + 0–3 padding; ${BLOCK_HEADER_BYTES} bytes per 4 KiB block`);
for (const size of [16, 32, 64, 128, 256, 512, 1024, 2048]) {
  const rec = (RECORD_HEADER_BYTES + size + 3) & ~3;
  const perBlock = Math.floor((4096 - BLOCK_HEADER_BYTES) / rec);
  console.log(`  ${String(size).padStart(5)} B data: ${rec} B on flash, ${perBlock} per block, ${(perBlock / 4).toFixed(2)} records per KiB, ${(((rec * perBlock) / 4096) * 100).toFixed(1)}% of the block holds record bytes, ${((1 - (size * perBlock) / 4096) * 100).toFixed(1)}% overhead+waste`);
}

console.log('\nrecovery of a full 1 MiB journal (256 blocks):');
for (const size of [64, 512]) {
  const flash = new SimFlash(256);
  const j = Journal.open(flash, crypto);
  try { for (;;) j.append(size === 64 ? 1 : 2, data(size)); } catch { /* full */ }
  let t0 = now();
  const runs = 20;
  let k!: Journal;
  for (let i = 0; i < runs; i++) k = Journal.open(flash, crypto);
  const openMs = (now() - t0) / runs;
  t0 = now();
  let count = 0;
  for (const _ of k.records()) count++;
  const scanMs = now() - t0;
  t0 = now();
  k.lastRecordWithTag(99); // absent: the worst case, a scan of every header
  const missMs = now() - t0;
  t0 = now();
  k.lastRecordWithTag(99);
  const hitMs = now() - t0;
  console.log(`  ${count} records of ${size} B: open ${openMs.toFixed(2)} ms; reading every record (CRC checked) ${scanMs.toFixed(1)} ms; first lastRecordWithTag for an absent tag ${missMs.toFixed(1)} ms, then ${(hitMs * 1000).toFixed(0)} µs`);
}
