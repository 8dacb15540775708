// A simulated power supply: mains or battery, with a battery gauge the test sets.
import type { PowerPort, PowerStatus } from '../../runtime/ports';

export class SimulatedPower implements PowerPort {
  private source: PowerStatus['source'];
  private percent: number | undefined;

  constructor(initial: Partial<PowerStatus> = {}) {
    this.source = initial.source ?? 'mains';
    this.percent = 'batteryPercent' in initial ? initial.batteryPercent : 100;
  }

  status(): PowerStatus { return { source: this.source, batteryPercent: this.percent }; }

  /** Mains fails or comes back. */
  setSource(source: PowerStatus['source']): void { this.source = source; }

  /** 0–100, or undefined for a device without a gauge. */
  setBatteryPercent(percent: number | undefined): void {
    if (percent !== undefined && !(percent >= 0 && percent <= 100)) throw new RangeError(`battery percent ${percent} not in 0..100`);
    this.percent = percent;
  }
}
