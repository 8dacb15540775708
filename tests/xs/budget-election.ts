// XS budget scenario (hosts/xs/budgets.json): verifying a signed election definition as a
// device does when the precinct loads it (signature, decoding, validation), and its fingerprint.
import { installSteps } from '../../hosts/xs/guest/steps';
import { fromHex } from '../../protocol/bytes';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { electionFingerprint, encodeElection, encodeSignedElection, signElection, verifySignedElection } from '../../protocol/election/index';
import { smallDefinition } from '../election-small-definition';

const key = fromHex('62e43d11c05458b8433ee36ecb635c312d52ba656013f2a6fe02ae1f18ad0cda'); // the TEST authority key
let envelope: Uint8Array;
let authority: Uint8Array;
let encoded: Uint8Array;
installSteps({
  sign() { // the precinct's side, here only to make the envelope
    encoded = encodeElection(smallDefinition());
    const signed = signElection(encoded, key, crypto);
    envelope = encodeSignedElection(signed);
    authority = signed.authorityKey;
  },
  verify() {
    if (verifySignedElection(envelope, [authority], crypto).definition.contests.length < 1) throw new Error('verify');
  },
  fingerprint() {
    electionFingerprint(encoded, crypto);
  },
});
