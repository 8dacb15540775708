// Test fixture: a real pcscd with vsmartcard's vpcd driver, for tests that go through PC/SC.
// Starts its own `pcscd --foreground` (root only) unless one is already running, in which
// case that one is used and left running; stop() ends only what start() began.
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { Context, SCARD_STATE_PRESENT } from 'smartcard';

export const exec = promisify(execFile);
export const VPCD_READER = 'Virtual PCD 00 00';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reader names and card presence, or null when no pcscd answers. */
export function readers(): { name: string; present: boolean }[] | null {
  if (typeof Context !== 'function') throw new Error('the smartcard binding did not load');
  let ctx: InstanceType<typeof Context> | undefined;
  try {
    ctx = new Context();
    return ctx.listReaders().map((r) => ({ name: r.name, present: (r.state & SCARD_STATE_PRESENT) !== 0 }));
  } catch {
    return null;
  } finally {
    try { ctx?.close(); } catch { /* closed */ }
  }
}

export async function waitFor(what: string, f: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const cardPresent = (): boolean => readers()?.find((r) => r.name === VPCD_READER)?.present === true;

export interface PcscFixture {
  /** False when a pcscd was already running and is used as found. */
  startedPcscd: boolean;
  stop(): Promise<void>;
}

/** Why PC/SC tests cannot run here (not root and no pcscd, or no pcscd binary), or null. */
export async function pcscUnavailable(): Promise<string | null> {
  try { await exec('which', ['pcscd', 'opensc-tool']); } catch { return 'pcscd or opensc-tool not installed'; }
  if (readers() === null && process.getuid?.() !== 0) return 'no pcscd running and not root to start one';
  return null;
}

export async function startPcsc(): Promise<PcscFixture> {
  let child: ChildProcess | null = null;
  if (readers() === null) {
    child = spawn('pcscd', ['--foreground'], { stdio: 'ignore' });
    const started = child;
    let exited = false;
    started.once('exit', () => { exited = true; });
    try {
      await waitFor('pcscd to list the vpcd reader', () => {
        if (exited) throw new Error('pcscd exited at start');
        return readers()?.some((r) => r.name === VPCD_READER) === true;
      });
    } catch (e) {
      started.kill('SIGKILL');
      throw e;
    }
  } else if (!readers()!.some((r) => r.name === VPCD_READER)) {
    throw new Error(`the running pcscd has no "${VPCD_READER}" reader (is vsmartcard-vpcd installed?)`);
  }
  if (cardPresent()) throw new Error(`"${VPCD_READER}" already holds a card: another virtual card is connected`);
  return {
    startedPcscd: child !== null,
    async stop(): Promise<void> {
      if (!child || child.exitCode !== null) return;
      const c = child;
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      await Promise.race([gone, sleep(5000).then(() => { c.kill('SIGKILL'); })]);
    },
  };
}

/** Index of the vpcd reader in `opensc-tool -l`'s list, and whether it shows a card. */
export async function openscReader(): Promise<{ index: number; card: boolean; listing: string }> {
  const { stdout } = await exec('opensc-tool', ['-l']);
  const line = stdout.split('\n').find((l) => l.includes(VPCD_READER));
  if (!line) return { index: -1, card: false, listing: stdout };
  const [index, card] = line.trim().split(/\s+/);
  return { index: Number(index), card: card === 'Yes', listing: stdout };
}
