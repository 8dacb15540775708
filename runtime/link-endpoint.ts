// The device's end of the link to the precinct computer: protocol/session's SessionServer
// (framing + Noise KK with the enrolled precinct computer + one-request-at-a-time RPC) on a
// LinkPort, plus what the device needs around it:
//  - security-relevant refusals (unknown key, failed handshake, a transport frame that did
//    not authenticate) and bursts of broken frames go to onSecurityEvent, for the event log;
//  - those reports are rate-limited, so a flood on the wire cannot flood the event log
//    (and wear the flash): past the limit they are counted and reported as one summary;
//  - the link's connection state and counters, for the status screen and the Status message.
// Garbage, half frames and reconnects need nothing here: the frame decoder resynchronises
// at the next delimiter and the session server forgets a half frame on disconnect.

import type { ClockPort, CryptoPort, EntropyPort, LinkPort, TimerHandle } from './ports';
import { SessionServer, type SecurityEvent } from '../protocol/session';
import type { NoiseKeyPair } from '../protocol/crypto/noise';
import type { RpcServer } from '../protocol/wire/rpc';
import { DROP_REASONS, type DropReason } from '../protocol/wire/frame';

export type LinkSecurityCode = SecurityEvent['code'] | 'frame-errors' | 'events-suppressed';

export interface LinkSecurityEvent {
  code: LinkSecurityCode;
  detail: string;
  /** Monotonic ms when it was seen. */
  atMs: number;
}

export interface LinkEndpointOptions {
  link: LinkPort;
  clock: ClockPort;
  crypto: CryptoPort;
  entropy: EntropyPort;
  /** The device's static X25519 key pair. */
  staticKey: NoiseKeyPair;
  /** Static public keys of the enrolled precinct computer(s). */
  enrolledKeys: readonly Uint8Array[];
  rpc: RpcServer;
  /** Where refusals go; the device appends them to its event log. */
  onSecurityEvent?: (event: LinkSecurityEvent) => void;
  /**
   * Broken frames (bad CRC, bad COBS, oversize, …) within windowMs that make a 'frame-errors'
   * event. Line noise at plug-in makes a few; default 16 in 60 s.
   */
  frameErrors?: { threshold: number; windowMs: number };
  /** Most events reported per window before they are only counted; default 10 per 60 s. */
  eventLimit?: { max: number; windowMs: number };
}

export interface LinkEndpointStats {
  connected: boolean;
  hasSession: boolean;
  connects: number;
  disconnects: number;
  handshakes: number;
  refusedHandshakes: number;
  decryptFailures: number;
  framesReceived: number;
  framesDropped: number;
  securityEventsReported: number;
  securityEventsSuppressed: number;
}

export class LinkEndpoint {
  readonly server: SessionServer;
  private connected = true; // a link that cannot tell connection state is taken as connected
  private connects = 0;
  private disconnects = 0;
  private lastDropped = 0;
  private frameErrorTimes: number[] = [];
  private eventWindowStart = 0;
  private eventsInWindow = 0;
  private suppressed = 0;
  private suppressedTotal = 0;
  private reported = 0;
  private summaryTimer: TimerHandle | undefined;
  private readonly frameErrors: { threshold: number; windowMs: number };
  private readonly eventLimit: { max: number; windowMs: number };

  constructor(private readonly opts: LinkEndpointOptions) {
    this.frameErrors = opts.frameErrors ?? { threshold: 16, windowMs: 60_000 };
    this.eventLimit = opts.eventLimit ?? { max: 10, windowMs: 60_000 };
    this.eventWindowStart = opts.clock.monotonicMs();
    this.server = new SessionServer({
      link: opts.link,
      crypto: opts.crypto,
      entropy: opts.entropy,
      staticKey: opts.staticKey,
      enrolledKeys: opts.enrolledKeys,
      rpc: opts.rpc,
      onSecurityEvent: (e) => this.report(e.code, e.detail),
    });
    // Registered after the session server's own handler, so it sees each chunk's effect.
    opts.link.onReceive(() => this.watchFrames());
    opts.link.onConnectionChange((c) => {
      // the session server has just dropped any half frame (counted 'short' by the decoder):
      // cut off by a disconnect is not a fault, so it is absorbed, not counted
      this.lastDropped = totalDropped(this.server.decoder.stats.framesDropped);
      this.connected = c;
      if (c) this.connects++; else this.disconnects++;
    });
  }

  /** Replaces the enrolled keys (re-enrolment); any session with an old key ends. */
  setEnrolledKeys(keys: readonly Uint8Array[]): void { this.server.setEnrolledKeys(keys); }

  /** Ends the current session (e.g. when the device closes); the client must handshake again. */
  dropSession(): void { this.server.drop(); }

  stats(): LinkEndpointStats {
    const d = this.server.decoder.stats;
    return {
      connected: this.connected,
      hasSession: this.server.hasSession,
      connects: this.connects,
      disconnects: this.disconnects,
      handshakes: this.server.stats.handshakes,
      refusedHandshakes: this.server.stats.refusedHandshakes,
      decryptFailures: this.server.stats.decryptFailures,
      framesReceived: d.frames,
      framesDropped: totalDropped(d.framesDropped),
      securityEventsReported: this.reported,
      securityEventsSuppressed: this.suppressedTotal,
    };
  }

  private watchFrames(): void {
    const d = this.server.decoder.stats.framesDropped;
    const total = totalDropped(d);
    const fresh = total - this.lastDropped;
    if (fresh <= 0) return;
    this.lastDropped = total;
    const now = this.opts.clock.monotonicMs();
    for (let i = 0; i < fresh; i++) this.frameErrorTimes.push(now);
    const windowStart = now - this.frameErrors.windowMs;
    this.frameErrorTimes = this.frameErrorTimes.filter((t) => t > windowStart);
    if (this.frameErrorTimes.length >= this.frameErrors.threshold) {
      const n = this.frameErrorTimes.length;
      this.frameErrorTimes = []; // one event per threshold's worth of broken frames
      const reasons = DROP_REASONS.filter((r) => d[r] > 0).map((r) => `${r} ${d[r]}`).join(', ');
      this.report('frame-errors', `${n} broken frames within ${this.frameErrors.windowMs} ms (totals: ${reasons})`);
    }
  }

  private report(code: LinkSecurityCode, detail: string): void {
    const clock = this.opts.clock;
    const now = clock.monotonicMs();
    if (now - this.eventWindowStart >= this.eventLimit.windowMs) this.flushSuppressed(now);
    if (this.eventsInWindow >= this.eventLimit.max) {
      this.suppressed++;
      this.suppressedTotal++;
      if (!this.summaryTimer) {
        const wait = Math.max(0, this.eventWindowStart + this.eventLimit.windowMs - now);
        this.summaryTimer = clock.setTimeout(wait, () => { this.summaryTimer = undefined; this.flushSuppressed(clock.monotonicMs()); });
      }
      return;
    }
    this.eventsInWindow++;
    this.emit({ code, detail, atMs: now });
  }

  /** Starts a new rate window, reporting what the old one suppressed (the summary always gets through). */
  private flushSuppressed(now: number): void {
    const n = this.suppressed;
    this.suppressed = 0;
    this.eventWindowStart = now;
    this.eventsInWindow = 0;
    if (n > 0) this.emit({ code: 'events-suppressed', detail: `${n} more link refusals in the last ${this.eventLimit.windowMs} ms not logged one by one`, atMs: now });
  }

  private emit(e: LinkSecurityEvent): void {
    this.reported++;
    this.opts.onSecurityEvent?.(e);
  }
}

function totalDropped(d: Record<DropReason, number>): number {
  let n = 0;
  for (const r of DROP_REASONS) n += d[r];
  return n;
}
