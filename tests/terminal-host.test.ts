// The Node host: a terminal on a flash file and a TCP link (as the simulated polling station
// runs it), answered over Noise KK by a SessionClient; the file keeps the device across a
// restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noiseKeyPair } from '../protocol/crypto/noise';
import { SessionClient } from '../protocol/session';
import { Identify, Status } from '../protocol/wire/messages';
import { NodeClock } from '../hosts/node/clock';
import { nodeCrypto } from '../hosts/node/crypto';
import { nodeEntropy } from '../hosts/node/entropy';
import { connectTcpLink } from '../hosts/node/link-tcp';
import { startTerminalHost } from '../hosts/node/terminal-host';
import { Counters } from '../terminal/messages';
import { AUTHORITY_PUBLIC } from './terminal-node';

test('terminal host on a flash file and TCP: identify, status, counters over Noise; the keys survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-terminal-'));
  try {
    const pc = noiseKeyPair(nodeCrypto, nodeEntropy.randomBytes(32));
    const flashPath = join(dir, 'terminal.flash');
    const host = await startTerminalHost({ flashPath, tcpPort: 0, enrolledKeys: [pc.publicKey], authorityKeys: [AUTHORITY_PUBLIC], serial: 'TRM-T1' });
    const clock = new NodeClock();
    const link = await connectTcpLink(host.tcp!.port);
    const client = new SessionClient({ link, crypto: nodeCrypto, entropy: nodeEntropy, clock, staticKey: pc, remoteStaticPublicKey: host.terminal.noiseKey.publicKey });
    const id = await client.call(Identify, {});
    assert.is(id.kind, 'terminal');
    assert.is(id.serial, 'TRM-T1');
    assert.is((await client.call(Status, {})).state, 'unconfigured');
    assert.equal((await client.call(Counters, {})).votes, 0);
    const key = host.terminal.noiseKey.publicKey;
    await link.close();
    await host.close();
    const again = await startTerminalHost({ flashPath, authorityKeys: [AUTHORITY_PUBLIC] });
    assert.equal(again.terminal.noiseKey.publicKey, key);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
