// The small piece of glue every device running the ballot needs: it keeps the state, arms
// the one timer the state asks for on the clock port, shows the screen, wires touches and
// buttons in, and hands effects to the device (card check, vote commit, log). Events raised
// while an event is being handled are queued, so effects may answer synchronously.

import type { ButtonsPort, ClockPort, DisplayPort, TimerHandle } from '../../runtime/ports';
import type { BallotEffect, BallotEvent, BallotFlow, BallotState } from './flow';

export interface BallotRunnerPorts<Screen> {
  clock: ClockPort;
  display?: DisplayPort<Screen>;
  buttons?: ButtonsPort;
}

export class BallotRunner<Screen> {
  private current: BallotState;
  private armed: { id: number; handle: TimerHandle } | null = null;
  private readonly queue: BallotEvent[] = [];
  private busy = false;

  constructor(
    private readonly flow: BallotFlow,
    private readonly ports: BallotRunnerPorts<Screen>,
    private readonly render: (flow: BallotFlow, state: BallotState) => Screen,
    private readonly onEffect: (effect: BallotEffect) => void,
  ) {
    this.current = flow.initial();
    ports.display?.onTouch((button) => this.dispatch({ type: 'touch', button }));
    ports.buttons?.onPress((name) => this.dispatch({ type: 'button', name }));
    ports.display?.show(render(flow, this.current));
  }

  get state(): BallotState { return this.current; }

  dispatch(event: BallotEvent): void {
    this.queue.push(event);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) this.handle(e);
    } finally {
      this.busy = false;
    }
  }

  private handle(event: BallotEvent): void {
    const before = this.current;
    const { state, effects } = this.flow.step(before, event);
    this.current = state;
    this.syncTimer();
    if (state !== before) this.ports.display?.show(this.render(this.flow, state));
    for (const effect of effects) this.onEffect(effect);
  }

  /** A timer with a new id replaces the armed one; none cancels it. */
  private syncTimer(): void {
    const want = this.current.timer;
    if (this.armed && (!want || want.id !== this.armed.id)) {
      this.ports.clock.clearTimeout(this.armed.handle);
      this.armed = null;
    }
    if (want && !this.armed) {
      const id = want.id;
      const handle = this.ports.clock.setTimeout(want.afterMs, () => {
        if (this.armed?.id === id) this.armed = null;
        this.dispatch({ type: 'timeout', timer: id });
      });
      this.armed = { id, handle };
    }
  }
}
