// Counting time for a full precinct: 3,000 votes (2,900 through two accumulators, 100 on
// the portable ballot), sealed election key at the production scrypt work factor (2^18).
// Stages: unseal, verify (activation + vote signatures, duplicates), decrypt (HPKE),
// tally, build + sign the protocol, verify the signed file, PDF, NIST export.
// The precinct computer's crypto port is Node's native one; `--noble` runs the pure-TS port.
import { performance } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import { nobleCrypto } from '../protocol/crypto/noble';
import { countVotes } from '../precinct/count/count';
import { makeSignedProtocol } from '../precinct/protocol/index';
import { verifySignedProtocol } from '../precinct/protocol/verify';
import { renderProtocolPdf } from '../precinct/protocol/pdf';
import { toNistReport } from '../precinct/protocol/nist';
import { DEFAULT_LOG_N } from '../precinct/keys/start-password';
import { scenario, crypto as nodePort } from '../tests/count-fixtures';

const noble = process.argv.includes('--noble');
const outAt = process.argv.indexOf('--out');
const outDir = outAt > 0 ? process.argv[outAt + 1] : null;
const port = noble ? nobleCrypto : nodePort;
const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

let t = performance.now();
const s = await scenario({ premisesVotes: 2900, portableVotes: 100, homeApplications: 110, markedVoters: 100, cardsSpoiled: 4, outstanding: 1, seed: 2028, logN: DEFAULT_LOG_N });
console.log(`setup (not counting): 3,000 voted cards made and the key sealed at 2^${DEFAULT_LOG_N}: ${fmt(performance.now() - t)}`);
console.log(`crypto port: ${noble ? 'noble (pure TypeScript)' : 'node:crypto (OpenSSL)'}`);

const total0 = performance.now();
const count = await countVotes({ ...s.input, crypto: port });
const rows: [string, number][] = [
  ['unseal election key (scrypt 2^18 verifier + age)', count.timings.unseal],
  ['verify 3,000 records (Ed25519) + duplicates', count.timings.verify],
  ['decrypt 3,000 votes (HPKE)', count.timings.decrypt],
  ['tally + codes + reconcile', count.timings.tally],
];
t = performance.now();
const made = makeSignedProtocol(port, count, {
  definition: s.election.definition, fingerprint: s.election.fingerprint,
  eventLogHead: { seq: 1, hash: new Uint8Array(32) }, signedAt: new Date(),
}, s.keys.chairman);
rows.push(['build + encode + sign protocol', performance.now() - t]);
t = performance.now();
const v = verifySignedProtocol(port, made.bytes, { chairmanKey: s.keys.chairmanPublic, election: s.input.election });
rows.push(['verify signed protocol (signatures + consistency)', performance.now() - t]);
if (!v.ok) throw new Error(`protocol does not verify: ${JSON.stringify(v.problems)}`);
t = performance.now();
const pdf = await renderProtocolPdf(made.signed, made.doc);
rows.push(['PDF (with QR and the 3,000-code list)', performance.now() - t]);
t = performance.now();
const nist = JSON.stringify(toNistReport(made.doc));
rows.push(['NIST SP 1500-100 export', performance.now() - t]);
const total = performance.now() - total0;

for (const [name, ms] of rows) console.log(`${name.padEnd(52)} ${fmt(ms).padStart(10)}`);
console.log(`${'total'.padEnd(52)} ${fmt(total).padStart(10)}`);
console.log(`ballots counted ${count.reconciliation.ballotsCounted}; anomalies ${count.anomalies.length}; protocol ${made.signed.protocol.length} B, signed file ${made.bytes.length} B, PDF ${(pdf.length / 1024).toFixed(0)} KiB, NIST JSON ${(nist.length / 1024).toFixed(0)} KiB`);
if (outDir) {
  writeFileSync(`${outDir}/protocol.cbor`, made.bytes);
  writeFileSync(`${outDir}/protocol.pdf`, pdf);
  writeFileSync(`${outDir}/protocol-nist.json`, nist);
  console.log(`wrote ${outDir}/protocol.cbor, protocol.pdf, protocol-nist.json`);
}
