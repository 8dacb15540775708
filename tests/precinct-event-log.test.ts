import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { dirname, join } from 'node:path';
import { tempDb, manualClock } from '../precinct/db/test-fixture';
import { eventLog, verifyEventLog, eventLogHead, readEvents, canonicalDetail, GENESIS_HASH, eventHash } from '../precinct/event-log';
import { toHex } from '../protocol/bytes';

function filledLog(n = 6) {
  const t = tempDb();
  const mc = manualClock();
  const log = eventLog(t.db, mc.clock);
  for (let i = 0; i < n; i++) {
    mc.advance(1234);
    log.append({ event: i % 2 ? 'admission-refused' : 'home-application', disposition: i % 2 ? 'refused' : 'ok', detail: { registerNo: i + 1, reason: 'r' + i } });
  }
  return t;
}

/** An in-memory copy without the append-only triggers, to tamper with. */
let copies = 0;
function tamperableCopy(db: Database.Database): Database.Database {
  const path = join(dirname(db.name), `copy-${++copies}.db`);
  db.prepare('VACUUM INTO ?').run(path);
  const copy = new Database(path);
  copy.exec('DROP TRIGGER event_log_no_update; DROP TRIGGER event_log_no_delete;');
  return copy;
}

test('rows chain from the genesis hash; seq has no gaps; the verifier accepts an untouched log', () => {
  const t = filledLog();
  const rows = readEvents(t.db);
  assert.is(rows.length, 6);
  assert.equal(rows.map((r) => r.seq), [1, 2, 3, 4, 5, 6]);
  assert.is(toHex(rows[0].prev_hash), toHex(GENESIS_HASH));
  for (let i = 1; i < rows.length; i++) assert.is(toHex(rows[i].prev_hash), toHex(rows[i - 1].hash));
  const v = verifyEventLog(t.db);
  assert.ok(v.ok);
  if (v.ok) assert.equal(v.head, eventLogHead(t.db));
  t.dispose();
});

test('detail is canonical: key order does not change the text or the hash', () => {
  assert.is(canonicalDetail({ b: 1, a: 'x', c: null }), canonicalDetail({ c: null, a: 'x', b: 1 }));
  assert.is(canonicalDetail({ a: 'ё"\n' }), '{"a":"ё\\"\\n"}');
});

test('UPDATE and DELETE on the event log are refused by triggers', () => {
  const t = filledLog();
  assert.throws(() => t.db.prepare("UPDATE event_log SET event = 'x' WHERE seq = 2").run(), /append-only/);
  assert.throws(() => t.db.prepare('DELETE FROM event_log WHERE seq = 6').run(), /append-only/);
  assert.ok(verifyEventLog(t.db).ok);
  t.dispose();
});

const EDITS: Record<string, string> = {
  seq: 'seq = seq + 1000',
  time: "time = replace(time, '2026', '2025')",
  event: "event = event || 'x'",
  disposition: "disposition = 'ok' || disposition",
  detail: "detail = replace(detail, 'r', 's')",
  prev_hash: 'prev_hash = zeroblob(32)',
  hash: 'hash = randomblob(32)',
};

test('editing any field of any row (triggers dropped) is detected at exactly that row', () => {
  const t = filledLog();
  for (let row = 1; row <= 6; row++) {
    for (const [field, set] of Object.entries(EDITS)) {
      if (field === 'prev_hash' && row === 1) continue; // row 1's prev_hash is already zero: use a different edit
      const copy = tamperableCopy(t.db);
      const r = copy.prepare(`UPDATE event_log SET ${set} WHERE seq = ?`).run(row);
      assert.is(r.changes, 1);
      const v = verifyEventLog(copy);
      assert.not.ok(v.ok, `${field} of row ${row} edited but the log verifies`);
      if (!v.ok) assert.is(v.brokenAt, row, `${field} of row ${row}: reported at ${v.brokenAt} (${v.reason})`);
      copy.close();
    }
    const copy = tamperableCopy(t.db);
    copy.prepare('UPDATE event_log SET prev_hash = randomblob(32) WHERE seq = ?').run(row);
    const v = verifyEventLog(copy);
    assert.ok(!v.ok && v.brokenAt === row && v.reason === 'prev-hash');
    copy.close();
  }
  t.dispose();
});

test('deleting a row in the middle is detected at the gap; rewriting the rest with fresh hashes is evident from the recorded head', () => {
  const t = filledLog();
  const head = eventLogHead(t.db);
  const copy = tamperableCopy(t.db);
  copy.prepare('DELETE FROM event_log WHERE seq = 3').run();
  const v = verifyEventLog(copy);
  assert.ok(!v.ok && v.brokenAt === 3 && v.reason === 'seq-gap');
  // An attacker who knows the algorithm rebuilds a consistent chain: the verifier passes, but the head differs.
  const rows = readEvents(copy);
  copy.exec('DELETE FROM event_log');
  let prev = GENESIS_HASH as Uint8Array;
  rows.forEach((r, i) => {
    const partial = { ...r, seq: i + 1, prev_hash: prev };
    const hash = eventHash(partial);
    copy.prepare('INSERT INTO event_log VALUES (?, ?, ?, ?, ?, ?, ?)').run(partial.seq, r.time, r.event, r.disposition, r.detail, prev, hash);
    prev = hash;
  });
  assert.ok(verifyEventLog(copy).ok);
  assert.is.not(eventLogHead(copy).hash, head.hash);
  assert.is.not(eventLogHead(copy).seq, head.seq);
  copy.close();
  t.dispose();
});

test('appending a row with a wrong hash is detected at that row', () => {
  const t = filledLog();
  const copy = tamperableCopy(t.db);
  const last = readEvents(copy).at(-1)!;
  copy.prepare('INSERT INTO event_log VALUES (7, ?, ?, ?, ?, ?, randomblob(32))').run(last.time, 'forged', 'ok', '{}', last.hash);
  const v = verifyEventLog(copy);
  assert.ok(!v.ok && v.brokenAt === 7 && v.reason === 'hash');
  copy.close();
  t.dispose();
});

test('an append inside a rolled-back transaction leaves no trace and no gap', () => {
  const t = filledLog();
  const log = eventLog(t.db, manualClock().clock);
  assert.throws(() => t.db.transaction(() => { log.append({ event: 'x', disposition: 'info' }); throw new Error('rollback'); })());
  log.append({ event: 'y', disposition: 'info' });
  assert.equal(readEvents(t.db).map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7]);
  assert.ok(verifyEventLog(t.db).ok);
  t.dispose();
});

test.run();
