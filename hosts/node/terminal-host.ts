// A voting terminal on simulated hardware, for the simulated polling station (`./sailau
// start` runs four of these) and the command-line booth (terminal-cli.ts): file or memory
// flash, a memory or TCP link to the precinct computer, the simulated card reader, buttons
// "1" and "2", the Node clock, entropy and crypto.
import type { CryptoPort, EntropyPort, FlashPort, LinkPort, ClockPort, DisplayPort } from '../../runtime/ports';
import { SimFlash } from '../../runtime/flash/sim';
import { LinkEndpoint } from '../../runtime/link-endpoint';
import { SimulatedCardReader } from '../../smartcard-sim/reader';
import { Terminal, type TerminalLayout } from '../../terminal/device';
import type { Screen } from '../../terminal/screens/types';
import type { BallotConfig } from '../../terminal/ballot/config';
import { FileFlash } from './flash-file';
import { NodeClock } from './clock';
import { nodeCrypto } from './crypto';
import { nodeEntropy } from './entropy';
import { SimulatedButtons } from './buttons';
import { SimulatedPower } from './power';
import { TcpLinkServer } from './link-tcp';

/** 1 MiB journal (≈ 2,500 voters' events and counters with room to spare), the code block, a scratch block. */
export const HOST_LAYOUT: TerminalLayout = { journal: { firstBlock: 0, blockCount: 256 }, codesBlock: 256, scratchBlock: 257 };
export const HOST_BLOCKS = 258;

export interface TerminalHostOptions {
  /** A flash image file (kept across runs), or omitted for memory flash. */
  flashPath?: string;
  flash?: FlashPort;
  /** Listen for the precinct computer on this TCP port (loopback), or give a link, or neither. */
  tcpPort?: number;
  link?: LinkPort;
  /** The precinct computer's static X25519 key(s) the terminal is enrolled with. */
  enrolledKeys?: readonly Uint8Array[];
  authorityKeys: readonly Uint8Array[];
  serial?: string;
  display?: DisplayPort<Screen>;
  clock?: ClockPort;
  crypto?: CryptoPort;
  entropy?: EntropyPort;
  ballot?: Partial<BallotConfig>;
}

export interface TerminalHost {
  terminal: Terminal;
  reader: SimulatedCardReader;
  buttons: SimulatedButtons;
  power: SimulatedPower;
  flash: FlashPort;
  endpoint: LinkEndpoint | undefined;
  tcp: TcpLinkServer | undefined;
  close(): Promise<void>;
}

export async function startTerminalHost(o: TerminalHostOptions): Promise<TerminalHost> {
  const flash = o.flash ?? (o.flashPath ? FileFlash.open(o.flashPath, { blockCount: HOST_BLOCKS }) : new SimFlash(HOST_BLOCKS));
  const reader = new SimulatedCardReader();
  const buttons = new SimulatedButtons(['1', '2']);
  const power = new SimulatedPower();
  const terminal = new Terminal({
    ports: { flash, clock: o.clock ?? new NodeClock(), entropy: o.entropy ?? nodeEntropy, crypto: o.crypto ?? nodeCrypto, cardReader: reader, display: o.display, buttons, power },
    layout: HOST_LAYOUT,
    identity: { serial: o.serial ?? 'TRM-SIM-1', firmwareVersion: '0.1.0', firmwareHash: new Uint8Array(32) },
    authorityKeys: o.authorityKeys,
    ballot: o.ballot,
    onFault: (e) => { console.error(`terminal ${o.serial ?? ''}: fault, restart the device: ${String(e)}`); },
  });
  let tcp: TcpLinkServer | undefined;
  let link = o.link;
  if (!link && o.tcpPort !== undefined) { tcp = await TcpLinkServer.listen({ port: o.tcpPort }); link = tcp; }
  const endpoint = link ? terminal.attachLink(link, o.enrolledKeys ?? []) : undefined;
  return {
    terminal, reader, buttons, power, flash, endpoint, tcp,
    async close() {
      if (tcp) await tcp.close();
      if (flash instanceof FileFlash) flash.close();
    },
  };
}
