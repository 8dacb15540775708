// Simulated push buttons: a test (or the simulator's keyboard) calls press(name).
import type { ButtonsPort } from '../../runtime/ports';

export class SimulatedButtons implements ButtonsPort {
  readonly names: readonly string[];
  private readonly handlers: ((name: string) => void)[] = [];

  constructor(names: readonly string[]) { this.names = [...names]; }

  onPress(handler: (name: string) => void): void { this.handlers.push(handler); }

  press(name: string): void {
    if (!this.names.includes(name)) throw new RangeError(`no button named ${JSON.stringify(name)}`);
    for (const h of [...this.handlers]) h(name);
  }
}
