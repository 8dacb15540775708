// The voter card through real PC/SC: pcscd + vsmartcard's vpcd + the card simulator as a
// virtual card. Standard tools see the card; the precinct card writer activates it; a device
// client votes, reads and clears it through the same stack. ~25 APDUs/s through vpcd.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { toHex } from '../protocol/bytes';
import { selectApdu } from '../protocol/card/apdu';
import { verifyActivation, verifyVotedCard } from '../protocol/card/records';
import { SimulatedCard } from '../smartcard-sim/card';
import { VpcdCard } from '../smartcard-sim/vpcd';
import { CardWriter, PcscReaderPort } from '../precinct/card-writer';
import { CardClient, CardRemovedError, WrongStateError } from '../runtime/card-client';
import { activationPolicy, crypto, election, issuerSecret, makeVote, policy, PRECINCT, seededEntropy } from './helpers/card-fixtures';
import { VPCD_READER, cardPresent, exec, openscReader, pcscUnavailable, startPcsc, waitFor } from './helpers/pcsc';
import type { PcscFixture } from './helpers/pcsc';

const root = join(import.meta.dirname, '..');
const pcsc = suite<{ fixture?: PcscFixture; skip?: string; setupError?: unknown }>('card over PC/SC');

// uvu swallows an error thrown by a before hook; keep it and fail every test with it instead
pcsc.before(async (ctx) => {
  const why = await pcscUnavailable();
  if (why) { ctx.skip = why; console.log(`  (PC/SC tests skipped: ${why})`); return; }
  try { ctx.fixture = await startPcsc(); } catch (e) { ctx.setupError = e; }
});
pcsc.before.each((ctx) => { if (ctx.setupError) throw ctx.setupError; });

pcsc.after(async (ctx) => {
  await ctx.fixture?.stop();
});

pcsc('the vpcd CLI card: opensc-tool lists it, SELECT by AID answers 9000, and it leaves with its process', async (ctx) => {
  if (ctx.skip) return;
  let cli: ChildProcess | null = spawn(process.execPath, ['--import', 'tsx', join(root, 'smartcard-sim/vpcd.ts')], { cwd: root, stdio: 'ignore' });
  try {
    await waitFor('the CLI card in the reader', cardPresent, 15_000);
    const r = await openscReader();
    assert.ok(r.index >= 0 && r.card, r.listing);
    const { stdout } = await exec('opensc-tool', ['-r', String(r.index), '-s', toHex(selectApdu())]);
    assert.match(stdout, /SW1=0x90, SW2=0x00/);
    assert.match(stdout.replace(/\s+/g, ' '), /6F 0D 84 08 F0 53 41 49 4C 41 55 01/);
    const bad = await exec('opensc-tool', ['-r', String(r.index), '-s', '00A4040008F05341494C41550200']);
    assert.match(bad.stdout, /SW1=0x6A, SW2=0x82/);
    cli.kill('SIGTERM');
    cli = null;
    await waitFor('the reader to be empty', () => !cardPresent());
  } finally {
    cli?.kill('SIGKILL');
  }
});

pcsc('card writer activates through PC/SC; terminal and accumulator clients vote, read and clear', async (ctx) => {
  if (ctx.skip) return;
  const card = new SimulatedCard();
  const vcard = new VpcdCard(card);
  await vcard.insert();
  const port = PcscReaderPort.open(VPCD_READER);
  try {
    await port.waitForCard(10_000);
    const writer = new CardWriter({ crypto, entropy: seededEntropy('pcsc'), issuerSecretKey: issuerSecret, reader: port, nowSeconds: () => 1_718_000_000 });
    const issued = await writer.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 3 });
    assert.is(card.view().state, 'activated');
    assert.equal(card.view().activation, issued.bytes);
    assert.is(verifyActivation(crypto, issued.bytes, activationPolicy).ballotStyle, 3);
    try {
      await writer.activate({ electionFingerprint: election, precinct: PRECINCT, ballotStyle: 3 });
      assert.unreachable('activated twice');
    } catch (e) {
      assert.instance(e, WrongStateError);
    }
    // the booth, then the accumulator, through the same PC/SC reader
    const client = new CardClient(port, crypto);
    await client.connect();
    const vote = makeVote(await client.readActivation());
    await client.writeVote(vote.bytes);
    await client.connect();
    const a = await client.readActivation();
    const v = await client.readVote();
    verifyVotedCard(crypto, a, v, policy);
    await client.clear(v);
    assert.is((await client.readState()).state, 'blank');
    assert.ok(card.eeprom.bytes.every((b) => b === 0));
    // pulled: the next command fails as a removed card, not as anything else
    await vcard.remove();
    await waitFor('the reader to be empty', () => !cardPresent());
    try {
      await client.readState();
      assert.unreachable('a removed card answered');
    } catch (e) {
      assert.instance(e, CardRemovedError);
    }
  } finally {
    port.close();
    await vcard.remove();
  }
});

pcsc.run();
