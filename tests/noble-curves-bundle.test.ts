// hosts/moddable/noble-curves.js, the tree-shaken bundle of @noble/curves the devices load in
// place of noble's five abstract modules (the root manifest maps protocol/crypto/lib/noble-curves
// to it): the committed file is exactly what scripts/make-noble-curves.ts makes from the
// installed @noble/curves; it exports what protocol/crypto/lib/noble-curves.ts exports; and
// protocol/crypto/curve25519.ts built on it (esbuild, with ./lib/noble-curves redirected to the
// committed file) passes the RFC 8032 and RFC 7748 vectors and agrees with curve25519.ts on
// Node's module graph (noble's own modules) on random keys and messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeNobleCurves, moveModuleStateToRunTime, OUT_FILE } from '../scripts/make-noble-curves';
import * as lib from '../protocol/crypto/lib/noble-curves';
import * as tsModule from '../protocol/crypto/curve25519';
import { fromHex, toHex } from '../protocol/bytes';

type Curve25519Module = typeof tsModule;
type Curve25519 = ReturnType<Curve25519Module['curve25519']>;
const ts = tsModule.curve25519();

const root = join(import.meta.dirname, '..');
const V = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', 'crypto-primitives.json'), 'utf8')) as {
  ed25519: { source: string; secretKey: string; publicKey: string; message: string; signature: string }[];
  x25519: { source: string; scalar: string; u: string; output: string }[];
  x25519DiffieHellman: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; shared: string };
};
const committed = readFileSync(OUT_FILE, 'utf8');

/** protocol/crypto/curve25519.ts bundled with its ./lib/noble-curves taken from the committed bundle. */
async function curve25519OnBundle(): Promise<{ mod: Curve25519; inputs: string[] }> {
  const redirect: Plugin = {
    name: 'noble-curves-bundle',
    setup(b) {
      b.onResolve({ filter: /^\.\/lib\/noble-curves$/ }, () => ({ path: OUT_FILE }));
    },
  };
  const r = await build({
    entryPoints: [join(root, 'protocol/crypto/curve25519.ts')],
    bundle: true, format: 'esm', target: 'es2022', platform: 'neutral', mainFields: ['module', 'main'],
    write: false, metafile: true, logLevel: 'silent', plugins: [redirect],
  });
  const dir = mkdtempSync(join(tmpdir(), 'noble-curves-bundle-'));
  try {
    const file = join(dir, 'curve25519.mjs');
    writeFileSync(file, r.outputFiles[0].text);
    const mod = (await import(pathToFileURL(file).href)) as Curve25519Module;
    return { mod: mod.curve25519(), inputs: Object.keys(r.metafile.inputs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let onBundle: { mod: Curve25519; inputs: string[] };
let b: Curve25519;
test.before(async () => {
  onBundle = await curve25519OnBundle();
  b = onBundle.mod;
});

test('the committed bundle is what scripts/make-noble-curves.ts makes now (byte for byte)', async () => {
  const fresh = await makeNobleCurves();
  assert.ok(fresh === committed, `${relative(root, OUT_FILE)} is stale or edited: run npx tsx scripts/make-noble-curves.ts (and review the diff)`);
  assert.ok(fresh === await makeNobleCurves(), 'two runs differ');
  assert.not.match(committed, root, 'an absolute path in the bundle');
  const version = (JSON.parse(readFileSync(join(root, 'node_modules/@noble/curves/package.json'), 'utf8')) as { version: string }).version;
  const banner = committed.slice(0, committed.indexOf('\n\n'));
  for (const s of ['DO NOT EDIT', 'scripts/make-noble-curves.ts', '@noble/curves', version, 'MIT', 'Paul Miller', 'https://github.com/paulmillr/noble-curves'])
    assert.ok(banner.includes(s), `banner lacks ${s}`);
});

test('the bundle holds noble\'s five abstract modules tree-shaken, and imports only @noble/hashes/utils', () => {
  const sources = [...committed.matchAll(/^\/\/ (node_modules\/\S+|protocol\/\S+)$/gm)].map((m) => m[1]);
  assert.equal(sources, [...['utils', 'abstract/modular', 'abstract/curve', 'abstract/edwards', 'abstract/montgomery'].map((f) => `node_modules/@noble/curves/${f}.js`), 'protocol/crypto/lib/noble-curves.ts']);
  const whole = ['utils', 'abstract/modular', 'abstract/curve', 'abstract/edwards', 'abstract/montgomery']
    .reduce((n, f) => n + readFileSync(join(root, 'node_modules/@noble/curves', `${f}.js`), 'utf8').length, 0);
  assert.ok(committed.length < whole / 2, `bundle ${committed.length} chars, the five modules ${whole}: not tree-shaken?`);
  const imports = [...committed.matchAll(/^import\b[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
  assert.equal(imports, ['@noble/hashes/utils.js']);
});

test('module state to run time: each module-level BigInt and WeakMap is declared bare and made, in order, by makeRunTimeState()', () => {
  const input = [
    'var _0n = /* @__PURE__ */ BigInt(0);', 'var keep = 5;', 'var MIN = /* @__PURE__ */ BigInt("0x10000");', 'var cache = /* @__PURE__ */ new WeakMap();',
    'function f(n) {', '  const local = BigInt(1);', '  return n + local;', '}', 'function makeRunTimeState() {', '}', '',
  ].join('\n');
  assert.is(moveModuleStateToRunTime(input), [
    'var _0n;', 'var keep = 5;', 'var MIN;', 'var cache;',
    'function f(n) {', '  const local = BigInt(1);', '  return n + local;', '}',
    'function makeRunTimeState() {', '  _0n = BigInt(0);', '  MIN = BigInt("0x10000");', '  cache = new WeakMap();', '}', '',
  ].join('\n'));
  assert.throws(() => moveModuleStateToRunTime('var x = /* @__PURE__ */ BigInt(1);\n'), /makeRunTimeState/);
  assert.throws(() => moveModuleStateToRunTime('var x = 1;\nfunction makeRunTimeState() {\n}\n'), /no module-level BigInt/);
  assert.throws(() => moveModuleStateToRunTime('var x = /* @__PURE__ */ BigInt(1);\nfunction makeRunTimeState() {\n}\nfunction makeRunTimeState() {\n}\n'), /once/);
});

test('the committed bundle makes its constants only in makeRunTimeState(), and works after it', async () => {
  // A fresh copy of the bundle (not the instance curve25519.ts already initialised).
  const dir = mkdtempSync(join(tmpdir(), 'noble-curves-fresh-'));
  try {
    const file = join(dir, 'noble-curves.mjs');
    writeFileSync(file, committed.replace('from "@noble/hashes/utils.js"', `from ${JSON.stringify(pathToFileURL(join(root, 'node_modules/@noble/hashes/utils.js')).href)}`));
    const fresh = (await import(pathToFileURL(file).href)) as typeof lib;
    const p = 2n ** 255n - 19n;
    assert.is.not(fresh.pow2(3n, 2n, p), 81n, 'noble\'s constants were made at load'); // with _0n undefined the loop never runs
    fresh.makeRunTimeState();
    assert.is(fresh.pow2(3n, 2n, p), 81n);
    assert.is(fresh.mod(-1n, p), p - 1n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundle exports exactly what protocol/crypto/lib/noble-curves.ts exports', async () => {
  const bundle = (await import(pathToFileURL(OUT_FILE).href)) as Record<string, unknown>;
  assert.equal(Object.keys(bundle).sort(), Object.keys(lib).sort());
  for (const k of Object.keys(lib)) assert.type(bundle[k], 'function', k);
});

test('curve25519.ts on the bundle: the bundle is what it loaded, not noble\'s modules', () => {
  assert.ok(onBundle.inputs.some((f) => f.endsWith('hosts/moddable/noble-curves.js')), onBundle.inputs.join(', '));
  assert.not.ok(onBundle.inputs.some((f) => f.includes('@noble/curves')), onBundle.inputs.join(', '));
  assert.ok(b.ed25519 !== ts.ed25519 && b.Point !== ts.Point, 'a separate module instance');
});

test('curve25519.ts on the bundle: Ed25519 RFC 8032 §7.1 (tests 1, 2, 3, 1024, SHA(abc))', () => {
  assert.ok(V.ed25519.length >= 3);
  for (const x of V.ed25519) {
    const sk = fromHex(x.secretKey), msg = fromHex(x.message), sig = fromHex(x.signature), pk = fromHex(x.publicKey);
    assert.is(toHex(b.ed25519.getPublicKey(sk)), x.publicKey, x.source);
    assert.is(toHex(b.ed25519.sign(msg, sk)), x.signature, x.source);
    assert.ok(b.ed25519.verify(sig, msg, pk), x.source);
    const bad = sig.slice(); bad[5] ^= 1;
    assert.not.ok(b.ed25519.verify(bad, msg, pk), x.source);
  }
});

test('curve25519.ts on the bundle: X25519 RFC 7748 §5.2 vectors, §6.1 Diffie-Hellman', () => {
  for (const x of V.x25519) assert.is(toHex(b.x25519.scalarMult(fromHex(x.scalar), fromHex(x.u))), x.output, x.source);
  const d = V.x25519DiffieHellman;
  assert.is(toHex(b.x25519.getPublicKey(fromHex(d.alicePrivate))), d.alicePublic);
  assert.is(toHex(b.x25519.getPublicKey(fromHex(d.bobPrivate))), d.bobPublic);
  assert.is(toHex(b.x25519.getSharedSecret(fromHex(d.alicePrivate), fromHex(d.bobPublic))), d.shared);
  assert.is(toHex(b.x25519.getSharedSecret(fromHex(d.bobPrivate), fromHex(d.alicePublic))), d.shared);
});

test('property: on the bundle and on noble\'s modules, curve25519 gives the same keys, signatures, verdicts and shared secrets', () => {
  const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
  fc.assert(fc.property(seed, seed, fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(511), (s1, s2, msg, bit) => {
    const pk = b.ed25519.getPublicKey(s1);
    assert.is(toHex(pk), toHex(ts.ed25519.getPublicKey(s1)));
    const sig = b.ed25519.sign(msg, s1);
    assert.is(toHex(sig), toHex(ts.ed25519.sign(msg, s1)));
    assert.ok(b.ed25519.verify(sig, msg, pk) && ts.ed25519.verify(sig, msg, pk));
    const bad = sig.slice(); bad[bit >> 3] ^= 1 << (bit & 7);
    assert.not.ok(b.ed25519.verify(bad, msg, pk), 'bundle accepted a flipped bit');
    assert.not.ok(ts.ed25519.verify(bad, msg, pk), 'noble accepted a flipped bit');
    const P2 = b.x25519.getPublicKey(s2);
    assert.is(toHex(P2), toHex(ts.x25519.getPublicKey(s2)));
    const shared = b.x25519.getSharedSecret(s1, P2);
    assert.is(toHex(shared), toHex(ts.x25519.getSharedSecret(s1, P2)));
    assert.is(toHex(shared), toHex(b.x25519.getSharedSecret(s2, b.x25519.getPublicKey(s1))));
  }), { numRuns: 25 });
});

test.run();
