// `./sailau start`: a simulated polling station on this machine — the precinct computer
// (SQLite database in the work folder), voting terminals, the card accumulator and the
// portable ballot, each device's firmware on the Node host with simulated hardware, linked
// over loopback TCP, with the sample register (3,000 generated voters) and a sample election.
//
//   --scripted / --day   the whole day unattended (precinct/station/day.ts), with progress
//   (default)            by hand: the commission member's prompt (precinct/station/by-hand.ts)
//
// docs/station.md describes the options and the commands.
import { join } from 'node:path';
import { runDay, DAY_FAULTS, NO_FAULTS, STAGES, type Progress } from './station/day';
import { runByHand } from './station/by-hand';

const HELP = `./sailau start [options]        a simulated polling station on this machine

  --scripted, --day   run the whole day unattended, with a progress line
  (without)           by hand: a prompt with the precinct computer's commands (type "help")

  --dir <folder>      work folder (default ./var/station)
  --fresh             start over (deletes the folder's precinct database)
  --voters N          voters at the terminals (scripted; default 300, 2800 for a full day)
  --terminals N       voting terminals (default 4)
  --home N            voters at home on the portable ballot (scripted; default 20, at most 200)
  --seed S            seed of the voters' choices (scripted; default 1)
  --election NAME     mazhilis (default), presidential or maslikhat
  --faults            scripted: inject faults (links dropped, cards pulled, power cuts, restarts)
  --memory            memory links instead of loopback TCP`;

function value(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

function num(args: string[], name: string, fallback: number): number {
  const v = value(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number`);
  return n;
}

function fmt(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

async function scripted(args: string[], dir: string): Promise<number> {
  const voters = num(args, 'voters', 300);
  const home = num(args, 'home', 20);
  const tty = process.stdout.isTTY;
  let last = '';
  const progress = (p: Progress): void => {
    const line = `[${fmt(p.elapsedMs)}] ${p.stage.padEnd(12)} ${p.total > 1 ? `${p.done} / ${p.total}` : ''}`;
    if (tty) process.stdout.write(`\r${line.padEnd(last.length)}`);
    else if (p.total <= 1 || p.done % Math.max(1, Math.round(p.total / 10)) === 0 || p.done === p.total) console.log(line);
    last = line;
  };
  console.log(`sailau — a polling-station day: ${voters} voters at ${num(args, 'terminals', 4)} terminals, ${home} at home; work folder ${dir}`);
  const r = await runDay({
    dir, fresh: args.includes('--fresh'), voters, home, terminals: num(args, 'terminals', 4), seed: num(args, 'seed', 1),
    election: value(args, 'election') ?? 'mazhilis', transport: args.includes('--memory') ? 'memory' : 'tcp',
    faults: args.includes('--faults') ? DAY_FAULTS : NO_FAULTS, progress,
  });
  if (tty) process.stdout.write('\n');
  console.log(`\nthe day took ${fmt(r.totalMs)} (${r.totalMs} ms):`);
  for (const s of STAGES) console.log(`  ${s.padEnd(14)}${String(Math.round(r.stageMs[s])).padStart(8)} ms`);
  for (const t of r.count.count.tallies) {
    console.log(`contest ${t.contestId}: ${t.ballots} ballots`);
    for (const o of t.options) console.log(`    option ${String(o.optionId).padStart(3)}  ${String(o.votes).padStart(6)}`);
    if (t.againstAll !== null) console.log(`    against all ${String(t.againstAll).padStart(6)}`);
  }
  const f = r.faults;
  if (args.includes('--faults')) console.log(`faults: ${f.linkDrops} links dropped, ${f.writerPulls} + ${f.accumulatorPulls} cards pulled (writer + accumulator), ${f.terminalTears} torn out of a terminal mid-write (${f.tornWithVote} holding the vote), ${f.terminalPowerCuts} + ${f.accumulatorPowerCuts} power cuts (terminals + accumulator), ${f.precinctRestarts} precinct computer restarts`);
  console.log(`\nthe signed protocol (${r.verified ? 'verifies' : 'DOES NOT VERIFY'}): ${r.files.protocol}`);
  console.log(`its PDF:                  ${r.files.pdf}`);
  console.log(`NIST SP 1500-100 export:  ${r.files.nist}`);
  console.log(`precinct database:        ${r.files.db}   (npx tsx precinct/cli.ts protocol verify ${r.files.protocol} --db ${r.files.db})`);
  return r.verified ? 0 : 1;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) { console.log(HELP); return 0; }
  const dir = value(args, 'dir') ?? join(process.cwd(), 'var', 'station');
  if (args.includes('--scripted') || args.includes('--day')) return scripted(args, dir);
  return runByHand({ dir, fresh: args.includes('--fresh'), terminals: num(args, 'terminals', 4), election: value(args, 'election') ?? 'mazhilis', transport: args.includes('--memory') ? 'memory' : 'tcp' });
}

main().then((code) => process.exit(code), (e: unknown) => { console.error(`\n${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
