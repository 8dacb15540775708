// Runs inside XS: the journal, a power cut and its recovery, and the event log with its
// verifier, on the real engine. The Node side compares the results with its own.
import { SimFlash } from '../../runtime/flash/sim';
import { FaultyFlash } from '../../runtime/flash/faults';
import { Journal } from '../../runtime/journal';
import { EventLog, verifyEventPage } from '../../runtime/event-log';
import { EVENTS } from '../../runtime/events';
import { nobleCrypto } from '../../protocol/crypto/noble';
import { report } from '../../hosts/xs/guest/bridge';

const data = (n: number, s: number) => { const d = new Uint8Array(n); for (let i = 0; i < n; i++) d[i] = (i * 31 + s * 7) & 0xff; return d; };

const flash = new SimFlash(16);
const cut = new FaultyFlash(flash, { atOperation: 150, tornBytes: 40 });
let acked = 0;
try {
  const j = Journal.open(cut, nobleCrypto);
  for (let i = 0; i < 200; i++) { j.append(i % 3, data((i * 53) % 900, i)); acked++; }
} catch (e) {
  report('cut', String((e as Error).name));
}
const j = Journal.open(flash, nobleCrypto);
report('acked', acked);
report('count', j.count);
report('recovery', { voided: j.recovery.tornRecordVoided, sealed: j.recovery.tailSealed });
j.append(9, data(100, 1));
const clock = { wallClockMs: () => 1_717_000_000_000, monotonicMs: () => 5 };
const log = EventLog.open(j, nobleCrypto, clock);
log.record(EVENTS.journalRecovered, 'success', 'torn record voided');
log.record(EVENTS.boot, 'success', 'firmware 0.1.0');
const reopened = Journal.open(flash, nobleCrypto);
report('digest', reopened.digest());
const v = verifyEventPage(EventLog.open(reopened, nobleCrypto, clock).page(1, 10), nobleCrypto);
report('log-ok', v.ok);
report('erases', reopened.stats().erasesPerBlock.slice(0, 8));
