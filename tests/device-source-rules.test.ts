// Rules of device code the type checker cannot see (Intl and Math.random are in ES2022's
// types; an import's file extension is legal TypeScript). Each rule names why it exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const deviceDirs = ['protocol', 'runtime', 'terminal', 'accumulator', 'portable-ballot', 'hosts/moddable'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Source with comments and string contents blanked, so prose can mention what code may not use. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const rules: { name: string; why: string; pattern: RegExp; except?: RegExp }[] = [
  { name: 'Math.random', why: 'XS seeds it the same every boot: use the entropy port', pattern: /\bMath\.random\b/ },
  { name: 'Intl', why: 'XS has no Intl', pattern: /\bIntl\./ },
  { name: 'global timers', why: 'timers only through the clock port', pattern: /(?<![.\w])(setTimeout|setInterval)\s*\((?!\s*\w+\s*:)/, except: /^hosts\/moddable\// },
  { name: 'TextEncoder/TextDecoder', why: 'not globals on Moddable: use protocol/bytes', pattern: /\bnew\s+Text(En|De)coder\b/ },
  { name: 'relative import with an extension', why: "mcconfig resolves extensionless module specifiers", pattern: /\bfrom\s+['"]\.{1,2}\/[^'"]*\.(js|ts|mjs)['"]/ },
  { name: 'eval', why: 'no code from data on a voting device', pattern: /\b(eval|Function)\s*\(/ },
  {
    name: 'module-level RegExp',
    why: 'preloaded, it lives in flash and XS crashes running it (exec writes into it): write the literal where it is used',
    pattern: /^(export\s+)?(const|let|var)\s+\w+\s*=\s*(\/[^/*]|new\s+RegExp\b)/,
  },
];

const files = deviceDirs.flatMap((d) => tsFiles(join(root, d)));

test('there is device code to check', () => {
  assert.ok(files.length > 0);
});

for (const rule of rules) {
  test(`device code: no ${rule.name} (${rule.why})`, () => {
    const offenders: string[] = [];
    for (const f of files) {
      const rel = relative(root, f);
      if (rule.except?.test(rel)) continue;
      const lines = codeOnly(readFileSync(f, 'utf8')).split('\n');
      lines.forEach((line, i) => { if (rule.pattern.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`); });
    }
    assert.equal(offenders, [], offenders.join('\n'));
  });
}

test('the rules catch what they are meant to', () => {
  const sample = "const r = Math.random(); setTimeout(f, 1); import { x } from './y.js'; new TextEncoder();";
  for (const name of ['Math.random', 'global timers', 'relative import with an extension', 'TextEncoder/TextDecoder']) {
    const rule = rules.find((r) => r.name === name)!;
    assert.ok(rule.pattern.test(codeOnly(sample)), name);
  }
  const regex = rules.find((r) => r.name === 'module-level RegExp')!;
  assert.ok(regex.pattern.test(codeOnly('const DATE = /^[0-9]{4}$/;')));
  assert.ok(regex.pattern.test(codeOnly('export const X = new RegExp("a");')));
  assert.not.ok(regex.pattern.test(codeOnly('  const m = /^a$/.exec(v);')));
  assert.not.ok(regex.pattern.test(codeOnly('const half = a / b;')));
  assert.not.ok(rules[0].pattern.test(codeOnly('// Math.random is banned')));
});

test.run();
