// The steps of the accumulator read-out scenarios (hosts/xs/budgets.json "readout3000", bench
// only, and "readout300"; entries tests/xs/budget-readout.ts and budget-readout300.ts): a precinct's
// accumulator (accumulator/device.ts, DAY_LAYOUT: 3,600 slots, 128 journal blocks) that holds
// n stored votes boots (journal recovery, restore of its state cells, scan of every slot),
// closes, and answers the precinct computer's whole read-out (`results.read`, page by page):
// first through its RpcServer alone (request envelope in, answer envelope out: the device's
// work, plus the precinct's small share of encoding requests and decoding answers), then
// again over the real link (accumulator/link.ts: frames, Noise KK, both ends in XS), where
// the transport's encryption and frame CRCs of both ends are added.
//
// The day's flash is prepared, not lived: taking n cards in XS would cost ≈ 6.5 M compute a
// card. `fill<n>` (not device work) boots a device on an empty DAY_LAYOUT flash, configures and
// opens it, then writes what n accepted cards leave on the chip with the accumulator's own
// code: for each, VoteSlotStore.put (a random free slot, the real slot format), the
// `vote-recorded` event in the journal, and the slot's cleared mark. The vote record is a real
// one (sealed for the election key, signed by an enrolled terminal; made once in `prepare`),
// repeated under fresh random activation ids: the boot scan and the read-out check only the
// slot's CRC and length, so they treat every copy as genuine. A cheap deterministic generator
// picks the slots and ids here, so that the preparation stays affordable (not device work).
// Device-safe: runs in XS (no Node APIs).
import type { Step } from '../../hosts/xs/guest/steps';
import { nobleCrypto as crypto } from '../../protocol/crypto/noble';
import { ResultsRead, Status } from '../../protocol/wire/messages';
import { RpcServer } from '../../protocol/wire/rpc';
import { decodeResponse, encodeRequest } from '../../protocol/wire/envelope';
import type { CardReaderPort, EntropyPort } from '../../runtime/ports';
import { noiseKeyPair } from '../../protocol/crypto/noise';
import { SessionClient } from '../../protocol/session';
import { VirtualClock } from '../../runtime/virtual-clock';
import { memoryLinkPair } from '../../hosts/node/memory-link';
import { hostEntropy } from '../../hosts/xs/guest/bridge';
import { serveAccumulator } from '../../accumulator/link';
import { SimFlash } from '../../runtime/flash/sim';
import { EVENTS } from '../../runtime/events';
import { accumulatorRegistry } from '../../accumulator/messages';
import { ACTIVATION_ID_BYTES } from '../../accumulator/slots';
import {
  DAY_BLOCKS, DAY_LAYOUT, configureAndOpen, fixture, makeAccumulator, seeded, votedRecords, type CardRecords, type Fixture, type Rig,
} from '../accumulator-helpers';

/** No card ever comes: the scenario reads out, it takes none. */
const noReader: CardReaderPort = {
  isCardPresent: () => false,
  onCardChange: () => {},
  powerOn: () => Promise.reject(new Error('no card')),
  transmit: () => Promise.reject(new Error('no card')),
};

/** xorshift32 bytes: the preparation's slot choices and activation ids (test data, not device entropy). */
function cheapEntropy(seed: number): EntropyPort {
  let x = seed >>> 0 || 1;
  return {
    randomBytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        out[i] = x & 0xff;
      }
      return out;
    },
  };
}

/** The read-out page size the precinct computer asks for (precinct/devices/calls.ts readResults). */
const PAGE_LIMIT = 64;

export function readoutSteps(n: number): { [name: string]: Step } {
  let f: Fixture, card: CardRecords, flash: SimFlash, rig: Rig | undefined, rpc: RpcServer | undefined, client: SessionClient | undefined;
  return {
    prepare() { // the precinct's and a terminal's part: keys, signed election, one real voted card
      f = fixture(crypto);
      card = votedRecords(f, seeded(crypto, 'xs-readout-voter'));
    },
    async [`fill${n}`]() { // not device work: the chip as n accepted cards leave it
      flash = new SimFlash(DAY_BLOCKS);
      const day = makeAccumulator(f, flash, noReader, seeded(crypto, 'xs-device'), DAY_LAYOUT);
      await configureAndOpen(f, day);
      const pick = cheapEntropy(0x5a11a0);
      for (let i = 0; i < n; i++) {
        const id = i === 0 ? card.activationId : pick.randomBytes(ACTIVATION_ID_BYTES);
        const slot = day.acc.slots.put(id, card.vote, pick);
        day.acc.log.record(EVENTS.voteRecorded, 'success');
        day.acc.slots.markCleared(slot);
      }
      if (day.acc.slots.stored !== n || day.acc.state !== 'open') throw new Error(`filled ${day.acc.slots.stored} slots, state ${day.acc.state}`);
    },
    [`boot${n}`]() { // a restart on the day's chip: journal recovery, state restored, every slot scanned
      rig = makeAccumulator(f, flash, noReader, seeded(crypto, 'xs-device-2'), DAY_LAYOUT);
      rpc = rig.acc.serve(new RpcServer(accumulatorRegistry()));
      const c = rig.acc.counters();
      if (rig.acc.state !== 'open' || c.accepted !== n || c.slotsFree !== rig.acc.slots.slotCount - n) throw new Error(`boot: ${rig.acc.state}, ${c.accepted} stored, ${c.slotsFree} free`);
    },
    close() {
      if (rig!.acc.close().state !== 'closed') throw new Error('close');
    },
    [`readout${n}`]() { // the precinct computer's results.read loop against the device's RpcServer
      let from = 0, got = 0, seq = 1, total = -1;
      for (;;) {
        let answer: Uint8Array | undefined;
        rpc!.receive('precinct', encodeRequest({ seq: seq++, type: ResultsRead.type, body: { from, limit: PAGE_LIMIT } }), (r) => { answer = r; });
        if (!answer) throw new Error(`results.read from ${from}: no answer`);
        const env = decodeResponse(answer);
        if ('err' in env) throw new Error(`results.read from ${from}: ${env.err.code} ${env.err.message}`);
        const page = env.ok as unknown as { records: Uint8Array[]; next: number; total: number };
        total = page.total;
        if (page.records.length === 0) break;
        if (page.records[0].length !== card.vote.length) throw new Error('record length');
        got += page.records.length;
        from = page.next;
      }
      if (got !== n || total !== n) throw new Error(`read ${got} votes of ${total}, expected ${n}`);
    },
    async session() { // both ends: static keys, the device's link endpoint, Noise KK handshake + one status call
      const pc = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
      const dev = noiseKeyPair(crypto, hostEntropy.randomBytes(32));
      const pair = memoryLinkPair();
      serveAccumulator(rig!.acc, { link: pair.a, clock: rig!.clock, crypto, entropy: hostEntropy, staticKey: dev, enrolledKeys: [pc.publicKey] });
      client = new SessionClient({ link: pair.b, crypto, entropy: hostEntropy, clock: new VirtualClock(), staticKey: pc, remoteStaticPublicKey: dev.publicKey });
      if ((await client.call(Status, {})).state !== 'closed') throw new Error('status');
    },
    async [`readoutLink${n}`]() { // the same read-out over the link (precinct/devices/calls.ts readResults), both ends
      let from = 0, got = 0, total = -1;
      for (;;) {
        const page = await client!.call(ResultsRead, { from, limit: PAGE_LIMIT });
        total = page.total;
        if (page.records.length === 0) break;
        got += page.records.length;
        from = page.next;
      }
      if (got !== n || total !== n) throw new Error(`read ${got} votes of ${total} over the link, expected ${n}`);
    },
  };
}
