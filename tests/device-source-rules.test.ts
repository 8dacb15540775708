// Rules of device code the type checker cannot see (Intl and Math.random are in ES2022's
// types; an import's file extension is legal TypeScript). Each rule names why it exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

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

// ---- what a module makes when it loads ----
// The devices preload their modules: whatever a module makes at load is kept in flash. Two kinds
// of value break there on XS 8.2.3. A BigInt: the engine compares a flash BigInt with one made at
// run time as never equal under === and !== (noble's arithmetic then divides by zero). A
// WeakMap or WeakSet: preloaded, it is read-only ("read-only WeakMap instance"). So no module of
// the devices, nor the generated curves bundle, may make either at load; make them in a function
// (protocol/crypto/curve25519's curve25519(), the bundle's makeRunTimeState()). A Map or Set
// made at load is fine to read but not to change; the one preloaded pair (protocol/election/
// collation) is filled at load and only read.

/** Where a module makes a BigInt, a WeakMap or a WeakSet at load (not inside a function or an instance field). */
function madeAtLoad(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (n: ts.Node, what: string) => found.push(`${fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${what}`);
  const isStatic = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
  const visit = (n: ts.Node): void => {
    // A function called where it is written runs at load: (() => …)().
    if (ts.isCallExpression(n)) {
      let callee: ts.Expression = n.expression;
      while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
      if (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) visit(callee.body);
    }
    // Bodies that run later, not at load: functions, methods, accessors, instance fields.
    if (ts.isFunctionLike(n) && !ts.isClassStaticBlockDeclaration(n)) return;
    if (ts.isPropertyDeclaration(n) && !isStatic(n)) return;
    if (ts.isBigIntLiteral(n)) at(n, `BigInt literal ${n.text}`);
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'BigInt') at(n, 'BigInt(…)');
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && (n.expression.text === 'WeakMap' || n.expression.text === 'WeakSet')) at(n, `new ${n.expression.text}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** Files that may make BigInts at load, and why that is safe there. */
const MADE_AT_LOAD_ALLOWED: Record<string, string> = {
  'protocol/crypto/sha2.ts': "noble's SHA-512 round constants are split into 32-bit words at load; those BigInts are only shifted and masked, never compared (the flaw is in === and !== only), and are not used after load",
};

test('device code and the curves bundle make no BigInt, WeakMap or WeakSet at load (preloaded, they break on XS)', () => {
  const sources = [...files, join(root, 'hosts/moddable/noble-curves.js')].filter((f) => !(relative(root, f) in MADE_AT_LOAD_ALLOWED));
  const offenders = sources.flatMap((f) => madeAtLoad(relative(root, f), readFileSync(f, 'utf8')));
  assert.equal(offenders, [], offenders.join('\n'));
});

test('what a module makes at load: the check finds it at module level and in static members, not in functions', () => {
  const bad = [
    'const a = 1n;', 'export const P = BigInt("7");', 'var c = /* @__PURE__ */ new WeakMap();', 'const s = new WeakSet();',
    'const t = [1n];', 'const o = { k: BigInt(2) };', 'class K { static Z = 0n; }', 'class K { static { const w = new WeakMap(); } }',
    'const v = (() => 5n)();',
  ];
  for (const src of bad) assert.is(madeAtLoad('x.ts', src).length, 1, src);
  const good = [
    'function f() { return 1n; }', 'const g = () => BigInt(3);', 'class K { z = 0n; m() { return new WeakMap(); } get x() { return 1n; } }',
    'export function make() { const c = new WeakMap(); return c; }', 'const m = new Map();', 'const o = { f() { return 2n; } };',
  ];
  for (const src of good) assert.equal(madeAtLoad('x.ts', src), [], src);
  assert.is(madeAtLoad('x.js', 'var x = BigInt(1);\nfunction init() { x = BigInt(1); }').length, 1);
});

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
