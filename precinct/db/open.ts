// Opens (and creates or migrates) the precinct's one database file.
// Durability settings: WAL with synchronous=FULL, so a transaction reported committed is
// on disk (WAL fsync'd at every commit) and survives a crash or power cut; foreign keys
// enforced on this connection (SQLite leaves them off by default).
import Database from 'better-sqlite3';
import { PrecinctError } from '../errors';
import { MIGRATIONS, type Migration } from './migrations';

export type PrecinctDb = Database.Database;

export interface OpenOptions {
  /** The migrations to apply (tests pass a prefix to exercise upgrades). */
  migrations?: readonly Migration[];
  /** Open an existing file only; do not create one. */
  mustExist?: boolean;
}

export function openPrecinctDb(path: string, options: OpenOptions = {}): PrecinctDb {
  let db: PrecinctDb;
  try {
    db = new Database(path, { fileMustExist: options.mustExist ?? false });
  } catch (e) {
    throw new PrecinctError('db-open', `cannot open the precinct database ${path}: ${(e as Error).message}; check the path and the disk`);
  }
  try {
    configure(db, path);
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

function configure(db: PrecinctDb, path: string): void {
  const inMemory = path === ':memory:' || path === '';
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (!inMemory && mode !== 'wal') {
    throw new PrecinctError('db-wal', `the database refused WAL mode (got ${String(mode)}); put the file on a local disk`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // After a crash, check the file before trusting it (3,000 voters: milliseconds).
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') {
    throw new PrecinctError('db-corrupt', `the database failed its integrity check (${String(check)}); do not use it: restore the last copy and call the specialist`);
  }
}

export function schemaVersion(db: PrecinctDb): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!exists) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

function migrate(db: PrecinctDb, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const current = schemaVersion(db);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > latest) {
    throw new PrecinctError('db-too-new', `the database is at schema version ${current}, this program knows up to ${latest}; use the newer program`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(m.version, m.description, new Date().toISOString());
    })();
  }
}

/** Settings kept in the database (precinct number, election id, home-voting deadline, …). */
export function getSetting(db: PrecinctDb, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setSetting(db: PrecinctDb, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
