// `./sailau start`: the simulated polling station.
//
// Today it runs the voting booth: a voting terminal's firmware on the Node host with a
// simulated card reader, drawn as text in this window (hosts/node/terminal-cli.ts), with the
// precinct computer's part (sample election, keys, activated cards) played for it. The whole
// station — precinct computer, four terminals, the accumulator and the portable ballot over
// loopback links, with a scripted day — is the next step (issue 10).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log(`./sailau start [--election presidential|mazhilis|maslikhat] [--width N]

Starts a voting terminal in this window, on simulated hardware, ready to vote:
  i  insert a freshly activated voter card     r  remove the card
  n  (a number) touch button [n] on the screen  1 / 2  the physical buttons
  s  status     t <seconds>  let time pass      q  quit

The precinct computer's commands: npx tsx precinct/cli.ts --help`);
  process.exit(0);
}

console.log('sailau — simulated voting booth (type "i" to insert an activated card, "q" to quit)\n');
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'hosts/node/terminal-cli.ts'), ...args], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
