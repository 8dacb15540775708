// The voting terminal in a terminal window: the booth screen drawn as text (the same Screen
// the Piu panel draws), a line of input per action. Standalone: it plays the precinct
// computer's part too (loads a sample election signed with the test authority key,
// provisions demo keys and a code share, runs the self-test, opens with the start password)
// and writes activated cards as the card writer would.
//
//   npx tsx hosts/node/terminal-cli.ts [--election presidential|mazhilis|maslikhat] [--flash file] [--width 72]
//
// Input: a number n touches button [n] of the screen; "1" / "2" where the screen has no such
// button (or "k1" / "k2" always) press the physical buttons; "i" inserts a freshly activated
// card, "r" removes the card, "a" inserts the previous card again, "b" a blank card;
// "s" status; "t <seconds>" lets time pass; "q" quits. Piped input works the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fromHex } from '../../protocol/bytes';
import { createActivation } from '../../protocol/card/records';
import { startPasswordCommitment } from '../../protocol/start-password';
import { verifySignedElection } from '../../protocol/election/signed';
import { CardClient } from '../../runtime/card-client';
import { VirtualClock } from '../../runtime/virtual-clock';
import { SimulatedCard } from '../../smartcard-sim/card';
import { SimulatedCardReader } from '../../smartcard-sim/reader';
import { partitionCodes, codesToBitmap } from '../../terminal/ballot/codes';
import { renderText } from '../../terminal/screens/text';
import type { Screen } from '../../terminal/screens/types';
import { nodeCrypto as crypto } from './crypto';
import { nodeEntropy as entropy } from './entropy';
import { startTerminalHost } from './terminal-host';

const root = join(import.meta.dirname, '..', '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function readKey(path: string): Uint8Array {
  return fromHex(readFileSync(join(root, path), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('').trim());
}

async function main(): Promise<void> {
  const name = arg('election', 'presidential');
  const width = Number(arg('width', '72'));
  const flashPath = process.argv.includes('--flash') ? arg('flash', '') : undefined;
  const authority = readKey('samples/keys/test-election-authority.key.pub');
  const signed = new Uint8Array(readFileSync(join(root, `samples/elections/${name}.election.cbor`)));
  const election = verifySignedElection(signed, [authority], crypto);
  // Virtual time: the booth's time-outs pass only with "t <seconds>", so piped runs are repeatable.
  const clock = new VirtualClock({ wallClockMs: Date.now() });
  let lastScreen: Screen | undefined;
  const display = { show: (s: Screen) => { lastScreen = s; }, onTouch: () => { /* input comes from the keyboard */ } };
  const host = await startTerminalHost({ authorityKeys: [authority], display, clock, flashPath, serial: 'TRM-CLI' });
  const t = host.terminal;

  // The precinct computer's part, for the demo.
  const issuerSecret = entropy.randomBytes(32);
  const electionSecret = entropy.randomBytes(32);
  const verifier = entropy.randomBytes(32);
  if (t.state === 'unconfigured' || t.state === 'loaded') {
    t.loadElection(signed.length, 0, signed);
    const { shares } = partitionCodes([1500], entropy);
    t.provision({ issuers: [crypto.ed25519PublicKey(issuerSecret)], electionPublicKey: crypto.x25519PublicKey(electionSecret), codes: codesToBitmap(shares[0]), startPasswordCommitment: startPasswordCommitment(crypto, verifier) });
    t.startSelfTest();
    await clock.runUntilSettled(t.selfTestFinished());
    t.open(verifier);
  }
  const reader: SimulatedCardReader = host.reader;
  let previous: SimulatedCard | undefined;

  async function freshCard(): Promise<SimulatedCard> {
    const card = new SimulatedCard();
    const writer = new SimulatedCardReader();
    writer.insert(card);
    const c = new CardClient(writer, crypto);
    await c.connect();
    await c.activate(createActivation(crypto, entropy, issuerSecret, { electionFingerprint: election.fingerprint, precinct: election.definition.precinct, ballotStyle: 1, issuedAt: Math.floor(Date.now() / 1000) }).bytes);
    writer.remove();
    return card;
  }

  const settle = async () => { await t.idle(); for (let i = 0; i < 200; i++) await Promise.resolve(); };
  const draw = () => {
    const s = lastScreen ?? t.currentScreen;
    const c = t.counters();
    console.log('\n' + '─'.repeat(Math.min(width, 72)));
    console.log(`[${t.state} · votes ${c.votes} · refused ${c.refused} · card ${reader.isCardPresent() ? 'in' : 'out'}]`);
    for (const line of renderText(s, { width }).lines) console.log(line);
    console.log('> number: touch · 1/2 (k1/k2): buttons · i/a/b: insert card · r: remove · t N: wait N s · s · q');
  };

  draw();
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') continue;
    console.log(`> ${line}`);
    const s = lastScreen ?? t.currentScreen;
    const n = Number(line);
    if (line === 'q') break;
    else if (line === 'i') { if (!reader.isCardPresent()) { previous = await freshCard(); reader.insert(previous); } }
    else if (line === 'a') { if (!reader.isCardPresent() && previous) reader.insert(previous); }
    else if (line === 'b') { if (!reader.isCardPresent()) { previous = new SimulatedCard(); reader.insert(previous); } }
    else if (line === 'r') reader.remove();
    else if (line === 'k1' || line === 'k2') host.buttons.press(line.slice(1));
    else if (line === 's') console.log(JSON.stringify(t.counters()));
    else if (line.startsWith('t ')) clock.advance(Number(line.slice(2)) * 1000);
    else if (Number.isInteger(n) && n >= 1 && n <= s.buttons.length) t.touch(s.buttons[n - 1].id);
    else if (line === '1' || line === '2') host.buttons.press(line);
    else console.log(`? ${line}`);
    await settle();
    draw();
  }
  rl.close();
  await host.close();
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
