// The pure parts of the Moddable host (the Moddable-bound wiring is type-checked only):
// the card front-end protocol and client, button debounce, the flash adapter, battery level.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { encodeReaderFrame, ReaderFrameParser, ReaderCmd, ReaderStatus, MAX_READER_DATA, type ReaderFrame } from '../hosts/moddable/reader-protocol';
import { FrontEndCardReader, type PresenceLine } from '../hosts/moddable/reader-client';
import { DebouncedButtons, type ButtonLine } from '../hosts/moddable/debounce';
import { PartitionFlash, type ModdableFlashLike } from '../hosts/moddable/flash-port';
import { batteryPercentFromMillivolts, cellMillivolts, Smoother } from '../hosts/moddable/battery';
import { VirtualClock } from '../runtime/virtual-clock';
import { CardRemovedError } from '../runtime/card-client';
import { ProtocolError } from '../protocol/bytes';

test('reader frames: round trip through any split, with noise between them', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ cmd: fc.integer({ min: 0, max: 255 }), ok: fc.boolean(), data: fc.uint8Array({ maxLength: MAX_READER_DATA }) }), { maxLength: 6 }),
    fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }),
    (frames, cuts) => {
      const parts: number[] = [];
      for (const f of frames) parts.push(0x11, 0x22, ...encodeReaderFrame(f.cmd, f.data, f.ok)); // noise without SOF bytes
      const bytes = Uint8Array.from(parts);
      const p = new ReaderFrameParser();
      const got: ReaderFrame[] = [];
      for (let i = 0, k = 0; i < bytes.length; k++) { const n = cuts[k % cuts.length]; got.push(...p.push(bytes.subarray(i, i + n))); i += n; }
      assert.equal(got.map((f) => [f.ok, f.cmd, [...f.data]]), frames.map((f) => [f.ok, f.cmd, [...f.data]]));
      assert.is(p.discarded, 2 * frames.length);
    }), { numRuns: 200 });
});

test('reader frames: a corrupted frame is skipped and the next one still parses', () => {
  const a = encodeReaderFrame(ReaderCmd.Apdu, Uint8Array.of(1, 2, 3, 0x90, 0));
  const b = encodeReaderFrame(ReaderCmd.PowerUp, Uint8Array.of(0x3b, 0x60, 0xe0));
  a[5] ^= 0xff;
  const got = new ReaderFrameParser().push(Uint8Array.from([...a, ...b]));
  assert.equal(got.map((f) => [f.cmd, [...f.data]]), [[ReaderCmd.PowerUp, [0x3b, 0x60, 0xe0]]]);
  assert.throws(() => encodeReaderFrame(0, new Uint8Array(MAX_READER_DATA + 1)), /too-large/);
});

/** A simulated front-end on the other side of the byte channel. */
function frontEnd(clock: VirtualClock) {
  let rx: (b: Uint8Array) => void = () => {};
  let edge: () => void = () => {};
  const state = { pin: false, mute: false, silent: false, atr: Uint8Array.of(0x3b, 0x8f, 0x80, 0x01), commands: [] as number[] };
  const parser = new ReaderFrameParser();
  const presence: PresenceLine = { read: () => state.pin, onChange: (h) => { edge = h; } };
  const reader = new FrontEndCardReader({
    clock, presence, commandTimeoutMs: 1000,
    channel: {
      onReceive: (h) => { rx = h; },
      write: (bytes) => {
        for (const f of parser.push(bytes)) {
          state.commands.push(f.cmd);
          if (state.silent) continue;
          const answer = !state.pin ? encodeReaderFrame(f.cmd, Uint8Array.of(ReaderStatus.NoCard), false)
            : state.mute ? encodeReaderFrame(f.cmd, Uint8Array.of(ReaderStatus.CardMute), false)
            : f.cmd === ReaderCmd.PowerUp ? encodeReaderFrame(f.cmd, state.atr)
            : encodeReaderFrame(f.cmd, Uint8Array.of(...f.data.subarray(0, 2), 0x90, 0x00));
          clock.setTimeout(5, () => { rx(answer.subarray(0, 3)); rx(answer.subarray(3)); });
        }
      },
    },
  });
  /** Moves the presence pin with contact bounce. */
  const setPin = (v: boolean) => { for (let i = 0; i < 3; i++) { state.pin = !v; edge(); state.pin = v; edge(); } };
  return { reader, state, setPin };
}

test('card reader: presence debounced, power-on, APDUs in order, errors typed', async () => {
  const clock = new VirtualClock();
  const { reader, state, setPin } = frontEnd(clock);
  const changes: boolean[] = [];
  reader.onCardChange((p) => changes.push(p));
  try { await reader.powerOn(); assert.unreachable(); } catch (e) { assert.instance(e, CardRemovedError); }
  setPin(true);
  assert.is(reader.isCardPresent(), false); // not until the line settles
  clock.advance(30);
  assert.is(reader.isCardPresent(), true);
  assert.equal(changes, [true]);
  assert.equal([...(await clock.runUntilSettled(reader.powerOn()))], [0x3b, 0x8f, 0x80, 0x01]);
  const [r1, r2] = await clock.runUntilSettled(Promise.all([reader.transmit(Uint8Array.of(0, 0xa4)), reader.transmit(Uint8Array.of(0x80, 0xb0))]));
  assert.equal([[...r1], [...r2]], [[0, 0xa4, 0x90, 0], [0x80, 0xb0, 0x90, 0]]);
  state.mute = true;
  try { await clock.runUntilSettled(reader.transmit(Uint8Array.of(0, 0))); assert.unreachable(); }
  catch (e) { assert.is((e as ProtocolError).code, 'reader-error'); }
  state.mute = false;
  state.silent = true;
  try { await clock.runUntilSettled(reader.transmit(Uint8Array.of(0, 0))); assert.unreachable(); }
  catch (e) { assert.is((e as ProtocolError).code, 'reader-timeout'); }
  assert.equal(state.commands, [ReaderCmd.PowerUp, ReaderCmd.Apdu, ReaderCmd.Apdu, ReaderCmd.Apdu, ReaderCmd.Apdu]);
});

test('card reader: a card pulled during a command rejects it with CardRemovedError', async () => {
  const clock = new VirtualClock();
  const { reader, state, setPin } = frontEnd(clock);
  setPin(true); clock.advance(30);
  state.silent = true;
  const pending = reader.transmit(Uint8Array.of(0, 0xb0));
  setPin(false);
  try { await clock.runUntilSettled(pending); assert.unreachable(); }
  catch (e) { assert.instance(e, CardRemovedError); }
  assert.is(clock.monotonicMs(), 30 + 30); // rejected at the debounce, not at the time-out
});

test('buttons: bounces make one press; a held button does not repeat; release then press again', () => {
  const clock = new VirtualClock();
  const lines = ['1', '2'].map((name) => {
    let down = false; let edge = () => {};
    const line: ButtonLine = { name, isDown: () => down, onEdge: (h) => { edge = h; } };
    return { line, set: (d: boolean) => { for (let i = 0; i < 4; i++) { down = !d; edge(); down = d; edge(); clock.advance(2); } } };
  });
  const b = new DebouncedButtons(lines.map((l) => l.line), clock, 25);
  const presses: string[] = [];
  b.onPress((n) => presses.push(n));
  lines[0].set(true); clock.advance(30);
  assert.equal(presses, ['1']);
  clock.advance(5000);
  assert.equal(presses, ['1']);
  lines[0].set(false); clock.advance(30);
  lines[1].set(true); clock.advance(10); // not yet settled
  assert.equal(presses, ['1']);
  clock.advance(20);
  lines[0].set(true); clock.advance(30);
  assert.equal(presses, ['1', '2', '1']);
  assert.equal(b.names, ['1', '2']);
});

test('flash adapter: geometry, copies, bounds', () => {
  const mem = new Uint8Array(4 * 4096).fill(0xff);
  const writes: number[] = [];
  const fake: ModdableFlashLike = {
    byteLength: mem.length + 100, blockSize: 4096,
    erase: (s) => mem.fill(0xff, s * 4096, (s + 1) * 4096),
    read: (o, n) => mem.slice(o, o + n).buffer,
    write: (o, n, b) => { writes.push(n); for (let i = 0; i < n; i++) mem[o + i] &= b[i]; },
  };
  const f = new PartitionFlash(fake);
  assert.equal([f.blockSize, f.blockCount], [4096, 4]);
  f.program(4096, Uint8Array.of(0x0f, 0xf0));
  assert.equal([...f.read(4096, 3)], [0x0f, 0xf0, 0xff]);
  f.erase(1);
  assert.equal([...f.read(4096, 2)], [0xff, 0xff]);
  f.program(0, new Uint8Array(0));
  assert.equal(writes, [2]);
  for (const bad of [() => f.read(4 * 4096 - 1, 2), () => f.read(-1, 1), () => f.program(0.5, Uint8Array.of(1)), () => f.erase(4)]) {
    try { bad(); assert.unreachable(); } catch (e) { assert.is((e as ProtocolError).code, 'flash-range'); }
  }
  assert.throws(() => new PartitionFlash({ ...fake, blockSize: 65536 }), /geometry/);
});

test('battery level from voltage; smoothing', () => {
  assert.equal([3000, 3300, 3650, 3800, 4150, 4300].map(batteryPercentFromMillivolts), [0, 0, 23, 50, 95, 100]);
  assert.is(Math.round(cellMillivolts(4095, 12, 3100, 2)), 6200);
  const s = new Smoother(0.5);
  assert.equal([s.add(4000), s.add(3000), s.add(3000)], [4000, 3500, 3250]);
});

test.run();
