// The command line's plumbing: where output goes, how answers are asked for, how arguments
// are read. Kept apart so tests run commands with scripted answers and captured output.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks one question; `hidden` for passwords (not echoed on a terminal). */
  ask(question: string, options?: { hidden?: boolean }): Promise<string>;
  env: Record<string, string | undefined>;
}

/** A wrong command line: exit status 2 and the usage. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) { super(message); this.name = 'UsageError'; }
}

export interface Args {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

/** `--name value` options (those in `valued`), `--flag` flags, and positionals. */
export function parseArgs(argv: string[], valued: readonly string[], command?: string): Args {
  const a: Args = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq > 0 ? t.slice(2, eq) : t.slice(2);
      if (valued.includes(name)) {
        const v = eq > 0 ? t.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`, command);
        a.options.set(name, [...(a.options.get(name) ?? []), v]);
      } else {
        if (eq > 0) throw new UsageError(`--${name} takes no value`, command);
        a.flags.add(name);
      }
    } else a.positional.push(t);
  }
  return a;
}

export function option(a: Args, name: string): string | undefined {
  const v = a.options.get(name);
  return v?.[v.length - 1];
}

export function requireOption(a: Args, name: string, command: string): string {
  const v = option(a, name);
  if (v === undefined) throw new UsageError(`--${name} is required`, command);
  return v;
}

export function checkFlags(a: Args, allowed: readonly string[], command: string): void {
  for (const f of a.flags) if (!allowed.includes(f)) throw new UsageError(`unknown option --${f}`, command);
}

/** 64 hex digits given inline or in a file (lines starting with # are comments). */
export function readKey(text: string, what: string, command: string): Uint8Array {
  let t = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(t)) {
    try {
      t = readFileSync(text, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).join('');
    } catch {
      throw new UsageError(`${what}: "${text}" is neither 64 hex digits nor a readable key file`, command);
    }
  }
  t = t.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new UsageError(`${what}: expected 64 hex digits`, command);
  return Uint8Array.from(t.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** The process's own terminal: stdout, stderr, questions on stdin. */
export function processIo(): CliIo {
  return {
    out: (l) => { process.stdout.write(`${l}\n`); },
    err: (l) => { process.stderr.write(`${l}\n`); },
    env: process.env,
    ask(question, options = {}) {
      return new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
        if (options.hidden && process.stdin.isTTY) {
          // Echo nothing after the question (the chairman types the start password in front of observers).
          const w = (rl as unknown as { _writeToOutput: (s: string) => void });
          w._writeToOutput = (s: string) => { if (s.startsWith(question)) process.stdout.write(question); };
        }
        rl.question(question, (answer) => {
          rl.close();
          if (options.hidden && process.stdin.isTTY) process.stdout.write('\n');
          resolve(answer);
        });
      });
    },
  };
}
