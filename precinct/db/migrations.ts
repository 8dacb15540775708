// The precinct database schema, as an ordered list of migrations. A migration is applied
// once, in one transaction with the row that records it in schema_version, so a crash
// leaves the database at one version or the next, never between. Never edit a migration
// that has shipped: add the next one.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'register, admissions, home voting, devices, device counts, event log',
    sql: `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- The list of voters. register_no is the number in the list (the rowid, so rows are
-- stored in list order). name_key is the folded "surname first patronymic" the desk
-- searches by prefix (see precinct/register.ts foldName).
CREATE TABLE voters (
  register_no INTEGER PRIMARY KEY CHECK (register_no > 0),
  iin         TEXT NOT NULL UNIQUE CHECK (length(iin) = 12 AND iin NOT GLOB '*[^0-9]*'),
  surname     TEXT NOT NULL CHECK (surname <> ''),
  first_name  TEXT NOT NULL CHECK (first_name <> ''),
  patronymic  TEXT NOT NULL DEFAULT '',
  birth_date  TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  address     TEXT NOT NULL CHECK (address <> ''),
  name_key    TEXT NOT NULL,
  list        TEXT NOT NULL DEFAULT 'main' CHECK (list IN ('main', 'supplementary')),
  basis       TEXT            -- supplementary list: the document and the commission's decision
) STRICT;
CREATE INDEX voters_by_name ON voters (name_key, register_no);

-- Admission: one row per admitted voter and nothing else. No time, no card, no
-- activation id, no order column: see docs/admission.md for why.
CREATE TABLE admissions (
  register_no INTEGER PRIMARY KEY REFERENCES voters (register_no),
  status      TEXT NOT NULL CHECK (status IN ('pending', 'admitted'))
) STRICT;

-- Written applications to vote outside the premises (001 §13).
CREATE TABLE home_applications (
  register_no INTEGER PRIMARY KEY REFERENCES voters (register_no),
  received_at TEXT NOT NULL,          -- local time to the minute, as on the paper application
  location    TEXT NOT NULL,          -- where the mobile group goes (the voter's address by default)
  status      TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'loaded', 'voted', 'withdrawn')),
  note        TEXT NOT NULL DEFAULT ''
) STRICT;

-- A voter is admitted in the premises or applies to vote outside, never both
-- (the code checks first; these make a bug or a hand edit fail loudly).
CREATE TRIGGER admissions_not_home BEFORE INSERT ON admissions
WHEN EXISTS (SELECT 1 FROM home_applications h WHERE h.register_no = NEW.register_no AND h.status <> 'withdrawn')
BEGIN SELECT RAISE(ABORT, 'voter has a home-voting application'); END;
CREATE TRIGGER home_not_admitted BEFORE INSERT ON home_applications
WHEN EXISTS (SELECT 1 FROM admissions a WHERE a.register_no = NEW.register_no)
BEGIN SELECT RAISE(ABORT, 'voter is already admitted in the premises'); END;

-- Devices enrolled at this precinct and their public keys.
CREATE TABLE devices (
  device_id       TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('terminal', 'accumulator', 'portable-ballot', 'card-writer')),
  serial          TEXT NOT NULL UNIQUE,
  sign_public_key BLOB NOT NULL CHECK (length(sign_public_key) = 32),
  kex_public_key  BLOB CHECK (kex_public_key IS NULL OR length(kex_public_key) = 32),
  enrolled_at     TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'faulty'))
) STRICT;

-- The latest vote count each accumulator (or the portable ballot, after upload) reported.
CREATE TABLE device_counts (
  device_id   TEXT PRIMARY KEY REFERENCES devices (device_id),
  count       INTEGER NOT NULL CHECK (count >= 0),
  reported_at TEXT NOT NULL
) STRICT;

-- Append-only, hash-chained event log (precinct/event-log.ts).
CREATE TABLE event_log (
  seq         INTEGER PRIMARY KEY CHECK (seq > 0),
  time        TEXT NOT NULL,
  event       TEXT NOT NULL,
  disposition TEXT NOT NULL,
  detail      TEXT NOT NULL,
  prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
  hash        BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE TRIGGER event_log_no_update BEFORE UPDATE ON event_log
BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END;
CREATE TRIGGER event_log_no_delete BEFORE DELETE ON event_log
BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END;
`,
  },
  {
    version: 2,
    description: 'device control: link addresses, self-test reports, zero reports, collected device data, code sets',
    sql: `
-- How each enrolled device is reached and what it said it was at commissioning.
CREATE TABLE device_links (
  device_id        TEXT PRIMARY KEY REFERENCES devices (device_id),
  address          TEXT NOT NULL,                 -- tcp:<host>:<port> or serial:<path>
  firmware_version TEXT NOT NULL,
  firmware_hash    BLOB NOT NULL CHECK (length(firmware_hash) = 32),
  commissioned_at  TEXT NOT NULL,
  provisioned      TEXT NOT NULL DEFAULT '{}'     -- JSON: what was provisioned, what is missing
) STRICT;

-- The morning self-test (001 §4): one row per run of the whole precinct; report is JSON
-- (precinct/morning.ts SelfTestSummary).
CREATE TABLE self_test_reports (
  report_id   INTEGER PRIMARY KEY,
  made_at     TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('passed', 'failed', 'needs-operator')),
  report      TEXT NOT NULL
) STRICT;

-- The zero report printed before opening (VVSG 2.0 1.1.3-B): JSON per device.
CREATE TABLE zero_reports (
  report_id   INTEGER PRIMARY KEY,
  made_at     TEXT NOT NULL,
  all_zero    INTEGER NOT NULL CHECK (all_zero IN (0, 1)),
  report      TEXT NOT NULL
) STRICT;

-- What each device delivered after close (results.read), raw, for counting (001 §17).
CREATE TABLE device_data (
  device_id    TEXT PRIMARY KEY REFERENCES devices (device_id),
  collected_at TEXT NOT NULL,
  record_count INTEGER NOT NULL CHECK (record_count >= 0),
  records      BLOB NOT NULL,                     -- deterministic CBOR array of byte strings
  fingerprint  BLOB NOT NULL CHECK (length(fingerprint) = 32)
) STRICT;

-- Verification-code share of each code-showing device (precinct/code-sets.ts bitmaps).
CREATE TABLE device_code_sets (
  device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
  count     INTEGER NOT NULL CHECK (count > 0),
  bitmap    BLOB NOT NULL CHECK (length(bitmap) = 1250)
) STRICT;
`,
  },
];
