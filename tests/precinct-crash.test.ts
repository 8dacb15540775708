// Crash durability: a child process admits voters one after another (each admission also
// logs a refusal for a repeated scan, so the event log grows in between) and reports each
// admission on stdout only after it returned, i.e. after its commit. The parent kills it
// with SIGKILL at an arbitrary moment, reopens the database and checks that every reported
// admission is there, at most one admission is left pending, and the event log verifies.
// Run as a child with SAILAU_CRASH_CHILD=<db path>.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPrecinctDb } from '../precinct/db/open';
import { systemClock } from '../precinct/db/clock';
import { createAdmissionDesk, AdmissionRefused } from '../precinct/admission';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { importRegister } from '../precinct/register';
import { sampleRegisterCsv } from '../precinct/sample-register';
import { verifyEventLog } from '../precinct/event-log';

const childDb = process.env.SAILAU_CRASH_CHILD;

async function child(path: string): Promise<void> {
  const db = openPrecinctDb(path, { mustExist: true });
  const desk = createAdmissionDesk({ db, clock: systemClock, activateCard: () => new Promise((r) => setImmediate(r)) });
  const next = db.prepare('SELECT v.register_no FROM voters v LEFT JOIN admissions a USING (register_no) WHERE a.register_no IS NULL ORDER BY v.register_no LIMIT 1').pluck();
  for (;;) {
    const n = next.get() as number | undefined;
    if (n === undefined) break;
    await desk.admit(n);
    writeSync(1, `${n}\n`);
    try { await desk.admit(n); } catch (e) { if (!(e instanceof AdmissionRefused)) throw e; }
  }
  writeSync(1, 'done\n');
}

if (childDb) {
  child(childDb).catch((e) => { console.error(e); process.exit(1); });
} else {

  /** Runs the child until it has reported `killAfter` admissions, then SIGKILLs it; returns what it reported. */
  function runAndKill(path: string, killAfter: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: { ...process.env, SAILAU_CRASH_CHILD: path }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const reported: number[] = [];
      let buf = '';
      let err = '';
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line !== 'done') reported.push(Number(line));
          if (reported.length === killAfter) proc.kill('SIGKILL');
        }
      });
      proc.stderr.on('data', (c) => { err += c; });
      proc.on('exit', (code, signal) => {
        if (signal === 'SIGKILL' || code === 0) resolve(reported);
        else reject(new Error(`child exited ${code}: ${err}`));
      });
    });
  }

  test('SIGKILL in the middle of a batch of admissions loses nothing committed; the chain stays valid', async () => {
    const t = tempDb();
    importRegister(t.db, sampleRegisterCsv({ seed: 11, count: 3000 }), manualClock().clock);
    t.db.close();
    const everReported = new Set<number>();
    for (const killAfter of [37, 211, 89, 400]) {
      const reported = await runAndKill(t.path, killAfter);
      assert.ok(reported.length >= killAfter, `child reported ${reported.length}`);
      for (const n of reported) everReported.add(n);
      const db = openPrecinctDb(t.path, { mustExist: true });
      const admitted = new Set(db.prepare("SELECT register_no FROM admissions WHERE status = 'admitted'").pluck().all() as number[]);
      for (const n of everReported) assert.ok(admitted.has(n), `admission ${n} was reported committed and is missing`);
      const pending = db.prepare("SELECT register_no FROM admissions WHERE status = 'pending'").pluck().all() as number[];
      assert.ok(pending.length <= 1, `pending: ${pending}`);
      const v = verifyEventLog(db);
      assert.ok(v.ok, JSON.stringify(v));
      // refusal events: one per admission whose repeat ran before the kill
      const refusals = db.prepare("SELECT count(*) FROM event_log WHERE event = 'admission-refused'").pluck().get() as number;
      assert.ok(refusals >= everReported.size - 4 && refusals <= admitted.size, `refusals ${refusals}, admitted ${admitted.size}`);
      // the member resolves a pending admission as the procedure says, then the day goes on
      const desk = createAdmissionDesk({ db, clock: systemClock, activateCard: async () => {} });
      for (const n of pending) await desk.completePending(n);
      db.close();
    }
    t.dispose();
  });

  test.run();
}
