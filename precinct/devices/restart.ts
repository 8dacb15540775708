// Faults (001 §14, issue 8 §7): on a fault that blocks voting or counting the commission may
// decide to restart a device's program. The decision — who signed it and why — is recorded
// in the event log before anything is done; the specialist restarts the device; then the
// precinct computer links to it afresh (new client instance, new Noise session: the restarted
// device has forgotten both) and checks it is the same device, in the state it was in.
import { bytesEqual } from '../../protocol/bytes';
import { getDevice } from '../db/devices';
import { eventLog } from '../event-log';
import { PrecinctError } from '../errors';
import type { DeviceWork } from '../setup';
import { identify, status, type StatusAnswer } from './calls';
import { DeviceError } from './errors';

export interface RestartDecision {
  deviceId: string;
  /** Names of the commission members who signed the decision (the chairman first). */
  members: string[];
  reason: string;
}

/** At least this many signatures: the chairman and one member (a decision is the commission's). */
export const MIN_DECISION_MEMBERS = 2;

/** Records the decision as an event; refusals: decision-incomplete, device-unknown. Returns the event seq. */
export function recordRestartDecision(w: Pick<DeviceWork, 'db' | 'clock'>, d: RestartDecision): number {
  const device = getDevice(w.db, d.deviceId);
  if (!device) throw new DeviceError('device-unknown', d.deviceId, 'is not enrolled');
  const members = d.members.map((m) => m.trim()).filter((m) => m !== '');
  if (members.length < MIN_DECISION_MEMBERS) {
    throw new PrecinctError('decision-incomplete', `a restart decision is signed by at least ${MIN_DECISION_MEMBERS} commission members (001 §14); name them with --members "A. Name, B. Name"`);
  }
  if (new Set(members).size !== members.length) throw new PrecinctError('decision-incomplete', 'a member is named twice');
  if (d.reason.trim().length < 3) throw new PrecinctError('decision-incomplete', 'give the reason as written in the decision (--reason "...")');
  const row = eventLog(w.db, w.clock).append({ event: 'restart-decision', disposition: 'info', detail: {
    deviceId: d.deviceId, kind: device.kind, serial: device.serial, members: members.join('; '), signatures: members.length, reason: d.reason.trim(),
  } });
  return row.seq;
}

export interface RelinkResult { deviceId: string; status: StatusAnswer; handshakes: number }

/**
 * After the specialist restarted the device: a new session from scratch, identity checked
 * against the enrolment, status read. Logged either way.
 */
export async function relinkDevice(w: DeviceWork, deviceId: string): Promise<RelinkResult> {
  const device = getDevice(w.db, deviceId);
  if (!device) throw new DeviceError('device-unknown', deviceId, 'is not enrolled');
  const log = eventLog(w.db, w.clock);
  const link = await w.pool.relink(deviceId);
  try {
    const id = await identify(link);
    if (!bytesEqual(id.publicKey, device.kexPublicKey ?? new Uint8Array(0)) || id.serial !== device.serial) {
      throw new DeviceError('device-identity-mismatch', deviceId, `after the restart it answers as ${id.kind} ${id.serial}, not the enrolled device`);
    }
    const st = await status(link);
    log.append({ event: 'device-relinked', disposition: 'ok', detail: { deviceId, state: st.state, eventCount: st.eventCount } });
    return { deviceId, status: st, handshakes: link.stats().handshakes };
  } catch (e) {
    if (e instanceof PrecinctError) log.append({ event: 'device-relinked', disposition: 'failed', detail: { deviceId, reason: e.code } });
    throw e;
  }
}
