// Typed failures of device control. `code` is stable (tests and the command line switch on
// it); `deviceId` names the device; the message says what happened and what to do next.
import { ProtocolError } from '../../protocol/bytes';
import { PrecinctError } from '../errors';

export type DeviceErrorCode =
  | 'device-unreachable' // no link, or no answer after every retry
  | 'device-refused-key' // the device does not know this precinct computer's key (or ours is not its)
  | 'device-refused' // the device answered with an error (remoteCode says which)
  | 'device-wrong-password' // the device refused the start-password verifier
  | 'device-wrong-state' // not allowed in the device's current state
  | 'device-bad-answer' // an answer that does not match the protocol
  | 'device-identity-mismatch' // identify does not match what was enrolled
  | 'device-log-broken' // its event log does not verify
  | 'device-not-supported' // the device's firmware has no such message yet
  | 'device-bad-address' // the link address cannot be parsed
  | 'device-unknown'; // no such enrolled device

export class DeviceError extends PrecinctError {
  constructor(code: DeviceErrorCode, readonly deviceId: string, message: string, readonly remoteCode?: string) {
    super(code, `${deviceId}: ${message}`);
    this.name = 'DeviceError';
  }
}

/** What the operator does next, per error code (shown by the command line). */
export const DEVICE_ERROR_ADVICE: Record<DeviceErrorCode, string> = {
  'device-unreachable': 'check the cable and that the device is powered on, then run the command again; if it still does not answer, the commission may decide to restart it (decision restart)',
  'device-refused-key': 'the device was not commissioned with this precinct computer\'s key: compare the key fingerprints on both screens and commission it again',
  'device-refused': 'read the device\'s message above; call the technician',
  'device-wrong-password': 'the device refused the start password: check the envelope sheet and type it again; if it keeps refusing, call the technician',
  'device-wrong-state': 'the device is not in the state this step needs; run `status` and follow the day\'s order of commands',
  'device-bad-answer': 'the device answered something the protocol does not allow: call the technician (firmware version?)',
  'device-identity-mismatch': 'this is not the device that was enrolled under this name: check the label and serial number; do not use it until the commission decides',
  'device-log-broken': 'the device\'s event log does not verify: set the device aside, keep it powered, call the technician and record it in the commission\'s minutes',
  'device-not-supported': 'this device\'s firmware does not have this function yet: call the technician',
  'device-bad-address': 'give the address as tcp:<port>, tcp:<host>:<port> or serial:<path>',
  'device-unknown': 'run `devices` to see the enrolled devices and their names',
};

/** Maps whatever a call threw to a DeviceError (RpcError codes, session refusals, timeouts). */
export function toDeviceError(deviceId: string, what: string, e: unknown): DeviceError {
  if (e instanceof DeviceError) return e;
  if (e instanceof ProtocolError) {
    const detail = e.message;
    switch (e.code) {
      case 'timeout': return new DeviceError('device-unreachable', deviceId, `no answer to ${what} (${detail})`);
      case 'unknown-key': case 'handshake-failed': return new DeviceError('device-refused-key', deviceId, `refused the secure link (${detail})`, e.code);
      case 'unknown-type': return new DeviceError('device-not-supported', deviceId, `its firmware does not answer ${what} (${detail})`, e.code);
      case 'unauthorized': return new DeviceError('device-wrong-password', deviceId, `refused ${what}: ${detail}`, e.code);
      case 'wrong-state': return new DeviceError('device-wrong-state', deviceId, `refused ${what}: ${detail}`, e.code);
      case 'bad-response': return new DeviceError('device-bad-answer', deviceId, `${what}: ${detail}`, e.code);
      default: return new DeviceError('device-refused', deviceId, `refused ${what}: ${detail}`, e.code);
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return new DeviceError('device-unreachable', deviceId, `${what} failed: ${message}`);
}
