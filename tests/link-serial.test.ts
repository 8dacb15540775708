// The serial LinkPort over a real pty pair made by socat (started and stopped here):
// every byte value passes, large bursts arrive whole in chunks, and the link reports a
// lost port and comes back by itself when the port reappears.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialLink } from '../hosts/node/link-serial';
import { bytesEqual, concatBytes } from '../protocol/bytes';

const dir = mkdtempSync(join(tmpdir(), 'sailau-serial-'));
const A = join(dir, 'A');
const B = join(dir, 'B');

async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startSocat(): Promise<ChildProcess> {
  const p = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${A}`, `pty,raw,echo=0,link=${B}`], { stdio: 'ignore' });
  await waitFor(() => existsSync(A) && existsSync(B), 5000, 'socat ptys');
  return p;
}

async function stopSocat(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

function collector(link: SerialLink): { chunks: Uint8Array[]; total: () => number; all: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  link.onReceive((b) => chunks.push(b));
  return { chunks, total: () => chunks.reduce((n, c) => n + c.length, 0), all: () => concatBytes(...chunks) };
}

let socat: ChildProcess;
let a: SerialLink;
let b: SerialLink;
let fromA: ReturnType<typeof collector>;
let fromB: ReturnType<typeof collector>;
const events: string[] = [];

test.before(async () => {
  socat = await startSocat();
  a = await SerialLink.open(A, { watchMs: 50 });
  b = await SerialLink.open(B, { watchMs: 50 });
  fromA = collector(b); // what b receives came from a
  fromB = collector(a);
  a.onConnectionChange((c) => events.push(`a:${c}`));
  b.onConnectionChange((c) => events.push(`b:${c}`));
});

test.after(async () => {
  await a?.close(); await b?.close();
  if (socat) await stopSocat(socat);
  rmSync(dir, { recursive: true, force: true });
});

test('all 256 byte values pass intact, both ways', async () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const reversed = all.slice().reverse();
  a.write(all);
  b.write(reversed);
  await waitFor(() => fromA.total() >= 256 && fromB.total() >= 256, 5000, 'bytes');
  assert.ok(bytesEqual(fromA.all(), all), 'a to b');
  assert.ok(bytesEqual(fromB.all(), reversed), 'b to a');
  assert.not.ok(fromA.chunks.some((c) => Buffer.isBuffer(c)), 'handlers get plain Uint8Arrays');
  fromA.chunks.length = 0; fromB.chunks.length = 0;
});

test('a 256 KiB burst arrives whole, in several chunks', async () => {
  const n = 256 * 1024;
  const burst = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; burst[i] = x >>> 24; }
  // written as many small writes, as a device would
  for (let i = 0; i < n; i += 1000) a.write(burst.subarray(i, i + 1000));
  await waitFor(() => fromA.total() >= n, 20000, 'burst');
  assert.is(fromA.total(), n);
  assert.ok(bytesEqual(fromA.all(), burst));
  assert.ok(fromA.chunks.length > 1, `arrived in ${fromA.chunks.length} chunks`);
  fromA.chunks.length = 0;
});

test('the link reports the port lost and reopens it when it comes back', async () => {
  assert.ok(a.connected && b.connected);
  await stopSocat(socat);
  await waitFor(() => !a.connected && !b.connected, 5000, 'loss to be noticed');
  a.write(Uint8Array.of(1, 2, 3)); // nowhere to go: dropped, no throw
  socat = await startSocat();
  await waitFor(() => a.connected && b.connected, 5000, 'reopen');
  assert.equal(events.filter((e) => e.startsWith('a:')), ['a:false', 'a:true']);
  assert.equal(events.filter((e) => e.startsWith('b:')), ['b:false', 'b:true']);
  const msg = Uint8Array.of(0, 0xff, 0x7e, 0x7d, 0x0a, 0x0d, 0x11, 0x13);
  b.write(msg);
  await waitFor(() => fromB.total() >= msg.length, 5000, 'bytes after reconnect');
  assert.ok(bytesEqual(fromB.all(), msg));
});

test('open() gives up on a port that never appears', async () => {
  try {
    await SerialLink.open(join(dir, 'missing'), { timeoutMs: 300 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /did not open/);
  }
});

test.run();
