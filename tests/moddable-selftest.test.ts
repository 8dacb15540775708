// The self-test boot app (hosts/moddable/apps/selftest) built by the real Moddable tools and
// run in the Moddable simulator. Needs an installed Moddable SDK: $MODDABLE set, its host tools
// built (mcconfig, mcsim), and xvfb-run; see docs/moddable.md. Without them the test is
// skipped (uvu counts it under "Skipped"); nothing here installs or builds the SDK.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEVICE_HEAP_SLOTS } from './helpers/device-heap';

const root = join(import.meta.dirname, '..');
const app = join(root, 'hosts/moddable/apps/selftest');
const moddable = process.env.MODDABLE;
const tools = moddable ? join(moddable, 'build/bin/lin/release') : '';
const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;
const ready = process.platform === 'linux' && !!moddable && existsSync(join(tools, 'mcconfig')) && existsSync(join(tools, 'mcsim')) && hasXvfb;

const run = ready ? test : test.skip;

// ---- manifest rules that need no SDK (docs/moddable.md, "Manifest conventions") ----

type Manifest = { include?: string | string[]; modules?: Record<string, string | string[]>; preload?: string | string[]; creation?: { main?: string } };
const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function walk(dir: string, out: { dirs: string[]; modules: string[] }): void {
  out.dirs.push(relative(root, dir));
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.modules.push(relative(root, p).slice(0, -3));
  }
}

// Modules the devices take from a generated file instead of their TypeScript source, mapped by
// name: protocol/crypto/lib/noble-curves.ts re-exports what curve25519.ts uses of @noble/curves,
// and the devices load scripts/make-noble-curves.ts's tree-shaken bundle of it (one module, only
// the code that is used, in RAM). Their folder has no wildcard: it would add the .ts under the
// same module name.
const GENERATED: Record<string, string> = { 'protocol/crypto/lib/noble-curves': 'hosts/moddable/noble-curves' };
const GENERATED_DIRS = ['protocol/crypto/lib'];

test('root manifest: every shared folder is mapped (a wildcard covers one folder only)', () => {
  const m = readManifest(join(root, 'manifest.json'));
  const found = { dirs: [] as string[], modules: [] as string[] };
  walk(join(root, 'protocol'), found);
  walk(join(root, 'runtime'), found);
  const missing = found.dirs.filter((d) => !GENERATED_DIRS.includes(d) && m.modules?.[`${d}/*`] !== `./${d}/*`);
  assert.equal(missing, [], `add "<folder>/*": "./<folder>/*" to manifest.json modules for: ${missing.join(', ')}`);
});

test('root manifest: a folder of generated modules maps each module by name to a generated .js that exists, and has no wildcard', () => {
  const m = readManifest(join(root, 'manifest.json'));
  const found = { dirs: [] as string[], modules: [] as string[] };
  walk(join(root, 'protocol'), found);
  walk(join(root, 'runtime'), found);
  for (const d of GENERATED_DIRS) {
    assert.ok(found.dirs.includes(d), `${d}: no such folder (drop it from GENERATED_DIRS)`);
    assert.is(m.modules?.[`${d}/*`], undefined, `${d}/* would add its .ts under the generated module's name`);
    assert.equal(found.dirs.filter((x) => x.startsWith(`${d}/`)), [], `${d} has sub-folders`);
    const inDir = found.modules.filter((x) => x.startsWith(`${d}/`));
    assert.ok(inDir.length >= 1, d);
    for (const x of inDir) {
      assert.ok(x in GENERATED, `${x}.ts is in ${d}, which has no wildcard: map it by name to a generated file`);
      assert.is(m.modules?.[x], `./${GENERATED[x]}`, `manifest.json modules: "${x}": "./${GENERATED[x]}"`);
      assert.ok(existsSync(join(root, `${GENERATED[x]}.js`)), `${GENERATED[x]}.js missing (npx tsx scripts/make-noble-curves.ts)`);
      for (const ext of ['.ts', '.d.ts', '.json']) assert.not.ok(existsSync(join(root, `${GENERATED[x]}${ext}`)), `${GENERATED[x]}${ext} would clash with the .js`);
    }
  }
  for (const x of Object.keys(GENERATED)) assert.ok(found.modules.includes(x), `${x}.ts missing`);
});

test('device code takes @noble/curves only through protocol/crypto/lib/noble-curves; the manifest maps none of it', () => {
  const offenders: string[] = [];
  const scan = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) scan(p);
      else if (name.endsWith('.ts') && /from\s+['"]@noble\/curves/.test(readFileSync(p, 'utf8'))) offenders.push(relative(root, p));
    }
  };
  for (const d of ['protocol', 'runtime', 'terminal', 'accumulator', 'portable-ballot', 'hosts/moddable']) scan(join(root, d));
  assert.equal(offenders, ['protocol/crypto/lib/noble-curves.ts']);
  const m = readManifest(join(root, 'manifest.json'));
  assert.equal(Object.keys(m.modules ?? {}).filter((k) => k.startsWith('@noble/curves')), [], 'nothing on the device imports @noble/curves');
});

// Every shared module is preloaded, the curves included: noble's bundle and curve25519 hold no
// BigInt and no WeakMap made at load (XS 8.2.3 cannot compare a preloaded BigInt with a run-time
// one, and a preloaded WeakMap is read-only; tests/device-source-rules.test.ts checks the
// sources). noble's sha2.js is not on the device (module-level scratch; preloaded typed arrays are
// read-only): SHA-2 comes from protocol/crypto/sha2.
const PRELOADED_NOBLE = ['@noble/ciphers/_arx', '@noble/ciphers/_poly1305', '@noble/ciphers/chacha', '@noble/ciphers/utils',
  '@noble/hashes/_md', '@noble/hashes/_u64', '@noble/hashes/hkdf', '@noble/hashes/hmac', '@noble/hashes/utils'];

test('root manifest: preload names every shared module, the curves included (mcconfig ignores wildcards for .ts)', () => {
  const m = readManifest(join(root, 'manifest.json'));
  const found = { dirs: [] as string[], modules: [] as string[] };
  walk(join(root, 'protocol'), found);
  walk(join(root, 'runtime'), found);
  const preload = list(m.preload);
  assert.equal(preload.filter((p) => p.includes('*')), [], 'a preload wildcard preloads no TypeScript module');
  assert.not.ok(preload.some((p) => p.startsWith('@noble/curves') || p === '@noble/hashes/sha2'), 'noble\'s own curve modules and sha2.js are not on the device');
  for (const x of ['protocol/crypto/noble', 'protocol/crypto/curve25519', 'protocol/crypto/lib/noble-curves']) assert.ok(preload.includes(x), `${x} preloaded`);
  assert.equal(preload.filter((p) => p.startsWith('@noble/')).sort(), PRELOADED_NOBLE, 'noble hash and cipher modules preloaded');
  assert.equal(found.modules.filter((x) => !preload.includes(x)).sort(), [], 'not preloaded');
  assert.equal(preload.filter((x) => !x.startsWith('@noble/') && !found.modules.includes(x)), [], 'preloaded but no such file');
  for (const n of PRELOADED_NOBLE) assert.ok(existsSync(join(root, 'node_modules', `${n}.js`)), `${n}.js missing`);
});

test('device crypto imports no module-level-scratch SHA-2: only protocol/crypto/sha2', () => {
  for (const f of ['protocol/crypto/noble.ts', 'protocol/crypto/curve25519.ts', 'protocol/crypto/sha2.ts']) {
    assert.not.match(readFileSync(join(root, f), 'utf8'), /from '@noble\/hashes\/sha2/, f);
  }
  // the generated curves bundle imports only preloaded @noble/hashes modules (shared, not copied)
  const bundle = readFileSync(join(root, 'hosts/moddable/noble-curves.js'), 'utf8');
  const imported = [...bundle.matchAll(/^import\b[^;]*?from\s+"([^"]+)"/gm)].map((x) => x[1].replace(/\.js$/, ''));
  assert.ok(imported.length >= 1);
  assert.equal(imported.filter((x) => !PRELOADED_NOBLE.includes(x)), [], 'the bundle imports a module that is not preloaded');
});

test('device manifests preload their device logic (every module of the device folder but main)', () => {
  for (const device of ['terminal', 'accumulator', 'portable-ballot']) {
    const m = readManifest(join(root, device, 'manifest.json'));
    const found = { dirs: [] as string[], modules: [] as string[] };
    walk(join(root, device), found);
    const pre = list(m.preload);
    const wanted = found.modules.filter((x) => x !== `${device}/main`);
    assert.ok(wanted.length >= 5, `${device}: found ${wanted.join(', ')}`);
    assert.equal(wanted.filter((x) => !pre.includes(x)), [], `${device}: not preloaded (costs RAM)`);
    assert.not.ok(pre.includes(`${device}/main`), `${device}/main calls native code at load`);
  }
});

test('app and device manifests include the root manifest and preload hosts/moddable/globals', () => {
  const manifests = ['hosts/moddable/apps/selftest', 'terminal', 'accumulator', 'portable-ballot']
    .map((d) => join(root, d, 'manifest.json')).filter((p) => existsSync(p));
  assert.ok(manifests.length >= 1);
  for (const p of manifests) {
    const m = readManifest(p);
    const rel = relative(root, p);
    assert.ok(list(m.include).some((i) => i.endsWith('/manifest.json') && existsSync(join(p, '..', i)) && join(p, '..', i) === join(root, 'manifest.json')), `${rel} does not include the root manifest`);
    assert.ok(list(m.preload).includes('hosts/moddable/globals'), `${rel} must preload hosts/moddable/globals (Error names, TextEncoder for noble)`);
    assert.ok(m.creation?.main && m.creation.main !== 'main', `${rel}: name main by its path (creation.main) so its relative imports resolve`);
  }
});

test('device manifests: the ESP32 slot heap starts at the size each device is run in (tests/helpers/device-heap.ts)', () => {
  for (const [device, slots] of Object.entries(DEVICE_HEAP_SLOTS)) {
    const m = JSON.parse(readFileSync(join(root, device, 'manifest.json'), 'utf8')) as { platforms?: Record<string, { creation?: { heap?: { initial?: number; incremental?: number } } }> };
    const heap = m.platforms?.esp32?.creation?.heap;
    assert.is(heap?.initial, slots, `${device}: esp32 creation.heap.initial`);
    assert.ok((heap?.incremental ?? 0) > 0, `${device}: a board heap may grow rather than abort mid-election`);
  }
});

run('self-test app: mcconfig builds it for lin and it passes in mcsim', async () => {
  const env = { ...process.env, PATH: `${tools}:${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}` };
  const build = spawnSync(join(tools, 'mcconfig'), ['-m', '-p', 'lin', '-t', 'build'], { cwd: app, env, encoding: 'utf8', timeout: 600_000 });
  assert.is(build.status, 0, `mcconfig failed:\n${build.stdout}\n${build.stderr}`);
  const so = join(moddable!, 'build/bin/lin/mc/release/selftest/mc.so');
  assert.ok(existsSync(so), 'no mc.so');

  // mcsim never exits by itself: read its trace until the verdict, then end its process group.
  const sim = spawn('xvfb-run', ['-a', 'stdbuf', '-oL', join(tools, 'mcsim'), so], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const verdict = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), 60_000);
    const look = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /SELFTEST (PASS|FAIL)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    sim.stdout.on('data', look);
    sim.stderr.on('data', look);
    sim.on('exit', () => { clearTimeout(timer); resolve(/SELFTEST (PASS|FAIL)/.exec(out)?.[1] ?? 'exited'); });
  });
  try { process.kill(-sim.pid!, 'SIGTERM'); } catch { /* already gone */ }
  assert.is(verdict, 'PASS', out);
  for (const check of ['flash', 'journal', 'event-log', 'clock', 'errors', 'signature']) {
    assert.match(out, new RegExp(`\\n\\s+${check}\\s+passed`), `${check} did not pass:\n${out}`);
  }
});

test.run();
