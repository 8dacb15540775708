// The station by hand: the devices started and commissioned as in the scripted day, then a
// prompt for the commission member with the precinct computer's commands. Each command
// calls the same library function as the scripted day (and precinct/cli); `vote <n>` puts
// the next admitted voter's card into terminal n and draws its screen in this window, as
// hosts/node/terminal-cli.ts does, for the voter to vote with the keyboard.
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { nodeCrypto as crypto } from '../../hosts/node/crypto';
import { SimulatedCard } from '../../smartcard-sim/card';
import { renderText } from '../../terminal/screens/text';
import { AGAINST_ALL_ID } from '../../protocol/election/model';
import { selfTestAll, openPrecinct } from '../morning';
import { AdmissionRefused, type VoterView } from '../admission';
import { homeVoting } from '../home-voting';
import { loadHomeVoters } from '../devices/home-list';
import { recordRestartDecision, relinkDevice } from '../devices/restart';
import { closeAndCollect, collectedDeliveries } from '../devices/close';
import { countPrecinct } from '../count/precinct-count';
import { readCounters } from '../counters';
import { readElection, precinctIdentityPublic, sealedElectionKey } from '../setup';
import { renderProtocolPdf } from '../protocol/pdf';
import { toNistReport } from '../protocol/nist';
import { verifySignedProtocol } from '../protocol/verify';
import { PrecinctError } from '../errors';
import { setUpStation, type StationRig } from './day';
import type { Transport } from './devices';
import { flush, homeVisit } from './voting';

const COMMANDS = `commands (the precinct computer's, in the day's order):
  selftest                 the morning self-test of every device
  open                     open voting (after selftest): type the start password from the envelope sheet
  admit <IIN | surname>    admission: look the voter up, activate a card on the card writer
  vote <terminal>          the next admitted voter votes at terminal 1..N (the booth screen here)
  accumulate               the member puts every voted card into the accumulator
  home vote <k> <option>   the k-th home voter (1..) votes for <option> on the portable ballot
  restart <device>         a power cut: the commission's decision recorded, the device restarted
                           from its flash, the precinct computer links to it again (e.g. terminal-1)
  counters                 the figures observers may ask for
  devices                  each device's state
  close                    close every device and collect its data
  count                    count (types the start password), sign the protocol, write PDF + NIST
  help, quit`;

export async function runByHand(o: { dir: string; fresh: boolean; terminals: number; election: string; transport: Transport }): Promise<number> {
  console.log(`sailau — the polling station by hand (work folder ${o.dir}); starting the devices …`);
  const rig = await setUpStation({ dir: o.dir, fresh: o.fresh, terminals: o.terminals, registerSize: 3000, seed: 1, transport: o.transport, election: o.election, crypto, logN: 10 });
  console.log(`${o.terminals} terminals, the accumulator and the portable ballot are commissioned over ${o.transport === 'tcp' ? 'loopback TCP' : 'memory links'}; 3,000 voters on the register.`);
  // The portable ballot must hold its list before opening: five applications are recorded and loaded now.
  const hv = homeVoting(rig.pc.db, rig.clock.clock, { electionDay: rig.electionDay });
  for (const n of [2996, 2997, 2998, 2999, 3000]) hv.apply(n, { location: 'at home' });
  const loaded = await loadHomeVoters(rig.pc.work);
  console.log(`${loaded.voters} home-voting applications (register nos. 2996-3000) recorded and loaded into ${loaded.deviceId}: home vote 1..5 <option>.`);
  console.log(`The start password is on the envelope sheet: ${rig.files.envelope}\n`);
  console.log(COMMANDS);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string): Promise<string | undefined> => {
    process.stdout.write(q);
    const r = await lines.next();
    return r.done ? undefined : String(r.value).trim();
  };
  const cards: SimulatedCard[] = []; // activated, handed to voters
  const voted: SimulatedCard[] = []; // voted, on the way to the accumulator
  try {
    for (;;) {
      const line = await ask('\nprecinct> ');
      if (line === undefined || line === 'quit' || line === 'q' || line === 'exit') break;
      if (line === '') continue;
      try {
        await command(rig, line.split(/\s+/), ask, cards, voted);
      } catch (e) {
        if (e instanceof PrecinctError) console.log(`REFUSED (${e.code}): ${e.message}`);
        else console.log(`failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    rl.close();
    await rig.dispose();
  }
  return 0;
}

type Ask = (q: string) => Promise<string | undefined>;

async function command(rig: StationRig, words: string[], ask: Ask, cards: SimulatedCard[], voted: SimulatedCard[]): Promise<void> {
  const { pc } = rig;
  const [cmd, ...rest] = words;
  switch (cmd) {
    case 'help': console.log(COMMANDS); return;
    case 'selftest': {
      const r = await selfTestAll(pc.work, { pollMs: 20 });
      for (const d of r.devices) console.log(`  ${d.deviceId.padEnd(18)} ${d.outcome}${d.checks.filter((c) => c.outcome !== 'passed').map((c) => `  · ${c.name}: ${c.outcome}`).join('')}`);
      console.log(`self-test: ${r.outcome}`);
      return;
    }
    case 'open': {
      const typed = await ask('start password (5 groups of 4 digits): ');
      if (typed === undefined) return;
      const r = await openPrecinct(pc.work, typed);
      for (const l of r.report.lines) console.log(`  ${l.deviceId.padEnd(18)} ${String(l.state).padEnd(8)} votes ${l.votes ?? '?'}  ${l.zero ? 'zero' : 'NOT zero'}${l.problem ? `  (${l.problem})` : ''}`);
      console.log(`voting is open (zero report ${r.report.allZero ? 'all zero' : 'NOT zero'})`);
      return;
    }
    case 'admit': {
      const q = rest.join(' ');
      if (q === '') { console.log('admit <IIN | surname>'); return; }
      const found: VoterView[] = /^[0-9]+$/.test(q) ? [pc.desk.lookupScan(q)] : pc.desk.searchName(q, 10);
      if (found.length === 0) { console.log('nobody found; type more of the name, or the IIN'); return; }
      found.forEach((v, i) => console.log(`  [${i + 1}] No. ${v.voter.registerNo} ${v.voter.surname} ${v.voter.firstName} ${v.voter.patronymic ?? ''}, born ${v.voter.birthDate}, IIN ${v.voter.iin} — ${v.standing}`));
      const pick = found.length === 1 ? 1 : Number(await ask(`which one (1-${found.length}, 0 none)? `));
      if (!(pick >= 1 && pick <= found.length)) return;
      const card = new SimulatedCard();
      pc.writerReader.insert(card);
      try {
        const r = await pc.desk.admit(found[pick - 1].voter.registerNo);
        cards.push(card);
        console.log(`ADMITTED No. ${r.voter.registerNo}: the card is activated — hand it over (${cards.length} card(s) waiting for a booth)`);
      } catch (e) {
        if (e instanceof AdmissionRefused) { console.log(`REFUSED: ${e.message}`); return; }
        throw e;
      } finally { pc.writerReader.remove(); }
      return;
    }
    case 'vote': {
      const n = Number(rest[0]);
      const term = rig.terminals[n - 1];
      if (!term) { console.log(`vote <1..${rig.terminals.length}>`); return; }
      const card = cards.shift();
      if (!card) { console.log('no admitted voter has a card: admit someone first'); return; }
      await booth(term.host.terminal, term.reader, card, ask);
      if (card.view().state === 'voted') { voted.push(card); console.log(`the voted card goes to the accumulator (${voted.length} waiting): accumulate`); }
      else { cards.unshift(card); console.log(`the card was not voted (${card.view().state}); the voter may try again: vote ${n}`); }
      return;
    }
    case 'accumulate': {
      let ok = 0;
      while (voted.length > 0) {
        const card = voted.shift()!;
        rig.accumulator.reader.insert(card);
        const out = await rig.accumulator.acc.takeCard();
        rig.accumulator.reader.remove();
        if (out.result === 'accepted') ok++; else console.log(`  accumulator: ${JSON.stringify(out)}`);
      }
      console.log(`${ok} card(s) accepted; the accumulator holds ${rig.accumulator.acc.counters().accepted} votes`);
      return;
    }
    case 'home': {
      if (rest[0] === 'vote') {
        const k = Number(rest[1]);
        const option = Number(rest[2]);
        const valid = rig.definition.contests[0].options.map((x) => x.id).concat(rig.definition.contests[0].againstAll ? [AGAINST_ALL_ID] : []);
        if (!Number.isInteger(k) || k < 1 || !valid.includes(option) || rig.definition.contests.length !== 1) { console.log(`home vote <k> <option: ${valid.join(' ')}> (one-contest elections)`); return; }
        const code = await homeVisit(rig.portable!.host.device, rig.portable!.display, k - 1, [option]);
        console.log(`home voter ${k} voted; code ${code ?? '—'}`);
        return;
      }
      console.log('home vote <k> <option>');
      return;
    }
    case 'restart': {
      const id = rest[0] ?? '';
      const dev = id === 'accumulator-1' ? rig.accumulator : id.startsWith('terminal-') ? rig.terminals[Number(id.slice(9)) - 1] : undefined;
      if (!dev) { console.log(`restart <terminal-1..${rig.terminals.length} | accumulator-1>`); return; }
      const seq = recordRestartDecision(pc.work, { deviceId: id, members: ['Chairman', 'Secretary'], reason: 'power cut (by hand)' });
      console.log(`decision recorded (event ${seq}); ${id} loses power and boots again from its flash …`);
      await dev.powerCut();
      const r = await relinkDevice(pc.work, id);
      console.log(`${id} is back: state ${r.status.state}, ${r.status.eventCount} events in its log. Carry on.`);
      return;
    }
    case 'counters': {
      const c = readCounters(pc.db);
      for (const [k, v] of Object.entries(c)) console.log(`  ${k.padEnd(20)}${String(v).padStart(6)}`);
      return;
    }
    case 'devices': {
      const { status } = await import('../devices/calls');
      for (const d of pc.work.pool.devices()) {
        try { const s = await status(pc.work.pool.link(d.deviceId)); console.log(`  ${d.deviceId.padEnd(18)} ${s.state}  ${JSON.stringify(s.detail ?? {})}`); } catch (e) { console.log(`  ${d.deviceId.padEnd(18)} unreachable: ${(e as Error).message}`); }
      }
      return;
    }
    case 'close': {
      rig.clock.set(`${rig.electionDay}T15:00:30.000Z`);
      const r = await closeAndCollect(pc.work);
      for (const c of r.collected) console.log(`  ${c.deviceId.padEnd(18)} ${c.records} records  ${c.fingerprint.slice(0, 16)}…`);
      for (const m of r.missing) console.log(`  ${m.deviceId.padEnd(18)} MISSING: ${m.problem}`);
      console.log(r.complete ? 'every device collected: count' : 'devices missing: fix them and close again');
      return;
    }
    case 'count': {
      const typed = await ask('start password (the chairman types it again): ');
      if (typed === undefined) return;
      const election = readElection(pc.db, crypto);
      const el = { definition: election.definition, fingerprint: election.fingerprint };
      const out = await countPrecinct({
        db: pc.db, clock: rig.clock.clock, crypto, election: el, deliveries: collectedDeliveries(pc.db),
        issuerKeys: [precinctIdentityPublic(pc.db).issuingPublicKey], sealedElectionKey: sealedElectionKey(pc.db), startPassword: typed, chairmanSecretKey: rig.chairmanSecretKey,
      });
      for (const t of out.count.tallies) {
        console.log(`contest ${t.contestId}: ${t.ballots} ballots`);
        for (const x of t.options) console.log(`    option ${String(x.optionId).padStart(3)}  ${String(x.votes).padStart(6)}`);
        if (t.againstAll !== null) console.log(`    against all ${String(t.againstAll).padStart(6)}`);
      }
      for (const a of out.count.anomalies) console.log(`anomaly ${a.code}: ${a.count} — ${a.detail}`);
      writeFileSync(rig.files.protocol, out.bytes);
      writeFileSync(rig.files.pdf, await renderProtocolPdf(out.signed, out.doc));
      writeFileSync(rig.files.nist, JSON.stringify(toNistReport(out.doc), null, 2));
      const ok = verifySignedProtocol(crypto, out.bytes, { chairmanKey: crypto.ed25519PublicKey(rig.chairmanSecretKey), election: el }).ok;
      console.log(`the signed protocol (${ok ? 'verifies' : 'DOES NOT VERIFY'}): ${rig.files.protocol}\nits PDF: ${rig.files.pdf}\nNIST export: ${rig.files.nist}`);
      return;
    }
    default:
      console.log(`? ${cmd} — type help`);
  }
}

/** The booth in this window: the terminal's screen as text; numbers touch, 1/2 press the buttons, r takes the card out. */
async function booth(t: import('../../terminal/device').Terminal, reader: import('../../smartcard-sim/reader').SimulatedCardReader, card: SimulatedCard, ask: Ask): Promise<void> {
  const settle = async (): Promise<void> => { await t.idle(); await flush(); };
  reader.insert(card);
  await settle();
  for (;;) {
    const s = t.currentScreen;
    console.log('\n' + '─'.repeat(72));
    for (const l of renderText(s, { width: 72 }).lines) console.log(l);
    const line = await ask('booth> number: touch · k1/k2: the physical buttons "1"/"2" · r: take the card out and leave: ');
    if (line === undefined || line === 'r') { reader.remove(); return; }
    const n = Number(line);
    if (line === 'k1' || line === 'k2') t.press(line.slice(1));
    else if (Number.isInteger(n) && n >= 1 && n <= s.buttons.length) t.touch(s.buttons[n - 1].id);
    else if (line === '1' || line === '2') t.press(line);
    else console.log(`? ${line}`);
    await settle();
  }
}
