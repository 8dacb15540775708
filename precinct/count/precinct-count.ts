// Counting at the precinct computer, end to end, against its database: enrolled devices
// and register figures from the db, every refusal and the result in the event log, the
// log's head (after the count's own entry) sealed into the protocol, the protocol signed
// by the chairman, and its hash logged. The device read-outs come from the link work
// (`close`, then `results.read` per device) and are passed in.
import type { ElectionDefinition } from '../../protocol/election/model';
import type { CryptoPort } from '../../protocol/crypto/port';
import { fromHex, toHex } from '../../protocol/bytes';
import type { PrecinctDb } from '../db/open';
import type { Clock } from '../db/clock';
import { eventLog, eventLogHead } from '../event-log';
import { makeSignedProtocol } from '../protocol/index';
import type { ProtocolDocument } from '../protocol/document';
import type { SignedProtocol } from '../protocol/sign';
import { countVotes } from './count';
import { enrolledDevices, registerFigures } from './register-figures';
import type { CountInput, CountResult, Delivery } from './types';

export interface PrecinctCountOptions {
  db: PrecinctDb;
  clock: Clock;
  crypto: CryptoPort;
  election: { definition: ElectionDefinition; fingerprint: Uint8Array };
  deliveries: readonly Delivery[];
  issuerKeys: readonly Uint8Array[];
  sealedElectionKey: Uint8Array;
  startPassword: string;
  chairmanSecretKey: Uint8Array;
  /** spoiled cards by the commission's record */
  cardsSpoiled?: number;
  unseal?: CountInput['unseal'];
}

export interface PrecinctCountResult {
  count: CountResult;
  doc: ProtocolDocument;
  signed: SignedProtocol;
  /** the signed protocol file */
  bytes: Uint8Array;
}

export async function countPrecinct(o: PrecinctCountOptions): Promise<PrecinctCountResult> {
  const log = eventLog(o.db, o.clock, o.crypto);
  const count = await countVotes({
    crypto: o.crypto, election: o.election, devices: enrolledDevices(o.db), deliveries: o.deliveries,
    issuerKeys: o.issuerKeys, register: registerFigures(o.db, o.cardsSpoiled ?? 0),
    sealedElectionKey: o.sealedElectionKey, startPassword: o.startPassword, log, unseal: o.unseal,
  });
  const head = eventLogHead(o.db);
  const made = makeSignedProtocol(o.crypto, count, {
    definition: o.election.definition, fingerprint: o.election.fingerprint,
    eventLogHead: { seq: head.seq, hash: fromHex(head.hash) }, signedAt: o.clock(),
  }, o.chairmanSecretKey);
  log.append({ event: 'protocol-signed', disposition: 'ok', detail: { protocolHash: toHex(o.crypto.sha256(made.signed.protocol)), eventLogSeq: head.seq, ballotsCounted: count.reconciliation.ballotsCounted } });
  return { count, ...made };
}
