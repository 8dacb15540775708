// Portable-ballot figures: flash bytes per home voter (list slot) and per vote (slot), the
// flash a whole precinct takes, loading 3,000 voters, search by number and by name, and the
// device's work per home voter (identify, confirm, flow, code, seal, store, mark, hand back)
// on Node with the pure-TS crypto the XS build uses and with Node's native crypto.
// Node timings; XS on the device is slower by a large constant factor (tests/portable-xs.test.ts
// reports XS's compute meter for one home voter).
import { SimFlash } from '../runtime/flash/sim';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import { encodeCbor } from '../protocol/cbor';
import type { CryptoPort } from '../protocol/crypto/port';
import { sampleVoters } from '../precinct/sample-register';
import { PRECINCT_LAYOUT, PRECINCT_LAYOUT_BLOCKS, PORTABLE_SLOT_BYTES } from '../portable-ballot/device';
import { VOTER_SLOT_BYTES, voterBytes, type HomeVoter } from '../portable-ballot/voter-list';
import { configureAndOpen, fixture, makePortable, readUpload, seeded, voteAtHome } from '../tests/portable-helpers';

const now = () => performance.now();

const voters: HomeVoter[] = sampleVoters({ seed: 11, count: 3000 }).map((v, i) => ({
  registerNo: v.registerNo, surname: v.surname, firstName: v.firstName, patronymic: v.patronymic, birthDate: v.birthDate,
  address: v.address, appliedAt: `2025-02-28 1${i % 10}:00`,
}));
const bodies = voters.map((v) => voterBytes(v).length);
console.log('flash per home voter (list):');
console.log(`  slot ${VOTER_SLOT_BYTES} B (32 B header with mark and session bits + record); records of the sample register: mean ${(bodies.reduce((a, b) => a + b, 0) / bodies.length).toFixed(0)} B, max ${Math.max(...bodies)} B`);

async function run(label: string, crypto: CryptoPort, n: number): Promise<void> {
  const f = fixture(crypto);
  const flash = new SimFlash(PRECINCT_LAYOUT_BLOCKS);
  const rig = makePortable(f, flash, seeded(crypto, label), { layout: PRECINCT_LAYOUT });
  let t0 = now();
  await configureAndOpen(f, rig, voters);
  const load = now() - t0;
  t0 = now();
  for (let i = 0; i < 3000; i += 3) rig.dev.findByRegisterNo(voters[i].registerNo);
  const byNo = (now() - t0) / 1000;
  t0 = now();
  for (let i = 0; i < 50; i++) rig.dev.searchByName(voters[i * 60].surname.slice(0, 4), 10);
  const byName = (now() - t0) / 50;
  const ops0 = flash.programOps;
  t0 = now();
  for (let i = 0; i < n; i++) voteAtHome(rig, i * 7, 1 + (i % 3));
  const perVoter = (now() - t0) / n;
  const opsPerVoter = (flash.programOps - ops0) / n;
  rig.dev.close();
  const up = readUpload(rig);
  const pair = encodeCbor([up.votes[0].activation, up.votes[0].vote]).length;
  console.log(`\n${label}:`);
  console.log(`  load 3,000 voters (election, setup, list with digest, self-test, open): ${load.toFixed(0)} ms`);
  console.log(`  find by register number: ${(byNo * 1000).toFixed(1)} µs; name prefix over 3,000: ${byName.toFixed(2)} ms`);
  console.log(`  per home voter: ${perVoter.toFixed(2)} ms, ${opsPerVoter.toFixed(1)} flash programs (${n} voters)`);
  console.log(`  vote record stored: ${pair} B ([activation ${up.votes[0].activation.length} B, vote ${up.votes[0].vote.length} B]) in a ${PORTABLE_SLOT_BYTES} B slot`);
}

const blocks = PRECINCT_LAYOUT.voters.blockCount + PRECINCT_LAYOUT.slots.blockCount;
console.log(`\nwhole precinct layout: ${PRECINCT_LAYOUT_BLOCKS} blocks of 4 KiB (${(PRECINCT_LAYOUT_BLOCKS * 4 / 1024).toFixed(2)} MiB): list ${PRECINCT_LAYOUT.voters.blockCount} blocks (${PRECINCT_LAYOUT.voters.blockCount * 16} voters), votes ${PRECINCT_LAYOUT.slots.blockCount} blocks (${PRECINCT_LAYOUT.slots.blockCount * 8} votes); ${VOTER_SLOT_BYTES + PORTABLE_SLOT_BYTES} B per home voter who votes (${blocks} blocks for both stores)`);
await run('pure-TS crypto (as on XS)', nobleCrypto, 40);
await run('Node native crypto', nodeCrypto, 200);
