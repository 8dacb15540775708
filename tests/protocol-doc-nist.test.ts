// The NIST SP 1500-100 v2 export validates against the published JSON schema (draft-04).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { toNistReport } from '../precinct/protocol/nist';
import { prepareElectionJson } from '../protocol/election/index';
import { protocolFixture } from './count-fixtures';

const root = join(import.meta.dirname, '..');
const schema = JSON.parse(readFileSync(join(root, 'docs', 'standards', 'NIST_V2_election_results_reporting.json'), 'utf8')) as object;

function validator() {
  // The schema uses "refTypes" (a NIST annotation) and formats ajv does not ship without ajv-formats.
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('time', /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:/i);
  return ajv.compile(schema);
}
const validate = validator();

function ids(report: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['@id'] === 'string') out.add(o['@id']);
      Object.values(o).forEach(walk);
    }
  };
  walk(report);
  return out;
}
/** Every reference (…Id, …Ids) names an object in the report. */
function danglingRefs(report: unknown): string[] {
  const known = ids(report);
  const bad: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'VendorApplicationId') continue; // a name, not a reference
        if (k.endsWith('Id') && typeof x === 'string' && !known.has(x)) bad.push(`${k}=${x}`);
        else if (k.endsWith('Ids') && Array.isArray(x)) for (const y of x) if (!known.has(y)) bad.push(`${k}=${y}`);
        else walk(x);
      }
    }
  };
  walk(report);
  return bad;
}

test('NIST export of a protocol validates against the v2 schema and its references resolve', async () => {
  const f = await protocolFixture({ premisesVotes: 40, portableVotes: 3, seed: 31 });
  const report = toNistReport(f.doc, { isTest: true });
  const ok = validate(report);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  assert.equal(danglingRefs(report), []);
  const r = report as { Election: { Contest: { ContestSelection: { VoteCounts: { Count: number; Type: string }[] }[]; OtherCounts: { Undervotes: number; Overvotes: number }[] }[]; BallotCounts: { BallotsCast: number }[] }[]; Person: { FullName: unknown }[] };
  const contests = r.Election[0].Contest;
  assert.is(contests.length, 2);
  // Every figure of the protocol is in the export: selections then blank/invalid.
  f.doc.contests.forEach((c, i) => {
    const counts = contests[i].ContestSelection.map((s) => s.VoteCounts.find((v) => v.Type === 'total')!.Count);
    assert.equal(counts, [...c.options.map((o) => o.votes), ...(c.againstAll === null ? [] : [c.againstAll])]);
    assert.is(contests[i].OtherCounts[0].Undervotes, c.blank);
    assert.is(contests[i].OtherCounts[0].Overvotes, c.invalid);
  });
  assert.is(r.Election[0].BallotCounts[0].BallotsCast, f.doc.reconciliation.ballotsCounted);
  assert.is(r.Person.length, 3, 'one Person per candidate');
  assert.match(JSON.stringify(report), /Жаңабергенов/);
  assert.match(JSON.stringify(report), /Жанабергенов/);
});

test('NIST export with the portable ballot set aside shows its votes apart, and validates', async () => {
  const f = await protocolFixture({ premisesVotes: 15, portableVotes: 5, homeApplications: 3, seed: 32 });
  const report = toNistReport(f.doc);
  assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  const s = JSON.stringify(report);
  assert.match(s, /portable-ballot-for-decision/);
  assert.match(s, /set aside/);
});

test('NIST export of the sample maslikhat election (candidates and party lists, blank allowed) validates', async () => {
  const prepared = prepareElectionJson(readFileSync(join(root, 'samples/elections/maslikhat.json'), 'utf8'));
  if (!prepared.ok) throw new Error('sample does not prepare');
  const f = await protocolFixture({ premisesVotes: 25, seed: 33, definition: prepared.definition });
  const report = toNistReport(f.doc);
  assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  assert.equal(danglingRefs(report), []);
});

test('the validator is not a rubber stamp: a broken report fails', async () => {
  const f = await protocolFixture({ premisesVotes: 5, seed: 34 });
  const report = toNistReport(f.doc) as Record<string, unknown>;
  assert.not.ok(validate({ ...report, Status: 'final-ish' }));
  const { Issuer: _drop, ...noIssuer } = report;
  assert.not.ok(validate(noIssuer));
  assert.not.ok(validate({ ...report, GeneratedDate: '2028-03-19 17:42' }));
});

test.run();
