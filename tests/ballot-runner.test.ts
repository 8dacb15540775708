// The runner: the state's timer armed on the clock port, screens shown, effects handed out,
// answers raised from inside an effect handled in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { presidential } from './ballot-samples';
import { createBallotFlow } from '../terminal/ballot/flow';
import type { BallotEffect } from '../terminal/ballot/flow';
import { BallotRunner } from '../terminal/ballot/runner';
import { ballotScreen } from '../terminal/screens/ballot-screens';
import type { Screen } from '../terminal/screens/types';
import type { ClockPort, TimerHandle } from '../runtime/ports';

class FakeClock implements ClockPort {
  now = 0;
  private next = 1;
  timers = new Map<number, { due: number; cb: () => void }>();
  monotonicMs() { return this.now; }
  wallClockMs() { return undefined; }
  setWallClock() {}
  setTimeout(ms: number, cb: () => void): TimerHandle { const id = this.next++; this.timers.set(id, { due: this.now + ms, cb }); return { id }; }
  clearTimeout(h: TimerHandle) { this.timers.delete(h.id); }
  advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].due;
      due[1].cb();
    }
    this.now = end;
  }
}

function setup() {
  const clock = new FakeClock();
  const shown: Screen[] = [];
  let touch: (id: string) => void = () => {};
  let press: (name: string) => void = () => {};
  const effects: BallotEffect[] = [];
  const flow = createBallotFlow(presidential);
  const runner: BallotRunner<Screen> = new BallotRunner(flow, {
    clock,
    display: { show: (s) => shown.push(s), onTouch: (h) => { touch = h; } },
    buttons: { names: ['1', '2'], onPress: (h) => { press = h; } },
  }, ballotScreen, (e) => {
    effects.push(e);
    // The glue answers synchronously, from inside the effect.
    if (e.type === 'check-card') runner.dispatch({ type: 'card-accepted' });
    if (e.type === 'commit-vote') runner.dispatch({ type: 'vote-written', verificationCode: 1234 });
  });
  return { clock, shown, effects, runner, touch: (id: string) => touch(id), press: (n: string) => press(n) };
}

test('a whole vote through the ports, with synchronous answers from the glue', () => {
  const b = setup();
  assert.is(b.shown.at(-1)?.id, 'waiting');
  b.runner.dispatch({ type: 'card-inserted' });
  assert.is(b.shown.at(-1)?.id, 'language');
  for (const id of ['lang:ru', 'opt:5', 'confirm', 'proceed', 'cast']) b.touch(id);
  assert.is(b.shown.at(-1)?.id, 'thanks');
  assert.equal(b.effects.filter((e) => e.type === 'commit-vote').length, 1);
  b.press('1');
  b.press('2');
  assert.is(b.shown.at(-1)?.id, 'code');
  assert.is(b.clock.timers.size, 1, 'only the code-display timer is armed');
  b.clock.advance(60_000);
  assert.is(b.shown.at(-1)?.id, 'take-card');
  assert.is(b.clock.timers.size, 0);
});

test('inactivity through the clock: input restarts the timer; silence alerts, then resets', () => {
  const b = setup();
  b.runner.dispatch({ type: 'card-inserted' });
  b.clock.advance(100_000);
  b.touch('lang:kk');
  b.clock.advance(100_000);
  assert.is(b.shown.at(-1)?.id, 'contest', 'the touch restarted the 120 s timer');
  assert.is(b.clock.timers.size, 1, 'the replaced timer was cleared');
  b.clock.advance(20_000);
  assert.is(b.shown.at(-1)?.id, 'inactivity-alert');
  b.clock.advance(30_000);
  assert.is(b.shown.at(-1)?.id, 'take-card');
  assert.ok(b.effects.some((e) => e.type === 'log' && e.event === 'session-reset-inactivity'));
  assert.not.ok(b.effects.some((e) => e.type === 'commit-vote'));
  b.runner.dispatch({ type: 'card-removed' });
  assert.is(b.runner.state.phase, 'waiting');
});

test.run();
