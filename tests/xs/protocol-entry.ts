// Runs inside XS: the shared protocol code must give the very bytes it gives on Node.
import { encodeCbor, decodeCbor } from '../../protocol/cbor';
import { nobleCrypto } from '../../protocol/crypto/noble';
import { fromHex, utf8Encode } from '../../protocol/bytes';
import { report, hostEntropy } from '../../hosts/xs/guest/bridge';

const sample = { precinct: 1234, title: { kk: 'Қазақстан Республикасының Президенті', ru: 'Президент' }, ids: [1, -2, 2 ** 40, 18446744073709551615n], raw: new Uint8Array([0, 255]) };
const encoded = encodeCbor(sample);
report('cbor', encoded);
report('cbor-roundtrip', encodeCbor(decodeCbor(encoded)));
report('sha256-abc', nobleCrypto.sha256(utf8Encode('abc')));
const sk = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const sig = nobleCrypto.ed25519Sign(new Uint8Array(0), sk);
report('ed25519-rfc8032-test1', sig);
report('ed25519-verify', nobleCrypto.ed25519Verify(sig, new Uint8Array(0), nobleCrypto.ed25519PublicKey(sk)));
report('random-length', hostEntropy.randomBytes(16).length);
