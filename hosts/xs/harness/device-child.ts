// The child process of an XsDevice (hosts/xs/harness/device.ts): one xsnap worker that lives across
// many evaluates, with the device's link relayed to the parent over Node's IPC channel.
// Separate process on purpose: xsnap needs SES lockdown, which freezes this whole realm.
//
// Parent → child: { t: 'load', entry, config (CBOR bytes), seed? } once, then
//   { t: 'link', bytes } (bytes for the device), { t: 'sync', id, gc? }, { t: 'close' }.
// Child → parent: { t: 'loaded', compute, reports } | { t: 'link', bytes } (from the device)
//   | { t: 'synced', id, compute, evaluates, heapSlots?, reports, faults } | { t: 'error', message }.
//
// The driver loop: bytes from the parent are queued and a pump is run —
// evaluate `__sailauPump(now)` (the guest moves its clock to now, firing due timers, and
// takes the queued bytes), then `__sailauIdle()` (the guest says when its next timer is due)
// — again while bytes keep arriving, then a Node timer waits for the guest's next due time.
// Compute is summed over the pumps (not the idle probes), so the parent can take differences.
import { startXsWorker, type XsEntropy } from './run';
import { bundleForXs } from './bundle';
import { decodeCbor } from '../../../protocol/cbor';
import type { XsnapWorker } from '@agoric/xsnap';

type Msg =
  | { t: 'load'; entry: string; config: Uint8Array; seed?: string }
  | { t: 'link'; bytes: Uint8Array }
  | { t: 'sync'; id: number; gc?: boolean }
  | { t: 'close' };

const send = (m: unknown): void => { process.send?.(m); };

let worker: XsnapWorker | undefined;
let reports: Record<string, unknown> = {};
const inbox: Uint8Array[] = [];
const faults: string[] = [];
let compute = 0;
let evaluates = 0;
let busy = false;
let closing = false;
let again = false;
let nextDue: number | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let idleWaiters: (() => void)[] = [];
const t0 = performance.now();
const now = () => Math.floor(performance.now() - t0);

function takeInbox(): Uint8Array {
  let n = 0;
  for (const b of inbox) n += b.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const b of inbox.splice(0)) { out.set(b, at); at += b.length; }
  return out;
}

async function pump(): Promise<void> {
  if (!worker || closing) return;
  if (busy) { again = true; return; }
  busy = true;
  if (timer) { clearTimeout(timer); timer = undefined; }
  try {
    do {
      again = false;
      try {
        const r = await worker.evaluate(`__sailauPump(${now()})`);
        compute += r.meterUsage.compute;
        evaluates++;
      } catch (e) {
        faults.push(e instanceof Error ? e.message : String(e));
      }
      await worker.evaluate('__sailauIdle()');
    } while (again || inbox.length > 0 || (nextDue !== null && nextDue <= now()));
  } finally {
    busy = false;
  }
  if (nextDue !== null && !closing) timer = setTimeout(() => { void pump(); }, Math.max(0, nextDue - now()));
  const w = idleWaiters;
  idleWaiters = [];
  for (const f of w) f();
}

const idle = (): Promise<void> => (busy ? new Promise((r) => { idleWaiters.push(r); }) : Promise.resolve());

async function load(m: Extract<Msg, { t: 'load' }>): Promise<void> {
  const code = await bundleForXs(m.entry);
  const config = decodeCbor(m.config);
  const entropy: XsEntropy = m.seed ? { seed: m.seed } : 'os';
  const host = await startXsWorker(entropy);
  worker = host.worker;
  reports = host.reports;
  host.extra.set('config', () => config);
  host.extra.set('link-write', (call) => { send({ t: 'link', bytes: call.bytes as Uint8Array }); return null; });
  host.extra.set('link-take', () => takeInbox());
  host.extra.set('idle', (call) => { nextDue = typeof call.nextDue === 'number' ? call.nextDue : null; return null; });
  busy = true;
  let loadCompute = 0;
  try {
    loadCompute = (await worker.evaluate(code)).meterUsage.compute;
    await worker.evaluate('__sailauIdle()');
  } finally { busy = false; }
  send({ t: 'loaded', compute: loadCompute, reports });
  void pump();
}

// The parent went away (a test process killed or crashed): do not leave xsnap running.
process.on('disconnect', () => {
  closing = true;
  if (timer) clearTimeout(timer);
  void (worker ? worker.close() : Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
});

process.on('message', (raw: unknown) => {
  const m = raw as Msg;
  switch (m.t) {
    case 'load': load(m).catch((e: unknown) => { send({ t: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) }); }); break;
    case 'link': inbox.push(m.bytes); void pump(); break;
    case 'sync':
      void idle().then(async () => {
        let heapSlots: number | undefined;
        if (m.gc && worker) {
          busy = true;
          try { heapSlots = (await worker.evaluate('gc()')).meterUsage.currentHeapCount; } finally { busy = false; }
        }
        send({ t: 'synced', id: m.id, compute, evaluates, heapSlots, reports, faults });
      });
      break;
    case 'close':
      closing = true;
      if (timer) clearTimeout(timer);
      void idle().then(() => (worker ? worker.close() : undefined)).catch(() => undefined).finally(() => { process.disconnect(); });
      break;
  }
});

