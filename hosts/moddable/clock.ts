// ClockPort on Moddable: monotonic ms from Time.ticks (milliseconds since boot; not moved
// by setting the time), timers from the timer module. The wall clock is our own offset from
// the monotonic clock, unknown until the precinct computer sets it (boards here have no
// battery-backed RTC). Time.ticks is a 32-bit millisecond counter on some ports and wraps
// after about 49 days, far beyond a device's power-on time on election day.
import Timer from 'timer';
import Time from 'time';
import type { ClockPort, TimerHandle } from '../../runtime/ports';

export class ModdableClock implements ClockPort {
  private wallOffset: number | undefined;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  monotonicMs(): number { return Time.ticks; }

  wallClockMs(): number | undefined {
    return this.wallOffset === undefined ? undefined : Time.ticks + this.wallOffset;
  }

  setWallClock(msSinceEpoch: number): void {
    this.wallOffset = msSinceEpoch - Time.ticks;
    Time.set(Math.floor(msSinceEpoch / 1000)); // keeps Date right for anything that logs with it
  }

  setTimeout(delayMs: number, callback: () => void): TimerHandle {
    const id = this.nextId++;
    const t = Timer.set(() => { this.timers.delete(id); callback(); }, Math.max(0, delayMs));
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) { Timer.clear(t); this.timers.delete(handle.id); }
  }
}
