// Push buttons with debounce on the ClockPort: a press counts once the line has held
// "pressed" for debounceMs after its last edge, and again only after a debounced release.
// Pure code over raw lines, so Node tests drive it with a virtual clock; buttons.ts wires
// it to GPIOs.
import type { ButtonsPort, ClockPort, TimerHandle } from '../../runtime/ports';

export interface ButtonLine {
  name: string;
  /** true while the button is held (after the board's polarity is applied). */
  isDown(): boolean;
  /** Called on any edge, bounces included. */
  onEdge(handler: () => void): void;
}

export class DebouncedButtons implements ButtonsPort {
  readonly names: readonly string[];
  private readonly handlers: ((name: string) => void)[] = [];

  constructor(lines: readonly ButtonLine[], clock: ClockPort, debounceMs = 25) {
    this.names = lines.map((l) => l.name);
    for (const line of lines) {
      let stableDown = line.isDown();
      let timer: TimerHandle | undefined;
      line.onEdge(() => {
        if (timer) clock.clearTimeout(timer);
        timer = clock.setTimeout(debounceMs, () => {
          timer = undefined;
          const down = line.isDown();
          if (down === stableDown) return;
          stableDown = down;
          if (down) for (const h of [...this.handlers]) h(line.name);
        });
      });
    }
  }

  onPress(handler: (name: string) => void): void { this.handlers.push(handler); }
}
