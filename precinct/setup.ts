// Setting a precinct up (issue 8 §2): create it from a signed election definition, then
// commission each device — identify it over its link, enrol its keys, and provision it with
// what it needs for the day.
//
// What the database keeps (settings, hex): the signed definition and its fingerprint, the
// authority keys it was checked with, the precinct identity key file (sealed with the
// operator's passphrase; public halves readable without it), the sealed election key (useless
// without the start password), and the accumulator's start-password check value. The start
// password itself exists only on the envelope sheet returned once by createPrecinct.
import { bytesEqual, fromHex, toHex } from '../protocol/bytes';
import { encodeCbor } from '../protocol/cbor';
import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
import { verifySignedElection, ElectionError, type ElectionDefinition } from '../protocol/election/index';
import type { PrecinctDb } from './db/open';
import { getSetting, setSetting } from './db/open';
import type { Clock } from './db/clock';
import { enrollDevice, getDevice, listDevices, type Device, type DeviceKind } from './db/devices';
import { eventLog } from './event-log';
import { PrecinctError } from './errors';
import { importRegister, voterCount, type ImportReport } from './register';
import { CODE_BITMAP_BYTES, CODE_SPACE, DEVICE_DAY_CAPACITY, countCodes, hasCode, uniformBelow } from './code-sets';
import { createElectionKey, decodeSealedElectionKey } from './keys/election-key';
import { envelopeSheet } from './keys/envelope-sheet';
import { keyFingerprint } from './keys/fingerprint';
import {
  generateChairmanKey, sealChairmanKey, generatePrecinctIdentity, readPrecinctIdentityPublic, sealPrecinctIdentity, unsealPrecinctIdentity, type PrecinctIdentity, type PrecinctIdentityPublic,
} from './keys/precinct-identity';
import { parseAddress } from './devices/address';
import { accumulatorLoadKeys, identify, loadElection, portableLoadSetup, setTime, terminalProvision, type IdentifyAnswer } from './devices/calls';
import { DeviceError } from './devices/errors';
import { DeviceLink } from './devices/link';
import { getDeviceLinkRow, type DevicePool } from './devices/pool';

export const SETTING = {
  precinct: 'precinct',
  electionId: 'election-id',
  electionDate: 'election-date',
  signedElection: 'election-signed',
  fingerprint: 'election-fingerprint',
  authorityKeys: 'authority-public-keys',
  identity: 'precinct-identity',
  sealedElectionKey: 'sealed-election-key',
  phase: 'day-phase',
  chairmanKey: 'chairman-public-key',
} as const;

/** Where the day is: set by open and close; refusals name it. */
export type DayPhase = 'setup' | 'open' | 'closed';

export function dayPhase(db: PrecinctDb): DayPhase {
  return (getSetting(db, SETTING.phase) as DayPhase | undefined) ?? 'setup';
}

export interface CreatePrecinctInput {
  db: PrecinctDb;
  clock: Clock;
  crypto: CryptoPort;
  entropy: EntropyPort;
  /** The signed election definition (precinct/tools/election.ts build). */
  signedElection: Uint8Array;
  /** The election authority's Ed25519 public keys the definition must be signed by. */
  authorityKeys: readonly Uint8Array[];
  /** The register CSV (docs/precinct-data.md); may be imported later. */
  registerCsv?: string | Uint8Array;
  /** Seals the precinct's own keys in the database (the operator types it to work with devices). */
  operatorPassphrase: string;
  /** scrypt work factor for the seals; production default. Tests use 10. */
  logN?: number;
  /** Commission members besides the chairman who sign the envelope sheet. */
  members?: number;
}

export interface CreatedPrecinct {
  precinct: number;
  electionId: string;
  fingerprint: Uint8Array;
  identity: PrecinctIdentityPublic;
  electionPublicKey: Uint8Array;
  register: ImportReport | null;
  /** The only copy of the start password: print it, seal it in the envelope (001 §4-1). */
  envelopeSheet: string;
}

/** Creates the precinct in an empty database. Refusals: precinct-exists, election-refused. */
export async function createPrecinct(input: CreatePrecinctInput): Promise<CreatedPrecinct> {
  const { db, clock, crypto, entropy } = input;
  if (getSetting(db, SETTING.fingerprint) !== undefined) {
    throw new PrecinctError('precinct-exists', 'this database already holds a precinct; use a new file for a new election');
  }
  let verified;
  try {
    verified = verifySignedElection(input.signedElection, input.authorityKeys, crypto);
  } catch (e) {
    if (e instanceof ElectionError) {
      eventLog(db, clock).append({ event: 'election-refused', disposition: 'rejected', detail: { reason: e.code } });
      throw new PrecinctError('election-refused', `the election definition was refused (${e.message}); get the signed file and the authority key again from the territorial commission`);
    }
    throw e;
  }
  const def = verified.definition;
  // The register first: a bad file is refused (every problem listed) before any key is made.
  const register = input.registerCsv === undefined ? null : importRegister(db, input.registerCsv, clock);
  const identity = generatePrecinctIdentity(crypto, entropy, def.precinct);
  const identityFile = await sealPrecinctIdentity(crypto, identity, input.operatorPassphrase, { logN: input.logN });
  const key = await createElectionKey(crypto, entropy, verified.fingerprint, { logN: input.logN });
  const password = key.startPassword.take();
  const sheet = envelopeSheet(crypto, {
    electionId: def.electionId, title: def.title, electionDate: def.date, precinct: def.precinct,
    electionFingerprint: verified.fingerprint, electionPublicKey: key.publicKey, sealedOn: clock().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    members: input.members,
  }, password);

  db.transaction(() => {
    setSetting(db, SETTING.precinct, String(def.precinct));
    setSetting(db, SETTING.electionId, def.electionId);
    setSetting(db, SETTING.electionDate, def.date);
    setSetting(db, SETTING.signedElection, toHex(input.signedElection));
    setSetting(db, SETTING.fingerprint, toHex(verified.fingerprint));
    setSetting(db, SETTING.authorityKeys, input.authorityKeys.map(toHex).join(','));
    setSetting(db, SETTING.identity, toHex(identityFile));
    setSetting(db, SETTING.sealedElectionKey, toHex(key.sealed));
    setSetting(db, SETTING.phase, 'setup');
    eventLog(db, clock).append({ event: 'precinct-created', disposition: 'ok', detail: {
      precinct: def.precinct, electionId: def.electionId, fingerprint: toHex(verified.fingerprint),
      noiseKey: keyFingerprint(crypto, identity.noise.publicKey), electionKey: keyFingerprint(crypto, key.publicKey),
    } });
  }).immediate();
  identity.noise.secretKey.fill(0);
  identity.issuing.secretKey.fill(0);
  return {
    precinct: def.precinct, electionId: def.electionId, fingerprint: verified.fingerprint,
    identity: { precinct: def.precinct, noisePublicKey: identity.noise.publicKey, issuingPublicKey: identity.issuing.publicKey },
    electionPublicKey: key.publicKey, register, envelopeSheet: sheet,
  };
}

export interface PrecinctElection {
  signed: Uint8Array;
  fingerprint: Uint8Array;
  definition: ElectionDefinition;
  precinct: number;
}

function setting(db: PrecinctDb, key: string): string {
  const v = getSetting(db, key);
  if (v === undefined) throw new PrecinctError('precinct-not-created', 'this database holds no precinct yet; run `init` first');
  return v;
}

/** The stored election, verified again (the database file is not trusted blindly). */
export function readElection(db: PrecinctDb, crypto: CryptoPort): PrecinctElection {
  const signed = fromHex(setting(db, SETTING.signedElection));
  const keys = setting(db, SETTING.authorityKeys).split(',').filter((k) => k !== '').map(fromHex);
  const v = verifySignedElection(signed, keys, crypto);
  if (!bytesEqual(v.fingerprint, fromHex(setting(db, SETTING.fingerprint)))) {
    throw new PrecinctError('precinct-election-altered', 'the stored election fingerprint does not match the stored definition; restore the database from its copy');
  }
  return { signed, fingerprint: v.fingerprint, definition: v.definition, precinct: v.definition.precinct };
}

/**
 * Makes the chairman's signing key (001 §20), sealed with the chairman's own passphrase in a
 * file the chairman keeps (precinct/keys/precinct-identity.ts); only its public half is stored
 * here, to verify the protocol against. Refuses a second one (chairman-key-exists).
 */
export async function createChairmanKeyFile(db: PrecinctDb, clock: Clock, crypto: CryptoPort, entropy: EntropyPort, passphrase: string, logN?: number): Promise<{ file: Uint8Array; publicKey: Uint8Array }> {
  if (getSetting(db, SETTING.chairmanKey) !== undefined) throw new PrecinctError('chairman-key-exists', 'this precinct already has a chairman key');
  const precinct = Number(setting(db, SETTING.precinct));
  const key = generateChairmanKey(crypto, entropy, precinct);
  const file = await sealChairmanKey(crypto, key, passphrase, { logN });
  key.signing.secretKey.fill(0);
  db.transaction(() => {
    setSetting(db, SETTING.chairmanKey, toHex(key.signing.publicKey));
    eventLog(db, clock).append({ event: 'chairman-key-created', disposition: 'ok', detail: { key: keyFingerprint(crypto, key.signing.publicKey) } });
  }).immediate();
  return { file, publicKey: key.signing.publicKey };
}

export function chairmanPublicKey(db: PrecinctDb): Uint8Array | undefined {
  const v = getSetting(db, SETTING.chairmanKey);
  return v === undefined ? undefined : fromHex(v);
}

export function precinctIdentityPublic(db: PrecinctDb): PrecinctIdentityPublic {
  return readPrecinctIdentityPublic(fromHex(setting(db, SETTING.identity)));
}

/** Opens the precinct's own keys with the operator's passphrase (wrong-passphrase otherwise). */
export function unlockIdentity(db: PrecinctDb, crypto: CryptoPort, passphrase: string): Promise<PrecinctIdentity> {
  return unsealPrecinctIdentity(crypto, fromHex(setting(db, SETTING.identity)), passphrase);
}

export function sealedElectionKey(db: PrecinctDb): Uint8Array {
  return fromHex(setting(db, SETTING.sealedElectionKey));
}

export function electionPublicKey(db: PrecinctDb): Uint8Array {
  return decodeSealedElectionKey(sealedElectionKey(db)).publicKey;
}

// ---------------------------------------------------------------- commissioning

/** What the precinct computer needs to work with devices. */
export interface DeviceWork {
  db: PrecinctDb;
  clock: Clock;
  crypto: CryptoPort;
  entropy: EntropyPort;
  pool: DevicePool;
  /** Progress lines for long work (the command line prints them). */
  progress?: (line: string) => void;
}

export interface CommissionInput {
  kind: Exclude<DeviceKind, 'card-writer'>;
  address: string;
  /** The device's Noise public key as its screen or label shows it (the KK handshake needs it first). */
  devicePublicKey: Uint8Array;
  /** The name written on the device's label; default <kind>-<n>. */
  deviceId?: string;
}

export interface ProvisionStep { what: string; ok: boolean; detail: string }

export interface CommissionResult {
  device: Device;
  identity: IdentifyAnswer;
  steps: ProvisionStep[];
}

const KINDS: readonly CommissionInput['kind'][] = ['terminal', 'accumulator', 'portable-ballot'];

function nextDeviceId(db: PrecinctDb, kind: DeviceKind): string {
  const taken = new Set(listDevices(db).map((d) => d.deviceId));
  for (let n = 1; ; n++) if (!taken.has(`${kind}-${n}`)) return `${kind}-${n}`;
}

/**
 * Commissions one device: identifies it over its link (checking it is the kind said and holds
 * the key shown on its screen), enrols its keys, sets its clock, and provisions it. Refusals:
 * device-identity-mismatch, device-duplicate, and every DeviceError of the link.
 */
export async function commissionDevice(w: DeviceWork, input: CommissionInput): Promise<CommissionResult> {
  const { db, clock, crypto } = w;
  if (!KINDS.includes(input.kind)) throw new PrecinctError('device-kind', `"${input.kind}" is not a device kind; use terminal, accumulator or portable-ballot`);
  const deviceId = input.deviceId ?? nextDeviceId(db, input.kind);
  parseAddress(input.address, deviceId);
  if (input.devicePublicKey.length !== 32) throw new DeviceError('device-identity-mismatch', deviceId, 'the device key must be 32 bytes (64 hex digits)');
  if (getDevice(db, deviceId)) throw new PrecinctError('device-duplicate', `${deviceId} is already enrolled; choose another name or run \`devices\``);
  readElection(db, crypto);

  // A link of its own until the device is enrolled (the pool serves enrolled devices only).
  const link = new DeviceLink(deviceId, input.devicePublicKey, w.pool.connector(deviceId, input.address), w.pool.options);
  let id: IdentifyAnswer;
  try {
    w.progress?.(`${deviceId}: identifying over ${input.address} …`);
    id = await identify(link);
  } catch (e) {
    void link.close();
    throw e;
  }
  const problem = id.kind !== input.kind ? `it says it is a ${id.kind}, not a ${input.kind}`
    : !bytesEqual(id.publicKey, input.devicePublicKey) ? 'its link key differs from the one typed (compare the fingerprints again)'
      : id.signingKey === undefined ? 'it has no signing key (its firmware must report one to be enrolled)' : null;
  if (problem) {
    void link.close();
    eventLog(db, clock).append({ event: 'device-commission', disposition: 'refused', detail: { deviceId, kind: input.kind, serial: id.serial, reason: problem } });
    throw new DeviceError('device-identity-mismatch', deviceId, `${problem}; the device was not enrolled`);
  }
  let device!: Device;
  try {
    db.transaction(() => {
      device = enrollDevice(db, clock, { deviceId, kind: input.kind, serial: id.serial, signPublicKey: id.signingKey!, kexPublicKey: id.publicKey });
      db.prepare('INSERT INTO device_links (device_id, address, firmware_version, firmware_hash, commissioned_at) VALUES (?, ?, ?, ?, ?)')
        .run(deviceId, input.address, id.firmwareVersion, id.firmwareHash, clock().toISOString());
      eventLog(db, clock).append({ event: 'device-commission', disposition: 'ok', detail: {
        deviceId, kind: input.kind, serial: id.serial, firmwareVersion: id.firmwareVersion, firmwareHash: toHex(id.firmwareHash),
        linkKey: keyFingerprint(crypto, id.publicKey), signingKey: keyFingerprint(crypto, id.signingKey!),
      } });
    }).immediate();
  } catch (e) {
    void link.close();
    throw e;
  }
  w.pool.adopt(link);
  const steps = await provisionDevice(w, deviceId);
  // A new terminal or portable ballot: the accumulators must accept its votes.
  if (input.kind !== 'accumulator') {
    for (const acc of w.pool.devices().filter((d) => d.kind === 'accumulator')) {
      try {
        steps.push(await provisionAccumulatorKeys(w, acc.deviceId));
      } catch (e) {
        steps.push({ what: `keys of ${acc.deviceId}`, ok: false, detail: `${(e as Error).message}; run \`commission --reprovision ${acc.deviceId}\` when it is reachable` });
      }
    }
  }
  return { device, identity: id, steps };
}

/**
 * Sends a commissioned device everything it needs: the time, the election definition, and its
 * kind's keys and verification codes. Each step is reported; a step the firmware cannot do
 * yet is reported as such (device-not-supported), not skipped silently. Recorded in
 * device_links.provisioned and the event log.
 */
export async function provisionDevice(w: DeviceWork, deviceId: string): Promise<ProvisionStep[]> {
  const { db, clock, crypto } = w;
  const device = getDevice(db, deviceId);
  if (!device) throw new DeviceError('device-unknown', deviceId, 'is not enrolled');
  const election = readElection(db, crypto);
  const link = w.pool.link(deviceId);
  const steps: ProvisionStep[] = [];
  const step = async (what: string, run: () => Promise<string>): Promise<void> => {
    try {
      steps.push({ what, ok: true, detail: await run() });
    } catch (e) {
      if (!(e instanceof PrecinctError)) throw e;
      steps.push({ what, ok: false, detail: e.message });
    }
  };
  await step('clock', async () => { await setTime(link, clock().getTime()); return 'set from the precinct computer'; });
  await step('election', async () => {
    const id = await loadElection(link, election.signed, (done, total) => w.progress?.(`${deviceId}: election ${done}/${total} bytes`));
    if (!bytesEqual(id, election.fingerprint)) throw new DeviceError('device-bad-answer', deviceId, 'the device computed another election fingerprint');
    return `fingerprint ${toHex(id).slice(0, 20)}…`;
  });
  if (device.kind === 'accumulator') {
    await step('keys', async () => (await provisionAccumulatorKeys(w, deviceId)).detail);
  } else {
    // Terminals and the portable ballot: the election key votes are sealed to, the start-password
    // commitment `open` is checked against, and a share of the verification codes of their own.
    const set = allocateCodeSet(db, w.entropy, deviceId);
    const commitment = decodeSealedElectionKey(sealedElectionKey(db)).verifierCommitment;
    const epk = electionPublicKey(db);
    if (device.kind === 'terminal') {
      await step('keys and verification codes', async () => {
        const r = await terminalProvision(link, { issuers: [precinctIdentityPublic(db).issuingPublicKey], electionPublicKey: epk, codes: set.bitmap, startPasswordCommitment: commitment });
        return `${r.codes} verification codes, the card-issuing and election keys, the start-password commitment`;
      });
    } else {
      await step('keys and verification codes', async () => {
        const r = await portableLoadSetup(link, { electionPublicKey: epk, startPasswordCommitment: commitment, codeShare: set.bitmap, deadline: '12:00' });
        return `${r.codes} verification codes, the election key, the start-password commitment, deadline 12:00`;
      });
    }
  }
  db.transaction(() => {
    db.prepare('UPDATE device_links SET provisioned = ? WHERE device_id = ?').run(JSON.stringify(steps), deviceId);
    eventLog(db, clock).append({ event: 'device-provisioned', disposition: steps.every((s) => s.ok) ? 'ok' : 'failed', detail: {
      deviceId, done: steps.filter((s) => s.ok).map((s) => s.what).join(', '), missing: steps.filter((s) => !s.ok).map((s) => s.what).join(', '),
    } });
  }).immediate();
  return steps;
}

/** accumulator.load-keys: the issuing key, every enrolled terminal and portable ballot, the password check. */
export async function provisionAccumulatorKeys(w: DeviceWork, deviceId: string): Promise<ProvisionStep> {
  const { db } = w;
  const active = listDevices(db).filter((d) => d.status === 'active');
  const terminals = active.filter((d) => d.kind === 'terminal').map((d) => d.signPublicKey);
  const portableBallots = active.filter((d) => d.kind === 'portable-ballot').map((d) => d.signPublicKey);
  if (terminals.length + portableBallots.length === 0) {
    return { what: `keys of ${deviceId}`, ok: false, detail: 'no terminal or portable ballot is commissioned yet: the keys are sent when the first one is' };
  }
  const r = await accumulatorLoadKeys(w.pool.link(deviceId), {
    issuers: [precinctIdentityPublic(db).issuingPublicKey], terminals, portableBallots,
    startPasswordCommitment: decodeSealedElectionKey(sealedElectionKey(db)).verifierCommitment,
  });
  return { what: `keys of ${deviceId}`, ok: true, detail: `${r.keys} keys (${terminals.length} terminals, ${portableBallots.length} portable ballots)` };
}

/** Gives a code-showing device a share of the codes no other device holds (stored; re-used if it has one). */
export function allocateCodeSet(db: PrecinctDb, entropy: EntropyPort, deviceId: string): { deviceId: string; count: number; bitmap: Uint8Array } {
  const existing = db.prepare('SELECT count, bitmap FROM device_code_sets WHERE device_id = ?').get(deviceId) as { count: number; bitmap: Uint8Array } | undefined;
  if (existing) return { deviceId, count: existing.count, bitmap: new Uint8Array(existing.bitmap) };
  const taken = new Uint8Array(CODE_BITMAP_BYTES);
  for (const r of db.prepare('SELECT bitmap FROM device_code_sets').all() as { bitmap: Uint8Array }[]) {
    for (let i = 0; i < CODE_BITMAP_BYTES; i++) taken[i] |= r.bitmap[i];
  }
  const pool: number[] = [];
  for (let c = 0; c < CODE_SPACE; c++) if (!hasCode(taken, c)) pool.push(c);
  const share = Math.min(Math.max(1, voterCount(db) || DEVICE_DAY_CAPACITY), DEVICE_DAY_CAPACITY);
  if (pool.length < share) throw new PrecinctError('code-sets-exhausted', `${pool.length} verification codes are left and a device needs ${share}; no more code-showing devices can be commissioned`);
  const bitmap = new Uint8Array(CODE_BITMAP_BYTES);
  // The first `share` places of a partial Fisher–Yates shuffle of the free codes.
  for (let i = 0; i < share; i++) {
    const j = i + uniformBelow(pool.length - i, entropy);
    const t = pool[i]; pool[i] = pool[j]; pool[j] = t;
    bitmap[pool[i] >> 3] |= 1 << (pool[i] & 7);
  }
  if (countCodes(bitmap) !== share) throw new PrecinctError('code-sets-bad-state', 'code share miscounted');
  db.prepare('INSERT INTO device_code_sets (device_id, count, bitmap) VALUES (?, ?, ?)').run(deviceId, share, bitmap);
  return { deviceId, count: share, bitmap };
}

/** The fingerprint of raw collected records: SHA-256 of their CBOR array with the device's id and kind. */
export function deviceDataFingerprint(crypto: CryptoPort, deviceId: string, kind: DeviceKind, records: readonly Uint8Array[]): Uint8Array {
  return crypto.sha256(encodeCbor(['sailau/collected-device-data/v1', deviceId, kind, [...records]]));
}

export { getDeviceLinkRow };
