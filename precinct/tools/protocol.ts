// Command-line tool for signed protocols: anyone holding the file checks it (verify) or
// prints and exports it (print). Exit 0 done, 1 the file has problems, 2 bad usage.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex, toHex } from '../../protocol/bytes';
import { nodeCrypto } from '../../hosts/node/crypto';
import { decodeElection, decodeSignedElection, electionFingerprint } from '../../protocol/election';
import type { ElectionDefinition } from '../../protocol/election/model';
import { protocolToJson, type ProtocolDocument } from '../protocol/document';
import { toNistReport } from '../protocol/nist';
import { renderProtocolPdf } from '../protocol/pdf';
import { verifySignedProtocol, type VerifyReport } from '../protocol/verify';
import { qrPayload } from '../protocol/sign';
import { readChairmanPublicKey } from '../keys/precinct-identity';

const USAGE = `usage: npx tsx precinct/tools/protocol.ts <command> …

commands:
  verify <file> --chairman-key <hex|key-file|sealed chairman key> [--election <election file>]
      checks the chairman's signatures and the protocol's internal consistency
      (sums per contest, reconciliation, codes against results, flags); with
      --election also that names, ids and precinct are the definition's.
      Prints every problem found.
  print <file> [--chairman-key <hex|key-file>] [--pdf <out.pdf>] [--json <out.json>]
        [--nist <out.json>] [--force]
      prints the results as text, and writes the PDF (Kazakh and Russian, figures in
      words, QR code, verification-code list), the JSON rendering, or the NIST
      SP 1500-100 v2 export. Refuses a file that does not verify unless --force.`;

export interface Io { out(line: string): void; err(line: string): void }

class UsageError extends Error {}

interface Args { command: string; positional: string[]; options: Map<string, string>; flags: Set<string> }
const VALUE = new Set(['--chairman-key', '--election', '--pdf', '--json', '--nist']);
const FLAGS = new Set(['--force', '--help', '-h']);

function parseArgs(argv: string[]): Args {
  const a: Args = { command: '', positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (VALUE.has(x)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${x} needs a value`);
      if (a.options.has(x)) throw new UsageError(`give ${x} once`);
      a.options.set(x, v);
    } else if (FLAGS.has(x)) a.flags.add(x === '-h' ? '--help' : x);
    else if (x.startsWith('-')) throw new UsageError(`unknown option ${x}`);
    else if (!a.command) a.command = x;
    else a.positional.push(x);
  }
  return a;
}

/**
 * A key given as 64 hex digits, a key file (hex text, # comments), or the chairman's sealed
 * key file (its public half is readable without the passphrase; it also names the precinct).
 */
function readKey(v: string): { key: Uint8Array; precinct: number | null } {
  if (/^[0-9a-fA-F]{64}$/.test(v)) return { key: fromHex(v), precinct: null };
  const bytes = new Uint8Array(readFileSync(v));
  try {
    const c = readChairmanPublicKey(bytes);
    return { key: c.publicKey, precinct: c.precinct };
  } catch { /* not a sealed chairman key: a hex file */ }
  const hex = new TextDecoder().decode(bytes).split('\n').filter((l) => !l.trim().startsWith('#')).join('').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError(`${v}: not a public key (64 hex digits) nor a sealed chairman key`);
  return { key: fromHex(hex), precinct: null };
}

/** The chairman's key file names a precinct: the protocol must be that precinct's. */
function checkPrecinct(r: VerifyReport, precinct: number | null): VerifyReport {
  if (precinct === null || !r.doc || r.doc.precinct === precinct) return r;
  return { ...r, ok: false, problems: [...r.problems, { code: 'wrong-precinct', path: 'precinct', detail: `the protocol is precinct ${r.doc.precinct}'s; the chairman's key is precinct ${precinct}'s` }] };
}

/** A signed election file or a bare definition encoding (its own signature is election.ts verify's job). */
function readElection(path: string): { definition: ElectionDefinition; fingerprint: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(path));
  let encoding: Uint8Array;
  try { encoding = decodeSignedElection(bytes).definition; } catch { encoding = bytes; }
  return { definition: decodeElection(encoding), fingerprint: electionFingerprint(encoding, nodeCrypto) };
}

function report(io: Io, file: string, r: VerifyReport): void {
  if (r.ok) { io.out(`${file}: OK — signed by the chairman's key, consistent${r.doc ? `; precinct ${r.doc.precinct}, ${r.doc.reconciliation.ballotsCounted} ballots counted, signed ${r.doc.signedAt}` : ''}`); return; }
  io.err(`${file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
  for (const p of r.problems) io.err(`  ${p.code} at ${p.path || '(file)'}: ${p.detail}`);
}

function summaryLines(d: ProtocolDocument): string[] {
  const r = d.reconciliation;
  const out = [
    `${d.election.title.ru} (${d.election.id}, ${d.election.date}) — участок № ${d.precinct}`,
    `fingerprint ${toHex(d.election.fingerprint)}`,
    `registered ${r.registered}; cards activated ${r.cardsActivated} = in premises ${r.votesInPremises} + spoiled ${r.cardsSpoiled} + outstanding ${r.cardsOutstanding}`,
    `home applications ${r.homeApplications}; portable: marked ${r.portableMarkedVoters}, votes ${r.portableVotes}, ${r.portableCounted ? 'counted' : 'SET ASIDE FOR THE COMMISSION\'S DECISION'}`,
    `ballots counted ${r.ballotsCounted}; records delivered ${r.recordsDelivered}, rejected ${r.recordsRejected}, duplicate ${r.recordsDuplicate}`,
  ];
  for (const c of d.contests) {
    out.push(`— ${c.title.ru}`);
    for (const o of c.options) out.push(`   ${String(o.votes).padStart(6)}  ${o.text.ru}`);
    if (c.againstAll !== null) out.push(`   ${String(c.againstAll).padStart(6)}  Против всех`);
    out.push(`   ${String(c.blank).padStart(6)}  пусто / blank`, `   ${String(c.invalid).padStart(6)}  недействительно / invalid`);
  }
  for (const a of d.anomalies) out.push(`anomaly ${a.code}${a.device ? ` [${a.device}]` : ''}: ${a.count} — ${a.detail}`);
  out.push(`${d.codes.length} verification codes; event log head #${d.eventLog.seq} ${toHex(d.eventLog.hash)}; signed ${d.signedAt}`);
  return out;
}

async function commandVerify(a: Args, io: Io): Promise<number> {
  if (a.positional.length !== 1) throw new UsageError('verify takes one file');
  const key = a.options.get('--chairman-key');
  if (!key) throw new UsageError('verify needs --chairman-key <hex|key-file>: the chairman\'s public key, obtained from the commission, not from the file');
  const election = a.options.get('--election');
  const k = readKey(key);
  const r = checkPrecinct(verifySignedProtocol(nodeCrypto, new Uint8Array(readFileSync(a.positional[0])), { chairmanKey: k.key, election: election ? readElection(election) : undefined }), k.precinct);
  report(io, a.positional[0], r);
  return r.ok ? 0 : 1;
}

async function commandPrint(a: Args, io: Io): Promise<number> {
  if (a.positional.length !== 1) throw new UsageError('print takes one file');
  const file = a.positional[0];
  const bytes = new Uint8Array(readFileSync(file));
  const given = a.options.get('--chairman-key');
  // Without an independent key the file's own key is used: that proves integrity, not authorship.
  const k = given ? readKey(given) : null;
  let r = checkPrecinct(verifySignedProtocol(nodeCrypto, bytes, { chairmanKey: k ? k.key : new Uint8Array(32) }), k ? k.precinct : null);
  if (!given && r.signed) {
    r = verifySignedProtocol(nodeCrypto, bytes, { chairmanKey: r.signed.chairmanKey });
    io.err('note: no --chairman-key given: checked against the key inside the file (integrity only, not who signed)');
  }
  if (!r.ok) {
    report(io, file, r);
    if (!a.flags.has('--force') || !r.doc || !r.signed) return 1;
    io.err('printing anyway (--force)');
  }
  const doc = r.doc!;
  const signed = r.signed!;
  for (const l of summaryLines(doc)) io.out(l);
  io.out(`QR: ${qrPayload(signed)}`);
  const pdf = a.options.get('--pdf');
  if (pdf) { writeFileSync(pdf, await renderProtocolPdf(signed, doc)); io.out(`wrote ${pdf}`); }
  const json = a.options.get('--json');
  if (json) { writeFileSync(json, `${JSON.stringify(protocolToJson(doc), null, 2)}\n`); io.out(`wrote ${json}`); }
  const nist = a.options.get('--nist');
  if (nist) { writeFileSync(nist, `${JSON.stringify(toNistReport(doc), null, 2)}\n`); io.out(`wrote ${nist}`); }
  return r.ok ? 0 : 1;
}

const COMMANDS: Record<string, (a: Args, io: Io) => Promise<number>> = { verify: commandVerify, print: commandPrint };

export async function run(argv: string[], io: Io): Promise<number> {
  let a: Args;
  try { a = parseArgs(argv); } catch (e) { io.err(`error: ${(e as Error).message}`); io.err(USAGE); return 2; }
  if (a.flags.has('--help') || a.command === 'help') { io.out(USAGE); return 0; }
  const cmd = COMMANDS[a.command];
  if (!cmd) { io.err(a.command ? `error: unknown command "${a.command}"` : USAGE); return 2; }
  try {
    return await cmd(a, io);
  } catch (e) {
    if (e instanceof UsageError) { io.err(`error: ${e.message}`); io.err(USAGE); return 2; }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') { io.err(`error: ${(e as Error).message}`); return 1; }
    if (e instanceof Error && 'code' in e) { io.err(`refused: ${e.message}`); return 1; }
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then((c) => { process.exitCode = c; });
}
