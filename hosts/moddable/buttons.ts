// The board's push buttons: GPIO inputs with pull-ups (pressed reads 0), edge interrupts,
// debounced on the clock port.
import Digital from 'embedded:io/digital';
import type { ClockPort } from '../../runtime/ports';
import { DebouncedButtons, type ButtonLine } from './debounce';
import { BOARD } from './board';

export function openButtons(clock: ClockPort, buttons: readonly { name: string; pin: number }[] = BOARD.buttons): DebouncedButtons {
  const lines: ButtonLine[] = buttons.map(({ name, pin }) => {
    const edge: (() => void)[] = [];
    const input = new Digital({
      pin, mode: Digital.InputPullUp, edge: Digital.Rising | Digital.Falling,
      onReadable() { for (const h of edge) h(); },
    });
    return { name, isDown: () => input.read() === 0, onEdge: (h) => { edge.push(h); } };
  });
  return new DebouncedButtons(lines, clock);
}
