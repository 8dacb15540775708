// A whole polling-station day on one machine (precinct/station/day.ts), timed per stage:
// the register of 3,000, 2,800 voters at four terminals and 200 at home on the portable
// ballot; every device's firmware on the Node host, linked over loopback TCP.
//   (1) TCP links, no faults — the day `./sailau start --scripted --voters 2800 --home 200` runs;
//   (2) memory links with the full-day test's faults (tests/station-day.test.ts).
// Crypto: Node's native port (hosts/node/crypto.ts) for the devices and the precinct
// computer; `--noble` runs the devices and the precinct on the pure-TS port instead.
// Options: --voters N --home N --terminals N (defaults 2800, 200, 4); --only tcp|faults.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import { runDay, DAY_FAULTS, NO_FAULTS, STAGES, type DayResult } from '../precinct/station/day';

function opt(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const only = (() => { const i = process.argv.indexOf('--only'); return i > 0 ? process.argv[i + 1] : undefined; })();
const voters = opt('voters', 2800);
const home = opt('home', 200);
const terminals = opt('terminals', 4);
const crypto = process.argv.includes('--noble') ? nobleCrypto : nodeCrypto;

function print(title: string, r: DayResult): void {
  console.log(`\n${title}`);
  console.log(`  whole day             ${(r.totalMs / 1000).toFixed(1).padStart(8)} s   (${r.votersInPremises + r.votersAtHome} ballots, protocol ${r.verified ? 'verifies' : 'DOES NOT VERIFY'})`);
  for (const s of STAGES) console.log(`  ${s.padEnd(20)}  ${(r.stageMs[s] / 1000).toFixed(2).padStart(8)} s`);
  const perVoter = (r.stageMs.admissions + r.stageMs.voting + r.stageMs.accumulation) / r.votersInPremises;
  console.log(`  per voter in premises ${perVoter.toFixed(2).padStart(8)} ms (admission + booth + accumulator)`);
  const f = r.faults;
  if (f.linkDrops + f.writerPulls + f.accumulatorPulls + f.terminalTears + f.terminalPowerCuts + f.accumulatorPowerCuts + f.precinctRestarts > 0) {
    console.log(`  faults: ${f.linkDrops} links dropped, ${f.writerPulls} cards pulled at the writer, ${f.accumulatorPulls} at the accumulator, ${f.terminalTears} torn out of a terminal mid-write (${f.tornWithVote} holding the vote), ${f.terminalPowerCuts} terminal + ${f.accumulatorPowerCuts} accumulator power cuts, ${f.precinctRestarts} precinct computer restarts`);
  }
}

async function day(title: string, transport: 'tcp' | 'memory', faults: typeof NO_FAULTS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-bench-day-'));
  try {
    print(title, await runDay({ dir, voters, home, terminals, seed: 2028, transport, faults, crypto }));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

console.log(`a polling-station day: ${voters} voters at ${terminals} terminals, ${home} at home; crypto ${crypto === nobleCrypto ? 'noble (pure TS)' : 'Node native'}`);
if (only !== 'faults') await day('(1) loopback TCP, no faults', 'tcp', NO_FAULTS);
if (only !== 'tcp') await day('(2) memory links, with the full-day test\'s faults', 'memory', DAY_FAULTS);
