// SoundPort on Moddable: the reference board's piezo buzzer (BOARD.buzzer, GPIO 47) driven by
// ECMA-419 PWM (embedded:io/pwm) at half duty, one short pattern per signal. The simulator
// has no PWM (nor this module in its build): platform-sim.ts's TraceSound, a stub named as
// such, only traces the signal.
import PWM from 'embedded:io/pwm';
import Timer from 'timer';
import { BOARD } from './board';
import type { SoundPort } from '../../runtime/ports';

type Kind = Parameters<SoundPort['signal']>[0];

/** Tones as [hz, ms on, ms off]: accepted one high beep, refused two low, attention three. */
const PATTERNS: Record<Kind, readonly (readonly [number, number, number])[]> = {
  accepted: [[2400, 150, 0]],
  refused: [[600, 200, 120], [600, 200, 0]],
  attention: [[1800, 90, 90], [1800, 90, 90], [1800, 90, 0]],
};

export class PwmBuzzer implements SoundPort {
  private playing: Timer | undefined;
  private pwm: PWM | undefined;

  constructor(private readonly pin: number = BOARD.buzzer) {}

  signal(kind: Kind): void {
    this.stop();
    const tones = PATTERNS[kind];
    let i = 0;
    const next = (): void => {
      this.silence();
      if (i >= tones.length) { this.playing = undefined; return; }
      const [hz, on, off] = tones[i++];
      // a PWM's frequency is fixed when it is opened: one instance per tone
      const pwm = new PWM({ pin: this.pin, hz });
      pwm.write(Math.floor(((1 << pwm.resolution) - 1) / 2));
      this.pwm = pwm;
      this.playing = Timer.set(() => {
        this.silence();
        this.playing = off > 0 ? Timer.set(next, off) : undefined;
        if (off === 0) next();
      }, on);
    };
    next();
  }

  private silence(): void {
    const p = this.pwm as (PWM & { close?: () => void }) | undefined;
    if (!p) return;
    p.write(0);
    p.close?.();
    this.pwm = undefined;
  }

  private stop(): void {
    if (this.playing) { Timer.clear(this.playing); this.playing = undefined; }
    this.silence();
  }
}
