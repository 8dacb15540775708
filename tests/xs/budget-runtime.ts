// XS budget scenario (hosts/xs/budgets.json): the runtime every device boots — flash,
// journal and event log, the standard automatic self-test (as hosts/moddable/apps/selftest
// runs it, on a SimFlash and the virtual clock), then journal appends and one event record.
import { installSteps } from '../../hosts/xs/guest/steps';
import { SimFlash } from '../../runtime/flash/sim';
import { Journal } from '../../runtime/journal';
import { EventLog, verifyEventPage } from '../../runtime/event-log';
import { EVENTS } from '../../runtime/events';
import { VirtualClock } from '../../runtime/virtual-clock';
import { SelfTest, flashCheck, journalCheck, eventLogCheck, clockCheck, callbackCheck, passed, failed, summarise } from '../../runtime/self-test';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes';

const BLOCKS = 16;
const clock = new VirtualClock({ wallClockMs: Date.UTC(2026, 2, 1, 8) });
let flash: SimFlash;
let journal: Journal;
let log: EventLog;
let reopened: Journal;
let digest: Uint8Array;

// RFC 8032 §7.1 TEST 2, as in the self-test app.
const KAT = {
  secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
};

const record = (n: number, s: number) => { const d = new Uint8Array(n); for (let i = 0; i < n; i++) d[i] = (i * 31 + s * 7) & 0xff; return d; };

installSteps({
  open() {
    flash = new SimFlash(BLOCKS);
    journal = Journal.open(flash, crypto, { firstBlock: 0, blockCount: BLOCKS - 1 });
    log = EventLog.open(journal, crypto, clock);
    log.record(EVENTS.boot, 'success', 'budget/0.1');
  },
  async selfTest() {
    const st = new SelfTest(clock, { device: 'budget' })
      .register(flashCheck(flash, BLOCKS - 1))
      .register(journalCheck(() => {
        let n = 0;
        for (const r of journal.records()) { if (r.seq !== n + 1) return failed(`seq ${r.seq}`); n++; }
        return n === journal.count ? passed(`${n} records`) : failed('count');
      }))
      .register(eventLogCheck(() => {
        const v = verifyEventPage(log.page(1, log.head.seq), crypto, { fromSeq: 1 });
        return v.ok ? passed(`${v.entries.length} entries`) : failed('chain');
      }))
      .register(clockCheck(clock, { requireWallClock: false }))
      .register(callbackCheck('ed25519', { kk: 'Ed25519', ru: 'Ed25519' }, () => {
        const secret = fromHex(KAT.secret);
        const publicKey = crypto.ed25519PublicKey(secret);
        const signature = crypto.ed25519Sign(Uint8Array.of(0x72), secret);
        const ok = toHex(publicKey) === KAT.publicKey && toHex(signature) === KAT.signature
          && crypto.ed25519Verify(signature, Uint8Array.of(0x72), publicKey);
        return ok ? passed('RFC 8032 test 2') : failed('KAT');
      }));
    const report = await clock.runUntilSettled(st.run({
      withOperator: false,
      record: (_cbor, r) => { log.record(EVENTS.selfTestRun, r.checks.some((c) => c.status === 'failed') ? 'failure' : 'success', ''); },
    }));
    if (!summarise(report).ok) throw new Error(`self-test failed: ${JSON.stringify(report.checks.map((c) => [c.id, c.status, c.detail]))}`);
  },
  journalAppend100() {
    for (let i = 0; i < 100; i++) journal.append(i % 3, record(200, i));
  },
  eventRecord() {
    log.record(EVENTS.boot, 'success', 'one more event');
  },
  reopen() {
    reopened = Journal.open(flash, crypto, { firstBlock: 0, blockCount: BLOCKS - 1 });
    if (reopened.count !== journal.count) throw new Error('count after reopen');
  },
  digest() {
    digest = reopened.digest();
  },
  digestAgain() {
    if (!bytesEqual(journal.digest(), digest)) throw new Error('digest after reopen');
  },
});
