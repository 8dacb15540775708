// A whole polling-station day on one machine, scripted: the precinct computer (its SQLite
// database in the work folder), voting terminals, the card accumulator and the portable
// ballot — each device's firmware on the Node host with simulated hardware, linked over
// loopback TCP (or memory links) — with the sample register and a sample election.
// Every step calls the same library functions as the precinct computer's commands
// (precinct/cli): createPrecinct, commissionDevice, selfTestAll, openPrecinct, the admission
// desk with the card writer, loadHomeVoters, closeAndCollect, countPrecinct.
//
// The voters' choices are drawn from a seeded generator and kept as the ground truth; faults
// (links dropped, cards pulled mid-write, devices power-cut, the precinct computer restarted)
// can be injected along the way, each through the procedure the commission follows.
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CryptoPort } from '../../protocol/crypto/port';
import { nodeCrypto } from '../../hosts/node/crypto';
import { nodeEntropy } from '../../hosts/node/entropy';
import { NodeClock } from '../../hosts/node/clock';
import { SimulatedCard } from '../../smartcard-sim/card';
import { SimulatedCardReader } from '../../smartcard-sim/reader';
import { AGAINST_ALL_ID, type ElectionDefinition } from '../../protocol/election/model';
import { openPrecinctDb, type PrecinctDb } from '../db/open';
import type { Clock } from '../db/clock';
import { createPrecinct, createChairmanKeyFile, readElection, precinctIdentityPublic, sealedElectionKey, unlockIdentity, commissionDevice, type DeviceWork } from '../setup';
import { unsealChairmanKey } from '../keys/precinct-identity';
import { sampleRegisterCsv, seededRandom } from '../sample-register';
import { DevicePool } from '../devices/pool';
import { selfTestAll, openPrecinct } from '../morning';
import { createAdmissionDesk, AdmissionRefused, type AdmissionDesk } from '../admission';
import { CardWriter } from '../card-writer';
import { homeVoting } from '../home-voting';
import { loadHomeVoters } from '../devices/home-list';
import { recordRestartDecision, relinkDevice } from '../devices/restart';
import { status } from '../devices/calls';
import { closeAndCollect, collectedDeliveries } from '../devices/close';
import { countPrecinct, type PrecinctCountResult } from '../count/precinct-count';
import { verifySignedProtocol } from '../protocol/verify';
import { renderProtocolPdf } from '../protocol/pdf';
import { toNistReport } from '../protocol/nist';
import { readEvents, verifyEventLog } from '../event-log';
import { PrecinctError } from '../errors';
import { Plug, StationAccumulator, StationPortable, StationTerminal, stationConnector, type Transport } from './devices';
import { sampleElection, SAMPLE_AUTHORITY_PUBLIC } from './samples';
import { boothVisit, BoothRefused, homeVisit, TornDuringWrite } from './voting';

export const STAGES = ['setup', 'self-test', 'open', 'admissions', 'voting', 'accumulation', 'home voting', 'close', 'count', 'protocol'] as const;
export type Stage = typeof STAGES[number];

export interface Progress { stage: Stage; done: number; total: number; elapsedMs: number }

/** Fault rates per voter (0..1); a seeded draw decides each. */
export interface FaultPlan {
  linkDrop: number;
  writerPull: number;
  accumulatorPull: number;
  /** The card torn out of the terminal during the vote's write (byte-level EEPROM tearing). */
  terminalTear: number;
  terminalPowerCut: number;
  accumulatorPowerCut: number;
  precinctRestart: number;
}

export const NO_FAULTS: FaultPlan = { linkDrop: 0, writerPull: 0, accumulatorPull: 0, terminalTear: 0, terminalPowerCut: 0, accumulatorPowerCut: 0, precinctRestart: 0 };
export const DAY_FAULTS: FaultPlan = { linkDrop: 0.01, writerPull: 0.01, accumulatorPull: 0.01, terminalTear: 0.01, terminalPowerCut: 0.002, accumulatorPowerCut: 0.001, precinctRestart: 0.001 };

export interface DayOptions {
  /** The work folder (database, flash is in memory, protocol files). */
  dir: string;
  /** Start over: the folder's precinct database is deleted first. */
  fresh?: boolean;
  /** Voters who come to the precinct and vote at the terminals. */
  voters: number;
  terminals?: number;
  /** Voters who vote at home on the portable ballot (≤ 200). */
  home?: number;
  /** Size of the register (default 3,000, the most a precinct has); voters + home must fit. */
  registerSize?: number;
  seed?: number;
  transport?: Transport;
  election?: string;
  faults?: FaultPlan;
  crypto?: CryptoPort;
  progress?: (p: Progress) => void;
  /** scrypt work factor for the precinct's sealed keys (the station uses a light one). */
  logN?: number;
}

export interface FaultCounts {
  linkDrops: number; writerPulls: number; accumulatorPulls: number;
  /** Cards torn at the terminal during the write; of those, how many held the vote (its code never shown). */
  terminalTears: number; tornWithVote: number;
  terminalPowerCuts: number; accumulatorPowerCuts: number; precinctRestarts: number; refusalsProvoked: number }

export interface DayResult {
  stageMs: Record<Stage, number>;
  totalMs: number;
  /** Ground truth: per contest, votes per option id (against all is id 0). */
  truth: Map<number, Map<number, number>>;
  codes: string[];
  faults: FaultCounts;
  count: PrecinctCountResult;
  verified: boolean;
  files: { protocol: string; pdf: string; nist: string; envelope: string; db: string };
  /** Precinct event-log entries by event/disposition, for the refusals check. */
  events: Map<string, number>;
  votersInPremises: number;
  votersAtHome: number;
  /** The precinct's hash-chained event log verifies end to end (after every restart). */
  eventLogOk: boolean;
}

export const OPERATOR_PASSPHRASE = 'station operator passphrase';
export const CHAIRMAN_PASSPHRASE = 'station chairman passphrase';

/** The start password from the envelope sheet's plain line. */
export function passwordFromSheet(sheet: string): string {
  const m = /^ {2}([0-9]{4}(?: {2}[0-9]{4}){4})$/m.exec(sheet);
  if (!m) throw new Error('no password line on the envelope sheet');
  return m[1];
}

/** The precinct computer's clock: election day from 06:30 local, running at real speed, settable. */
function dayClock(date: string): { clock: Clock; set(iso: string): void } {
  const started = Date.now();
  let offset = Date.parse(`${date}T01:30:00.000Z`) - started;
  return { clock: () => new Date(Date.now() + offset), set(iso) { offset = Date.parse(iso) - Date.now(); } };
}

/** The precinct computer's side: database, device links, the admission desk with the card writer. */
export class PrecinctComputer {
  db!: PrecinctDb;
  work!: DeviceWork;
  desk!: AdmissionDesk;
  readonly writerReader = new SimulatedCardReader();
  /** Fault injection: the next activation never finishes (the computer goes down during it). */
  hangNextActivation = false;
  private writer!: CardWriter;
  constructor(readonly dbPath: string, readonly crypto: CryptoPort, readonly clock: Clock, private readonly plugs: () => Iterable<Plug>) {}

  /** Opens the database and the keys, links to the enrolled devices (as at start-up after a restart). */
  async start(): Promise<this> {
    this.db = openPrecinctDb(this.dbPath, { mustExist: true });
    const identity = await unlockIdentity(this.db, this.crypto, OPERATOR_PASSPHRASE);
    const pool = new DevicePool({ db: this.db, crypto: this.crypto, entropy: nodeEntropy, clock: new NodeClock({ trustHostWallClock: true }), staticKey: identity.noise, connectorFor: stationConnector(this.plugs) });
    this.work = { db: this.db, clock: this.clock, crypto: this.crypto, entropy: nodeEntropy, pool };
    const election = readElection(this.db, this.crypto);
    // The writer remembers activations of cards pulled mid-write in memory only: after a restart such a card is put aside and a new one used.
    this.writer = new CardWriter({ crypto: this.crypto, entropy: nodeEntropy, issuerSecretKey: identity.issuing.secretKey, reader: this.writerReader, nowSeconds: () => Math.floor(this.clock().getTime() / 1000) });
    const target = { electionFingerprint: election.fingerprint, precinct: election.precinct, ballotStyle: 1 };
    this.desk = createAdmissionDesk({
      db: this.db, clock: this.clock,
      activateCard: () => {
        if (!this.hangNextActivation) return this.writer.activate(target);
        this.hangNextActivation = false;
        return new Promise(() => {}); // the fault: the computer dies before the card is written
      },
    });
    return this;
  }

  /** The precinct computer goes down (power, crash): links and database closed, nothing in memory kept. */
  async stop(): Promise<void> {
    await this.work.pool.close();
    this.db.close();
  }
}

/** The devices of the station and the precinct computer, set up and commissioned. */
export interface StationRig {
  pc: PrecinctComputer;
  terminals: StationTerminal[];
  accumulator: StationAccumulator;
  /** Absent when nobody applied to vote at home (a portable ballot with no list cannot open). */
  portable: StationPortable | undefined;
  definition: ElectionDefinition;
  password: string;
  chairmanSecretKey: Uint8Array;
  clock: { clock: Clock; set(iso: string): void };
  electionDay: string;
  files: DayResult['files'];
  dispose(): Promise<void>;
}

/** Creates the precinct in `dir`, starts the devices and commissions them (terminals and portable ballot first). */
export async function setUpStation(o: { dir: string; fresh?: boolean; terminals: number; registerSize: number; seed: number; transport: Transport; election: string; crypto: CryptoPort; logN: number; portable?: boolean }): Promise<StationRig> {
  mkdirSync(o.dir, { recursive: true });
  const files = { protocol: join(o.dir, 'protocol.sailau'), pdf: join(o.dir, 'protocol.pdf'), nist: join(o.dir, 'protocol.nist.json'), envelope: join(o.dir, 'envelope-sheet.txt'), db: join(o.dir, 'precinct.db') };
  if (existsSync(files.db)) {
    if (!o.fresh) throw new PrecinctError('station-exists', `${files.db} holds a day already; give --fresh to start over (the devices' memory is not kept between runs)`);
    for (const f of Object.values(files)) rmSync(f, { force: true });
    rmSync(`${files.db}-wal`, { force: true }); rmSync(`${files.db}-shm`, { force: true });
    rmSync(join(o.dir, 'chairman.key'), { force: true });
  }
  const sample = sampleElection(o.election, o.crypto);
  const clock = dayClock(sample.definition.date);
  const db = openPrecinctDb(files.db);
  let created;
  try {
    created = await createPrecinct({
      db, clock: clock.clock, crypto: o.crypto, entropy: nodeEntropy, signedElection: sample.signed, authorityKeys: [SAMPLE_AUTHORITY_PUBLIC],
      registerCsv: sampleRegisterCsv({ seed: o.seed, count: o.registerSize, electionDay: sample.definition.date }), operatorPassphrase: OPERATOR_PASSPHRASE, logN: o.logN,
    });
    const ck = await createChairmanKeyFile(db, clock.clock, o.crypto, nodeEntropy, CHAIRMAN_PASSPHRASE, o.logN);
    writeFileSync(join(o.dir, 'chairman.key'), ck.file, { mode: 0o600 });
  } finally { db.close(); }
  writeFileSync(files.envelope, created.envelopeSheet, { mode: 0o600 });
  const chairman = await unsealChairmanKey(o.crypto, new Uint8Array(readFileSync(join(o.dir, 'chairman.key'))), CHAIRMAN_PASSPHRASE);

  const plugs: Plug[] = [];
  const pc = new PrecinctComputer(files.db, o.crypto, clock.clock, () => plugs);
  await pc.start();
  const env = { crypto: o.crypto, authorityKeys: [SAMPLE_AUTHORITY_PUBLIC], precinctNoisePublic: created.identity.noisePublicKey };
  const plug = async (name: string): Promise<Plug> => { const p = await Plug.make(o.transport, name); plugs.push(p); return p; };
  const terminals: StationTerminal[] = [];
  for (let i = 1; i <= o.terminals; i++) terminals.push(await new StationTerminal(`t${i}`, await plug(`t${i}`), env).boot());
  const portable = o.portable === false ? undefined : await new StationPortable('p1', await plug('p1'), env).boot();
  const accumulator = await new StationAccumulator('a1', await plug('a1'), env).boot();
  const commission = async (kind: 'terminal' | 'accumulator' | 'portable-ballot', p: Plug, key: Uint8Array): Promise<void> => {
    const r = await commissionDevice(pc.work, { kind, address: p.address, devicePublicKey: key });
    const bad = r.steps.filter((s) => !s.ok);
    if (bad.length > 0) throw new Error(`${r.device.deviceId}: provisioning incomplete: ${JSON.stringify(bad)}`);
  };
  for (const t of terminals) await commission('terminal', t.plug, t.noisePublic);
  if (portable) await commission('portable-ballot', portable.plug, portable.noisePublic);
  await commission('accumulator', accumulator.plug, accumulator.noisePublic);
  return {
    pc, terminals, accumulator, portable, definition: sample.definition, password: passwordFromSheet(created.envelopeSheet), chairmanSecretKey: chairman.signing.secretKey,
    clock, electionDay: sample.definition.date, files,
    async dispose() {
      await pc.stop().catch(() => {});
      for (const p of plugs) await p.close();
    },
  };
}

/** Runs the whole day; throws if any step fails. */
export async function runDay(o: DayOptions): Promise<DayResult> {
  const crypto = o.crypto ?? nodeCrypto;
  const terminalsN = o.terminals ?? 4;
  const homeN = o.home ?? 0;
  const seed = o.seed ?? 1;
  const faults = o.faults ?? NO_FAULTS;
  const registerSize = o.registerSize ?? 3000;
  if (o.voters + homeN > registerSize) throw new Error(`the register has ${registerSize} voters (at most 3,000 by law); fewer voters, please`);
  const rnd = seededRandom(seed * 7919 + 17);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const stageMs = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const t0 = Date.now();
  const report = (stage: Stage, done: number, total: number): void => o.progress?.({ stage, done, total, elapsedMs: Date.now() - t0 });
  async function timed<T>(stage: Stage, fn: () => Promise<T> | T): Promise<T> {
    const s = performance.now();
    try { return await fn(); } finally { stageMs[stage] += performance.now() - s; }
  }
  const fc: FaultCounts = { linkDrops: 0, writerPulls: 0, accumulatorPulls: 0, terminalTears: 0, tornWithVote: 0, terminalPowerCuts: 0, accumulatorPowerCuts: 0, precinctRestarts: 0, refusalsProvoked: 0 };

  report('setup', 0, 1);
  const rig = await timed('setup', () => setUpStation({ dir: o.dir, fresh: o.fresh, terminals: terminalsN, registerSize, seed, transport: o.transport ?? 'tcp', election: o.election ?? 'mazhilis', crypto, logN: o.logN ?? 10, portable: homeN > 0 }));
  const { pc, definition } = rig;
  try {
    // (A pull is set before one of the first four commands: every card operation sends more, so it always fires.)
    // Who comes: a random order of register numbers; the first homeN applied to vote at home.
    const order = Array.from({ length: registerSize }, (_, i) => i + 1);
    for (let i = order.length - 1; i > 0; i--) { const j = pick(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    const homeNos = order.slice(0, homeN).sort((a, b) => a - b);
    const premisesNos = order.slice(homeN, homeN + o.voters);
    const hv = homeVoting(pc.db, rig.clock.clock, { electionDay: rig.electionDay });
    await timed('setup', async () => {
      for (const n of homeNos) hv.apply(n, { location: 'at home' });
      if (homeN > 0) await loadHomeVoters(pc.work);
    });

    report('self-test', 0, 1);
    const st = await timed('self-test', () => selfTestAll(pc.work, { pollMs: 20 }));
    if (st.outcome === 'failed') throw new Error(`self-test failed: ${JSON.stringify(st.devices.map((d) => [d.deviceId, d.checks.filter((c) => c.outcome === 'failed')]))}`);
    report('open', 0, 1);
    rig.clock.set(`${rig.electionDay}T02:00:00.000Z`); // 07:00 local
    const opened = await timed('open', () => openPrecinct(pc.work, rig.password));
    if (!opened.report.allZero) throw new Error('the zero report is not all zero');

    // Ground truth.
    const truth = new Map<number, Map<number, number>>();
    for (const c of definition.contests) truth.set(c.id, new Map());
    const draw = (): number[] => definition.contests.map((c) => {
      const ids = c.options.map((x) => x.id).concat(c.againstAll ? [AGAINST_ALL_ID] : []);
      const id = ids[pick(ids.length)];
      const m = truth.get(c.id)!;
      m.set(id, (m.get(id) ?? 0) + 1);
      return id;
    });
    const codes: string[] = [];

    const portable = rig.portable;
    const deviceIds = [...rig.terminals.map((_, i) => `terminal-${i + 1}`), ...(portable ? ['portable-ballot-1'] : []), 'accumulator-1'];
    const plugOf = (id: string): Plug => id.startsWith('terminal-') ? rig.terminals[Number(id.slice(9)) - 1].plug : id === 'portable-ballot-1' && portable ? portable.plug : rig.accumulator.plug;
    const decision = (deviceId: string, reason: string): void => {
      recordRestartDecision(pc.work, { deviceId, members: ['Chairman A. Seitkali', 'Member B. Nurlanova'], reason });
    };

    for (let i = 0; i < premisesNos.length; i++) {
      const regNo = premisesNos[i];
      // ---- faults between voters
      if (rnd() < faults.linkDrop) {
        const id = deviceIds[pick(deviceIds.length)];
        plugOf(id).drop();
        fc.linkDrops++;
        await timed('voting', async () => { const s = await status(pc.work.pool.link(id)); if (s.state !== 'open') throw new Error(`${id} is ${s.state} after a dropped link`); });
      }
      if (rnd() < faults.terminalPowerCut) {
        const k = pick(rig.terminals.length);
        decision(`terminal-${k + 1}`, 'power cut: the terminal went dark');
        await rig.terminals[k].powerCut();
        const r = await relinkDevice(pc.work, `terminal-${k + 1}`);
        if (r.status.state !== 'open') throw new Error(`terminal-${k + 1} came back ${r.status.state}`);
        fc.terminalPowerCuts++;
      }
      if (rnd() < faults.accumulatorPowerCut) {
        decision('accumulator-1', 'power cut: the accumulator went dark');
        await rig.accumulator.powerCut();
        const r = await relinkDevice(pc.work, 'accumulator-1');
        if (r.status.state !== 'open') throw new Error(`the accumulator came back ${r.status.state}`);
        fc.accumulatorPowerCuts++;
      }
      if (i % 97 === 13) {
        // an IIN with a bad check digit scanned, and a voter already admitted back at the desk
        try { pc.desk.lookupScan('123456789012'); } catch { fc.refusalsProvoked++; }
        if (i > 0) {
          try { await pc.desk.admit(premisesNos[i - 1]); } catch (e) { if (e instanceof AdmissionRefused) fc.refusalsProvoked++; else throw e; }
        }
      }

      // ---- admission: the card writer activates a blank card
      const card = new SimulatedCard();
      const restartNow = rnd() < faults.precinctRestart;
      await timed('admissions', async () => {
        if (restartNow) {
          // The precinct computer goes down while the card is being activated: the admission
          // stays pending in the database. After the restart the member completes it.
          pc.hangNextActivation = true;
          pc.writerReader.insert(card);
          void pc.desk.admit(regNo).catch(() => {}); // never settles: that process is gone
          pc.writerReader.remove();
          await pc.stop();
          await pc.start();
          fc.precinctRestarts++;
          if (!pc.desk.pendingAdmissions().some((v) => v.registerNo === regNo)) throw new Error('the pending admission was lost in the restart');
          pc.writerReader.insert(card);
          try { await pc.desk.completePending(regNo); } finally { pc.writerReader.remove(); }
          return;
        }
        for (let attempt = 0; ; attempt++) {
          pc.writerReader.insert(card);
          if (attempt === 0 && rnd() < faults.writerPull) { pc.writerReader.pullBeforeNthCommand(pick(4)); fc.writerPulls++; }
          try {
            await pc.desk.admit(regNo);
            pc.writerReader.remove();
            return;
          } catch (e) {
            pc.writerReader.remove();
            if (!(e instanceof PrecinctError) || e.code !== 'card-activation-failed' || attempt > 3) throw e;
            // the member confirms again with the same card (the writer recognises an unconfirmed activation)
          }
        }
      });

      // ---- the booth
      const term = rig.terminals[i % rig.terminals.length];
      const choice = draw();
      const lang = i % 3 === 0 ? 'ru' : 'kk';
      const code = await timed('voting', async () => {
        if (rnd() >= faults.terminalTear) return boothVisit(term.host.terminal, term.reader, card, lang, choice);
        fc.terminalTears++;
        try {
          // The vote's chained write is a few hundred bytes: tear somewhere in it (or, rarely, just after).
          return await boothVisit(term.host.terminal, term.reader, card, lang, choice, 1 + pick(400));
        } catch (e) {
          if (!(e instanceof TornDuringWrite)) throw e;
        }
        // The voter was told to reinsert the card: the terminal shows whether the vote is on it
        // (it refuses a voted card); if not, the voter votes again, the same way.
        try {
          return await boothVisit(term.host.terminal, term.reader, card, lang, choice);
        } catch (e) {
          if (!(e instanceof BoothRefused) || card.view().state !== 'voted') throw e;
          fc.tornWithVote++;
          return undefined;
        }
      });
      if (code !== undefined) codes.push(code);

      // ---- the accumulator: the member inserts the voted card
      await timed('accumulation', async () => {
        const acc = rig.accumulator;
        let previous: Awaited<ReturnType<typeof acc.acc.takeCard>> | undefined;
        for (let attempt = 0; ; attempt++) {
          acc.reader.insert(card);
          if (attempt === 0 && rnd() < faults.accumulatorPull) { acc.reader.pullBeforeNthCommand(pick(4)); fc.accumulatorPulls++; }
          const out = await acc.acc.takeCard();
          acc.reader.remove();
          if (out.result === 'accepted') return;
          // Stored, and the clear reached the card though its confirmation did not: the card is blank now.
          if (out.result === 'refused' && out.reason === 'not-voted' && previous?.result === 'reinsert') return;
          previous = out;
          if (attempt > 3 || (out.result === 'refused' && out.reason !== 'unreadable')) throw new Error(`the accumulator refused a voted card: ${JSON.stringify(out)}`);
        }
      });
      if (i % 10 === 9 || i === premisesNos.length - 1) report('voting', i + 1, premisesNos.length);
    }

    // ---- home voting: the mobile group with the portable ballot (before 12:00 local)
    for (let k = 0; k < homeNos.length; k++) {
      const choice = draw();
      const code = await timed('home voting', () => homeVisit(portable!.host.device, portable!.display, k, choice));
      if (code !== undefined) codes.push(code);
      if (k % 10 === 9 || k === homeNos.length - 1) report('home voting', k + 1, homeNos.length);
    }

    // ---- the evening
    rig.clock.set(`${rig.electionDay}T15:00:30.000Z`); // 20:00 local
    report('close', 0, 1);
    const closed = await timed('close', () => closeAndCollect(pc.work));
    if (!closed.complete) throw new Error(`close: devices missing: ${JSON.stringify(closed.missing)}`);
    report('count', 0, 1);
    const election = readElection(pc.db, crypto);
    const count = await timed('count', () => countPrecinct({
      db: pc.db, clock: rig.clock.clock, crypto, election: { definition: election.definition, fingerprint: election.fingerprint }, deliveries: collectedDeliveries(pc.db),
      issuerKeys: [precinctIdentityPublic(pc.db).issuingPublicKey], sealedElectionKey: sealedElectionKey(pc.db), startPassword: rig.password, chairmanSecretKey: rig.chairmanSecretKey,
    }));
    report('protocol', 0, 1);
    const verified = await timed('protocol', async () => {
      writeFileSync(rig.files.protocol, count.bytes);
      writeFileSync(rig.files.pdf, await renderProtocolPdf(count.signed, count.doc));
      writeFileSync(rig.files.nist, JSON.stringify(toNistReport(count.doc), null, 2));
      return verifySignedProtocol(crypto, count.bytes, { chairmanKey: crypto.ed25519PublicKey(rig.chairmanSecretKey), election: { definition: election.definition, fingerprint: election.fingerprint } }).ok;
    });
    const events = new Map<string, number>();
    for (let from = 1; ;) {
      const rows = readEvents(pc.db, from, 1000);
      for (const r of rows) events.set(`${r.event}/${r.disposition}`, (events.get(`${r.event}/${r.disposition}`) ?? 0) + 1);
      if (rows.length < 1000) break;
      from = rows[rows.length - 1].seq + 1;
    }
    const eventLogOk = verifyEventLog(pc.db, crypto).ok;
    return { stageMs, totalMs: Date.now() - t0, truth, codes, faults: fc, count, verified, files: rig.files, events, votersInPremises: premisesNos.length, votersAtHome: homeNos.length, eventLogOk };
  } finally {
    await rig.dispose();
  }
}
