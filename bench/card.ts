// Bytes and APDUs exchanged with the voter card per voter, and what that takes on the wire.
//   npx tsx bench/card.ts
// Runs the real flows (card writer, terminal, accumulator) against the simulated card and
// counts what crossed the reader. Wire time is an estimate for an ISO 7816-3 contact card
// under T=1; the assumptions are printed with the figures.

import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { utf8Encode } from '../protocol/bytes';
import { sealVote, verifyVotedCard } from '../protocol/card/records';
import { SimulatedCard, cardAtr } from '../smartcard-sim/card';
import { SimulatedCardReader } from '../smartcard-sim/reader';
import { CardClient } from '../runtime/card-client';
import { CardWriter } from '../precinct/card-writer';
import type { EntropyPort } from '../protocol/crypto/port';

// ---- assumptions (T=1, ISO 7816-3) ----
const IFS = 254; // IFSC from our ATR (TA3 = FE); IFSD the reader sets with one S(IFS) exchange
const BLOCK_OVERHEAD = 4; // NAD PCB LEN + LRC
const ETU_PER_CHAR = 11; // T=1 with N = 0: 1 start + 8 data + 1 parity + 1 guard
const BGT_ETU = 22; // block guard time at each change of direction
const SESSION_BYTES_AT_9600 = cardAtr().length; // the ATR always comes at the initial 9600 etu rate
const PPS_BYTES = 8; // PPS request + response, only when switching to a faster rate
const S_IFS_BYTES = 10; // S(IFS request) + S(IFS response), once per session
const PAGE = 64; // EEPROM page; consecutive writes to one page are programmed once
const PAGE_WRITE_MS = 2; // per page program (typical secure-microcontroller EEPROM: 1–3.5 ms)

let counter = 0;
const entropy: EntropyPort = { randomBytes: (n) => { const out = new Uint8Array(n); for (let i = 0; i < n; i++) out[i] = (counter++ * 131 + 7) & 0xff; return out; } };
const issuer = crypto.sha256(utf8Encode('bench issuer'));
const terminal = crypto.sha256(utf8Encode('bench terminal'));
const electionSecret = crypto.sha256(utf8Encode('bench election key'));
const election = crypto.sha256(utf8Encode('bench election'));

interface Phase { name: string; apdus: number; commandBytes: number; responseBytes: number; t1Bytes: number; directionChanges: number; pagePrograms: number; sessions: number }

function t1Bytes(n: number): { bytes: number; acks: number } {
  const blocks = Math.max(1, Math.ceil(n / IFS));
  return { bytes: n + blocks * BLOCK_OVERHEAD, acks: blocks - 1 }; // an R-block answers each non-final link
}

async function main(): Promise<void> {
  const reader = new SimulatedCardReader();
  const card = new SimulatedCard();
  reader.insert(card);
  // count EEPROM page programs: a run of writes within one page is one program
  let pagePrograms = 0;
  let lastPage = -1;
  const writeByte = card.eeprom.writeByte.bind(card.eeprom);
  card.eeprom.writeByte = (offset: number, value: number) => {
    writeByte(offset, value);
    const page = Math.floor(offset / PAGE);
    if (page !== lastPage) { pagePrograms++; lastPage = page; }
  };
  const phases: Phase[] = [];
  async function phase(name: string, sessions: number, f: () => Promise<void>): Promise<void> {
    reader.log.length = 0; pagePrograms = 0; lastPage = -1;
    await f();
    const p: Phase = { name, apdus: reader.log.length, commandBytes: 0, responseBytes: 0, t1Bytes: 0, directionChanges: 0, pagePrograms, sessions };
    for (const x of reader.log) {
      p.commandBytes += x.command.length; p.responseBytes += x.response.length;
      const c = t1Bytes(x.command.length), r = t1Bytes(x.response.length);
      p.t1Bytes += c.bytes + r.bytes + (c.acks + r.acks) * BLOCK_OVERHEAD;
      p.directionChanges += 2 + 2 * (c.acks + r.acks);
    }
    phases.push(p);
  }

  const writer = new CardWriter({ crypto, entropy, issuerSecretKey: issuer, reader, nowSeconds: () => 1_718_000_000 });
  const client = new CardClient(reader, crypto);
  let activationBytes: Uint8Array = new Uint8Array(0);
  let voteBytes: Uint8Array = new Uint8Array(0);
  await phase('activate (precinct card writer)', 1, async () => {
    activationBytes = (await writer.activate({ electionFingerprint: election, precinct: 1234, ballotStyle: 1 })).bytes;
  });
  await phase('vote (terminal: read activation, write, confirm)', 1, async () => {
    await client.connect();
    const act = await client.readActivation();
    voteBytes = sealVote(crypto, entropy, {
      activationBytes: act, electionFingerprint: election, electionPublicKey: crypto.x25519PublicKey(electionSecret), terminalSecretKey: terminal,
      content: { selections: [{ contest: 1, option: 7 }, { contest: 2, option: 3 }], verificationCode: 4821 },
    }).bytes;
    await client.writeVote(voteBytes);
    if (!(await client.confirmVote(voteBytes))) throw new Error('vote not confirmed');
  });
  await phase('read (accumulator)', 1, async () => {
    await client.connect();
    const a = await client.readActivation();
    const v = await client.readVote();
    verifyVotedCard(crypto, a, v, { electionFingerprint: election, precinct: 1234, issuers: [crypto.ed25519PublicKey(issuer)], terminals: [crypto.ed25519PublicKey(terminal)] });
  });
  await phase('clear (accumulator, then READ STATE)', 0, async () => {
    await client.clear(voteBytes);
    await client.readState();
  });

  console.log(`voter card: activation ${activationBytes.length} B + vote ${voteBytes.length} B = ${activationBytes.length + voteBytes.length} B on the card (capacity 256 + 768 = 1024 B)`);
  console.log(`assumptions: T=1, IFSC=IFSD=${IFS}, ${BLOCK_OVERHEAD} B per block, ${ETU_PER_CHAR} etu/char, BGT ${BGT_ETU} etu per turn-around, ATR (${SESSION_BYTES_AT_9600} B) at 9600 + S(IFS) ${S_IFS_BYTES} B per session (+ PPS ${PPS_BYTES} B at 115200);`);
  console.log(`             EEPROM ${PAGE}-byte pages at ${PAGE_WRITE_MS} ms a program; reader/host latency and card CPU time not included.`);
  const rows: string[][] = [['phase', 'APDUs', 'cmd B', 'resp B', 'T=1 B', 'pages', 'ms @9600', 'ms @115200']];
  const total = { apdus: 0, c: 0, r: 0, t1: 0, pages: 0, t9600: 0, t115200: 0 };
  for (const p of phases) {
    const sessionChars = p.sessions * S_IFS_BYTES;
    const at = (baud: number): number => {
      const etu = 1000 / baud;
      const atr = p.sessions * SESSION_BYTES_AT_9600 * ETU_PER_CHAR * (1000 / 9600);
      const pps = baud !== 9600 ? p.sessions * PPS_BYTES * ETU_PER_CHAR * (1000 / 9600) : 0;
      return atr + pps + ((p.t1Bytes + sessionChars) * ETU_PER_CHAR + (p.directionChanges + p.sessions * 2) * BGT_ETU) * etu + p.pagePrograms * PAGE_WRITE_MS;
    };
    const t9600 = at(9600), t115200 = at(115200);
    rows.push([p.name, String(p.apdus), String(p.commandBytes), String(p.responseBytes), String(p.t1Bytes + sessionChars), String(p.pagePrograms), t9600.toFixed(0), t115200.toFixed(0)]);
    total.apdus += p.apdus; total.c += p.commandBytes; total.r += p.responseBytes; total.t1 += p.t1Bytes + sessionChars; total.pages += p.pagePrograms; total.t9600 += t9600; total.t115200 += t115200;
  }
  rows.push(['per voter', String(total.apdus), String(total.c), String(total.r), String(total.t1), String(total.pages), total.t9600.toFixed(0), total.t115200.toFixed(0)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
