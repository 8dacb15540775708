// From what an election authority writes (JSON) to a definition ready to encode: fills in
// the defaults, puts candidates in Kazakh alphabetical order, keeps parties in the order
// drawn by lot (as given), and validates. Runs anywhere (the CLI uses it; no Node APIs).
import { compareCandidates } from './collation';
import type { ValidationIssue } from './errors';
import { DEFAULT_VOTING_HOURS, type Candidate, type ElectionDefinition } from './model';
import { validateElection } from './validate';

/** JSON text longer than this is refused unread: no definition comes near it. */
export const MAX_JSON_CHARS = 1024 * 1024;

export type PrepareResult =
  | { ok: true; definition: ElectionDefinition; notes: string[] }
  | { ok: false; issues: ValidationIssue[] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Parses the authority's JSON text and prepares it (see prepareElection). */
export function prepareElectionJson(textInput: string): PrepareResult {
  if (textInput.length > MAX_JSON_CHARS) return { ok: false, issues: [{ path: '', rule: 'too-large', detail: `${textInput.length} characters; at most ${MAX_JSON_CHARS}` }] };
  let value: unknown;
  try {
    value = JSON.parse(textInput.charCodeAt(0) === 0xfeff ? textInput.slice(1) : textInput);
  } catch (e) {
    return { ok: false, issues: [{ path: '', rule: 'not-json', detail: e instanceof Error ? e.message : String(e) }] };
  }
  return prepareElection(value);
}

/**
 * Defaults, order, validation. All issues are reported at once; order is not reported as
 * an issue because it is fixed here (notes say what was reordered).
 */
export function prepareElection(input: unknown): PrepareResult {
  const notes: string[] = [];
  let value = input;
  if (isPlainObject(input) && !Object.prototype.hasOwnProperty.call(input, 'votingHours')) {
    value = { ...input, votingHours: { ...DEFAULT_VOTING_HOURS } };
    notes.push(`votingHours not given: ${DEFAULT_VOTING_HOURS.opens}–${DEFAULT_VOTING_HOURS.closes} (the law's hours)`);
  }
  const issues = validateElection(value, { checkOrder: false });
  if (issues.length > 0) return { ok: false, issues };
  const d = value as ElectionDefinition;
  const definition: ElectionDefinition = {
    ...d,
    contests: d.contests.map((c, i) => {
      if (c.kind !== 'candidates') return c;
      const sorted: Candidate[] = [...c.options].sort(compareCandidates);
      if (sorted.some((o, j) => o !== c.options[j])) notes.push(`contests[${i}]: candidates put in Kazakh alphabetical order (ids kept)`);
      return { ...c, options: sorted };
    }),
  };
  const after = validateElection(definition);
  if (after.length > 0) return { ok: false, issues: after }; // cannot happen after sorting; kept as a guard
  return { ok: true, definition, notes };
}
