// The precinct computer's links to its enrolled devices, opened on first use. Addresses come
// from the device_links table (written at commissioning); tests inject a connector per device
// (memory links) through `connectorFor`.
import type { PrecinctDb } from '../db/open';
import { getDevice, listDevices, type Device } from '../db/devices';
import { connectorFor as defaultConnectorFor, parseAddress, type Connector } from './address';
import { DeviceError } from './errors';
import { DeviceLink, type LinkContext } from './link';

export interface DeviceLinkRow {
  deviceId: string;
  address: string;
  firmwareVersion: string;
  firmwareHash: Uint8Array;
  commissionedAt: string;
  provisioned: string;
}

export function getDeviceLinkRow(db: PrecinctDb, deviceId: string): DeviceLinkRow | undefined {
  const r = db.prepare('SELECT device_id, address, firmware_version, firmware_hash, commissioned_at, provisioned FROM device_links WHERE device_id = ?').get(deviceId) as
    { device_id: string; address: string; firmware_version: string; firmware_hash: Uint8Array; commissioned_at: string; provisioned: string } | undefined;
  return r && { deviceId: r.device_id, address: r.address, firmwareVersion: r.firmware_version, firmwareHash: new Uint8Array(r.firmware_hash), commissionedAt: r.commissioned_at, provisioned: r.provisioned };
}

export function setDeviceAddress(db: PrecinctDb, deviceId: string, address: string): void {
  parseAddress(address, deviceId);
  const r = db.prepare('UPDATE device_links SET address = ? WHERE device_id = ?').run(address, deviceId);
  if (r.changes !== 1) throw new DeviceError('device-unknown', deviceId, 'is not a commissioned device');
}

export interface PoolOptions extends LinkContext {
  db: PrecinctDb;
  /** Overrides how a device is reached (tests: memory links). */
  connectorFor?: (deviceId: string, address: string) => Connector;
}

export class DevicePool {
  private readonly links = new Map<string, DeviceLink>();

  constructor(readonly options: PoolOptions) {}

  /** Active enrolled devices that have a link (the card writer has none). */
  devices(): Device[] {
    return listDevices(this.options.db).filter((d) => d.status === 'active' && d.kexPublicKey !== null && getDeviceLinkRow(this.options.db, d.deviceId) !== undefined);
  }

  connector(deviceId: string, address: string): Connector {
    return this.options.connectorFor ? this.options.connectorFor(deviceId, address) : defaultConnectorFor(parseAddress(address, deviceId));
  }

  link(deviceId: string): DeviceLink {
    const existing = this.links.get(deviceId);
    if (existing) return existing;
    const d = getDevice(this.options.db, deviceId);
    const row = getDeviceLinkRow(this.options.db, deviceId);
    if (!d || !row || !d.kexPublicKey) throw new DeviceError('device-unknown', deviceId, 'is not a commissioned device with a link');
    const l = new DeviceLink(deviceId, d.kexPublicKey, this.connector(deviceId, row.address), this.options);
    this.links.set(deviceId, l);
    return l;
  }

  /**
   * Takes over a link opened before the device was enrolled (commissioning), so the same
   * connection and session go on: a TCP device serves one connection at a time, and a second
   * one opened while the first is closing would be refused.
   */
  adopt(link: DeviceLink): void {
    this.forget(link.deviceId);
    this.links.set(link.deviceId, link);
  }

  /** After a restart: a new session from scratch (DeviceLink.relink). */
  async relink(deviceId: string): Promise<DeviceLink> {
    const l = this.link(deviceId);
    await l.relink();
    return l;
  }

  /** Forgets a link (its address changed). */
  forget(deviceId: string): void {
    void this.links.get(deviceId)?.close();
    this.links.delete(deviceId);
  }

  /** Closes every link; resolves when the connections are closed. */
  async close(): Promise<void> {
    const all = [...this.links.values()];
    this.links.clear();
    await Promise.all(all.map((l) => l.close()));
  }
}
