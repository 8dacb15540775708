// Self-test boot app: proves the shared firmware modules build and run under Moddable XS.
// It opens the flash (RAM on the simulator, the "journal" partition on a board), a Journal
// and an EventLog on it, runs the automatic self-test checks (flash, journal, event log,
// clock, typed errors under Moddable's frozen built-ins, and an Ed25519 known-answer test
// through protocol/crypto/noble), records the
// result in the event log and traces the report, ending with "SELFTEST PASS" or "SELFTEST FAIL".
//
// Flash layout here: the journal on blocks 0..n-2, the flash check's scratch block n-1 (the
// flash check erases its block, so it must never lie inside the journal's region).
// Not device firmware: the devices' own mains (terminal/, accumulator/, portable-ballot/) do
// this as part of their boot. See docs/moddable.md.
import '../../globals'; // first (and preloaded): Error names and TextEncoder for noble
import Time from 'time';
import {
  SelfTest, flashCheck, journalCheck, eventLogCheck, clockCheck, callbackCheck, summarise,
  encodeSelfTestReport, passed, failed, type SelfTestReport,
} from '../../../../runtime/self-test';
import { Journal, JournalFullError } from '../../../../runtime/journal';
import { EventLog, verifyEventPage } from '../../../../runtime/event-log';
import { EVENTS } from '../../../../runtime/events';
import { nobleCrypto as crypto } from '../../../../protocol/crypto/noble';
import { ProtocolError, bytesEqual, fromHex, toHex, utf8Encode } from '../../../../protocol/bytes';
import { ModdableClock } from '../../clock';
import { heapLine } from '../../heap';
import { openStorage } from './storage';

const DEVICE = 'selftest-app';
const FIRMWARE = 'selftest-app/0.1';

// RFC 8032 §7.1, TEST 2 (one-byte message 0x72): a published vector, so a wrong
// implementation or a miscompiled BigInt path cannot pass by agreeing with itself.
const KAT = {
  secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  message: '72',
  signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
};

function line(s: string): void { trace(`${s}\n`); }

async function main(): Promise<void> {
  const t0 = Time.ticks;
  line(`SELFTEST start ${FIRMWARE}`);
  line(heapLine('start'));
  const clock = new ModdableClock();
  const { flash, where } = openStorage();
  const scratch = flash.blockCount - 1;
  line(`flash: ${where}, ${flash.blockCount} x ${flash.blockSize} B blocks; journal 0..${scratch - 1}, scratch ${scratch}`);

  const journal = Journal.open(flash, crypto, { firstBlock: 0, blockCount: scratch });
  const log = EventLog.open(journal, crypto, clock);
  log.record(EVENTS.boot, 'success', FIRMWARE);
  line(`journal: ${journal.count} records, recovery ${JSON.stringify(journal.recovery)}; event log head seq ${log.head.seq}`);
  line(heapLine('after-journal'));

  const st = new SelfTest(clock, { device: DEVICE })
    .register(flashCheck(flash, scratch))
    .register(journalCheck(() => {
      // re-read every record (CRC and sequence checked by records()), and the digest twice
      let n = 0;
      for (const r of journal.records()) { if (r.seq !== n + 1) return failed(`record ${n + 1} has seq ${r.seq}`); n++; }
      if (n !== journal.count) return failed(`read ${n} of ${journal.count} records`);
      if (!bytesEqual(journal.digest(), journal.digest())) return failed('digest differs between two reads');
      return passed(`${n} records`);
    }))
    .register(eventLogCheck(() => {
      const head = log.head;
      const v = verifyEventPage(log.page(1, head.seq), crypto, { fromSeq: 1 });
      if (!v.ok) return failed(`chain broken at seq ${v.seq}: ${v.reason}`);
      if (v.lastSeq !== head.seq || !bytesEqual(v.lastHash, head.hash)) return failed('page does not end at the head');
      return passed(`${v.entries.length} entries`);
    }))
    .register(clockCheck(clock, { requireWallClock: false }))
    .register(callbackCheck('errors', { kk: 'Қателер түрлері', ru: 'Типы ошибок' }, () => {
      // Moddable freezes the built-in prototypes after preload, so `this.name = …` in an Error
      // subclass meets a read-only Error.prototype.name: every typed refusal depends on this.
      const made: string[] = [];
      for (const make of [() => new ProtocolError('self-test', 'probe'), () => new JournalFullError('probe')]) {
        try {
          const e = make();
          if (!(e instanceof ProtocolError) || !e.code) return failed(`${e.name} lost its type`);
          made.push(e.name);
        } catch (e) {
          return failed(`constructing a typed error threw: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      try { flash.read(flash.blockCount * flash.blockSize, 1); return failed('out-of-range read not refused'); } catch (e) {
        if (!(e instanceof Error) || !/flash/.test(e.message)) return failed(`out-of-range read: ${String(e)}`);
        made.push(e.name);
      }
      return passed(made.join(', '));
    }))
    .register(callbackCheck('signature', { kk: 'Ed25519 қолтаңбасы', ru: 'Подпись Ed25519' }, () => {
      const secret = fromHex(KAT.secret);
      const message = fromHex(KAT.message);
      const s0 = Time.ticks;
      const publicKey = crypto.ed25519PublicKey(secret);
      const s1 = Time.ticks;
      const signature = crypto.ed25519Sign(message, secret);
      const s2 = Time.ticks;
      const ok = crypto.ed25519Verify(signature, message, publicKey);
      const s3 = Time.ticks;
      const forged = signature.slice(); forged[5] ^= 1;
      const refused = !crypto.ed25519Verify(forged, message, publicKey);
      const other = crypto.ed25519Verify(signature, utf8Encode('other'), publicKey);
      line(`ed25519: public key ${s1 - s0} ms (first key operation), sign ${s2 - s1} ms, verify ${s3 - s2} ms`);
      if (toHex(publicKey) !== KAT.publicKey) return failed('public key differs from RFC 8032');
      if (toHex(signature) !== KAT.signature) return failed('signature differs from RFC 8032');
      if (!ok) return failed('own signature does not verify');
      if (!refused || other) return failed('a forged signature verified');
      return passed('RFC 8032 test 2');
    }, 10_000));

  const report: SelfTestReport = await st.run({
    withOperator: false,
    record: (_cbor, r) => {
      const bad = r.checks.find((c) => c.status === 'failed');
      log.record(EVENTS.selfTestRun, bad ? 'failure' : 'success', bad ? bad.id : '');
    },
  });
  const encoded = encodeSelfTestReport(report);
  for (const c of report.checks) line(`  ${c.id.padEnd(10)} ${c.status.padEnd(14)} ${String(c.durationMs).padStart(5)} ms  ${c.detail}`);
  const s = summarise(report);
  line(`report: ${encoded.length} bytes CBOR, automatic ${report.automaticMs} ms, total ${report.totalMs} ms; passed ${s.passed}, failed ${s.failed}, needs-operator ${s.needsOperator}`);
  line(`event log: ${log.head.seq} entries; journal ${journal.count} records, ${journal.stats().bytesUsed} B used`);
  line(heapLine('end'));
  line(`run took ${Time.ticks - t0} ms`);
  line(s.ok ? 'SELFTEST PASS' : 'SELFTEST FAIL');
}

main().catch((e: unknown) => {
  line(`SELFTEST FAIL: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
});
