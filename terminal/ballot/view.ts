// What the ballot flow needs to know about an election: the contests in ballot order, their
// options, and whether a contest may be left blank. The flow and the screens are written
// against this view only, so the election definition's format can change without touching
// them; an adapter turns a definition into a view.

import { ProtocolError } from '../../protocol/bytes';

export type Lang = 'kk' | 'ru';

/** A text in both ballot languages (REQUIREMENTS 003: Kazakh and Russian). */
export interface Text { kk: string; ru: string }

/** Ids are the election definition's and opaque here; the card stores them as given. */
export type ContestId = number | string;
export type OptionId = number | string;

export interface BallotOptionView {
  id: OptionId;
  kind: 'candidate' | 'party' | 'against-all';
  /** Candidate: "Surname First-name Patronymic"; party: the party's name. */
  name: Text;
  /** Candidate: the nominating party or "self-nominated"; shown under the name. */
  detail?: Text;
}

export interface BallotContestView {
  id: ContestId;
  title: Text;
  /** What the voter picks; chooses the instruction line ("choose one candidate" / "one party"). */
  kind: 'candidates' | 'parties';
  /** Options in ballot order (candidates alphabetical, parties by lot; "against all" last). */
  options: BallotOptionView[];
  /** Whether the voter may leave this contest without a mark (an explicit button, never by default). */
  blankAllowed: boolean;
}

export interface BallotView {
  title: Text;
  contests: BallotContestView[];
}

/** One contest's choice, in the shape the card's vote record takes; option null is a deliberate blank. */
export interface Selection { contest: ContestId; option: OptionId | null }

export class BallotViewError extends ProtocolError {
  constructor(message: string) {
    super('ballot-view-invalid', message);
    this.name = 'BallotViewError';
  }
}

/** Button ids carry ids as strings, so ids must stay distinct after String(). */
export function validateBallotView(ballot: BallotView): void {
  if (ballot.contests.length === 0) throw new BallotViewError('a ballot needs at least one contest');
  const contestKeys = new Set<string>();
  for (const c of ballot.contests) {
    const ck = String(c.id);
    if (contestKeys.has(ck)) throw new BallotViewError(`contest id ${ck} appears twice`);
    contestKeys.add(ck);
    if (c.options.length === 0) throw new BallotViewError(`contest ${ck} has no options`);
    const optionKeys = new Set<string>();
    for (const o of c.options) {
      const ok = String(o.id);
      if (optionKeys.has(ok)) throw new BallotViewError(`option id ${ok} appears twice in contest ${ck}`);
      optionKeys.add(ok);
    }
  }
}
