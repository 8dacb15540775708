import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { tempDb } from '../precinct/db/test-fixture';
import { openPrecinctDb, schemaVersion, getSetting, setSetting } from '../precinct/db/open';
import { MIGRATIONS } from '../precinct/db/migrations';
import { PrecinctError } from '../precinct/errors';
import { localMinute, localInstant } from '../precinct/db/clock';

test('a new database is in WAL mode, synchronous=FULL, foreign keys on, at the latest schema version', () => {
  const t = tempDb();
  assert.is(t.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.is(t.db.pragma('synchronous', { simple: true }), 2); // FULL
  assert.is(t.db.pragma('foreign_keys', { simple: true }), 1);
  assert.is(schemaVersion(t.db), MIGRATIONS.at(-1)!.version);
  t.dispose();
});

test('reopening applies nothing twice; settings persist', () => {
  const t = tempDb();
  setSetting(t.db, 'precinct', '123');
  t.db.close();
  const db = openPrecinctDb(t.path, { mustExist: true });
  assert.is(getSetting(db, 'precinct'), '123');
  assert.is(db.prepare('SELECT count(*) FROM schema_version').pluck().get(), MIGRATIONS.length);
  db.close();
  t.dispose();
});

test('migrations upgrade an older database in order, each with its schema_version row', () => {
  const t = tempDb();
  t.db.close();
  const next = MIGRATIONS.at(-1)!.version + 1;
  const extra = { version: next, description: 'test: a later migration', sql: 'ALTER TABLE settings ADD COLUMN note TEXT' };
  const db = openPrecinctDb(t.path, { migrations: [...MIGRATIONS, extra] });
  assert.is(schemaVersion(db), next);
  assert.ok((db.pragma('table_info(settings)') as { name: string }[]).some((c) => c.name === 'note'));
  db.close();
  // the old program refuses the newer file rather than misreading it
  assert.throws(() => openPrecinctDb(t.path), (e: unknown) => e instanceof PrecinctError && e.code === 'db-too-new');
  t.dispose();
});

test('a failing migration leaves the database at the previous version', () => {
  const t = tempDb();
  t.db.close();
  const last = MIGRATIONS.at(-1)!.version;
  const broken = { version: last + 1, description: 'broken', sql: 'CREATE TABLE x (a INTEGER); INSERT INTO nowhere VALUES (1);' };
  assert.throws(() => openPrecinctDb(t.path, { migrations: [...MIGRATIONS, broken] }));
  const db = openPrecinctDb(t.path);
  assert.is(schemaVersion(db), last);
  assert.is(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'x'").pluck().get(), 0);
  db.close();
  t.dispose();
});

test('foreign keys and checks hold: no admission for a voter not on the list, no malformed IIN', () => {
  const t = tempDb();
  assert.throws(() => t.db.prepare("INSERT INTO admissions VALUES (5, 'admitted')").run(), /FOREIGN KEY/);
  assert.throws(() => t.db.prepare("INSERT INTO voters (register_no, iin, surname, first_name, birth_date, address, name_key) VALUES (1, '12345678901X', 'a', 'b', '2000-01-01', 'c', 'a b')").run(), /CHECK/);
  t.dispose();
});

test('a missing file with mustExist is a typed error', () => {
  const t = tempDb();
  assert.throws(() => openPrecinctDb(join(t.dir, 'nope.db'), { mustExist: true }), (e: unknown) => e instanceof PrecinctError && e.code === 'db-open');
  t.dispose();
});

test('local time is UTC+5 regardless of the host time zone', () => {
  assert.is(localMinute(new Date('2026-03-15T06:59:59.999Z')), '2026-03-15 11:59');
  assert.is(localInstant('2026-03-15', '00:00').toISOString(), '2026-03-14T19:00:00.000Z');
});

test.run();
