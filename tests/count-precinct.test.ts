// Counting against the precinct database: devices and register figures from the db, the
// refusal and the result in the hash-chained log, the log head sealed in the protocol.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister } from '../precinct/register';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { createAdmissionDesk } from '../precinct/admission';
import { homeVoting } from '../precinct/home-voting';
import { enrollDevice } from '../precinct/db/devices';
import { readEvents, verifyEventLog } from '../precinct/event-log';
import { countPrecinct } from '../precinct/count/precinct-count';
import { CountRefusedError } from '../precinct/count/count';
import { verifySignedProtocol } from '../precinct/protocol/verify';
import { toHex } from '../protocol/bytes';
import { crypto, scenario } from './count-fixtures';

test('countPrecinct: refuses and logs while a device is missing; then counts, signs, and seals the log head', async () => {
  const s = await scenario({ premisesVotes: 12, portableVotes: 2, seed: 51 });
  const t = tempDb();
  try {
    const mc = manualClock('2028-03-19T02:00:00.000Z');
    importRegister(t.db, sampleRegisterCsv({ seed: 5, count: 40 }), mc.clock);
    for (const d of s.input.devices) enrollDevice(t.db, mc.clock, { deviceId: d.deviceId, kind: d.kind, serial: `S-${d.deviceId}`, signPublicKey: d.signPublicKey, kexPublicKey: d.kexPublicKey });
    const hv = homeVoting(t.db, mc.clock, { electionDay: '2028-03-19' });
    hv.apply(39); hv.apply(40);
    const desk = createAdmissionDesk({ db: t.db, clock: mc.clock, activateCard: async () => {} });
    for (let n = 1; n <= 13; n++) await desk.admit(n); // 12 voted, 1 card still out
    mc.set('2028-03-19T15:10:00.000Z');
    const base = {
      db: t.db, clock: mc.clock, crypto, election: s.input.election, issuerKeys: s.input.issuerKeys,
      sealedElectionKey: s.input.sealedElectionKey, startPassword: s.input.startPassword, chairmanSecretKey: s.keys.chairman,
    };
    let err: unknown;
    try { await countPrecinct({ ...base, deliveries: s.input.deliveries.filter((d) => d.deviceId !== 'pb-1') }); } catch (e) { err = e; }
    assert.ok(err instanceof CountRefusedError && err.missing.join() === 'pb-1');
    const out = await countPrecinct({ ...base, deliveries: s.input.deliveries });
    const r = out.count.reconciliation;
    assert.equal([r.registered, r.cardsActivated, r.votesInPremises, r.cardsOutstanding, r.homeApplications, r.portableVotes, r.ballotsCounted], [40, 13, 12, 1, 2, 2, 14]);
    assert.ok(verifySignedProtocol(crypto, out.bytes, { chairmanKey: s.keys.chairmanPublic, election: s.input.election }).ok);
    const events = readEvents(t.db).filter((e) => e.event === 'count' || e.event === 'protocol-signed');
    assert.equal(events.map((e) => [e.event, e.disposition]), [['count', 'refused'], ['count', 'ok'], ['protocol-signed', 'ok']]);
    // The head in the protocol is the count's own entry; the signing entry follows it.
    const countRow = readEvents(t.db).find((e) => e.event === 'count' && e.disposition === 'ok')!;
    assert.is(out.doc.eventLog.seq, countRow.seq);
    assert.is(toHex(out.doc.eventLog.hash), toHex(countRow.hash));
    assert.is(JSON.parse(events[2].detail).protocolHash, toHex(crypto.sha256(out.signed.protocol)));
    assert.is(out.doc.signedAt, '2028-03-19T15:10:00.000Z');
    assert.ok(verifyEventLog(t.db).ok);
  } finally { t.dispose(); }
});

test.run();
