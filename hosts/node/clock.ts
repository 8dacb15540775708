// ClockPort on Node: monotonic time from performance.now(), timers from setTimeout.
// A simulated device does not trust the host's wall clock: like the real device it has
// none until the precinct computer sets it (pass trustHostWallClock on the precinct side).
// For tests that need deterministic time use runtime/virtual-clock instead.
import { performance } from 'node:perf_hooks';
import type { ClockPort, TimerHandle } from '../../runtime/ports';

export class NodeClock implements ClockPort {
  private wallOffset: number | undefined; // wall = monotonic + offset
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  constructor(options: { trustHostWallClock?: boolean } = {}) {
    if (options.trustHostWallClock) this.wallOffset = Date.now() - performance.now();
  }

  monotonicMs(): number { return performance.now(); }

  wallClockMs(): number | undefined {
    return this.wallOffset === undefined ? undefined : Math.round(performance.now() + this.wallOffset);
  }

  setWallClock(msSinceEpoch: number): void { this.wallOffset = msSinceEpoch - performance.now(); }

  setTimeout(delayMs: number, callback: () => void): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => { this.timers.delete(id); callback(); }, Math.max(0, delayMs));
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t !== undefined) { clearTimeout(t); this.timers.delete(handle.id); }
  }

  /** Cancels every pending timer (shutting a simulated device down). */
  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
