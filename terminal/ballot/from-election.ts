// The adapter from the election definition (protocol/election) to the ballot view the flow
// and the screens use. The definition already fixes the order (candidates alphabetical,
// parties by lot, "against all" last) and the labels, through ballotLines.

import type { ElectionDefinition } from '../../protocol/election/model';
import { ballotLines } from '../../protocol/election/model';
import type { BallotContestView, BallotOptionView, BallotView } from './view';

export function ballotViewFromElection(definition: ElectionDefinition): BallotView {
  const contests: BallotContestView[] = definition.contests.map((c) => ({
    id: c.id,
    title: c.title,
    kind: c.kind === 'party-list' ? 'parties' : 'candidates',
    blankAllowed: c.blankAllowed,
    options: ballotLines(c).map((line): BallotOptionView => {
      const o: BallotOptionView = { id: line.optionId, kind: line.kind, name: line.text };
      if (line.detail) o.detail = line.detail;
      return o;
    }),
  }));
  return { title: definition.title, contests };
}
