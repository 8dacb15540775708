// The election definition: what the ballot shows, as data every device and the precinct
// computer share. One shape serves three forms: the JSON an election authority writes,
// the typed model code uses, and (with a format number added) the signed CBOR encoding.
// Absent things are explicit nulls, never missing keys, so the three forms cannot drift.

/** Every text on the ballot, in the state language (Kazakh) and in Russian. */
export interface LocalizedText {
  kk: string;
  ru: string;
}

export interface Candidate {
  /** Stable id votes reference; unique within the contest; 1..MAX_ID (0 is the "against all" line). */
  id: number;
  surname: LocalizedText;
  firstName: LocalizedText;
  /** null when the candidate has none. */
  patronymic: LocalizedText | null;
  /** The nominating party; null when the candidate is self-nominated. */
  party: LocalizedText | null;
}

export interface Party {
  /** Stable id votes reference; unique within the contest; 1..MAX_ID. */
  id: number;
  name: LocalizedText;
}

interface ContestBase {
  /** Stable id votes reference; unique within the definition; 1..MAX_ID. */
  id: number;
  title: LocalizedText;
  /** Whether the ballot carries an "against all" line (option id AGAINST_ALL_ID). */
  againstAll: boolean;
  /** Every contest takes at most one mark; this says whether it may be left with none. */
  blankAllowed: boolean;
}

/** Candidates, in Kazakh alphabetical order of surname, first name, patronymic (collation.ts). */
export interface CandidateContest extends ContestBase {
  kind: 'candidates';
  options: Candidate[];
}

/** Party lists, in the order drawn by lot (kept exactly as the authority gives it). */
export interface PartyListContest extends ContestBase {
  kind: 'party-list';
  options: Party[];
}

export type Contest = CandidateContest | PartyListContest;

export interface VotingHours {
  /** "HH:MM", 24-hour local time of the precinct. */
  opens: string;
  closes: string;
}

export interface ElectionDefinition {
  /** Short ASCII id of the election, e.g. "2024-PRES"; [A-Za-z0-9] then [A-Za-z0-9._-]. */
  electionId: string;
  title: LocalizedText;
  /** Election day, "YYYY-MM-DD". */
  date: string;
  /** The precinct (polling station) number, positive. */
  precinct: number;
  votingHours: VotingHours;
  /** In ballot order. */
  contests: Contest[];
}

/** Version of the binary encoding; a decoder refuses any other. */
export const ELECTION_FORMAT_VERSION = 1;

/** Option id of the "against all" line in a contest that has one. */
export const AGAINST_ALL_ID = 0;
export const AGAINST_ALL_TEXT: LocalizedText = { kk: 'Барлығына қарсы', ru: 'Против всех' };
/** How a self-nominated candidate is labelled on the ballot. */
export const SELF_NOMINATED_TEXT: LocalizedText = { kk: 'Өзін-өзі ұсыну', ru: 'Самовыдвижение' };

/** Voting hours by law (REQUIREMENTS: voting 07:00–20:00); the builder fills them in when absent. */
export const DEFAULT_VOTING_HOURS: VotingHours = { opens: '07:00', closes: '20:00' };

/** Bounds. They keep a definition small enough for every device and every screen line. */
export const LIMITS = {
  electionIdLength: 32,
  titleLength: 200,
  nameLength: 60,
  partyNameLength: 200,
  maxId: 9999,
  maxContests: 8,
  maxOptions: 64,
  maxPrecinct: 99999,
  /** Largest encoded definition or signed envelope a device accepts. */
  maxEncodedBytes: 64 * 1024,
} as const;

/** One line of a contest as a screen shows it: the options, then "against all" if any. */
export interface BallotLine {
  optionId: number;
  kind: 'candidate' | 'party' | 'against-all';
  /** Candidate: surname, first name, patronymic joined; party: its name. */
  text: LocalizedText;
  /** Candidate: party name or the self-nominated label; otherwise null. */
  detail: LocalizedText | null;
}

export function ballotLines(contest: Contest): BallotLine[] {
  const lines: BallotLine[] = [];
  if (contest.kind === 'candidates') {
    for (const c of contest.options) {
      const join = (lang: 'kk' | 'ru'): string =>
        [c.surname[lang], c.firstName[lang], c.patronymic ? c.patronymic[lang] : ''].filter((s) => s !== '').join(' ');
      lines.push({ optionId: c.id, kind: 'candidate', text: { kk: join('kk'), ru: join('ru') }, detail: c.party ?? SELF_NOMINATED_TEXT });
    }
  } else {
    for (const p of contest.options) lines.push({ optionId: p.id, kind: 'party', text: p.name, detail: null });
  }
  if (contest.againstAll) lines.push({ optionId: AGAINST_ALL_ID, kind: 'against-all', text: AGAINST_ALL_TEXT, detail: null });
  return lines;
}
