// Verification-code sets (001 §11, §19): at setup the precinct computer splits the 10,000
// four-digit codes into disjoint sets, one per device that shows codes (terminals and the
// portable ballot), so no two voters of the precinct can get the same code. The split is a
// uniformly random permutation (Fisher–Yates with rejection-sampled indices, entropy port)
// cut into equal shares; what does not divide evenly is a reserve for top-ups.
//
// What the precinct computer learns and keeps: which *device* holds which code. It never
// learns which *voter* got a code — the device draws it uniformly at random from its share
// at the moment of the vote (terminal/ballot/codes.ts) and shows it only on its screen;
// and which booth a voter used is visible in the room anyway. It keeps the shares as
// bitmaps (not the permutation, whose order means nothing) for two checks: top-ups must be
// disjoint from every share, and at counting each code a device reports must be in that
// device's share and appear once. docs/keys.md.
//
// Bitmap layout, shared with terminal/ballot/codes.ts: code c is bit (c & 7) of byte c >> 3;
// 1,250 bytes for the 10,000 codes.
import { bytesEqual } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';
import type { EntropyPort } from '../protocol/crypto/port';
import { PrecinctError } from './errors';

export const CODE_SPACE = 10_000;
export const CODE_BITMAP_BYTES = CODE_SPACE / 8;
/** A precinct has at most 3,000 voters (REQUIREMENTS, 003). */
export const MAX_PRECINCT_VOTERS = 3000;
/**
 * Most votes one device can take in a day: voting lasts 13 hours (07:00–20:00), and a vote
 * (card in, language, each contest, confirmation, card out) takes no less than 30 s:
 * 13 × 3600 / 30 = 1,560.
 */
export const DEVICE_DAY_CAPACITY = 1560;

export interface CodeSetConfig {
  /** Devices that show codes: terminals and the portable ballot; unique, non-empty ids. */
  devices: readonly string[];
  /** Voters on the precinct's list (≤ 3,000). */
  voters: number;
  /** Codes kept back for top-ups, besides the remainder of the equal split. Default 0. */
  reserve?: number;
  /**
   * Smallest acceptable share. Default: min(voters, DEVICE_DAY_CAPACITY) — a device can
   * never run out within the day even if it serves every voter it possibly could.
   */
  minShare?: number;
}

export interface DeviceCodeSet { deviceId: string; count: number; bitmap: Uint8Array }
export interface CodeSets { shares: DeviceCodeSet[]; reserve: DeviceCodeSet['bitmap']; reserveCount: number }

function bad(message: string): PrecinctError {
  return new PrecinctError('code-sets-bad-config', message);
}

export function hasCode(bitmap: Uint8Array, code: number): boolean {
  return (bitmap[code >> 3] & (1 << (code & 7))) !== 0;
}
function setCode(bitmap: Uint8Array, code: number): void {
  bitmap[code >> 3] |= 1 << (code & 7);
}
export function countCodes(bitmap: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bitmap.length; i++) { let b = bitmap[i]; while (b) { b &= b - 1; n++; } }
  return n;
}
export function codesOf(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  for (let c = 0; c < CODE_SPACE; c++) if (hasCode(bitmap, c)) out.push(c);
  return out;
}

/** A uniform integer in [0, n): 32-bit draws, those at or above the largest multiple of n drawn again. */
export function uniformBelow(n: number, entropy: EntropyPort): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new PrecinctError('code-sets-bad-config', `cannot draw below ${n}`);
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const b = entropy.randomBytes(4);
    if (b.length !== 4) throw new PrecinctError('code-sets-bad-config', 'the entropy port returned the wrong length');
    const x = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    if (x < limit) return x % n;
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates, Durstenfeld's in-place form). */
export function randomPermutation(n: number, entropy: EntropyPort): Uint16Array {
  if (!Number.isInteger(n) || n < 0 || n > 0x10000) throw new PrecinctError('code-sets-bad-config', `permutation of ${n} items`);
  const perm = new Uint16Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformBelow(i + 1, entropy);
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  return perm;
}

/** The share size a configuration gives each device, after checking it. */
export function shareSize(config: CodeSetConfig): number {
  const { devices, voters } = config;
  if (!Array.isArray(devices) || devices.length < 1) throw bad('at least one device must show verification codes');
  const seen = new Set<string>();
  for (const d of devices) {
    if (typeof d !== 'string' || d.length === 0) throw bad('device ids must be non-empty strings');
    if (seen.has(d)) throw bad(`device ${d} is listed twice`);
    seen.add(d);
  }
  if (!Number.isInteger(voters) || voters < 1) throw bad(`voters ${voters}`);
  if (voters > MAX_PRECINCT_VOTERS) throw bad(`${voters} voters: a precinct has at most ${MAX_PRECINCT_VOTERS}`);
  const reserve = config.reserve ?? 0;
  if (!Number.isInteger(reserve) || reserve < 0 || reserve >= CODE_SPACE) throw bad(`reserve ${reserve}`);
  const minShare = config.minShare ?? Math.min(voters, DEVICE_DAY_CAPACITY);
  if (!Number.isInteger(minShare) || minShare < 1) throw bad(`minimum share ${minShare}`);
  const each = Math.floor((CODE_SPACE - reserve) / devices.length);
  if (each < minShare) {
    throw new PrecinctError('code-sets-share-too-small', `${devices.length} devices with a reserve of ${reserve} leave ${each} codes each; each needs at least ${minShare}. Use fewer code-showing devices or a smaller reserve`);
  }
  return each;
}

/** Splits the code space for the configured devices. */
export function partitionCodeSets(config: CodeSetConfig, entropy: EntropyPort): CodeSets {
  const each = shareSize(config);
  const perm = randomPermutation(CODE_SPACE, entropy);
  const shares: DeviceCodeSet[] = [];
  let at = 0;
  for (const deviceId of config.devices) {
    const bitmap = new Uint8Array(CODE_BITMAP_BYTES);
    for (let i = 0; i < each; i++) setCode(bitmap, perm[at + i]);
    at += each;
    shares.push({ deviceId, count: each, bitmap });
  }
  const reserve = new Uint8Array(CODE_BITMAP_BYTES);
  for (let i = at; i < CODE_SPACE; i++) setCode(reserve, perm[i]);
  perm.fill(0); // the order is not needed and not kept
  return { shares, reserve, reserveCount: CODE_SPACE - at };
}

/**
 * Checks that the shares and the reserve are pairwise disjoint and together cover all
 * 10,000 codes, and that each count is right. Throws code-sets-overlap / code-sets-bad-state.
 */
export function checkCodeSets(sets: CodeSets): void {
  const all = [...sets.shares.map((s) => ({ name: s.deviceId, bitmap: s.bitmap, count: s.count })), { name: '(reserve)', bitmap: sets.reserve, count: sets.reserveCount }];
  const union = new Uint8Array(CODE_BITMAP_BYTES);
  for (const s of all) {
    if (!(s.bitmap instanceof Uint8Array) || s.bitmap.length !== CODE_BITMAP_BYTES) throw new PrecinctError('code-sets-bad-state', `${s.name}: bitmap must be ${CODE_BITMAP_BYTES} bytes`);
    if (countCodes(s.bitmap) !== s.count) throw new PrecinctError('code-sets-bad-state', `${s.name}: count ${s.count} does not match its bitmap`);
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) {
      if ((union[i] & s.bitmap[i]) !== 0) throw new PrecinctError('code-sets-overlap', `${s.name} shares a code with another set`);
      union[i] |= s.bitmap[i];
    }
  }
  if (countCodes(union) !== CODE_SPACE) throw new PrecinctError('code-sets-bad-state', 'the sets do not cover all 10,000 codes');
}

/* ---------------------------------------------------------------- provisioning */

export const CODE_SET_KIND = 'sailau/code-set';
const FORMAT = 1;

/**
 * What one device is provisioned with, in deterministic CBOR (1,365 bytes for a 2,000-code share with a two-character id):
 *   { format: 1, kind: "sailau/code-set", electionFingerprint: bstr32, deviceId: tstr,
 *     count: uint, bitmap: bstr1250 }
 * It travels inside the device's Noise session, which authenticates the precinct computer;
 * the fingerprint and device id stop a set being loaded into the wrong election or device.
 */
export function encodeCodeSet(electionFingerprint: Uint8Array, set: DeviceCodeSet): Uint8Array {
  if (electionFingerprint.length !== 32) throw new PrecinctError('code-sets-bad-config', 'election fingerprint must be 32 bytes');
  if (set.bitmap.length !== CODE_BITMAP_BYTES || countCodes(set.bitmap) !== set.count) throw new PrecinctError('code-sets-bad-state', 'count does not match the bitmap');
  return encodeCbor({ format: FORMAT, kind: CODE_SET_KIND, electionFingerprint, deviceId: set.deviceId, count: set.count, bitmap: set.bitmap });
}

export interface ProvisionedCodeSet extends DeviceCodeSet { electionFingerprint: Uint8Array }

/** Refusals: code-set-malformed; code-set-wrong-election / code-set-wrong-device when expectations are given. */
export function decodeCodeSet(bytes: Uint8Array, expect: { electionFingerprint?: Uint8Array; deviceId?: string } = {}): ProvisionedCodeSet {
  const code = 'code-set-malformed';
  let v: CborValue;
  try { v = decodeCbor(bytes); } catch (err) { throw new PrecinctError(code, `not a code set (${err instanceof Error ? err.message : String(err)})`); }
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || Array.isArray(v) || v instanceof Map) throw new PrecinctError(code, 'not a map');
  if (v.kind !== CODE_SET_KIND || v.format !== FORMAT) throw new PrecinctError(code, 'not a code set of format 1');
  if (Object.keys(v).sort().join(',') !== 'bitmap,count,deviceId,electionFingerprint,format,kind') throw new PrecinctError(code, 'unexpected fields');
  const { electionFingerprint, deviceId, count, bitmap } = v;
  if (!(electionFingerprint instanceof Uint8Array) || electionFingerprint.length !== 32) throw new PrecinctError(code, 'bad election fingerprint');
  if (typeof deviceId !== 'string' || deviceId.length === 0) throw new PrecinctError(code, 'bad device id');
  if (!(bitmap instanceof Uint8Array) || bitmap.length !== CODE_BITMAP_BYTES) throw new PrecinctError(code, `bitmap must be ${CODE_BITMAP_BYTES} bytes`);
  if (typeof count !== 'number' || count !== countCodes(bitmap) || count < 1) throw new PrecinctError(code, 'count does not match the bitmap');
  if (expect.electionFingerprint && !bytesEqual(expect.electionFingerprint, electionFingerprint)) throw new PrecinctError('code-set-wrong-election', 'this code set is for another election');
  if (expect.deviceId !== undefined && expect.deviceId !== deviceId) throw new PrecinctError('code-set-wrong-device', `this code set is for device ${deviceId}`);
  return { electionFingerprint, deviceId, count, bitmap };
}
