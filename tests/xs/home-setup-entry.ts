// Runs inside XS: the same setup as home-entry.ts without the voter, so that the test can tell
// the compute of one home voter (home-entry minus this).
import { report, hostEntropy } from '../../hosts/xs/guest/bridge';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { SimFlash } from '../../runtime/flash/sim';
import { SMALL_BLOCKS, configureAndOpen, fixture, homeVoters, makePortable } from '../portable-helpers';

async function main(): Promise<void> {
  const f = fixture(crypto);
  const rig = makePortable(f, new SimFlash(SMALL_BLOCKS), hostEntropy);
  const voters = homeVoters(20);
  await configureAndOpen(f, rig, voters);
  report('found', rig.dev.searchByName(voters[7].surname.toLowerCase(), 20).length);
  report('state', rig.dev.state);
}

main().catch((e: unknown) => report('error', String((e as Error).stack ?? e)));
