// Every screen a voter can meet on a ballot, in one language, large text or not: the flow walked
// through each contest's pages, the inactivity alert, the vote, the code, and every refusal.
// Shared by the layout test (terminal-display) and the font coverage test (terminal-fonts).
import type { BallotEvent, BallotFlow, BallotState } from '../../terminal/ballot/flow';
import { ballotScreen } from '../../terminal/screens/ballot-screens';
import type { Screen } from '../../terminal/screens/types';

const REFUSALS = ['not-activated', 'already-voted', 'wrong-election', 'wrong-precinct', 'bad-signature', 'unreadable', 'terminal-not-open', 'terminal-closed'] as const;

/** pick: which option of each contest the walk selects (the first and last differ in length). */
export function voterScreens(flow: BallotFlow, lang: 'kk' | 'ru', large: boolean, pick: 'first' | 'last' = 'first'): Screen[] {
  const out: Screen[] = [];
  let s: BallotState = flow.initial();
  const go = (e: BallotEvent) => { s = flow.step(s, e).state; out.push(ballotScreen(flow, s)); };
  const pageThrough = () => { while (ballotScreen(flow, s).buttons.some((b) => b.id === 'page:next')) go({ type: 'touch', button: 'page:next' }); };
  out.push(ballotScreen(flow, s));
  go({ type: 'card-inserted' });
  go({ type: 'card-accepted' });
  if (large) go({ type: 'touch', button: 'large-text' });
  go({ type: 'touch', button: `lang:${lang}` });
  for (const c of flow.ballot.contests) {
    pageThrough();
    go({ type: 'touch', button: `opt:${c.options[pick === 'first' ? 0 : c.options.length - 1].id}` });
    go({ type: 'touch', button: 'confirm' });
  }
  pageThrough();
  go({ type: 'touch', button: 'proceed' });
  go({ type: 'timeout', timer: s.timer!.id }); // the inactivity alert over the final screen
  go({ type: 'touch', button: 'alert:continue' });
  go({ type: 'touch', button: 'cast' });
  go({ type: 'vote-written', verificationCode: 4271 });
  go({ type: 'button', name: '1' });
  go({ type: 'button', name: '2' });
  go({ type: 'timeout', timer: s.timer!.id });
  go({ type: 'card-removed' });
  for (const reason of REFUSALS) {
    go({ type: 'card-inserted' });
    go({ type: 'card-refused', reason });
    go({ type: 'card-removed' });
  }
  return out;
}
