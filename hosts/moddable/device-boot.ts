// What every device's Moddable main shares: the keys it was provisioned with at build time,
// a device key block kept in flash outside the device's own regions, tracing a self-test
// report. Device code (runs in XS).
import config from 'mc/config';
import Timer from 'timer';
import { heapLine } from './heap';
import { ProtocolError, bytesEqual, fromHex, toHex, utf8Encode } from '../../protocol/bytes';
import { crc32 } from '../../protocol/crc32';
import type { EntropyPort, FlashPort } from '../../runtime/ports';
import { summarise, type SelfTestReport } from '../../runtime/self-test';

/**
 * The serial and keys a build carries in its manifest's `config.sailau`: `authorityKeys` (Ed25519, signed
 * election definitions) and `precinctKeys` (X25519, the precinct computers allowed on the
 * link), as hex strings. Missing lists are empty: the device then refuses every election /
 * every handshake (and says so at boot). Writing them at commissioning is not designed yet.
 */
export function buildKeys(defaultSerial: string): { authorityKeys: Uint8Array[]; precinctKeys: Uint8Array[]; serial: string } {
  const s = ((config as Record<string, unknown>).sailau ?? {}) as { authorityKeys?: unknown; precinctKeys?: unknown; serial?: unknown };
  const list = (v: unknown): Uint8Array[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => fromHex(x)).filter((k) => k.length === 32) : []);
  // single keys may also come as flat config entries (mcconfig … authorityKey=<hex> precinctKey=<hex>)
  const flat = config as Record<string, unknown>;
  return {
    authorityKeys: [...list(s.authorityKeys), ...list([flat.authorityKey])],
    precinctKeys: [...list(s.precinctKeys), ...list([flat.precinctKey])],
    serial: typeof s.serial === 'string' && s.serial !== '' ? s.serial : defaultSerial,
  };
}

/** Boot lines about what the build was given. */
export function traceKeys(device: string, k: { authorityKeys: Uint8Array[]; precinctKeys: Uint8Array[]; serial: string }, hasLink: boolean): void {
  traceLine(`${device}: serial ${k.serial}; ${k.authorityKeys.length} authority keys, ${k.precinctKeys.length} precinct keys${k.precinctKeys.length === 0 ? ' (every handshake will be refused)' : ''}`);
  if (!hasLink) traceLine(`${device}: no link to the precinct computer on this platform`);
}

const MAGIC = utf8Encode('SKEY');
const KEY_RECORD_BYTES = 4 + 64 + 4;

/**
 * The device's two secrets (X25519 Noise secret, Ed25519 seed), made from the entropy port at
 * first boot and kept in their own flash block: [SKEY][noise 32][signing 32][crc32]. An
 * erased block means first boot; anything else that does not check is a fault (never silently
 * replaced: the precinct enrolled these keys).
 */
export function deviceSecrets(flash: FlashPort, block: number, entropy: EntropyPort): { noiseSecret: Uint8Array; signingSeed: Uint8Array } {
  const at = block * flash.blockSize;
  let rec = flash.read(at, KEY_RECORD_BYTES);
  if (rec.every((b) => b === 0xff)) {
    const body = new Uint8Array(KEY_RECORD_BYTES);
    body.set(MAGIC, 0);
    body.set(entropy.randomBytes(32), 4);
    body.set(entropy.randomBytes(32), 36);
    const c = crc32(body.subarray(0, 68));
    body.set([c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255], 68);
    flash.program(at, body);
    rec = flash.read(at, KEY_RECORD_BYTES);
  }
  const c = crc32(rec.subarray(0, 68));
  const stored = ((rec[68] << 24) | (rec[69] << 16) | (rec[70] << 8) | rec[71]) >>> 0;
  if (!bytesEqual(rec.subarray(0, 4), MAGIC) || stored !== c) throw new ProtocolError('bad-key-block', `device key block ${block} is damaged`);
  return { noiseSecret: rec.slice(4, 36), signingSeed: rec.slice(36, 68) };
}

export function traceLine(s: string): void { trace(`${s}\n`); }

/** The report, one line a check, then "<DEVICE> SELFTEST PASS|FAIL". */
export function traceSelfTest(device: string, r: SelfTestReport): void {
  for (const c of r.checks) traceLine(`  ${c.id.padEnd(12)} ${c.status.padEnd(15)} ${String(c.durationMs).padStart(5)} ms  ${c.detail}`);
  const s = summarise(r);
  traceLine(`${device}: self-test automatic ${r.automaticMs} ms; passed ${s.passed}, failed ${s.failed}, needs-operator ${s.needsOperator}`);
  traceLine(`${device} SELFTEST ${s.ok ? 'PASS' : 'FAIL'}`);
  traceHeap(device);
}

/**
 * The live heap after boot (instrumented builds: mcconfig -d or -i), and for measurement runs
 * (config.heapWatchMs, e.g. tests/xs-conversation-moddable.test.ts) again every so often, so the
 * heap after each conversation step shows in the trace. Off unless asked: each line collects.
 */
function traceHeap(device: string): void {
  traceLine(heapLine(`${device} boot`));
  const every = Number((config as Record<string, unknown>).heapWatchMs ?? 0);
  if (every > 0) Timer.repeat(() => traceLine(heapLine(`${device} watch`)), every);
}

export { toHex };
