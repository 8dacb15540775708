// The three devices built by the real Moddable tools (their main.ts, mcconfig for lin) and
// run in the Moddable simulator, each talking over TCP on loopback (platform-sim.ts's link)
// with the precinct computer's own code on Node: identify, set-time, load-election, status,
// the event log read and verified; the terminal also provisioned with a 5,000-code share, topped
// up, self-tested, opened, counted and closed; the portable ballot given its setup and 200 home
// voters. Each device runs in a fixed heap of 4,096 slots (the 64 KiB budget of issue 9; XS
// aborts if it ever needs more) and traces its live heap, which this test prints. The build gets
// this test's precinct and authority keys on the mcconfig command line (precinctKey=…,
// authorityKey=…). Needs the Moddable SDK ($MODDABLE, its host tools built) and xvfb-run;
// without them uvu reports the test skipped. Each device builds in 1–2 min the first time
// (output kept in $TMPDIR/sailau-moddable-devices, so later runs are incremental); mcsim listens
// on port 7101, so nothing else may use it meanwhile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceLink } from '../precinct/devices/link';
import { closeDevice, identify, loadElection, openDevice, portableCounters, portableLoadSetup, portableLoadVoters, readEventLog, runSelfTest, setTime, status, terminalCounters, terminalProvision } from '../precinct/devices/calls';
import { CodesTopUp } from '../terminal/messages';
import { startPasswordCommitment } from '../protocol/start-password';
import { homeVoters } from './portable-helpers';
import { DEVICE_HEAP_SLOTS } from './helpers/device-heap';
import { connectTcpLink } from '../hosts/node/link-tcp';
import { nodeEntropy } from '../hosts/node/entropy';
import { NodeClock } from '../hosts/node/clock';
import { bytesEqual, fromHex, toHex } from '../protocol/bytes';
import { EVENTS } from '../runtime/events';
import { codesToBitmap } from '../terminal/ballot/codes';
import { precinctKeys } from './terminal-helpers';
import { fixture as accFixture } from './accumulator-helpers';
import { crypto, precinctNoise, root } from './xs-conversation-helpers';

const moddable = process.env.MODDABLE;
const tools = moddable ? join(moddable, 'build/bin/lin/release') : '';
const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;
const ready = process.platform === 'linux' && !!moddable && existsSync(join(tools, 'mcconfig')) && existsSync(join(tools, 'mcsim')) && hasXvfb;
const run = ready ? test : test.skip;
const out = join(tmpdir(), 'sailau-moddable-devices');
const PORT = 7101;

const f = accFixture(crypto);

/**
 * The live-heap budget (issue 9): 4,096 slots, 64 KiB on a 32-bit MCU. Each device is built with
 * a slot heap of exactly its figure in tests/helpers/device-heap.ts and no growth
 * (creation.heap.incremental 0), so XS aborts ("memory full") if the device ever holds more, at
 * any moment, not only when a sample is taken. SAILAU_HEAP_SLOTS=n builds every device with n
 * instead (to find a device's real peak).
 */
const heapSlots = (device: string): number => Number(process.env.SAILAU_HEAP_SLOTS ?? DEVICE_HEAP_SLOTS[device as keyof typeof DEVICE_HEAP_SLOTS]);

function build(device: string): string {
  mkdirSync(out, { recursive: true });
  const env = { ...process.env, PATH: `${tools}:${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}` };
  // The device's own manifest, with a fixed slot heap (the folder's name is the
  // device's, so the build keeps the device's name).
  const wrapper = join(out, 'fixed-heap', device);
  mkdirSync(wrapper, { recursive: true });
  writeFileSync(join(wrapper, 'manifest.json'), JSON.stringify({ include: [join(root, device, 'manifest.json')], creation: { heap: { initial: heapSlots(device), incremental: 0 } } }, null, 1));
  // -i: an instrumented release build, so the device traces its live heap (hosts/moddable/heap.ts)
  // after boot and, with heapWatchMs, every quarter second through the conversation.
  const r = spawnSync(join(tools, 'mcconfig'), ['-i', '-m', '-p', 'lin', '-t', 'build', '-o', out, join(wrapper, 'manifest.json'), `precinctKey=${toHex(precinctNoise.publicKey)}`, `authorityKey=${toHex(f.authorityPublic)}`, `simLinkPort=${PORT}`, 'heapWatchMs=250'],
    { cwd: join(root, device), env, encoding: 'utf8', timeout: 600_000 });
  assert.is(r.status, 0, `mcconfig failed for ${device}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const so = join(out, 'bin/lin/mc/instrument', device, 'mc.so');
  assert.ok(existsSync(so), `no mc.so for ${device}`);
  return so;
}

/** Starts mcsim on a build; resolves with its trace so far and the noise key it traced, once the boot self-test is done. */
async function boot(so: string): Promise<{ key: Uint8Array; trace: () => string; stop: () => void }> {
  const sim = spawn('xvfb-run', ['-a', 'stdbuf', '-oL', join(tools, 'mcsim'), so], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const stop = () => { try { process.kill(-sim.pid!, 'SIGTERM'); } catch { /* gone */ } };
  const key = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`mcsim did not finish booting:\n${text}`)); }, 60_000);
    const look = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const m = /noise key ([0-9a-f]{64})/.exec(text);
      if (m && /SELFTEST (PASS|FAIL)/.test(text)) { clearTimeout(timer); resolve(m[1]); }
    };
    sim.stdout.on('data', look);
    sim.stderr.on('data', look);
  });
  return { key: fromHex(key), trace: () => text, stop };
}

/**
 * The device's live heap as XS counts it (after a collection; preloaded modules are in flash and
 * not counted), from its HEAP trace lines: at boot, the largest while the conversation ran, and at
 * the end. mcsim is 64-bit (slots of 32 B); the KiB figures are for a 32-bit MCU (16 B a slot).
 */
function reportHeap(device: string, trace: string): void {
  const lines = [...trace.matchAll(/HEAP \S+ (boot|watch) slots (\d+) B, chunks (\d+) B/g)].map((m) => ({ at: m[1], slots: Number(m[2]), chunks: Number(m[3]) }));
  assert.ok(lines.length >= 2 && lines[0].at === 'boot', `${device}: no HEAP lines (instrumented build?)`);
  const kib = (b: number) => (b / 2 / 1024).toFixed(1);
  const max = Math.max(...lines.map((l) => l.slots));
  const last = lines[lines.length - 1];
  if (process.env.SAILAU_HEAP_TRACE) console.log(`HEAP ${device} every 250 ms: ${lines.map((l) => kib(l.slots)).join(' ')}`);
  console.log(`HEAP ${device} (mcsim, slot heap at 16 B/slot): boot ${kib(lines[0].slots)} KiB, max ${kib(max)} KiB, end ${kib(last.slots)} KiB; chunks at end ${(last.chunks / 1024).toFixed(1)} KiB (64-bit)`);
}

/** Each device's Noise key made at boot: with the C library's rand() they came out equal; from the platform RNG they never do. */
const bootKeys: string[] = [];

async function conversation(device: string, kind: string, more?: (link: DeviceLink, clock: NodeClock) => Promise<void>): Promise<void> {
  const so = build(device);
  const sim = await boot(so);
  bootKeys.push(toHex(sim.key));
  const clock = new NodeClock({ trustHostWallClock: true });
  const link = new DeviceLink(`${kind}-sim`, sim.key, async () => { const l = await connectTcpLink(PORT); return { link: l, close: () => l.close() }; },
    { crypto, entropy: nodeEntropy, clock, staticKey: precinctNoise, timeoutMs: 5000, maxAttempts: 2 });
  try {
    // The terminal draws its screens with Piu and the DejaVu bitmap fonts (hosts/moddable/fonts).
    if (device === 'terminal') assert.match(sim.trace(), /TERMINAL screen out-of-service drawn \d+x\d+ .*DejaVuSans-/);
    const id = await identify(link);
    assert.is(id.kind, kind);
    assert.ok(bytesEqual(id.publicKey, sim.key));
    await setTime(link, Date.UTC(2025, 2, 1, 1, 30));
    assert.ok(bytesEqual(await loadElection(link, f.signedElection), f.fingerprint), 'load-election');
    const s = await status(link);
    assert.ok(s.electionId && bytesEqual(s.electionId, f.fingerprint));
    await more?.(link, clock);
    const log = await readEventLog(link, crypto, { publicKey: id.signingKey });
    assert.ok(log.signed && log.entries.some((e) => e.event === EVENTS.boot.id));
    await new Promise((r) => setTimeout(r, 600)); // two more heap lines after the last exchange
    assert.not.match(sim.trace(), /fixed size heap|XS abort/, `${device} ran out of its ${heapSlots(device)}-slot heap`);
    reportHeap(device, sim.trace());
  } catch (e) {
    throw new Error(`${String(e)}\nmcsim trace:\n${sim.trace().slice(-4000)}`);
  } finally {
    await link.close();
    clock.clearAll();
    sim.stop();
  }
}

run('terminal in mcsim over TCP, in a 64 KiB heap: identify, load election, provision 5,000 codes, top up, self-test, open, counters, close, event log', async () => {
  const k = precinctKeys(crypto, 'xs-convo-terminal');
  await conversation('terminal', 'terminal', async (link, clock) => {
    // A large share (a precinct with two terminals and no reserve): the device's heap must not grow with it.
    const codes: number[] = [];
    for (let i = 0; i < 5000; i++) codes.push((i * 7919 + 13) % 10_000);
    assert.is((await terminalProvision(link, { issuers: [k.issuerPublic], electionPublicKey: k.electionPublic, codes: codesToBitmap(codes), startPasswordCommitment: k.commitment })).codes, 5000);
    const topUp: number[] = [];
    for (let c = 0; c < 10_000 && topUp.length < 500; c++) if (!codes.includes(c)) topUp.push(c);
    assert.is((await link.call(CodesTopUp, { codes: codesToBitmap(topUp) })).codesRemaining, 5500);
    const st = await runSelfTest(link, clock, { pollMs: 100 });
    assert.ok(st.passed, JSON.stringify(st.checks));
    assert.is((await openDevice(link, k.verifier)).state, 'open');
    assert.is((await terminalCounters(link)).votes, 0);
    assert.is((await closeDevice(link)).state, 'closed');
  });
});

run('accumulator in mcsim over TCP: identify, load election, status, event log', async () => {
  await conversation('accumulator', 'accumulator');
});

run('portable ballot in mcsim over TCP, in a 64 KiB heap: identify, load election, setup (400 codes), 200 home voters, counters, event log', async () => {
  await conversation('portable-ballot', 'portable-ballot', async (link) => {
    const share: number[] = [];
    for (let i = 0; i < 400; i++) share.push((i * 37 + 5) % 10_000);
    const verifier = crypto.sha256(Uint8Array.of(1));
    const setup = await portableLoadSetup(link, { electionPublicKey: crypto.x25519PublicKey(crypto.sha256(Uint8Array.of(2))), startPasswordCommitment: startPasswordCommitment(crypto, verifier), codeShare: codesToBitmap(share) });
    assert.is(setup.codes, 400);
    // The register's capacity the regulations ask of a portable ballot (001 §13): at least 200 voters.
    await portableLoadVoters(link, crypto, f.fingerprint, homeVoters(200));
    const c = await portableCounters(link);
    assert.equal([c.applications, c.codesLeft], [200, 400]);
  });
});

run('device keys come from the platform RNG (hosts/moddable/random.c): every boot made a different key', () => {
  assert.is(bootKeys.length, 3);
  assert.is(new Set(bootKeys).size, 3, bootKeys.join(' '));
});

test.run();
