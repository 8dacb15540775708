// XS budgets (issue 9 §2): compute and heap of each operation of the firmware, measured in the
// real XS engine (hosts/xs/harness/meter.ts), against the budgets in hosts/xs/budgets.json.
//
//   npx tsx bench/xs-budgets.ts             the table, and each figure against its budget
//   npx tsx bench/xs-budgets.ts --update    …and write the measured figures as the new budgets
//   npx tsx bench/xs-budgets.ts --json      one JSON line (for tests/xs-budgets.test.ts)
//   npx tsx bench/xs-budgets.ts --all       also the scenarios marked "bench only"
//   npx tsx bench/xs-budgets.ts --windows   the noble base-table trade-off (heap vs compute)
//   npx tsx bench/xs-budgets.ts --modules   live heap of loading each module alone
//   npx tsx bench/xs-budgets.ts --retained  noble's load with every module kept (as on a device)
//   npx tsx bench/xs-budgets.ts --breakdown the crypto port's kept heap, module by module
//
// Adding a device operation: give its entry steps (hosts/xs/guest/steps.ts), add the scenario
// to budgets.json, run with --update, review the diff. See docs/xs-budgets.md.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { build } from 'esbuild';
import { meterScenario, formatMeterTable, type MeterResult, type StepMeter } from '../hosts/xs/harness/meter';

const root = join(import.meta.dirname, '..');
const budgetsPath = join(root, 'hosts/xs/budgets.json');

export interface StepBudget { compute: number; heapSlots: number; chunkKiB: number }
export interface Scenario {
  name: string;
  entry: string;
  /** Named steps the entry installs; empty: the whole entry is one row, "run". */
  steps: string[];
  /** What the scenario stands for (shown in the docs). */
  about: string;
  /** Only in the bench, not in the test (too slow for every test run). */
  benchOnly?: boolean;
  /** A scenario whose rows are subtracted from this one's, for the cost of the difference. */
  baseline?: string;
  budget: { steps: Record<string, StepBudget>; maxLiveSlots: number };
}
export interface BudgetFile { '//': string; tolerance: number; scenarios: Scenario[] }

export interface Row extends StepMeter { scenario: string }
export interface Finding { scenario: string; step: string; figure: string; measured: number; budget: number | null }
export interface BudgetRun { rows: Row[]; maxLive: Record<string, number>; over: Finding[]; under: Finding[]; missing: Finding[]; errors: string[] }

const chunkKiB = (b: number | undefined) => Math.round(((b ?? 0) / 1024) * 10) / 10;

async function pool<T, R>(items: T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await f(items[i]); }
  }));
  return out;
}

export async function runBudgets(file: BudgetFile, all: boolean): Promise<BudgetRun> {
  const chosen = file.scenarios.filter((s) => all || !s.benchOnly);
  const results = await pool(chosen, Math.max(1, Math.min(4, cpus().length)), (s) => meterScenario(join(root, s.entry), s.steps));
  const run: BudgetRun = { rows: [], maxLive: {}, over: [], under: [], missing: [], errors: [] };
  chosen.forEach((s, i) => {
    const r: MeterResult = results[i];
    for (const [k, v] of Object.entries(r.reports)) if (/error/i.test(k)) run.errors.push(`${s.name}: reported ${k}: ${JSON.stringify(v).slice(0, 300)}`);
    const rows = r.steps.map((st) => ({ ...st, step: s.steps.length === 0 ? 'run' : st.step, scenario: s.name }));
    run.rows.push(...rows);
    run.maxLive[s.name] = Math.max(...rows.map((x) => x.heapSlots));
    const check = (step: string, figure: string, measured: number, budget: number | undefined) => {
      if (budget === undefined) { run.missing.push({ scenario: s.name, step, figure, measured, budget: null }); return; }
      if (measured > budget * (1 + file.tolerance)) run.over.push({ scenario: s.name, step, figure, measured, budget });
      else if (budget > 50 && measured < budget * 0.8) run.under.push({ scenario: s.name, step, figure, measured, budget });
    };
    for (const row of rows) {
      const b = s.budget.steps[row.step];
      check(row.step, 'compute', row.compute, b?.compute);
      check(row.step, 'heapSlots', row.heapSlots, b?.heapSlots);
      check(row.step, 'chunkKiB', chunkKiB(row.chunkBytes), b?.chunkKiB);
    }
    check('max', 'maxLiveSlots', run.maxLive[s.name], s.budget.maxLiveSlots || undefined);
  });
  return run;
}

/** Rows of a scenario minus its baseline's last row: the cost of what the scenario adds. */
function differences(file: BudgetFile, rows: Row[]): Row[] {
  const out: Row[] = [];
  for (const s of file.scenarios) {
    if (!s.baseline) continue;
    const mine = rows.filter((r) => r.scenario === s.name), base = rows.filter((r) => r.scenario === s.baseline);
    if (mine.length === 0 || base.length === 0) continue;
    const a = mine[mine.length - 1], b = base[base.length - 1];
    out.push({ scenario: `${s.name} − ${s.baseline}`, step: a.step, compute: a.compute - b.compute, heapSlots: a.heapSlots - b.heapSlots,
      heapKiB: Math.round((a.heapKiB - b.heapKiB) * 10) / 10, slotsBeforeGc: a.slotsBeforeGc - b.slotsBeforeGc,
      chunkBytes: (a.chunkBytes ?? 0) - (b.chunkBytes ?? 0) });
  }
  return out;
}

export function printRun(file: BudgetFile, run: BudgetRun): string {
  const lines = [formatMeterTable(run.rows), ''];
  const diff = differences(file, run.rows);
  if (diff.length) lines.push('differences (compute of the added work):', formatMeterTable(diff), '');
  lines.push('max live heap at step ends: ' + Object.entries(run.maxLive).map(([k, v]) => `${k} ${v} slots (${(v * 16 / 1024).toFixed(1)} KiB)`).join(', '));
  for (const f of run.over) lines.push(`OVER BUDGET  ${f.scenario}/${f.step} ${f.figure}: ${f.measured} > ${f.budget} + ${file.tolerance * 100}%`);
  const missing = [...new Set(run.missing.map((f) => `${f.scenario}/${f.step}`))];
  if (missing.length) lines.push(`NO BUDGET    ${missing.join(', ')} (run bench/xs-budgets.ts --update)`);
  for (const f of run.under) lines.push(`well under   ${f.scenario}/${f.step} ${f.figure}: ${f.measured} < ${f.budget} (consider --update)`);
  for (const e of run.errors) lines.push(`ERROR        ${e}`);
  return lines.join('\n');
}

function update(file: BudgetFile, run: BudgetRun): void {
  for (const s of file.scenarios) {
    const rows = run.rows.filter((r) => r.scenario === s.name);
    if (rows.length === 0) continue;
    s.budget = { steps: Object.fromEntries(rows.map((r) => [r.step, { compute: r.compute, heapSlots: r.heapSlots, chunkKiB: chunkKiB(r.chunkBytes) }])), maxLiveSlots: run.maxLive[s.name] };
  }
  writeFileSync(budgetsPath, JSON.stringify(file, null, 2) + '\n');
}

/** The noble base-point window trade-off, from tests/xs/budget-windows.ts. */
async function windows(): Promise<void> {
  const ws = [1, 2, 3, 4, 5, 6, 8];
  const ops = ['sign{w}a', 'sign{w}b', 'verify{w}', 'xpub{w}', 'dh{w}'];
  const r = await meterScenario(join(root, 'tests/xs/budget-windows.ts'), ws.flatMap((w) => [`w${w}`, ...ops.map((o) => o.replace('{w}', String(w)))]));
  const at = (name: string) => r.steps.find((s) => s.step === name)!;
  const base = at('w1');
  console.log('window  table slots  KiB@16B  table chunks KiB  first sign (builds)  sign  verify  x25519 pub  x25519 agree');
  for (const w of ws) {
    const tbl = at(`sign${w}b`);
    console.log([String(w).padStart(6), String(tbl.heapSlots - base.heapSlots).padStart(11), ((tbl.heapSlots - base.heapSlots) * 16 / 1024).toFixed(1).padStart(8),
      chunkKiB((tbl.chunkBytes ?? 0) - (base.chunkBytes ?? 0)).toFixed(1).padStart(17), String(at(`sign${w}a`).compute).padStart(20),
      String(at(`sign${w}b`).compute).padStart(5), String(at(`verify${w}`).compute).padStart(7), String(at(`xpub${w}`).compute).padStart(11), String(at(`dh${w}`).compute).padStart(13)].join('  '));
  }
}

/** Live heap of each module (or library) loaded alone, net of the bridge. */
async function modules(): Promise<void> {
  const probes: [string, string, string][] = [
    ['(bridge + steps + cbor)', '', ''],
    ['@noble/hashes sha256', "import { sha256 } from '@noble/hashes/sha2.js';", 'sha256'],
    ['@noble/hashes sha256+hmac+hkdf', "import { sha256 } from '@noble/hashes/sha2.js'; import { hmac } from '@noble/hashes/hmac.js'; import { hkdf } from '@noble/hashes/hkdf.js';", 'sha256, hmac, hkdf'],
    ['@noble/ciphers chacha20poly1305', "import { chacha20poly1305 } from '@noble/ciphers/chacha.js';", 'chacha20poly1305'],
    ['@noble/curves Field(2^255-19)', "import { Field } from '@noble/curves/abstract/modular.js';", 'Field(2n ** 255n - 19n)'],
    ['@noble/curves ed25519', "import { ed25519 } from '@noble/curves/ed25519.js';", 'ed25519'],
    ['@noble/curves x25519', "import { x25519 } from '@noble/curves/ed25519.js';", 'x25519'],
    ['@noble/curves ed25519+x25519', "import { ed25519, x25519 } from '@noble/curves/ed25519.js';", 'ed25519, x25519'],
    ['protocol/crypto/curve25519 ed25519+x25519', "import { curve25519 } from '../../protocol/crypto/curve25519';", 'curve25519()'],
    ['protocol/crypto/noble (all)', "import { nobleCrypto } from '../../protocol/crypto/noble';", 'nobleCrypto'],
    ['protocol/crypto/noise', "import { NoiseHandshake } from '../../protocol/crypto/noise';", 'NoiseHandshake'],
    ['protocol/session + wire', "import { SessionClient, SessionServer } from '../../protocol/session'; import { RpcServer } from '../../protocol/wire/rpc'; import { commonRegistry } from '../../protocol/wire/messages';", 'SessionClient, SessionServer, RpcServer, commonRegistry'],
    ['protocol/election', "import { decodeElection, verifySignedElection } from '../../protocol/election/index';", 'decodeElection, verifySignedElection'],
    ['runtime/journal + event-log', "import { Journal } from '../../runtime/journal'; import { EventLog } from '../../runtime/event-log';", 'Journal, EventLog'],
    ['runtime/self-test', "import { SelfTest } from '../../runtime/self-test';", 'SelfTest'],
    ['terminal/ballot flow + text screens', "import { ballotScript } from '../ballot-samples';", 'ballotScript'],
  ];
  const dir = mkdtempSync(join(root, 'tests/xs/.budget-probe-'));
  try {
    const results = await pool(probes, 2, async ([label, imports, keep], ) => {
      const file = join(dir, `${label.replace(/\W+/g, '_')}.ts`);
      writeFileSync(file, `import { installSteps } from '../../../hosts/xs/guest/steps';\n${imports.replaceAll("'../../", "'../../../").replaceAll("'../ballot", "'../../ballot")}\n(globalThis as { keep?: unknown }).keep = [${keep}];\ninstallSteps({});\n`);
      const r = await meterScenario(file, []);
      return [label, r.steps[0]] as const;
    });
    const base = results[0][1];
    console.log(`module (net of the bridge: ${base.heapSlots} slots)`.padEnd(42) + 'slots   KiB@16B  chunks KiB  load compute');
    for (const [label, s] of results.slice(1)) {
      const slots = s.heapSlots - base.heapSlots;
      console.log(label.padEnd(42) + String(slots).padStart(5) + (slots * 16 / 1024).toFixed(1).padStart(10) + chunkKiB((s.chunkBytes ?? 0) - (base.chunkBytes ?? 0)).toFixed(1).padStart(12) + String(s.compute).padStart(14));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The live heap of loading a set of modules when every module stays referenced, as on a
 * device (a module's namespace, and so all its exports, live as long as the firmware runs;
 * a bundle lets the unused ones be collected). Each module of the entry's graph is imported
 * as a namespace and kept.
 */
async function retained(): Promise<void> {
  const dir = mkdtempSync(join(root, 'tests/xs/.budget-probe-'));
  const cases: [string, string[]][] = [
    ['protocol/crypto/noble (Ed25519/X25519 from protocol/crypto/curve25519)', ['protocol/crypto/noble.ts']],
    ['the same with @noble/curves/ed25519.js instead (the port before curve25519.ts)',
      ['node_modules/@noble/curves/ed25519.js', 'node_modules/@noble/hashes/hmac.js', 'node_modules/@noble/hashes/hkdf.js', 'node_modules/@noble/ciphers/chacha.js', 'protocol/bytes.ts']],
    ['bridge only', []],
  ];
  try {
    const rows: [string, StepMeter][] = [];
    for (const [label, entries] of cases) {
      const files = new Set<string>();
      for (const e of entries) {
        const r = await build({ entryPoints: [join(root, e)], bundle: true, write: false, metafile: true, logLevel: 'silent', platform: 'neutral', mainFields: ['module', 'main'], treeShaking: false });
        for (const k of Object.keys(r.metafile.inputs)) files.add(k);
      }
      const list = [...files];
      const file = join(dir, `case${rows.length}.ts`);
      const imports = list.map((k, i) => `import * as m${i} from '${relative(dirname(file), join(root, k)).replace(/\.ts$/, '')}';`);
      writeFileSync(file, `import { installSteps } from '../../../hosts/xs/guest/steps';\n${imports.join('\n')}\n(globalThis as { keep?: unknown }).keep = [${list.map((_, i) => `m${i}`).join(', ')}];\ninstallSteps({});\n`);
      rows.push([`${label} (${list.length} modules)`, (await meterScenario(file, [])).steps[0]]);
    }
    const base = rows[rows.length - 1][1];
    console.log('modules kept (net of the bridge)'.padEnd(100) + 'slots   KiB@16B  chunks KiB  load compute');
    for (const [label, s] of rows.slice(0, -1)) {
      const slots = s.heapSlots - base.heapSlots;
      console.log(label.padEnd(100) + String(slots).padStart(5) + (slots * 16 / 1024).toFixed(1).padStart(10) + chunkKiB((s.chunkBytes ?? 0) - (base.chunkBytes ?? 0)).toFixed(1).padStart(12) + String(s.compute).padStart(14));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The crypto port's kept heap module by module (--breakdown): each module of its graph added in
 * dependency order (esbuild lists dependencies first), every one kept as a namespace.
 */
async function breakdown(): Promise<void> {
  const r = await build({ entryPoints: [join(root, 'protocol/crypto/noble.ts')], bundle: true, write: false, metafile: true, logLevel: 'silent', platform: 'neutral', mainFields: ['module', 'main'], treeShaking: false });
  const list = Object.keys(r.metafile.inputs);
  const dir = mkdtempSync(join(root, 'tests/xs/.budget-probe-'));
  try {
    console.log('module (cumulative, kept)'.padEnd(60) + 'slots   KiB@16B  chunks KiB');
    let prev: StepMeter | null = null;
    for (let n = 0; n <= list.length; n++) {
      const file = join(dir, `c${n}.ts`);
      const sub = list.slice(0, n);
      const imports = sub.map((k, i) => `import * as m${i} from '${relative(dirname(file), join(root, k)).replace(/\.ts$/, '')}';`);
      writeFileSync(file, `import { installSteps } from '../../../hosts/xs/guest/steps';\n${imports.join('\n')}\n(globalThis as { keep?: unknown }).keep = [${sub.map((_, i) => `m${i}`).join(', ')}];\ninstallSteps({});\n`);
      const s = (await meterScenario(file, [])).steps[0];
      if (prev) {
        const slots = s.heapSlots - prev.heapSlots;
        console.log(`+ ${list[n - 1]}`.padEnd(60) + String(slots).padStart(5) + (slots * 16 / 1024).toFixed(1).padStart(10) + chunkKiB((s.chunkBytes ?? 0) - (prev.chunkBytes ?? 0)).toFixed(1).padStart(12));
      }
      prev = s;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const args = new Set(process.argv.slice(2));
  const main = async () => {
    if (args.has('--windows')) return windows();
    if (args.has('--modules')) return modules();
    if (args.has('--retained')) return retained();
    if (args.has('--breakdown')) return breakdown();
    const file = JSON.parse(readFileSync(budgetsPath, 'utf8')) as BudgetFile;
    const run = await runBudgets(file, args.has('--all') || args.has('--update'));
    if (args.has('--json')) { console.log(JSON.stringify({ run, table: printRun(file, run) })); return; }
    console.log(`XS budgets (${relative(root, budgetsPath)}; tolerance ${file.tolerance * 100}%)\n`);
    console.log(printRun(file, run));
    if (args.has('--update')) { update(file, run); console.log(`\nwrote ${relative(root, budgetsPath)}`); }
  };
  main().catch((e) => { console.error(e); process.exit(1); });
}
