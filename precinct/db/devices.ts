// Devices enrolled at the precinct and their public keys (Ed25519 signing key; X25519 key
// for the device link where the kind has one).
import type { PrecinctDb } from './open';
import type { Clock } from './clock';
import { PrecinctError } from '../errors';

export type DeviceKind = 'terminal' | 'accumulator' | 'portable-ballot' | 'card-writer';
export type DeviceStatus = 'active' | 'withdrawn' | 'faulty';

export interface Device {
  deviceId: string;
  kind: DeviceKind;
  serial: string;
  signPublicKey: Uint8Array;
  kexPublicKey: Uint8Array | null;
  enrolledAt: string;
  status: DeviceStatus;
}

interface Row {
  device_id: string; kind: DeviceKind; serial: string; sign_public_key: Uint8Array;
  kex_public_key: Uint8Array | null; enrolled_at: string; status: DeviceStatus;
}

const toDevice = (r: Row): Device => ({
  deviceId: r.device_id, kind: r.kind, serial: r.serial,
  signPublicKey: new Uint8Array(r.sign_public_key),
  kexPublicKey: r.kex_public_key ? new Uint8Array(r.kex_public_key) : null,
  enrolledAt: r.enrolled_at, status: r.status,
});

export function enrollDevice(db: PrecinctDb, clock: Clock, d: Omit<Device, 'enrolledAt' | 'status'>): Device {
  if (d.signPublicKey.length !== 32 || (d.kexPublicKey && d.kexPublicKey.length !== 32)) {
    throw new PrecinctError('device-key-length', 'public keys are 32 bytes; read them from the device again');
  }
  const enrolledAt = clock().toISOString();
  try {
    db.prepare('INSERT INTO devices (device_id, kind, serial, sign_public_key, kex_public_key, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.deviceId, d.kind, d.serial, d.signPublicKey, d.kexPublicKey, enrolledAt);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
      throw new PrecinctError('device-duplicate', `a device with id ${d.deviceId} or serial ${d.serial} is already enrolled; check the label against listDevices()`);
    }
    throw e;
  }
  return { ...d, enrolledAt, status: 'active' };
}

export function getDevice(db: PrecinctDb, deviceId: string): Device | undefined {
  const r = db.prepare('SELECT * FROM devices WHERE device_id = ?').get(deviceId) as Row | undefined;
  return r && toDevice(r);
}

export function listDevices(db: PrecinctDb, kind?: DeviceKind): Device[] {
  const rows = (kind
    ? db.prepare('SELECT * FROM devices WHERE kind = ? ORDER BY device_id').all(kind)
    : db.prepare('SELECT * FROM devices ORDER BY kind, device_id').all()) as Row[];
  return rows.map(toDevice);
}

export function setDeviceStatus(db: PrecinctDb, deviceId: string, status: DeviceStatus): void {
  const r = db.prepare('UPDATE devices SET status = ? WHERE device_id = ?').run(status, deviceId);
  if (r.changes !== 1) throw new PrecinctError('device-unknown', `no device ${deviceId} is enrolled`);
}
