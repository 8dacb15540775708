// Where a device is reached: "tcp:<port>", "tcp:<host>:<port>" (the simulated devices, on
// loopback) or "serial:<path>" (a UART / USB CDC device). A Connector opens one connection;
// the reconnecting link (link.ts) calls it again after a disconnect.
import type { LinkPort } from '../../runtime/ports';
import { connectTcpLink } from '../../hosts/node/link-tcp';
import { DeviceError } from './errors';

/** One open connection to a device, and how to end it. */
export interface Connection {
  link: LinkPort;
  close(): void | Promise<void>;
}

export type Connector = () => Promise<Connection>;

export type DeviceAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string };

export function parseAddress(text: string, deviceId = '(new device)'): DeviceAddress {
  const t = text.trim();
  let m = /^tcp:([0-9]{1,5})$/.exec(t);
  if (m) return tcp('127.0.0.1', Number(m[1]));
  m = /^tcp:([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})$/.exec(t);
  if (m) return tcp(m[1].replace(/^\[|\]$/g, ''), Number(m[2]));
  m = /^serial:(\/.+)$/.exec(t);
  if (m) return { kind: 'serial', path: m[1] };
  throw new DeviceError('device-bad-address', deviceId, `"${text}" is not a device address`);

  function tcp(host: string, port: number): DeviceAddress {
    if (port < 1 || port > 65535) throw new DeviceError('device-bad-address', deviceId, `port ${port} is out of range`);
    return { kind: 'tcp', host, port };
  }
}

export function formatAddress(a: DeviceAddress): string {
  return a.kind === 'tcp' ? `tcp:${a.host}:${a.port}` : `serial:${a.path}`;
}

/** A connector for an address: TCP through hosts/node/link-tcp, serial through hosts/node/link-serial. */
export function connectorFor(address: DeviceAddress): Connector {
  if (address.kind === 'tcp') {
    return async () => {
      const c = await connectTcpLink(address.port, address.host);
      return { link: c, close: () => c.close() };
    };
  }
  return async () => {
    // Loaded only when a serial device is used: the serialport package has a native part.
    const { SerialLink } = await import('../../hosts/node/link-serial');
    const s = await SerialLink.open(address.path);
    return { link: s, close: () => s.close() };
  };
}
