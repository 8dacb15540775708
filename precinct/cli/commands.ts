// The commands: each reads its arguments, calls the library (setup, morning, devices/*,
// admission, home-voting, counters, count, protocol), and prints what the person at the
// keyboard needs: the result, the refusal and what to do next.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toHex } from '../../protocol/bytes';
import { nodeCrypto } from '../../hosts/node/crypto';
import { nodeEntropy } from '../../hosts/node/entropy';
import { NodeClock } from '../../hosts/node/clock';
import { shortFingerprint } from '../../protocol/election/encoding';
import { openPrecinctDb, getSetting, type PrecinctDb } from '../db/open';
import { systemClock, type Clock } from '../db/clock';
import { listDevices } from '../db/devices';
import { eventLog, readEvents, verifyEventLog } from '../event-log';
import { readCounters } from '../counters';
import { refreshAccumulatedCounts } from '../devices/observers';
import { PrecinctError } from '../errors';
import { keyFingerprint } from '../keys/fingerprint';
import { createAdmissionDesk, type VoterView } from '../admission';
import { homeVoting } from '../home-voting';
import {
  SETTING, chairmanPublicKey, commissionDevice, createChairmanKeyFile, createPrecinct, dayPhase, getDeviceLinkRow, precinctIdentityPublic, provisionDevice, readElection, sealedElectionKey, unlockIdentity,
  type DeviceWork,
} from '../setup';
import { latestSelfTest, openPrecinct, selfTestAll, OpenRefused, votesOf, type SelfTestSummary } from '../morning';
import { DevicePool } from '../devices/pool';
import { readEventLog, status as deviceStatus } from '../devices/calls';
import { eventById } from '../../runtime/events';
import { recordRestartDecision, relinkDevice } from '../devices/restart';
import { loadHomeVoters } from '../devices/home-list';
import { closeAndCollect, collectedDeliveries } from '../devices/close';
import { selfTestText, zeroReportText, closeReportText } from '../reports/text';
import { selfTestPdf, zeroReportPdf, closeReportPdf } from '../reports/pdf';
import { countVotes, CountRefusedError, checkDeliveries } from '../count/count';
import { enrolledDevices, registerFigures } from '../count/register-figures';
import { verifySignedProtocol, decodeSignedProtocol, decodeProtocol } from '../protocol/index';
import { renderProtocolPdf } from '../protocol/pdf';
import { UsageError, checkFlags, option, parseArgs, readKey, requireOption, type Args, type CliIo } from './io';

const COMMON_VALUED = ['db', 'passphrase-file'];

export interface CliContext {
  io: CliIo;
  clock: Clock;
}

function dbPath(a: Args, io: CliIo): string {
  return option(a, 'db') ?? io.env.SAILAU_DB ?? 'precinct.db';
}

function openExisting(a: Args, io: CliIo): PrecinctDb {
  const path = dbPath(a, io);
  if (!existsSync(path)) throw new PrecinctError('db-missing', `no precinct database at ${path}; run \`init\` first or give --db <file>`);
  return openPrecinctDb(path, { mustExist: true });
}

async function passphrase(a: Args, io: CliIo): Promise<string> {
  const file = option(a, 'passphrase-file');
  if (file) return readFileSync(file, 'utf8').trim();
  if (io.env.SAILAU_PASSPHRASE) return io.env.SAILAU_PASSPHRASE;
  return (await io.ask('Operator passphrase (opens the precinct computer\'s keys): ', { hidden: true })).trim();
}

async function startPassword(a: Args, io: CliIo): Promise<string> {
  const file = option(a, 'password-file');
  if (file) return readFileSync(file, 'utf8').trim();
  return io.ask('Start password from the sealed envelope (5 groups of 4 digits): ', { hidden: true });
}

/** Opens the keys and the device links: what every device command needs. */
async function deviceWork(db: PrecinctDb, a: Args, ctx: CliContext): Promise<DeviceWork> {
  const identity = await unlockIdentity(db, nodeCrypto, await passphrase(a, ctx.io));
  const pool = new DevicePool({ db, crypto: nodeCrypto, entropy: nodeEntropy, clock: new NodeClock({ trustHostWallClock: true }), staticKey: identity.noise });
  return { db, clock: ctx.clock, crypto: nodeCrypto, entropy: nodeEntropy, pool, progress: (line) => ctx.io.out(`  … ${line}`) };
}

async function withWork<T>(a: Args, ctx: CliContext, run: (w: DeviceWork) => Promise<T>): Promise<T> {
  const db = openExisting(a, ctx.io);
  let w: DeviceWork | undefined;
  try {
    w = await deviceWork(db, a, ctx);
    return await run(w);
  } finally {
    await w?.pool.close();
    db.close();
  }
}

function withDb<T>(a: Args, io: CliIo, run: (db: PrecinctDb) => T): T {
  const db = openExisting(a, io);
  let result: T;
  try { result = run(db); } catch (e) { db.close(); throw e; }
  // An async command keeps the database open until it is done.
  if (result instanceof Promise) return result.finally(() => db.close()) as T;
  db.close();
  return result;
}

async function writeOut(io: CliIo, file: string | undefined, bytes: () => Promise<Uint8Array> | Uint8Array | string, what: string): Promise<void> {
  if (!file) return;
  writeFileSync(file, await bytes());
  io.out(`${what} written to ${file}`);
}

// ---------------------------------------------------------------- before the day

export async function init(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'election', 'authority', 'register', 'envelope', 'logn', 'members', 'chairman-key-out', 'chairman-passphrase-file'], 'init');
  checkFlags(a, [], 'init');
  const { io } = ctx;
  const path = dbPath(a, io);
  const electionFile = requireOption(a, 'election', 'init');
  const authority = readKey(requireOption(a, 'authority', 'init'), '--authority', 'init');
  const envelope = option(a, 'envelope') ?? join(dirname(path), 'envelope-sheet.txt');
  if (existsSync(path)) throw new PrecinctError('precinct-exists', `${path} already exists; a new election gets a new database file`);
  if (existsSync(envelope)) throw new PrecinctError('envelope-exists', `${envelope} exists; move it away (it may hold another start password) or give --envelope`);
  const logN = option(a, 'logn') === undefined ? undefined : Number(option(a, 'logn'));
  const members = option(a, 'members') === undefined ? undefined : Number(option(a, 'members'));
  const signed = new Uint8Array(readFileSync(electionFile));
  const csv = option(a, 'register') === undefined ? undefined : readFileSync(option(a, 'register')!, 'utf8');
  const pass = await passphrase(a, io);
  const chairmanOut = option(a, 'chairman-key-out');
  if (chairmanOut && existsSync(chairmanOut)) throw new PrecinctError('chairman-key-exists', `${chairmanOut} exists; give another --chairman-key-out`);
  const chairmanPass = !chairmanOut ? undefined : option(a, 'chairman-passphrase-file') ? readFileSync(option(a, 'chairman-passphrase-file')!, 'utf8').trim()
    : io.env.SAILAU_CHAIRMAN_PASSPHRASE ?? (await io.ask('The chairman types a passphrase for the chairman\'s key (at least 12 characters): ', { hidden: true })).trim();
  io.out('creating the precinct (key derivation takes a few seconds) …');
  const db = openPrecinctDb(path);
  try {
    const r = await createPrecinct({ db, clock: ctx.clock, crypto: nodeCrypto, entropy: nodeEntropy, signedElection: signed, authorityKeys: [authority], registerCsv: csv, operatorPassphrase: pass, logN, members });
    writeFileSync(envelope, r.envelopeSheet, { mode: 0o600 });
    io.out(`precinct ${r.precinct}, election ${r.electionId}`);
    io.out(`election fingerprint      ${shortFingerprint(r.fingerprint)}   (compare on every device)`);
    io.out(`precinct link key         ${keyFingerprint(nodeCrypto, r.identity.noisePublicKey)}   (enrol it on every device)`);
    io.out(`                          ${toHex(r.identity.noisePublicKey)}`);
    io.out(`card issuing key          ${keyFingerprint(nodeCrypto, r.identity.issuingPublicKey)}`);
    io.out(`election (vote) key       ${keyFingerprint(nodeCrypto, r.electionPublicKey)}`);
    if (r.register) io.out(`register: ${r.register.count} voters imported (file SHA-256 ${r.register.sha256.slice(0, 16)}…)`);
    if (chairmanOut) {
      const ck = await createChairmanKeyFile(db, ctx.clock, nodeCrypto, nodeEntropy, chairmanPass!, logN);
      writeFileSync(chairmanOut, ck.file, { mode: 0o600 });
      io.out(`chairman's key          ${keyFingerprint(nodeCrypto, ck.publicKey)}   (sealed in ${chairmanOut}: the chairman keeps it)`);
    }
    io.out(`START PASSWORD: written once to ${envelope}. Print it, seal it in the envelope with the members' signatures, then delete the file.`);
    db.close();
    return 0;
  } catch (e) {
    // Nothing half-made is left behind: the same command can be run again once the input is fixed.
    db.close();
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    throw e;
  }
}

export async function devices(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, COMMON_VALUED, 'devices');
  checkFlags(a, [], 'devices');
  return withDb(a, ctx.io, (db) => {
    const { io } = ctx;
    const id = precinctIdentityPublic(db);
    io.out(`precinct ${id.precinct}; this computer's link key ${keyFingerprint(nodeCrypto, id.noisePublicKey)} (${toHex(id.noisePublicKey)})`);
    io.out(`phase: ${dayPhase(db)}`);
    const list = listDevices(db);
    if (list.length === 0) { io.out('no devices enrolled yet: run `commission <kind> <address> --key <key>`'); return 0; }
    io.out(`${'name'.padEnd(20)}${'kind'.padEnd(17)}${'serial'.padEnd(14)}${'status'.padEnd(10)}${'address'.padEnd(26)}firmware`);
    for (const d of list) {
      const row = getDeviceLinkRow(db, d.deviceId);
      io.out(`${d.deviceId.padEnd(20)}${d.kind.padEnd(17)}${d.serial.padEnd(14)}${d.status.padEnd(10)}${(row?.address ?? '-').padEnd(26)}${row?.firmwareVersion ?? '-'}`);
      const steps = row ? (JSON.parse(row.provisioned) as { what: string; ok: boolean; detail: string }[] | Record<string, never>) : [];
      for (const s of Array.isArray(steps) ? steps.filter((x) => !x.ok) : []) io.out(`    not provisioned: ${s.what} — ${s.detail}`);
    }
    return 0;
  });
}

export async function status(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, COMMON_VALUED, 'status');
  checkFlags(a, [], 'status');
  return withWork(a, ctx, async (w) => {
    let bad = 0;
    for (const d of w.pool.devices()) {
      try {
        const s = await deviceStatus(w.pool.link(d.deviceId));
        const votes = votesOf(s);
        ctx.io.out(`${d.deviceId.padEnd(20)}${s.state.padEnd(14)}events ${String(s.eventCount).padEnd(7)}votes ${votes ?? '?'}${s.wallClockMs === undefined ? '  (clock not set)' : ''}`);
      } catch (e) {
        if (!(e instanceof PrecinctError)) throw e;
        bad++;
        ctx.io.out(`${d.deviceId.padEnd(20)}UNREACHABLE   ${e.message}`);
      }
    }
    return bad === 0 ? 0 : 1;
  });
}

const KINDS = ['terminal', 'accumulator', 'portable-ballot'] as const;

export async function commission(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'key', 'id', 'reprovision'], 'commission');
  checkFlags(a, [], 'commission');
  const { io } = ctx;
  const again = option(a, 'reprovision');
  if (again) {
    return withWork(a, ctx, async (w) => {
      const steps = await provisionDevice(w, again);
      for (const s of steps) io.out(`  ${s.ok ? 'done   ' : 'MISSING'} ${s.what}: ${s.detail}`);
      return steps.every((s) => s.ok) ? 0 : 1;
    });
  }
  const [kind, address] = a.positional;
  if (!kind || !address) throw new UsageError('give the kind and the address', 'commission');
  if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`"${kind}" is not a device kind (terminal, accumulator, portable-ballot)`, 'commission');
  const key = readKey(requireOption(a, 'key', 'commission'), '--key', 'commission');
  io.out(`device link key fingerprint ${keyFingerprint(nodeCrypto, key)}: it must match the device's screen`);
  return withWork(a, ctx, async (w) => {
    const r = await commissionDevice(w, { kind: kind as (typeof KINDS)[number], address, devicePublicKey: key, deviceId: option(a, 'id') });
    io.out(`enrolled ${r.device.deviceId}: ${r.identity.kind} ${r.identity.serial}, firmware ${r.identity.firmwareVersion}`);
    io.out(`  signing key ${keyFingerprint(nodeCrypto, r.device.signPublicKey)}`);
    for (const s of r.steps) io.out(`  ${s.ok ? 'done   ' : 'MISSING'} ${s.what}: ${s.detail}`);
    const missing = r.steps.filter((s) => !s.ok);
    if (missing.length > 0) io.out(`${missing.length} provisioning step(s) not done: the device is enrolled; see the lines above for what to do`);
    return 0;
  });
}

// ---------------------------------------------------------------- the morning

function printSelfTest(io: CliIo, r: SelfTestSummary): void {
  for (const d of r.devices) {
    io.out(`${d.deviceId} (${d.kind} ${d.serial}): ${d.outcome.toUpperCase()}`);
    for (const c of d.checks) io.out(`    ${c.outcome.padEnd(15)}${c.name.padEnd(18)}${c.detail}`);
  }
  io.out(`self-test report ${r.reportId}: ${r.outcome.toUpperCase()}`);
  if (r.outcome === 'failed') io.out('do not open: deal with every failed check (call the technician), then run selftest again');
  else if (r.outcome === 'needs-operator') io.out('no check failed; the technician confirms the needs-operator checks on the devices themselves');
}

export async function selftest(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'pdf', 'text'], 'selftest');
  checkFlags(a, [], 'selftest');
  return withWork(a, ctx, async (w) => {
    if (w.pool.devices().length === 0) throw new PrecinctError('no-devices', 'no device is commissioned: run `commission` first');
    const r = await selfTestAll(w);
    printSelfTest(ctx.io, r);
    await writeOut(ctx.io, option(a, 'text'), () => selfTestText(r), 'text report');
    await writeOut(ctx.io, option(a, 'pdf'), () => selfTestPdf(r), 'PDF report');
    return r.outcome === 'failed' ? 1 : 0;
  });
}

export async function open(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'pdf', 'password-file'], 'open');
  checkFlags(a, [], 'open');
  return withWork(a, ctx, async (w) => {
    const st = latestSelfTest(w.db);
    if (!st) ctx.io.out('WARNING: no self-test was run (001 §4): run `selftest` first; devices refuse to open without a passing one');
    else ctx.io.out(`latest self-test: report ${st.reportId} at ${st.madeAt}: ${st.outcome.toUpperCase()}${st.outcome === 'failed' ? ' — do not open before it passes' : ''}`);
    const typed = await startPassword(a, ctx.io);
    try {
      const r = await openPrecinct(w, typed);
      ctx.io.out(zeroReportText(r.report));
      await writeOut(ctx.io, option(a, 'pdf'), () => zeroReportPdf(r.report), 'zero report PDF');
      ctx.io.out(`VOTING IS OPEN on ${r.opened.length} devices.`);
      return 0;
    } catch (e) {
      if (e instanceof OpenRefused && e.report) {
        ctx.io.out(zeroReportText(e.report));
        await writeOut(ctx.io, option(a, 'pdf'), () => zeroReportPdf(e.report!), 'zero report PDF');
      }
      throw e;
    }
  });
}

// ---------------------------------------------------------------- during voting

function showVoter(io: CliIo, v: VoterView): void {
  const x = v.voter;
  io.out(`  No. ${x.registerNo}  ${x.surname} ${x.firstName} ${x.patronymic}`.trimEnd());
  io.out(`  born ${x.birthDate}  IIN ${x.iin}  ${x.address}`);
  io.out(`  standing: ${v.standing}`);
}

export async function admit(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'reader'], 'admit');
  checkFlags(a, ['simulate-card'], 'admit');
  const { io } = ctx;
  const db = openExisting(a, io);
  let closeReader = (): void => {};
  try {
    if (dayPhase(db) !== 'open') io.out(`note: voting is ${dayPhase(db)}, not open`);
    let activateCard: () => Promise<unknown> = async () => undefined;
    if (!a.flags.has('simulate-card')) {
      // The card writer (PC/SC): loaded only here, it has a native part.
      const { CardWriter, PcscReaderPort } = await import('../card-writer');
      const election = readElection(db, nodeCrypto);
      const identity = await unlockIdentity(db, nodeCrypto, await passphrase(a, io));
      let reader;
      try { reader = PcscReaderPort.open(option(a, 'reader')); } catch (e) {
        throw new PrecinctError('card-writer-missing', `${(e as Error).message}; plug the card writer in (pcscd must run), give --reader <name>, or use --simulate-card for a drill`);
      }
      closeReader = () => reader.close();
      const writer = new CardWriter({ crypto: nodeCrypto, entropy: nodeEntropy, issuerSecretKey: identity.issuing.secretKey, reader, nowSeconds: () => Math.floor(ctx.clock().getTime() / 1000) });
      activateCard = async () => {
        await io.ask('Insert a blank card into the card writer and press Enter … ');
        await writer.activate({ electionFingerprint: election.fingerprint, precinct: election.precinct, ballotStyle: 1 });
      };
    }
    const desk = createAdmissionDesk({ db, clock: ctx.clock, activateCard });
    for (;;) {
      const line = (await io.ask('Scan the barcode, type the IIN or a surname (empty line ends): ')).trim();
      if (line === '') return 0;
      try {
        let candidates: VoterView[];
        if (/^[0-9]+$/.test(line)) candidates = [desk.lookupScan(line)];
        else {
          candidates = desk.searchName(line, 10);
          if (candidates.length === 0) { io.out('nobody found; type more of the name, or the IIN'); continue; }
        }
        candidates.forEach((c, i) => { io.out(`[${i + 1}]`); showVoter(io, c); });
        const pick = candidates.length === 1 ? 1 : Number((await io.ask(`which one (1-${candidates.length}, 0 none)? `)).trim());
        if (!(pick >= 1 && pick <= candidates.length)) continue;
        const chosen = candidates[pick - 1];
        // A voter who may not be admitted is refused (and the refusal logged) without asking to confirm.
        if (chosen.standing === 'eligible') {
          const ok = (await io.ask('Does the ID document match this record? (y/n) ')).trim().toLowerCase();
          if (ok !== 'y' && ok !== 'д' && ok !== 'и') { io.out('not admitted'); continue; }
        }
        const r = await desk.admit(chosen.voter.registerNo);
        io.out(`ADMITTED No. ${r.voter.registerNo}: hand over the card`);
      } catch (e) {
        if (!(e instanceof PrecinctError)) throw e;
        io.out(`REFUSED: ${e.message}`);
      }
    }
  } finally {
    closeReader();
    db.close();
  }
}

export async function home(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'location', 'note', 'device'], 'home');
  checkFlags(a, ['mark-only'], 'home');
  const { io } = ctx;
  const [sub, arg] = a.positional;
  return withDb(a, io, async (db) => {
    const day = getSetting(db, SETTING.electionDate);
    if (!day) throw new PrecinctError('precinct-not-created', 'run `init` first');
    const hv = homeVoting(db, ctx.clock, { electionDay: day });
    switch (sub) {
      case 'apply': {
        const n = Number(arg);
        if (!Number.isInteger(n) || n < 1) throw new UsageError('give the voter\'s register number', 'home');
        const app = hv.apply(n, { location: option(a, 'location'), note: option(a, 'note') });
        io.out(`application recorded: No. ${app.voter.registerNo} ${app.voter.surname} ${app.voter.firstName}, ${app.location}, received ${app.receivedAt}`);
        return 0;
      }
      case 'list': {
        const list = hv.list();
        for (const x of list) io.out(`${String(x.voter.registerNo).padStart(5)}  ${x.status.padEnd(10)} ${x.voter.surname} ${x.voter.firstName}  ${x.location}  (${x.receivedAt})`);
        io.out(`${list.filter((x) => x.status !== 'withdrawn').length} applications`);
        return 0;
      }
      case 'load': {
        if (a.flags.has('mark-only')) {
          const list = hv.listForPortableBallot();
          hv.markLoaded(list.map((x) => x.voter.registerNo));
          io.out(`${list.length} voters marked as loaded into the portable ballot; their applications can no longer be withdrawn`);
          return 0;
        }
        return withWork(a, ctx, async (w) => {
          const r = await loadHomeVoters(w, option(a, 'device'));
          io.out(`${r.voters} home voters loaded into ${r.deviceId} (list digest ${toHex(r.digest).slice(0, 16)}…, checked by the device); applications can no longer be withdrawn`);
          return 0;
        });
      }
      case 'upload': {
        if (!arg) throw new UsageError('give the file of register numbers', 'home');
        const nos = readFileSync(arg, 'utf8').split(/\s+/).filter((x) => x !== '').map(Number);
        if (nos.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`${arg}: register numbers only, one a line`, 'home');
        hv.markVotedOutside(nos);
        io.out(`${nos.length} voters marked as having voted outside the premises`);
        return 0;
      }
      default:
        throw new UsageError('home apply | list | load | upload', 'home');
    }
  });
}

export async function counters(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, COMMON_VALUED, 'counters');
  checkFlags(a, ['offline'], 'counters');
  // Ask the accumulators first (unless --offline); an unreachable one keeps its last known count.
  if (!a.flags.has('offline')) {
    await withWork(a, ctx, async (w) => {
      for (const r of await refreshAccumulatedCounts(w)) {
        if (r.error !== undefined) ctx.io.out(`${r.deviceId}: not reachable (${r.error}); its last known count is shown`);
      }
    });
  }
  return withDb(a, ctx.io, (db) => {
    const c = readCounters(db);
    const rows: [string, number][] = [
      ['Тізімде / В списке', c.registered], ['Жіберілді / Допущено', c.admitted], ['Күтуде / В процессе', c.pending],
      ['Учаскеде дауыс берді / Проголосовало в помещении', c.votedInPremises], ['Үйден өтініш / Заявлений на дому', c.homeApplications],
      ['Үйде дауыс берді / Проголосовало вне помещения', c.votedOutside], ['Барлығы / Всего проголосовало', c.votedTotal],
      ['Қайтарылмаған карталар / Карт на руках', c.cardsOutstanding],
    ];
    for (const [label, n] of rows) ctx.io.out(`${label.padEnd(52)}${String(n).padStart(6)}`);
    return 0;
  });
}

export async function decision(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'members', 'reason'], 'decision');
  checkFlags(a, [], 'decision');
  const [sub, deviceId] = a.positional;
  if ((sub !== 'restart' && sub !== 'relink') || !deviceId) throw new UsageError('decision restart <device> --members ... --reason ...  |  decision relink <device>', 'decision');
  const { io } = ctx;
  if (sub === 'restart') {
    const members = requireOption(a, 'members', 'decision').split(/[,;]/);
    const reason = requireOption(a, 'reason', 'decision');
    const seq = withDb(a, io, (db) => recordRestartDecision({ db, clock: ctx.clock }, { deviceId, members, reason }));
    io.out(`decision recorded (event ${seq}). The specialist now restarts ${deviceId}; then the precinct computer links to it again.`);
    await io.ask('Press Enter when the device has restarted … ');
  }
  return withWork(a, ctx, async (w) => {
    try {
      const r = await relinkDevice(w, deviceId);
      io.out(`${deviceId} is back: state ${r.status.state}, ${r.status.eventCount} events in its log. Carry on.`);
      return 0;
    } catch (e) {
      if (e instanceof PrecinctError && e.code === 'device-unreachable') io.out(`${deviceId} does not answer yet; when it is back run: decision relink ${deviceId}`);
      throw e;
    }
  });
}

// ---------------------------------------------------------------- the evening

export async function close(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'pdf'], 'close');
  checkFlags(a, [], 'close');
  return withWork(a, ctx, async (w) => {
    const r = await closeAndCollect(w);
    const precinct = readElection(w.db, w.crypto).precinct;
    const at = ctx.clock().toISOString();
    ctx.io.out(closeReportText(r, precinct, at));
    await writeOut(ctx.io, option(a, 'pdf'), () => closeReportPdf(r, precinct, at), 'PDF report');
    if (!r.complete) ctx.io.out('counting waits for the missing devices: fix each (see above) and run close again');
    return r.complete ? 0 : 1;
  });
}

export async function count(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'password-file'], 'count');
  checkFlags(a, [], 'count');
  const { io } = ctx;
  const db = openExisting(a, io);
  try {
    const election = readElection(db, nodeCrypto);
    const devs = enrolledDevices(db);
    const deliveries = collectedDeliveries(db);
    checkDeliveries({ devices: devs, deliveries }); // before asking for the password
    const result = await countVotes({
      crypto: nodeCrypto, election: { definition: election.definition, fingerprint: election.fingerprint }, devices: devs, deliveries,
      issuerKeys: [precinctIdentityPublic(db).issuingPublicKey], register: registerFigures(db), sealedElectionKey: sealedElectionKey(db),
      startPassword: await startPassword(a, io), log: eventLog(db, ctx.clock),
    });
    for (const t of result.tallies) {
      io.out(`contest ${t.contestId}: ${t.ballots} ballots`);
      for (const o of t.options) io.out(`    option ${String(o.optionId).padStart(3)}  ${String(o.votes).padStart(6)}`);
      if (t.againstAll !== null) io.out(`    against all ${String(t.againstAll).padStart(6)}`);
      io.out(`    blank ${t.blank}, invalid ${t.invalid}`);
    }
    for (const an of result.anomalies) io.out(`anomaly ${an.code}${an.device ? ` (${an.device})` : ''}: ${an.count} — ${an.detail}`);
    io.out('the electronic protocol is made from this count with the protocol tools (precinct/protocol)');
    return 0;
  } catch (e) {
    if (e instanceof CountRefusedError && e.missing.length > 0) io.out(`missing: ${e.missing.join(', ')} — run close again when they are reachable`);
    throw e;
  } finally {
    db.close();
  }
}

export async function protocol(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'chairman-key', 'out'], 'protocol');
  checkFlags(a, [], 'protocol');
  const [sub, file] = a.positional;
  if ((sub !== 'verify' && sub !== 'print') || !file) throw new UsageError('protocol verify <file> --chairman-key <key>  |  protocol print <file> --out <file.pdf>', 'protocol');
  const bytes = new Uint8Array(readFileSync(file));
  const { io } = ctx;
  if (sub === 'verify') {
    const dbFile = dbPath(a, io);
    let election: { definition: ReturnType<typeof readElection>['definition']; fingerprint: Uint8Array } | undefined;
    let stored: Uint8Array | undefined;
    if (existsSync(dbFile)) {
      const db = openPrecinctDb(dbFile, { mustExist: true });
      try {
        const e = readElection(db, nodeCrypto);
        election = { definition: e.definition, fingerprint: e.fingerprint };
        stored = chairmanPublicKey(db);
      } finally { db.close(); }
    }
    const given = option(a, 'chairman-key');
    const key = given ? readKey(given, '--chairman-key', 'protocol') : stored;
    if (!key) throw new UsageError('--chairman-key is required (this database holds no chairman key)', 'protocol');
    const r = verifySignedProtocol(nodeCrypto, bytes, { chairmanKey: key, election });
    for (const p of r.problems) io.out(`PROBLEM ${p.code} at ${p.path || '(file)'}: ${p.detail}`);
    io.out(r.ok ? `the protocol verifies: signed by the chairman's key ${keyFingerprint(nodeCrypto, key)}${election ? ', matches this precinct\'s election' : ''}` : `the protocol does NOT verify (${r.problems.length} problems)`);
    return r.ok ? 0 : 1;
  }
  const out = requireOption(a, 'out', 'protocol');
  const signed = decodeSignedProtocol(bytes);
  const { doc, problems } = decodeProtocol(signed.protocol);
  if (!doc) throw new PrecinctError('protocol-malformed', `the protocol cannot be read: ${problems.map((p) => p.detail).join('; ')}`);
  writeFileSync(out, await renderProtocolPdf(signed, doc));
  io.out(`protocol PDF written to ${out}`);
  return 0;
}

export async function log(argv: string[], ctx: CliContext): Promise<number> {
  const a = parseArgs(argv, [...COMMON_VALUED, 'from', 'limit'], 'log');
  checkFlags(a, [], 'log');
  const [sub, deviceId] = a.positional;
  if (sub === 'device') {
    if (!deviceId) throw new UsageError('log device <name>', 'log');
    return withWork(a, ctx, async (w) => {
      const d = listDevices(w.db).find((x) => x.deviceId === deviceId);
      if (!d) throw new PrecinctError('device-unknown', `no device ${deviceId}; run \`devices\``);
      const r = await readEventLog(w.pool.link(deviceId), w.crypto, { publicKey: d.signPublicKey, progress: (n, total) => ctx.io.out(`  … ${n}/${total} entries`) });
      for (const e of r.entries) {
        const time = e.clock === 'wall' ? new Date(e.timeMs).toISOString() : `+${e.timeMs} ms since boot`;
        ctx.io.out(`${String(e.seq).padStart(5)} ${time.padEnd(26)} ${(eventById(e.event)?.name ?? `event ${e.event}`).padEnd(30)} ${e.disposition.padEnd(8)} ${e.detail}`);
      }
      ctx.io.out(`${deviceId}: ${r.entries.length} entries, chain verified${r.signed ? ', every page signed by the device' : ''}; head ${toHex(r.lastHash)}`);
      eventLog(w.db, ctx.clock).append({ event: 'device-log-read', disposition: 'ok', detail: { deviceId, entries: r.entries.length, head: toHex(r.lastHash) } });
      return 0;
    });
  }
  return withDb(a, ctx.io, (db) => {
    if (sub === 'verify') {
      const r = verifyEventLog(db, nodeCrypto);
      if (r.ok) {
        ctx.io.out(`event log verifies: ${r.count} entries; head seq ${r.head.seq} hash ${r.head.hash}`);
        ctx.io.out('write the head on the protocol: a log cut short is evident against it');
        return 0;
      }
      ctx.io.out(`EVENT LOG BROKEN at entry ${r.brokenAt} (${r.reason}): keep the computer as it is, call the specialist, record it in the minutes`);
      return 1;
    }
    if (sub === 'show') {
      const from = Number(option(a, 'from') ?? 1);
      const limit = Number(option(a, 'limit') ?? 50);
      for (const e of readEvents(db, from, limit)) ctx.io.out(`${String(e.seq).padStart(5)} ${e.time} ${e.event.padEnd(24)} ${e.disposition.padEnd(8)} ${e.detail}`);
      return 0;
    }
    throw new UsageError('log verify | log show | log device <name>', 'log');
  });
}

export const RUN: Record<string, (argv: string[], ctx: CliContext) => Promise<number>> = {
  init, devices, status, commission, selftest, open, admit, home, counters, decision, close, count, protocol, log,
};

export { systemClock };
