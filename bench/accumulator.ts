// Accumulator figures: device work per card (Node wall time, with the pure-TS crypto the device
// uses and with native crypto), flash per stored vote and for a whole precinct, the read-out of
// 3,000 votes at 115200 baud computed from the bytes on the wire, and the XS compute meter of
// one accepted and one refused card.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SimFlash } from '../runtime/flash/sim';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardClient } from '../runtime/card-client';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import type { CryptoPort } from '../protocol/crypto/port';
import { encodeRequest, encodeResponse } from '../protocol/wire/envelope';
import { encodeFrame, FrameKind } from '../protocol/wire/frame';
import { DAY_BLOCKS, DAY_LAYOUT, configureAndOpen, fixture, makeAccumulator, seeded, votedRecords } from '../tests/accumulator-helpers';

const now = () => performance.now();
const VOTERS = 3000;
const BAUD = 115200;
const BYTES_PER_SECOND = BAUD / 10; // 8N1: a start and a stop bit per byte

async function cardFor(crypto: CryptoPort, f: ReturnType<typeof fixture>, label: string) {
  const r = votedRecords(f, seeded(crypto, label));
  const card = new SimulatedCard();
  const rd = new SimulatedCardReader();
  rd.insert(card);
  const c = new CardClient(rd, crypto);
  await c.connect();
  await c.activate(r.activation);
  await c.writeVote(r.vote);
  rd.remove();
  return { card, r };
}

async function perCard(name: string, crypto: CryptoPort, cards: number): Promise<{ ms: number; voteBytes: number; journalBytesPerCard: number; flash: SimFlash; f: ReturnType<typeof fixture>; rig: ReturnType<typeof makeAccumulator> }> {
  const f = fixture(crypto);
  const flash = new SimFlash(DAY_BLOCKS);
  const reader = new SimulatedCardReader();
  const rig = makeAccumulator(f, flash, reader, seeded(crypto, 'bench-device'), DAY_LAYOUT);
  await configureAndOpen(f, rig);
  const prepared = [];
  for (let i = 0; i < cards; i++) prepared.push(await cardFor(crypto, f, `bench-${i}`));
  const journalBefore = rig.acc.journal.stats().bytesUsed;
  let total = 0;
  const cpu0 = process.cpuUsage();
  for (const { card } of prepared) {
    reader.insert(card);
    const t0 = now();
    const out = await rig.acc.takeCard();
    total += now() - t0;
    reader.remove();
    if (out.result !== 'accepted') throw new Error(`card not accepted: ${JSON.stringify(out)}`);
  }
  const cpu = process.cpuUsage(cpu0);
  const journalBytesPerCard = (rig.acc.journal.stats().bytesUsed - journalBefore) / cards;
  // wall time is what was asked; CPU time (which includes the insert/remove bookkeeping) is steadier on a shared machine
  console.log(`  ${name.padEnd(24)} ${(total / cards).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / cards).toFixed(2)} ms CPU per card  (${cards} cards)`);
  return { ms: total / cards, voteBytes: prepared[0].r.vote.length, journalBytesPerCard, flash, f, rig };
}

console.log('device work per accepted card (Node; read 2 records over the simulated reader, 2 Ed25519 verifies, duplicate look-up, slot write, log record, CLEAR):');
const noble = await perCard('pure-TS crypto (device)', nobleCrypto, 200);
await perCard('native crypto', nodeCrypto, 200);

// ---- flash ----
const st = noble.rig.acc.slots.stats();
const slotsPerBlock = noble.rig.acc.slots.slotsPerBlock;
const flashPerSlot = 4096 / slotsPerBlock;
const perVote = flashPerSlot + noble.journalBytesPerCard;
const slotsNeeded = Math.ceil(VOTERS * 1.2);
const slotBlocks = Math.ceil(slotsNeeded / slotsPerBlock);
const journalBlocks = Math.ceil((VOTERS * noble.journalBytesPerCard * 1.3) / 4064);
console.log('\nflash per stored vote:');
console.log(`  vote record (as on the card)      ${noble.voteBytes} B  (one contest; HPKE ciphertext of a 128-byte padded plaintext)`);
console.log(`  slot                              ${st.slotBytes} B, ${slotsPerBlock} per 4 KiB block = ${flashPerSlot.toFixed(1)} B of flash; header 26 B, room for a vote of ${st.maxVoteBytes} B`);
console.log(`  event-log record per card         ${noble.journalBytesPerCard.toFixed(1)} B of journal (vote-recorded entry, chained)`);
console.log(`  total                             ${perVote.toFixed(1)} B per vote`);
console.log(`  a precinct: ${VOTERS} voters + 20 % = ${slotsNeeded} slots = ${slotBlocks} blocks (${(slotBlocks * 4).toFixed(0)} KiB) + journal ~${journalBlocks} blocks (${journalBlocks * 4} KiB, +30 % for refusals and restarts) = ${((slotBlocks + journalBlocks) * 4 / 1024).toFixed(2)} MiB of the 2 MiB data partition`);
console.log(`  RAM index: 3 bytes per slot = ${((slotBlocks * slotsPerBlock * 3) / 1024).toFixed(1)} KiB for ${slotBlocks * slotsPerBlock} slots`);

// ---- read-out ----
// Fill the store to 3,000 votes (copies of real vote records under fresh activation ids), close, page through.
const { rig } = noble;
const filler = seeded(nobleCrypto, 'filler');
const voteTemplate = [...rig.acc.slots.votes()][0];
while (rig.acc.slots.stored < VOTERS) rig.acc.slots.put(filler.randomBytes(16), voteTemplate, filler);
rig.acc.close();
const transportFrame = (envelope: Uint8Array) => encodeFrame(FrameKind.Transport, filler.randomBytes(envelope.length + 16)).length; // ciphertext looks random to COBS
let wire = 0;
let pages = 0;
let seq = 100;
const t0 = now();
for (let from = 0; ;) {
  const body = { from, limit: 64 };
  wire += transportFrame(encodeRequest({ seq, type: 'results.read', body }));
  const page = rig.acc.results(from, 64);
  wire += transportFrame(encodeResponse({ seq: seq++, ok: page as never }));
  pages++;
  if (page.records.length === 0) break;
  from = page.next;
}
const deviceMs = now() - t0;
const seconds = wire / BYTES_PER_SECOND;
console.log(`\nread-out of ${VOTERS} votes at ${BAUD} baud (8N1, ${BYTES_PER_SECOND} B/s):`);
console.log(`  ${pages} requests (≤ ${Math.floor(3800 / (voteTemplate.length + 3))} votes per answer, under the 4080-byte envelope), ${wire} bytes on the wire both ways`);
console.log(`  ${seconds.toFixed(1)} s of line time (${(wire / VOTERS).toFixed(0)} B per vote on the wire); device work to build the pages ${deviceMs.toFixed(0)} ms on Node`);

// ---- XS ----
const root = join(import.meta.dirname, '..');
const xs = (entry: string) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/xs/harness/run.ts'), join(root, entry)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { meter: { compute: number; heapSlotsAfterGc: number } };
};
const a = xs('tests/xs/accumulator-entry.ts');
const b = xs('tests/xs/accumulator-baseline.ts');
console.log(`\nXS (xsnap meter): one accepted + one refused card = ${a.meter.compute - b.meter.compute} compute units (set-up alone ${b.meter.compute}); heap slots after GC ${a.meter.heapSlotsAfterGc}`);
