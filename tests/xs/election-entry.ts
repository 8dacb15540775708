// Runs inside XS (no Intl): the election code must give the very bytes and order it gives on Node.
import { fromHex } from '../../protocol/bytes';
import { encodeCbor } from '../../protocol/cbor';
import { nobleCrypto } from '../../protocol/crypto/noble';
import {
  compareKazakh, decodeElection, electionFingerprint, encodeElection, encodeSignedElection, prepareElectionJson, signElection,
  verifySignedElection, validateElection, formatIssue, ElectionError,
} from '../../protocol/election/index';
import { smallDefinition } from '../election-small-definition';
import { report } from '../../hosts/xs/guest/bridge';

const names = ['Һашимов', 'Әбенова', 'Ыбыраев', 'Іслам', 'Ұлан', 'Үсен', 'Ғаббасов', 'Қасым', 'Өтепов', 'Ёлкин', 'Ерлан', 'абай', 'Абай', 'Аб-ай', 'Аб ай', 'Ңа', 'Иа', 'Йа'];
report('collation', [...names].sort(compareKazakh));
const enc = encodeElection(smallDefinition());
report('encoding', enc);
report('fingerprint', electionFingerprint(enc, nobleCrypto));
const key = fromHex('62e43d11c05458b8433ee36ecb635c312d52ba656013f2a6fe02ae1f18ad0cda'); // the TEST authority key
const signed = signElection(enc, key, nobleCrypto);
const envelope = encodeSignedElection(signed);
report('envelope', envelope);
report('verified', encodeElection(verifySignedElection(envelope, [signed.authorityKey], nobleCrypto).definition));
report('roundtrip', encodeElection(decodeElection(enc)));
const src = JSON.parse(JSON.stringify(smallDefinition()));
src.contests[0].options.reverse();
delete src.votingHours;
src.precinct = 0;
src.contests[1].options[0].name.kk = '';
const prepared = prepareElectionJson(JSON.stringify(src));
report('issues', prepared.ok ? [] : prepared.issues.map(formatIssue));
report('issues-garbage', validateElection([1, { a: new Uint8Array(1) }]).map(formatIssue));
const codes: string[] = [];
for (const b of [new Uint8Array(0), Uint8Array.of(0xa1, 0x61), encodeCbor({ format: 2 }), enc.subarray(1)]) {
  try { decodeElection(b); codes.push('accepted'); } catch (e) { codes.push(e instanceof ElectionError ? e.code : 'untyped'); }
}
report('decode-errors', codes);
