// Voting terminal: the device's own work per voter, human time aside (touches are instant
// here): card check (SELECT, READ STATE, READ ACTIVATION, one Ed25519 verify) and the commit
// (code draw + one flash program, HPKE seal to the election key, Ed25519 signature, chained
// WRITE VOTE, counters record), plus flash and APDU figures. Node wall time with the noble
// (pure JS, as on XS) and the Node-native crypto ports; XS compute per voter from the XS host.
import { SimFlash } from '../runtime/flash/sim';
import { VirtualClock } from '../runtime/virtual-clock';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { nobleCrypto } from '../protocol/crypto/noble';
import { nodeCrypto } from '../hosts/node/crypto';
import type { CryptoPort } from '../protocol/crypto/port';
import { runInXs } from '../hosts/xs/harness/run';
import { activationFor, castBallot, configureAndOpen, flush, makeTerminal, precinctKeys, seeded, TERMINAL_BLOCKS } from '../tests/terminal-helpers';
import { AUTHORITY_PUBLIC, cardWith, sample } from '../tests/terminal-node';
import { join } from 'node:path';

const VOTERS = 200;
const now = () => performance.now();

async function measure(name: string, crypto: CryptoPort): Promise<void> {
  const s = sample('maslikhat');
  const keys = precinctKeys(crypto, 'bench');
  const reader = new SimulatedCardReader();
  const clock = new VirtualClock();
  const flash = new SimFlash(TERMINAL_BLOCKS);
  const t = makeTerminal({ flash, reader, entropy: seeded(crypto, 'bench-t'), crypto, authorityKeys: [AUTHORITY_PUBLIC], clock });
  await configureAndOpen(t, s.signed, keys, Array.from({ length: 2000 }, (_, i) => i * 5), clock);
  const cards = await Promise.all(Array.from({ length: VOTERS }, (_, i) => cardWith(activationFor(keys, seeded(crypto, `b-${i}`), s.fingerprint, s.definition.precinct))));
  const options = s.view.contests.map((c) => c.options[1].id);
  let check = 0;
  let commit = 0;
  let apdus = 0;
  let screens = 0;
  const bytesBefore = t.journal.stats().bytesUsed;
  const eventsBefore = t.log.head.seq;
  for (let i = 0; i < VOTERS; i++) {
    reader.log.length = 0;
    const t0 = now();
    reader.insert(cards[i]);
    await t.idle(); await flush(20);
    const t1 = now();
    castBallot(t, i % 2 ? 'kk' : 'ru', options, false);
    const t2 = now();
    t.touch('cast'); // draw the code, seal, sign, write
    await t.idle(); await flush(20);
    const t3 = now();
    screens += t2 - t1;
    if (t.ballotState?.phase !== 'thanks') throw new Error(`voter ${i}: ${t.ballotState?.phase}`);
    t.press('1'); t.press('2');
    reader.remove();
    check += t1 - t0;
    commit += t3 - t2;
    apdus += reader.log.length;
  }
  const perVoterBytes = (t.journal.stats().bytesUsed - bytesBefore) / VOTERS;
  console.log(`${name}, per voter (${VOTERS} voters, maslikhat: 2 contests, 9 touches):`);
  console.log(`  card check ${(check / VOTERS).toFixed(2)} ms · touches and screens ${(screens / VOTERS).toFixed(2)} ms · cast (code, seal, sign, write) ${(commit / VOTERS).toFixed(2)} ms · total ${((check + screens + commit) / VOTERS).toFixed(2)} ms`);
  console.log(`  ${(apdus / VOTERS).toFixed(1)} APDUs per voter; journal ${perVoterBytes.toFixed(0)} bytes and ${((t.log.head.seq - eventsBefore) / VOTERS).toFixed(1)} events per voter; 1 flash program of 1 byte for the code`);
}

await measure('Node, noble crypto (pure JS, the device build)', nobleCrypto);
await measure('Node, node:crypto', nodeCrypto);
const one = await runInXs(join(import.meta.dirname, '../tests/xs/booth-entry.ts'));
const six = await runInXs(join(import.meta.dirname, '../tests/xs/booth-voters-entry.ts'));
console.log(`XS: configure + 1 voter ${one.meter.compute.toLocaleString('en')} compute; + 5 more voters ${(six.meter.compute - one.meter.compute).toLocaleString('en')}: ≈ ${Math.round((six.meter.compute - one.meter.compute) / 5).toLocaleString('en')} per voter (includes the test card writer's Ed25519 signature of each activation); heap after GC ${six.meter.heapSlotsAfterGc} slots`);
console.log('Human time is not in these figures: a voter takes ~1–3 minutes in the booth; the device work is milliseconds.');
