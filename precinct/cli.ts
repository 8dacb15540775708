// The precinct computer's command line: a thin layer over the library (precinct/setup.ts,
// precinct/morning.ts, precinct/devices/*, admission, home voting, counters, counting,
// protocol). `npx tsx precinct/cli.ts --help` lists the day's commands in order;
// docs/precinct-computer.md explains them for the commission and the technician.
import { fileURLToPath } from 'node:url';
import { PrecinctError } from './errors';
import { DEVICE_ERROR_ADVICE, DeviceError } from './devices/errors';
import { COMMANDS, HELP, USAGE } from './cli/help';
import { RUN, systemClock, type CliContext } from './cli/commands';
import { UsageError, processIo, type CliIo } from './cli/io';

/** Runs one command line; returns the exit status (0 done, 1 refused/failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo, ctx: Partial<CliContext> = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === 'help' && rest[0] && HELP[rest[0]]) io.out(HELP[rest[0]]);
    else io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = RUN[command];
  if (!run) {
    io.err(`unknown command "${command}"; the commands are: ${COMMANDS.join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) { io.out(HELP[command]); return 0; }
  try {
    return await run(rest, { io, clock: ctx.clock ?? systemClock });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${command}: ${e.message}`);
      io.err(HELP[command]);
      return 2;
    }
    if (e instanceof DeviceError) {
      io.err(`REFUSED (${e.code}): ${bare(e)}`);
      io.err(`what to do: ${DEVICE_ERROR_ADVICE[e.code as keyof typeof DEVICE_ERROR_ADVICE] ?? 'call the technician'}`);
      return 1;
    }
    if (e instanceof PrecinctError) {
      io.err(`REFUSED (${e.code}): ${bare(e)}`);
      return 1;
    }
    const err = e as { code?: string; message?: string };
    if (err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
      io.err(`${command}: ${err.message} — check the file name and that it is readable`);
      return 1;
    }
    throw e;
  }
}

/** The message without the "code: " prefix ProtocolError puts in front. */
function bare(e: PrecinctError): string {
  return e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCli(process.argv.slice(2), processIo()).then((code) => process.exit(code), (e: unknown) => {
    process.stderr.write(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\nthe database is unchanged by the failed step; call the specialist\n`);
    process.exit(3);
  });
}
