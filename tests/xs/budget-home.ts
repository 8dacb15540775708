// XS budget scenario (hosts/xs/budgets.json): the portable ballot (portable-ballot/) cut into
// operations — boot, configure with 20 home voters and open, find a voter, one home vote,
// close and upload — with the device kept live between steps (set-up as tests/xs/home-entry.ts).
import { installSteps } from '../../hosts/xs/guest/steps';
import { hostEntropy } from '../../hosts/xs/guest/bridge';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { SimFlash } from '../../runtime/flash/sim';
import { SMALL_BLOCKS, configureAndOpen, fixture, homeVoters, makePortable, readUpload, voteAtHome, type Fixture, type Rig } from '../portable-helpers';
import type { HomeVoter } from '../../portable-ballot/voter-list';

let f: Fixture, rig: Rig, voters: HomeVoter[], found = -1;
installSteps({
  precinct() { // the precinct computer's part: keys, signed election, voter list (not device work)
    f = fixture(crypto);
    voters = homeVoters(20);
  },
  boot() {
    rig = makePortable(f, new SimFlash(SMALL_BLOCKS), hostEntropy);
  },
  async configureAndOpen() {
    await configureAndOpen(f, rig, voters);
  },
  search() {
    const hit = rig.dev.searchByName(voters[7].surname.toLowerCase(), 20).find((e) => e.voter.registerNo === voters[7].registerNo);
    if (!hit) throw new Error('voter not found');
    found = hit.index;
  },
  voter() {
    if (voteAtHome(rig, found, 2).code === null) throw new Error('no code');
  },
  closeAndUpload() {
    rig.dev.close();
    if (readUpload(rig).votes.length !== 1) throw new Error('upload');
  },
});
