// The TCP LinkPort: one precinct-computer connection at a time, connection changes
// reported, bytes intact, reconnects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpLinkServer, connectTcpLink, type TcpLinkClient } from '../hosts/node/link-tcp';
import { bytesEqual, concatBytes } from '../protocol/bytes';

async function waitFor(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('bytes pass both ways; connection changes are reported; reconnect works', async () => {
  const device = await TcpLinkServer.listen();
  const events: boolean[] = [];
  const got: Uint8Array[] = [];
  device.onConnectionChange((c) => events.push(c));
  device.onReceive((b) => got.push(b));
  device.write(Uint8Array.of(9)); // nobody connected: dropped silently

  let pc: TcpLinkClient = await connectTcpLink(device.port);
  const back: Uint8Array[] = [];
  pc.onReceive((b) => back.push(b));
  await waitFor(() => device.connected, 3000, 'accept');
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  pc.write(all);
  await waitFor(() => concatBytes(...got).length >= 256);
  assert.ok(bytesEqual(concatBytes(...got), all));
  device.write(all.slice().reverse());
  await waitFor(() => concatBytes(...back).length >= 256);
  assert.ok(bytesEqual(concatBytes(...back), all.slice().reverse()));

  await pc.close();
  await waitFor(() => !device.connected, 3000, 'disconnect');
  pc = await connectTcpLink(device.port);
  await waitFor(() => device.connected, 3000, 'reconnect');
  got.length = 0;
  pc.write(Uint8Array.of(1, 2, 3));
  await waitFor(() => got.length > 0);
  assert.equal([...concatBytes(...got)], [1, 2, 3]);
  assert.equal(events, [true, false, true]);

  // the device hangs up: the client hears about it
  const clientEvents: boolean[] = [];
  pc.onConnectionChange((c) => clientEvents.push(c));
  device.hangUp();
  await waitFor(() => !pc.connected && !device.connected, 3000, 'hang-up');
  assert.equal(clientEvents, [false]);
  assert.equal(events, [true, false, true, false]);
  await device.close();
});

test('a second connection while one is open is refused and changes nothing', async () => {
  const device = await TcpLinkServer.listen();
  const got: number[] = [];
  const events: boolean[] = [];
  device.onReceive((b) => got.push(...b));
  device.onConnectionChange((c) => events.push(c));
  const first = await connectTcpLink(device.port);
  await waitFor(() => device.connected);
  const intruder = await connectTcpLink(device.port);
  intruder.write(Uint8Array.of(0xee));
  await waitFor(() => !intruder.connected, 3000, 'intruder closed');
  assert.is(device.refused, 1);
  first.write(Uint8Array.of(0x01));
  await waitFor(() => got.length > 0);
  assert.equal(got, [0x01]);
  assert.equal(events, [true]);
  await first.close();
  await device.close();
});

test('a large burst arrives whole', async () => {
  const device = await TcpLinkServer.listen();
  const got: Uint8Array[] = [];
  device.onReceive((b) => got.push(b));
  const pc = await connectTcpLink(device.port);
  const n = 1 << 20;
  const burst = Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
  pc.write(burst);
  await waitFor(() => got.reduce((s, c) => s + c.length, 0) >= n, 10000, 'burst');
  assert.ok(bytesEqual(concatBytes(...got), burst));
  await pc.close();
  await device.close();
});

test('refuses to listen beyond loopback unless asked', async () => {
  try { await TcpLinkServer.listen({ host: '0.0.0.0' }); assert.unreachable(); }
  catch (e) { assert.match((e as Error).message, /non-loopback/); }
});

test.run();
