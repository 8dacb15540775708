// The guest side of a device running in XS with its link to a precinct computer on Node
// (hosts/xs/harness/device.ts, XsDevice). No Node here: this code runs inside XS.
//  - HostLink: a LinkPort whose writes go out through the host call `link-write`; incoming
//    bytes are pulled with `link-take` when the host evaluates `__sailauPump(nowMs)`.
//  - the device's clock is a VirtualClock the host moves to real time at every pump, so its
//    timers fire (inside the pump's evaluate) when they are due; after each pump the host
//    evaluates `__sailauIdle()` to learn when the next timer is due.
// XS runs the promise job queue at the end of every evaluate, so what a delivery starts
// (an RPC handler, a self-test) runs to its next timer or host wait inside that evaluate.
import { hostCall } from './bridge';
import { VirtualClock } from '../../../runtime/virtual-clock';
import type { LinkPort } from '../../../runtime/ports';
import type { CborValue } from '../../../protocol/cbor';

export class HostLink implements LinkPort {
  private receivers: ((bytes: Uint8Array) => void)[] = [];
  write(bytes: Uint8Array): void { hostCall('link-write', { bytes: bytes.slice() }); }
  onReceive(handler: (bytes: Uint8Array) => void): void { this.receivers.push(handler); }
  onConnectionChange(): void { /* the host's link is always up */ }
  /** Takes what the host has queued and hands it to the receivers. */
  deliverPending(): void {
    const b = hostCall('link-take');
    if (b instanceof Uint8Array && b.length > 0) for (const h of [...this.receivers]) h(b);
  }
}

/** The set-up the harness gave (XsDevice.start's `config`). */
export function hostConfig(): CborValue { return hostCall('config'); }

/** Installs the globals the host drives the device with. */
export function serveHostLink(link: HostLink, clock: VirtualClock): void {
  const g = globalThis as unknown as { __sailauPump: (nowMs: number) => void; __sailauIdle: () => void };
  g.__sailauPump = (nowMs: number): void => {
    const ahead = nowMs - clock.monotonicMs();
    if (ahead > 0) clock.advance(ahead);
    link.deliverPending();
  };
  g.__sailauIdle = (): void => {
    const due = clock.nextDue();
    hostCall('idle', { nextDue: due === undefined ? null : due });
  };
}
