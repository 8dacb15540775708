// Faults the station day found, each on its own: a card pulled during the card writer's
// read-back of the activation it just wrote (the card holds it: the writer must recognise it
// when the card comes back), and a device power-cut between voters whose dead firmware
// instance must not keep handling cards (the station gives each boot its own ports).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedCard } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardWriter, ActivationUnconfirmedError } from '../precinct/card-writer';
import { nodeCrypto } from '../hosts/node/crypto';
import { nodeEntropy } from '../hosts/node/entropy';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDay, NO_FAULTS } from '../precinct/station/day';

const target = { electionFingerprint: new Uint8Array(32).fill(7), precinct: 57, ballotStyle: 1 };

test('card writer: a card pulled during the read-back (after the activation committed) is recognised when it comes back', async () => {
  // SELECT, READ STATE, ACTIVATE commit; the pull comes before each of the read-back commands in turn
  for (const n of [0, 1]) {
    const reader = new SimulatedCardReader();
    const card = new SimulatedCard();
    const writer = new CardWriter({ crypto: nodeCrypto, entropy: nodeEntropy, issuerSecretKey: nodeEntropy.randomBytes(32), reader, nowSeconds: () => 1_900_000_000 });
    reader.insert(card);
    const orig = card.transmit.bind(card);
    let count = 0;
    let armed = true;
    card.transmit = (apdu) => {
      const out = orig(apdu);
      if (armed && card.view().state === 'activated' && count++ === n) { armed = false; reader.remove(); throw new Error('pulled'); }
      return out;
    };
    let pending: Uint8Array | undefined;
    try { await writer.activate(target); assert.unreachable('the pull must be reported'); } catch (e) {
      assert.instance(e, ActivationUnconfirmedError);
      pending = (e as ActivationUnconfirmedError).pending.bytes;
    }
    assert.is(writer.unconfirmed.length, 1);
    reader.insert(card);
    assert.is(card.view().state, 'activated');
    const confirmed = await writer.activate(target);
    assert.equal(confirmed.bytes, pending);
    assert.is(writer.unconfirmed.length, 0);
  }
});

test('power cuts only: terminals and the accumulator restarted between voters lose and double nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-cuts-'));
  try {
    const day = await runDay({ dir, voters: 150, home: 0, terminals: 2, seed: 5, transport: 'memory', faults: { ...NO_FAULTS, terminalPowerCut: 0.05, accumulatorPowerCut: 0.05 } });
    assert.ok(day.faults.terminalPowerCuts > 0 && day.faults.accumulatorPowerCuts > 0, JSON.stringify(day.faults));
    const r = day.count.count.reconciliation;
    assert.equal([r.ballotsCounted, r.recordsDuplicate, r.terminalVotesWritten], [150, 0, 150]);
    assert.ok(day.verified);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
