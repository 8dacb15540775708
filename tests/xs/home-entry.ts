// Runs inside XS: one home voter on the portable ballot, as on the device: the precinct loads
// the election, the setup and 20 home voters, the self-test passes, the ballot opens; a member
// finds the voter by name, confirms, the voter votes through the shared flow and reads the code;
// the device closes and gives its upload, which the Node test verifies and decrypts.
import { report, hostEntropy } from '../../hosts/xs/guest/bridge';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { encodeCbor, type CborValue } from '../../protocol/cbor';
import { SimFlash } from '../../runtime/flash/sim';
import { SMALL_BLOCKS, configureAndOpen, fixture, homeVoters, makePortable, readUpload, seeded, voteAtHome } from '../portable-helpers';

async function main(): Promise<void> {
  const f = fixture(crypto);
  const rig = makePortable(f, new SimFlash(SMALL_BLOCKS), hostEntropy);
  const voters = homeVoters(20);
  await configureAndOpen(f, rig, voters);
  const hit = rig.dev.searchByName(voters[7].surname.toLowerCase(), 20).find((e) => e.voter.registerNo === voters[7].registerNo);
  report('found', hit ? hit.index : -1);
  const { code } = voteAtHome(rig, hit ? hit.index : 7, 2);
  report('code', code ?? -1);
  report('refused-again', rig.dev.beginVoter(7).result);
  rig.dev.close();
  const u = readUpload(rig);
  report('upload', encodeCbor([u.summary.signature, u.summary.applications, u.summary.marked, u.summary.votes, u.summary.interrupted,
    u.summary.listDigest, u.summary.marksDigest, u.summary.votesDigest, u.summary.forDecision, u.marks, u.votes.map((v) => [v.activation, v.vote])] as CborValue));
  void seeded;
}

main().catch((e: unknown) => report('error', String((e as Error).stack ?? e)));
