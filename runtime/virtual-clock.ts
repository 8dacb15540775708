// A ClockPort whose time moves only when a test says so. Device-safe (runs in XS too):
// timers fire in due order, each with the clock set to its due time, so a run is the same
// every time. Async code is driven with runUntilSettled(), which alternates draining the
// promise queue and jumping to the next timer.

import type { ClockPort, TimerHandle } from './ports';

interface PendingTimer { handle: TimerHandle; due: number; seq: number; callback: () => void }

export class VirtualClock implements ClockPort {
  private now: number;
  private wallOffset: number | undefined; // wall = monotonic + offset, once set
  private timers: PendingTimer[] = [];
  private nextId = 1;
  private seq = 0;

  constructor(options: { startMs?: number; wallClockMs?: number } = {}) {
    this.now = options.startMs ?? 0;
    if (options.wallClockMs !== undefined) this.wallOffset = options.wallClockMs - this.now;
  }

  monotonicMs(): number { return this.now; }

  wallClockMs(): number | undefined {
    return this.wallOffset === undefined ? undefined : this.now + this.wallOffset;
  }

  setWallClock(msSinceEpoch: number): void { this.wallOffset = msSinceEpoch - this.now; }

  setTimeout(delayMs: number, callback: () => void): TimerHandle {
    const handle = { id: this.nextId++ };
    const due = this.now + Math.max(0, delayMs);
    this.timers.push({ handle, due, seq: this.seq++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.handle.id !== handle.id);
  }

  /** How many timers are waiting. */
  get pendingTimers(): number { return this.timers.length; }

  /** Due time of the earliest timer, or undefined. */
  nextDue(): number | undefined {
    const t = this.earliest();
    return t?.due;
  }

  /** Moves time forward by ms, firing every timer that falls due on the way (synchronously). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const t = this.earliest();
      if (!t || t.due > target) break;
      this.fire(t);
    }
    this.now = target;
  }

  /** Like advance(), but lets the promise queue run after each timer. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.now + ms;
    await drainMicrotasks();
    for (;;) {
      const t = this.earliest();
      if (!t || t.due > target) break;
      this.fire(t);
      await drainMicrotasks();
    }
    this.now = target;
    await drainMicrotasks();
  }

  /**
   * Runs timers (jumping time forward) until the promise settles, and returns its value.
   * Throws when the promise can never settle (no timers left) or after limitMs of virtual time.
   */
  async runUntilSettled<T>(promise: Promise<T>, limitMs = 24 * 3600 * 1000): Promise<T> {
    let settled = false;
    const watched = promise.then(
      (v) => { settled = true; return v; },
      (e: unknown) => { settled = true; throw e; },
    );
    watched.catch(() => {}); // observed below; keeps the rejection from being "unhandled" meanwhile
    const limit = this.now + limitMs;
    for (;;) {
      await drainMicrotasks(2000); // generous: in-memory links deliver one chunk per microtask
      if (settled) return watched;
      const t = this.earliest();
      if (!t) throw new Error('VirtualClock: the promise is waiting on something other than a timer');
      if (t.due > limit) throw new Error(`VirtualClock: not settled within ${limitMs} ms`);
      this.fire(t);
    }
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(t: PendingTimer): void {
    this.timers = this.timers.filter((x) => x !== t);
    if (t.due > this.now) this.now = t.due;
    t.callback();
  }
}

/** Lets queued promise reactions run: enough turns for chains of a few dozen awaits. */
export async function drainMicrotasks(turns = 64): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
