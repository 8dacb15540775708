// Helpers for tests and benches of the precinct database: a fresh file in a temp folder,
// a clock the test moves by hand, a small register.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPrecinctDb, type PrecinctDb } from './open';
import type { Clock } from './clock';

export interface TempDb {
  db: PrecinctDb;
  path: string;
  dir: string;
  /** closes the database and removes the folder */
  dispose(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-precinct-'));
  const path = join(dir, 'precinct.db');
  const db = openPrecinctDb(path);
  return {
    db, path, dir,
    dispose() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ManualClock {
  clock: Clock;
  set(iso: string): void;
  advance(ms: number): void;
}

export function manualClock(iso = '2026-03-15T03:00:00.000Z'): ManualClock {
  let t = Date.parse(iso);
  return {
    clock: () => new Date(t),
    set(next) { t = Date.parse(next); },
    advance(ms) { t += ms; },
  };
}
