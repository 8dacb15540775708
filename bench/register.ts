// Precinct register figures: import of 3,000 voters (parse + validate + one transaction,
// synchronous=FULL on a temp file), lookup by IIN, prefix search by name, admission
// (two commits, no card I/O), event-log append and verification.
import { performance } from 'node:perf_hooks';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister, findByIin, searchByName } from '../precinct/register';
import { sampleRegisterCsv, sampleVoters } from '../precinct/sample-register';
import { createAdmissionDesk } from '../precinct/admission';
import { verifyEventLog, eventLog } from '../precinct/event-log';

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

const csv = sampleRegisterCsv({ seed: 1 });
const voters = sampleVoters({ seed: 1 });
console.log(`register CSV: ${voters.length} voters, ${(Buffer.byteLength(csv) / 1024).toFixed(0)} KiB UTF-8`);

const runs: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = tempDb();
  const [, ms] = time(() => importRegister(t.db, csv, manualClock().clock));
  runs.push(ms);
  t.dispose();
}
runs.sort((a, b) => a - b);
console.log(`import 3,000 voters: median ${fmt(runs[2])} (min ${fmt(runs[0])}, max ${fmt(runs[4])}) over 5 runs`);

const t = tempDb();
const mc = manualClock();
importRegister(t.db, csv, mc.clock);

const iins = voters.map((v) => v.iin);
for (let i = 0; i < 1000; i++) findByIin(t.db, iins[i % iins.length]); // warm-up
const [, iinMs] = time(() => { for (let i = 0; i < 30000; i++) findByIin(t.db, iins[(i * 7919) % iins.length]); });
console.log(`lookup by IIN: ${fmt(iinMs / 30000)} per lookup (30,000 lookups)`);

const queries = voters.map((v) => `${v.surname} ${v.firstName.slice(0, 2)}`.toUpperCase());
const [, nameMs] = time(() => { for (let i = 0; i < 10000; i++) searchByName(t.db, queries[(i * 31) % queries.length]); });
console.log(`search by name (surname + 2 letters, upper case, ≤20 rows): ${fmt(nameMs / 10000)} per search`);
const [hits, shortMs] = time(() => searchByName(t.db, 'к', 20));
console.log(`search by one letter ('к', first 20 of many): ${fmt(shortMs)} (${hits.length} rows)`);

const desk = createAdmissionDesk({ db: t.db, clock: mc.clock, activateCard: async () => {} });
const t0 = performance.now();
for (let n = 1; n <= 500; n++) await desk.admit(n);
console.log(`admission (pending + admitted commits, fsync each, no card I/O): ${fmt((performance.now() - t0) / 500)} per voter`);

const log = eventLog(t.db, mc.clock);
const [, appendMs] = time(() => { for (let i = 0; i < 2000; i++) log.append({ event: 'bench', disposition: 'info', detail: { i } }); });
console.log(`event log append (own transaction, fsync): ${fmt(appendMs / 2000)} per event`);
const [v, verifyMs] = time(() => verifyEventLog(t.db));
console.log(`event log verify: ${fmt(verifyMs)} for ${v.count} rows`);
t.dispose();
