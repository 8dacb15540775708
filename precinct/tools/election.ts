// The election authority's tool for election definitions (Node side).
//   npx tsx precinct/tools/election.ts --help
// Builds what devices load: JSON source -> candidates ordered, validated, encoded, signed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { fromHex, toHex, ProtocolError } from '../../protocol/bytes';
import { nobleCrypto } from '../../protocol/crypto/noble';
import {
  ballotLines, decodeElection, decodeSignedElection, electionFingerprint, electionSignatureMessage, encodeElection,
  encodeSignedElection, formatIssue, prepareElectionJson, shortFingerprint, signElection, verifySignedElection,
  ElectionError, ElectionInvalidError, type ElectionDefinition, type ValidationIssue,
} from '../../protocol/election/index';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `sailau election definitions

usage: npx tsx precinct/tools/election.ts <command> [arguments] [--help]

commands:
  check <file.json>
      Check a definition source: prints every problem with its field path (exit 1),
      or a summary of the ballot and its fingerprint-to-be (exit 0).
  build <file.json> --key <authority-secret-key-file> --out <file> [--force]
      Put candidates in Kazakh alphabetical order, validate, encode and sign.
      Writes the signed definition devices load (suggested suffix .election.cbor).
  fingerprint <file>
      Print the SHA-256 fingerprint (full and short) of a signed definition or a JSON source.
  verify <file> --trust <authority-public-key-file> [--trust <file> ...]
      Check a signed definition as a device does: trusted key, signature, every rule.
  show <file>
      Print the ballot of a signed definition or a JSON source, line by line.
  keygen --out <file> [--force]
      Make an election authority key pair: <file> (secret, keep offline) and <file>.pub.

Key files are hex text (64 hex digits); lines starting with # are comments.
Exit status: 0 done, 1 the input has problems, 2 the command line is wrong.`;

const HELP: Record<string, string> = {
  check: `usage: npx tsx precinct/tools/election.ts check <file.json>

Validates the JSON source of an election definition the way build does, after
ordering candidates. Prints every problem as  <field path>: <rule> (<detail>)
and exits 1; when there is none prints the ballot summary and exits 0.
See docs/election-definition.md for the fields and rules.`,
  build: `usage: npx tsx precinct/tools/election.ts build <file.json> --key <secret-key-file> --out <file> [--force]

Orders candidates (Kazakh alphabet: surname, first name, patronymic), keeps parties
in the order given (the order drawn by lot), validates, encodes (deterministic CBOR)
and signs with the election authority's Ed25519 key. Refuses to overwrite --out
unless --force. Prints the size and the fingerprint to compare on the devices.`,
  fingerprint: `usage: npx tsx precinct/tools/election.ts fingerprint <file>

<file> is a signed definition (from build), a bare encoded definition, or a JSON source.
Prints the SHA-256 of the encoded definition and its short form (first 10 bytes),
which devices show and protocols print.`,
  verify: `usage: npx tsx precinct/tools/election.ts verify <file> --trust <public-key-file> [--trust ...]

Does what a device does with a signed definition: accepts it only if signed by one of
the trusted authority keys, with a valid signature, and every rule holds.`,
  show: `usage: npx tsx precinct/tools/election.ts show <file>

Prints the ballot (both languages), contest by contest, with the option ids votes use.`,
  keygen: `usage: npx tsx precinct/tools/election.ts keygen --out <file> [--force]

Writes a new Ed25519 key pair: <file> holds the secret key (mode 600; keep it offline),
<file>.pub the public key that devices are provisioned with.`,
};

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

const VALUE_OPTIONS = new Set(['--key', '--out', '--trust']);
const FLAG_OPTIONS = new Set(['--force', '--help', '-h']);

function parseArgs(argv: string[]): Args {
  const args: Args = { command: '', positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (VALUE_OPTIONS.has(a)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a file name after it`);
      args.options.set(a, [...(args.options.get(a) ?? []), v]);
    } else if (FLAG_OPTIONS.has(a)) args.flags.add(a === '-h' ? '--help' : a);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (args.command === '') args.command = a;
    else args.positional.push(a);
  }
  return args;
}

function one(args: Args, name: string, what: string): string {
  const v = args.options.get(name);
  if (!v) throw new UsageError(`${args.command} needs ${name} <${what}>`);
  if (v.length > 1) throw new UsageError(`give ${name} once`);
  return v[0];
}

function onlyFile(args: Args, what: string): string {
  if (args.positional.length !== 1) throw new UsageError(`${args.command} takes one ${what}`);
  return args.positional[0];
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError([`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(e)}`]);
  }
}

/** Bad input (not bad usage): lines to print, exit 1. */
class InputError extends Error {
  constructor(readonly lines: string[]) { super(lines.join('\n')); }
}

function readKeyFile(path: string, kind: 'secret' | 'public'): Uint8Array {
  const text = readFile(path).toString('utf8');
  const hex = text.split('\n').filter((l) => !l.trim().startsWith('#')).join('').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InputError([`${path} is not a ${kind} key file: expected 64 hex digits (lines starting with # are comments)`,
      kind === 'secret' ? 'make one with: npx tsx precinct/tools/election.ts keygen --out <file>' : 'use the .pub file written by keygen']);
  }
  return fromHex(hex);
}

function issueLines(file: string, issues: readonly ValidationIssue[]): string[] {
  return [`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`, ...issues.map((i) => `  ${formatIssue(i)}`)];
}

function prepareFile(file: string): { definition: ElectionDefinition; notes: string[] } {
  const r = prepareElectionJson(readFile(file).toString('utf8'));
  if (!r.ok) {
    throw new InputError([...issueLines(file, r.issues), 'fix these in the JSON and run check again; fields and rules: docs/election-definition.md']);
  }
  return r;
}

/** A file given to fingerprint/show: JSON source, signed envelope or bare encoding. */
function loadAny(file: string): { definition: ElectionDefinition; encoded: Uint8Array; signedBy?: Uint8Array; signatureOk?: boolean; source: string } {
  const raw = readFile(file);
  const first = raw.toString('utf8', 0, 64).replace(/^\uFEFF/, '').trimStart();
  if (first.startsWith('{')) {
    const { definition } = prepareFile(file);
    return { definition, encoded: encodeElection(definition), source: 'JSON source (not signed)' };
  }
  const bytes = new Uint8Array(raw);
  try {
    const s = decodeSignedElection(bytes);
    const definition = decodeElection(s.definition);
    const signatureOk = nobleCrypto.ed25519Verify(s.signature, electionSignatureMessage(s.definition), s.authorityKey);
    return { definition, encoded: s.definition, signedBy: s.authorityKey, signatureOk, source: 'signed definition' };
  } catch (e) {
    if (!(e instanceof ElectionError) || e.code !== 'election-malformed') throw e;
    try {
      return { definition: decodeElection(bytes), encoded: bytes, source: 'encoded definition (not signed)' };
    } catch {
      throw e; // the envelope's reason is the more useful one
    }
  }
}

function summary(d: ElectionDefinition): string[] {
  const lines = [`${d.electionId}: ${d.title.kk} / ${d.title.ru}`, `date ${d.date}, precinct ${d.precinct}, voting ${d.votingHours.opens}–${d.votingHours.closes}`];
  for (const c of d.contests) {
    const extras = [c.againstAll ? 'against-all line' : '', c.blankAllowed ? 'may be left blank' : 'one mark required'].filter(Boolean).join(', ');
    lines.push(`contest ${c.id} (${c.kind}, ${c.options.length} options; ${extras}): ${c.title.kk}`);
  }
  return lines;
}

function fingerprintLines(encoded: Uint8Array): string[] {
  const fp = electionFingerprint(encoded, nobleCrypto);
  return [`fingerprint ${shortFingerprint(fp)}`, `sha256      ${toHex(fp)}`, `size        ${encoded.length} bytes`];
}

function writeNew(path: string, data: Uint8Array | string, force: boolean, mode?: number): void {
  if (!force && existsSync(path)) throw new InputError([`${path} exists; choose another --out or add --force to overwrite it`]);
  writeFileSync(path, data, mode === undefined ? undefined : { mode });
}

function commandCheck(args: Args, io: Io): number {
  const file = onlyFile(args, 'JSON file');
  const { definition, notes } = prepareFile(file);
  io.out(`${file}: valid`);
  for (const n of notes) io.out(`note: ${n}`);
  for (const l of summary(definition)) io.out(l);
  for (const l of fingerprintLines(encodeElection(definition))) io.out(l);
  return 0;
}

function commandBuild(args: Args, io: Io): number {
  const file = onlyFile(args, 'JSON file');
  const keyFile = one(args, '--key', 'authority-secret-key-file');
  const outFile = one(args, '--out', 'file');
  const secret = readKeyFile(keyFile, 'secret');
  const { definition, notes } = prepareFile(file);
  const encoded = encodeElection(definition);
  const signed = encodeSignedElection(signElection(encoded, secret, nobleCrypto));
  writeNew(outFile, signed, args.flags.has('--force'));
  for (const n of notes) io.out(`note: ${n}`);
  io.out(`wrote ${outFile} (${signed.length} bytes, signed by ${toHex(nobleCrypto.ed25519PublicKey(secret))})`);
  for (const l of fingerprintLines(encoded)) io.out(l);
  return 0;
}

function commandFingerprint(args: Args, io: Io): number {
  const file = onlyFile(args, 'file');
  const a = loadAny(file);
  io.out(`${file}: ${a.source}, ${a.definition.electionId}, precinct ${a.definition.precinct}`);
  for (const l of fingerprintLines(a.encoded)) io.out(l);
  if (a.signedBy) {
    io.out(`signed by   ${toHex(a.signedBy)} (${a.signatureOk ? 'signature valid for this key' : 'SIGNATURE DOES NOT VERIFY'}; whether the key is trusted: use verify --trust)`);
    return a.signatureOk ? 0 : 1;
  }
  return 0;
}

function commandVerify(args: Args, io: Io): number {
  const file = onlyFile(args, 'signed definition file');
  const trustFiles = args.options.get('--trust');
  if (!trustFiles) throw new UsageError('verify needs at least one --trust <authority-public-key-file>');
  const keys = trustFiles.map((f) => readKeyFile(f, 'public'));
  const v = verifySignedElection(new Uint8Array(readFile(file)), keys, nobleCrypto);
  io.out(`${file}: accepted (signed by trusted key ${toHex(v.authorityKey)})`);
  for (const l of summary(v.definition)) io.out(l);
  for (const l of fingerprintLines(v.definitionBytes)) io.out(l);
  return 0;
}

function commandShow(args: Args, io: Io): number {
  const a = loadAny(onlyFile(args, 'file'));
  for (const l of summary(a.definition)) io.out(l);
  for (const c of a.definition.contests) {
    io.out('');
    io.out(`[${c.id}] ${c.title.kk}`);
    io.out(`    ${c.title.ru}`);
    for (const line of ballotLines(c)) {
      io.out(`  ${String(line.optionId).padStart(4)}  ${line.text.kk}${line.detail ? ` — ${line.detail.kk}` : ''}`);
      io.out(`        ${line.text.ru}${line.detail ? ` — ${line.detail.ru}` : ''}`);
    }
  }
  io.out('');
  io.out(fingerprintLines(a.encoded)[0]);
  return 0;
}

function commandKeygen(args: Args, io: Io): number {
  if (args.positional.length > 0) throw new UsageError('keygen takes no file name except after --out');
  const outFile = one(args, '--out', 'file');
  const force = args.flags.has('--force');
  const secret = new Uint8Array(randomBytes(32));
  const pub = nobleCrypto.ed25519PublicKey(secret);
  if (!force && existsSync(`${outFile}.pub`)) throw new InputError([`${outFile}.pub exists; choose another --out or add --force`]);
  writeNew(outFile, `# sailau election authority SECRET key (Ed25519 seed). Keep offline.\n${toHex(secret)}\n`, force, 0o600);
  writeNew(`${outFile}.pub`, `# sailau election authority public key (Ed25519). Provision devices with it.\n${toHex(pub)}\n`, true);
  io.out(`wrote ${outFile} (secret) and ${outFile}.pub (public ${toHex(pub)})`);
  return 0;
}

const COMMANDS: Record<string, (args: Args, io: Io) => number> = {
  check: commandCheck, build: commandBuild, fingerprint: commandFingerprint, verify: commandVerify, show: commandShow, keygen: commandKeygen,
};

/** Runs one command line; returns the exit status. Never throws for bad input or usage. */
export function run(argv: string[], io: Io): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.err(`error: ${(e as Error).message}`);
    io.err('see: npx tsx precinct/tools/election.ts --help');
    return 2;
  }
  if (args.command === '' || args.command === 'help') {
    if (args.command === '' && !args.flags.has('--help')) { io.err(USAGE); return 2; }
    io.out(args.positional[0] && HELP[args.positional[0]] ? HELP[args.positional[0]] : USAGE);
    return 0;
  }
  const command = COMMANDS[args.command];
  if (!command) {
    io.err(`error: unknown command "${args.command}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    io.err('see: npx tsx precinct/tools/election.ts --help');
    return 2;
  }
  if (args.flags.has('--help')) { io.out(HELP[args.command]); return 0; }
  try {
    return command(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      io.err(`see: npx tsx precinct/tools/election.ts ${args.command} --help`);
      return 2;
    }
    if (e instanceof InputError) { for (const l of e.lines) io.err(l); return 1; }
    if (e instanceof ElectionInvalidError) {
      for (const l of issueLines(args.positional[0] ?? '', e.issues)) io.err(l);
      return 1;
    }
    if (e instanceof ProtocolError) {
      io.err(`${args.positional[0] ?? ''}: refused: ${e.message}`);
      io.err(hint(e.code));
      return 1;
    }
    throw e;
  }
}

function hint(code: string): string {
  switch (code) {
    case 'election-unknown-key': return 'the file was signed by another authority key: check the --trust files, or rebuild it with the right --key';
    case 'election-bad-signature': return 'the file was altered after signing (or damaged in transfer): rebuild it from the JSON source with build';
    case 'election-version': return 'the file was made by another version of this tool: rebuild it from the JSON source';
    default: return 'is this a file written by build, or a JSON source? see --help';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = run(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
}
