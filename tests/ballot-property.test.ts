// Random sequences of everything that can happen in the booth — touches (declared, stale,
// forged), buttons, card in/out, time-outs (current and stale), glue results at any moment —
// against the ballot flow's safety rules. Each rule is checked after every event.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { SAMPLES } from './ballot-samples';
import { REFUSAL_REASONS, VOTING_PHASES, createBallotFlow } from '../terminal/ballot/flow';
import type { BallotEvent, BallotFlow, BallotState, BallotStep } from '../terminal/ballot/flow';
import type { BallotView } from '../terminal/ballot/view';
import { ballotScreen } from '../terminal/screens/ballot-screens';
import { renderText } from '../terminal/screens/text';

/** An event, some of them resolved against the current state (which button, which timer). */
type Action =
  | { kind: 'tap-screen'; index: number }
  /** Taps a ballot option or the step forward, so that random runs do get to the end. */
  | { kind: 'tap-forward'; index: number }
  | { kind: 'tap-forged'; id: string }
  | { kind: 'event'; event: BallotEvent }
  | { kind: 'timeout-current' }
  | { kind: 'timeout-stale'; back: number };

const forgedIds = ['cast', 'confirm', 'proceed', 'blank', 'back', 'change', 'change:0', 'change:1', 'change:9', 'change:01',
  'opt:1', 'opt:7', 'opt:999', 'opt:p-dala', 'opt:c-2', 'opt:against-all', 'lang:kk', 'lang:ru', 'lang:en', 'page:next',
  'page:prev', 'alert:continue', 'large-text', 'code:1', 'code:2', '', 'opt:', 'cast '];

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(20).map((index) => ({ kind: 'tap-screen' as const, index })) },
  { weight: 16, arbitrary: fc.nat(20).map((index) => ({ kind: 'tap-forward' as const, index })) },
  { weight: 3, arbitrary: fc.oneof(fc.constantFrom(...forgedIds), fc.string({ maxLength: 8 })).map((id) => ({ kind: 'tap-forged' as const, id })) },
  { weight: 3, arbitrary: fc.constantFrom('1', '2', '3', '').map((name) => ({ kind: 'event' as const, event: { type: 'button', name } as BallotEvent })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'event' as const, event: { type: 'card-inserted' } as BallotEvent }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'event' as const, event: { type: 'card-accepted' } as BallotEvent }) },
  { weight: 1, arbitrary: fc.constantFrom(...REFUSAL_REASONS).map((reason) => ({ kind: 'event' as const, event: { type: 'card-refused', reason } as BallotEvent })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'event' as const, event: { type: 'card-removed' } as BallotEvent }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 10_005 }).map((verificationCode) => ({ kind: 'event' as const, event: { type: 'vote-written', verificationCode } as BallotEvent })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'event' as const, event: { type: 'vote-write-failed', reason: 'io' } as BallotEvent }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'timeout-current' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((back) => ({ kind: 'timeout-stale' as const, back })) },
);

function resolve(flow: BallotFlow, s: BallotState, a: Action): BallotEvent {
  switch (a.kind) {
    case 'tap-screen': {
      const buttons = ballotScreen(flow, s).buttons;
      return buttons.length ? { type: 'touch', button: buttons[a.index % buttons.length].id } : { type: 'touch', button: 'nothing' };
    }
    case 'tap-forward': {
      const all = ballotScreen(flow, s).buttons;
      const buttons = all.filter((b) => b.role !== 'nav' || b.id.startsWith('code:'));
      return buttons.length ? { type: 'touch', button: buttons[a.index % buttons.length].id } : { type: 'touch', button: 'nothing' };
    }
    case 'tap-forged': return { type: 'touch', button: a.id };
    case 'event': return a.event;
    case 'timeout-current': return { type: 'timeout', timer: s.timer ? s.timer.id : s.timerSeq + 1 };
    case 'timeout-stale': return { type: 'timeout', timer: Math.max(0, s.timerSeq - a.back) };
  }
}

function checkSelections(ballot: BallotView, selections: { contest: unknown; option: unknown }[]): void {
  assert.is(selections.length, ballot.contests.length, 'one selection per contest');
  ballot.contests.forEach((c, i) => {
    assert.is(selections[i].contest, c.id, 'ballot order');
    const opt = selections[i].option;
    if (opt === null) assert.ok(c.blankAllowed, 'blank only where allowed');
    else assert.ok(c.options.some((o) => o.id === opt), 'a real option of that contest');
  });
}

function run(flow: BallotFlow, actions: Action[]): void {
  const ballot = flow.ballot;
  let s = flow.initial();
  let sessionCommits = 0; // commit-vote effects since the card was last accepted
  let accepted = false;
  for (const a of actions) {
    const event = resolve(flow, s, a);
    const before = s;
    const screenBefore = ballotScreen(flow, before);
    const { state, effects } = flow.step(before, event);
    s = state;

    if (before.phase === 'checking' && s.phase === 'language') { accepted = true; sessionCommits = 0; }

    for (const e of effects) {
      if (e.type !== 'commit-vote') continue;
      sessionCommits++;
      assert.ok(accepted, 'commit-vote without an accepted card');
      assert.is(sessionCommits, 1, 'two commit-votes for one activation');
      assert.is(before.phase, 'final', 'commit-vote not from the final confirmation');
      assert.not.ok(before.alert, 'commit-vote from under the inactivity alert');
      assert.equal(event, { type: 'touch', button: 'cast' }, 'commit-vote not caused by the "cast" button');
      checkSelections(ballot, e.selections);
    }
    // Touches: exactly the screen's buttons act; anything else leaves the state as it was.
    if (event.type === 'touch') {
      const declared = screenBefore.buttons.some((b) => b.id === event.button);
      if (declared) assert.not.equal(s, before, `declared button ${event.button} on ${screenBefore.id} does nothing`);
      else assert.equal(s, before, `undeclared touch ${JSON.stringify(event.button)} on ${screenBefore.id} changed the state`);
    }

    for (const e of effects) if (e.type === 'log') assert.not.ok('selections' in e || /\d{4}/.test(e.detail ?? ''), 'log carries no choice or code');

    if (s.phase === 'thanks' && before.phase !== 'thanks') {
      assert.is(event.type, 'vote-written', '"thank you" without vote-written');
      assert.is(before.phase, 'writing', '"thank you" without a commit in flight');
    }
    if (s.phase === 'code') assert.ok(before.phase === 'thanks' || before.phase === 'code', 'the code only after "thank you"');
    if (event.type === 'card-removed') {
      assert.is(s.phase, 'waiting', 'card removed but not back to waiting');
      assert.equal(s.choices, [], 'choices kept after the card left');
      assert.is(s.code, null, 'code kept after the card left');
      accepted = false;
    }
    if (s.phase === 'waiting') assert.equal(s.choices, []);
    if (VOTING_PHASES.includes(s.phase)) assert.ok(s.timer && (s.timer.kind === (s.alert ? 'alert-response' : 'inactivity')), 'voting screens always run the inactivity timer');
    if (s.phase === 'writing') assert.is(s.timer, null, 'no time-out may interrupt a write');
    assert.ok(s.timerSeq >= before.timerSeq, 'timer ids only grow');

    // Every state renders, and the text names every button.
    const r = renderText(ballotScreen(flow, s));
    assert.is(r.buttonIds.length, ballotScreen(flow, s).buttons.length);
    for (const line of r.lines) assert.type(line, 'string');
  }
}

const configs = fc.record({
  pageSize: fc.integer({ min: 1, max: 8 }),
  largeTextPageSize: fc.integer({ min: 1, max: 4 }),
  onScreenCodeButtons: fc.boolean(),
});

for (const [name, ballot] of Object.entries(SAMPLES)) {
  test(`random booth sessions keep the safety rules: ${name}`, () => {
    fc.assert(fc.property(fc.array(action, { maxLength: 120, size: 'max' }), configs, (actions, config) => { run(createBallotFlow(ballot, config), actions); }), { numRuns: 400 });
  });
}

test('random sessions do reach a vote, a code and every phase (the property is not vacuous)', () => {
  const seen = new Set<string>();
  let commits = 0;
  fc.assert(fc.property(fc.array(action, { maxLength: 120, size: 'max' }), (actions) => {
    const flow = createBallotFlow(SAMPLES.maslikhat);
    let s = flow.initial();
    for (const a of actions) {
      const r = flow.step(s, resolve(flow, s, a));
      commits += r.effects.filter((e) => e.type === 'commit-vote').length;
      s = r.state;
      seen.add(s.alert ? 'alert' : s.phase);
    }
  }), { numRuns: 400, seed: 42 });
  assert.ok(commits > 0, 'no commit reached');
  for (const p of ['waiting', 'checking', 'refused', 'language', 'contest', 'confirm', 'review', 'final', 'writing', 'thanks', 'code', 'take-card', 'write-failed', 'alert']) {
    assert.ok(seen.has(p), `phase ${p} never reached`);
  }
});

/** The message a run fails with ('' if it passes); uvu's assert.throws rethrows assertion errors. */
function failure(f: () => void): string {
  try { f(); } catch (e) { return (e as Error).message; }
  return '';
}

test('the checker catches broken flows (it can fail)', () => {
  const flow = createBallotFlow(SAMPLES.presidential);
  const sabotaged = (mutate: (s: BallotState, e: BallotEvent, r: BallotStep) => BallotStep): BallotFlow =>
    ({ ...flow, step: (s, e) => mutate(s, e, flow.step(s, e)) });
  const vote: Action[] = [
    { kind: 'event', event: { type: 'card-inserted' } }, { kind: 'event', event: { type: 'card-accepted' } },
    ...['lang:ru', 'opt:1', 'confirm', 'proceed', 'cast'].map((id) => ({ kind: 'tap-forged' as const, id })),
  ];
  // "cast" stays on screen after the commit: a second commit for the same card.
  const twice = sabotaged((s, _e, r) => (r.effects.some((x) => x.type === 'commit-vote') ? { state: { ...r.state, phase: 'final', committed: false, timer: { ...s.timer!, id: r.state.timerSeq + 1 }, timerSeq: r.state.timerSeq + 1 }, effects: r.effects } : r));
  assert.match(failure(() => run(twice, [...vote, { kind: 'tap-forged', id: 'cast' }])), /two commit-votes/);
  // Commit straight from the review.
  const early = sabotaged((s, e, r) => (s.phase === 'review' && e.type === 'touch' && e.button === 'proceed'
    ? { state: { ...r.state, phase: 'writing' }, effects: [{ type: 'commit-vote', selections: [{ contest: 'president', option: 1 }] }] } : r));
  assert.match(failure(() => run(early, vote)), /not from the final confirmation/);
  // "Thank you" on a failed write.
  const optimistic = sabotaged((s, e, r) => (e.type === 'vote-write-failed' && s.phase === 'writing' ? { state: { ...r.state, phase: 'thanks' }, effects: [] } : r));
  assert.match(failure(() => run(optimistic, [...vote, { kind: 'event', event: { type: 'vote-write-failed', reason: 'x' } }])), /without vote-written/);
  // Card removal ignored during the write.
  const sticky = sabotaged((s, e, r) => (e.type === 'card-removed' && s.phase === 'writing' ? { state: s, effects: [] } : r));
  assert.match(failure(() => run(sticky, [...vote, { kind: 'event', event: { type: 'card-removed' } }])), /not back to waiting/);
  run(flow, vote); // the real flow passes the same runs
});

test.run();
