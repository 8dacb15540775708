// Two LinkPorts joined in memory, for tests: what one end writes the other receives, in
// order, on a later microtask (as from a real transport, never re-entrantly). A fault hook
// may drop, corrupt or split chunks on the way. Written without Node APIs so XS test
// entries can use it too.
import type { LinkPort } from '../../runtime/ports';

export type LinkDirection = 'a->b' | 'b->a';

/** Returns what to deliver instead of `chunk`: [] drops it, several chunks split it. */
export type LinkFault = (chunk: Uint8Array, direction: LinkDirection) => Uint8Array[];

export class MemoryLinkEnd implements LinkPort {
  private readonly receivers: ((bytes: Uint8Array) => void)[] = [];
  private readonly watchers: ((connected: boolean) => void)[] = [];
  /** Bytes this end has written (before faults), for assertions. */
  bytesWritten = 0;

  constructor(private readonly pair: MemoryLinkPair, private readonly direction: LinkDirection) {}

  write(bytes: Uint8Array): void {
    this.bytesWritten += bytes.length;
    this.pair.carry(bytes.slice(), this.direction); // copy: the caller may reuse its buffer
  }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.receivers.push(handler); }
  onConnectionChange(handler: (connected: boolean) => void): void { this.watchers.push(handler); }

  /** @internal */ deliver(bytes: Uint8Array): void { for (const h of [...this.receivers]) h(bytes); }
  /** @internal */ notify(connected: boolean): void { for (const h of [...this.watchers]) h(connected); }
}

export class MemoryLinkPair {
  readonly a: MemoryLinkEnd;
  readonly b: MemoryLinkEnd;
  fault: LinkFault | undefined;
  private isConnected: boolean;
  private queue: { bytes: Uint8Array; direction: LinkDirection }[] = [];
  private draining = false;
  /** Bumped on each disconnect, so chunks in flight when the link dropped are lost, as on a wire. */
  private epoch = 0;

  constructor(options: { connected?: boolean; fault?: LinkFault } = {}) {
    this.a = new MemoryLinkEnd(this, 'a->b');
    this.b = new MemoryLinkEnd(this, 'b->a');
    this.isConnected = options.connected ?? true;
    this.fault = options.fault;
  }

  get connected(): boolean { return this.isConnected; }

  /** Plugs the cable in; both ends hear about it. */
  connect(): void {
    if (this.isConnected) return;
    this.isConnected = true;
    this.a.notify(true); this.b.notify(true);
  }

  /** Pulls the cable: bytes in flight are lost, writes are dropped until connect(). */
  disconnect(): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    this.epoch++;
    this.queue = [];
    this.a.notify(false); this.b.notify(false);
  }

  /** @internal */
  carry(bytes: Uint8Array, direction: LinkDirection): void {
    if (!this.isConnected) return;
    const chunks = this.fault ? this.fault(bytes, direction) : [bytes];
    for (const c of chunks) this.queue.push({ bytes: c, direction });
    this.scheduleDrain();
  }

  /** Resolves once everything written so far has been delivered (and whatever that caused). */
  async settle(): Promise<void> {
    for (let i = 0; i < 1000 && (this.queue.length > 0 || this.draining); i++) await Promise.resolve();
    for (let i = 0; i < 64; i++) await Promise.resolve();
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    const epoch = this.epoch;
    void Promise.resolve().then(() => {
      this.draining = false;
      if (epoch !== this.epoch) return;
      // one chunk per microtask: a reply written while handling a chunk lands after it
      const next = this.queue.shift();
      if (!next) return;
      if (this.queue.length > 0) this.scheduleDrain();
      (next.direction === 'a->b' ? this.b : this.a).deliver(next.bytes);
    });
  }
}

/** A connected pair; `a` is usually the device, `b` the precinct computer. */
export function memoryLinkPair(options: { connected?: boolean; fault?: LinkFault } = {}): MemoryLinkPair {
  return new MemoryLinkPair(options);
}

// ---- fault builders (deterministic: seeded, never Math.random) ----

/** xorshift32: a small deterministic generator for fault patterns. Not for anything secret. */
export function seededRandom(seed: number): () => number {
  let s = (seed >>> 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

/** Splits every chunk into pieces of 1..maxPiece bytes. */
export function splitFault(seed: number, maxPiece = 7): LinkFault {
  const rnd = seededRandom(seed);
  return (chunk) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < chunk.length; ) {
      const n = 1 + Math.floor(rnd() * maxPiece);
      out.push(chunk.subarray(i, i + n));
      i += n;
    }
    return out;
  };
}

/** Flips one random bit in a chunk with probability `rate`. */
export function corruptFault(seed: number, rate: number, only?: LinkDirection): LinkFault {
  const rnd = seededRandom(seed);
  return (chunk, direction) => {
    if ((only && direction !== only) || chunk.length === 0 || rnd() >= rate) return [chunk];
    const c = chunk.slice();
    c[Math.floor(rnd() * c.length)] ^= 1 << Math.floor(rnd() * 8);
    return [c];
  };
}

/** Drops a chunk with probability `rate`. */
export function dropFault(seed: number, rate: number, only?: LinkDirection): LinkFault {
  const rnd = seededRandom(seed);
  return (chunk, direction) => ((only && direction !== only) || rnd() >= rate ? [chunk] : []);
}

/** Applies faults in order, each to the pieces the previous one produced. */
export function composeFaults(...faults: LinkFault[]): LinkFault {
  return (chunk, direction) => {
    let pieces = [chunk];
    for (const f of faults) pieces = pieces.flatMap((p) => f(p, direction));
    return pieces;
  };
}

/** Delivers a chunk twice with probability `rate` (a replaying or echoing line). */
export function duplicateFault(seed: number, rate: number, only?: LinkDirection): LinkFault {
  const rnd = seededRandom(seed);
  return (chunk, direction) => ((only && direction !== only) || rnd() >= rate ? [chunk] : [chunk, chunk.slice()]);
}
