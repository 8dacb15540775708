// The simulated NOR flash, the fault injector and the file-backed flash behave as NOR does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimFlash } from '../runtime/flash/sim';
import { FaultyFlash } from '../runtime/flash/faults';
import { FlashError, PowerCutError } from '../runtime/flash/errors';
import { FileFlash } from '../hosts/node/flash-file';
import type { FlashPort } from '../runtime/ports';

const isCode = (code: string) => (e: unknown) => e instanceof FlashError && e.code === code;

function norSemantics(f: FlashPort, name: string): void {
  assert.equal([...f.read(0, 4)], [0xff, 0xff, 0xff, 0xff], `${name}: blank reads 0xFF`);
  f.program(1, Uint8Array.of(0xf0, 0x0f));
  f.program(1, Uint8Array.of(0x3c, 0xff)); // programming can only clear bits
  assert.equal([...f.read(0, 4)], [0xff, 0x30, 0x0f, 0xff], `${name}: program ANDs`);
  f.program(f.blockSize - 1, Uint8Array.of(0, 0)); // crossing into the next block is allowed
  f.erase(0);
  assert.equal([...f.read(0, 4)], [0xff, 0xff, 0xff, 0xff], `${name}: erase gives 0xFF`);
  assert.equal([...f.read(f.blockSize, 1)], [0], `${name}: erase touches one block only`);
  const size = f.blockSize * f.blockCount;
  assert.throws(() => f.read(size - 1, 2), isCode('flash-out-of-range'));
  assert.throws(() => f.read(-1, 1), isCode('flash-out-of-range'));
  assert.throws(() => f.program(size, Uint8Array.of(0)), isCode('flash-out-of-range'));
  assert.throws(() => f.program(1.5, Uint8Array.of(0)), isCode('flash-misaligned'));
  assert.throws(() => f.erase(f.blockCount), isCode('flash-out-of-range'));
  assert.throws(() => f.erase(0.5), isCode('flash-misaligned'));
}

test('SimFlash: NOR semantics, typed errors, erase counts', () => {
  const f = new SimFlash(4);
  norSemantics(f, 'sim');
  f.erase(2); f.erase(2);
  assert.equal([...f.erasesPerBlock], [1, 0, 2, 0]);
  assert.is(new SimFlash(1, { fill: 0x00 }).read(0, 1)[0], 0, 'a used part is not blank');
});

test('FaultyFlash: a torn program writes a prefix, then everything throws', () => {
  const inner = new SimFlash(2);
  const f = new FaultyFlash(inner, { atOperation: 2, tornBytes: 3 });
  f.program(0, Uint8Array.of(1, 2));
  assert.throws(() => f.program(10, Uint8Array.of(0, 0, 0, 0, 0)), (e: unknown) => e instanceof PowerCutError);
  assert.equal([...inner.read(10, 6)], [0, 0, 0, 0xff, 0xff, 0xff]);
  assert.ok(f.powerCut);
  assert.throws(() => f.read(0, 1), (e: unknown) => e instanceof PowerCutError);
  assert.throws(() => f.erase(0), (e: unknown) => e instanceof PowerCutError);
  assert.equal([...inner.read(0, 2)], [1, 2], 'earlier operations stay');
});

test('FaultyFlash: "all bytes" completes the operation, then cuts', () => {
  const inner = new SimFlash(1);
  const f = new FaultyFlash(inner, { atOperation: 1, tornBytes: 99 });
  assert.throws(() => f.program(0, Uint8Array.of(7, 7)), (e: unknown) => e instanceof PowerCutError);
  assert.equal([...inner.read(0, 3)], [7, 7, 0xff]);
});

test('FaultyFlash: a partial byte clears only some of its bits', () => {
  let differs = 0;
  for (let seed = 1; seed < 40; seed++) {
    const inner = new SimFlash(1);
    const f = new FaultyFlash(inner, { atOperation: 1, tornBytes: 1, partialByte: true, seed });
    assert.throws(() => f.program(0, Uint8Array.of(0x00, 0x0f)));
    const b = inner.read(1, 1)[0];
    assert.is(b & 0x0f, 0x0f, 'bits the program leaves at 1 stay 1');
    if (b !== 0x0f && b !== 0xff) differs++;
  }
  assert.ok(differs > 20, 'half-programmed bytes occur');
});

test('FaultyFlash: a torn erase leaves the head erased and the rest garbage', () => {
  const inner = new SimFlash(2);
  inner.program(0, new Uint8Array(8192)); // all zero
  const f = new FaultyFlash(inner, { atOperation: 1, tornBytes: 100, seed: 7 });
  assert.throws(() => f.erase(0), (e: unknown) => e instanceof PowerCutError);
  const b = inner.read(0, 4096);
  assert.ok(b.subarray(0, 100).every((x) => x === 0xff));
  const rest = b.subarray(100);
  assert.ok(rest.some((x) => x !== 0xff) && rest.some((x) => x !== 0), 'garbage, neither erased nor old');
  assert.ok(inner.read(4096, 4096).every((x) => x === 0), 'other block untouched');
});

test('FaultyFlash without a plan counts operations and passes everything through', () => {
  const f = new FaultyFlash(new SimFlash(1), undefined);
  f.program(0, Uint8Array.of(0)); f.erase(0); f.program(0, Uint8Array.of(1));
  assert.is(f.operations, 3);
  assert.is(f.read(0, 1)[0], 1);
});

test('FileFlash: NOR semantics on a 0xFF-filled file that persists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sailau-flash-'));
  try {
    const path = join(dir, 'flash.bin');
    const f = FileFlash.open(path, { blockCount: 3 });
    assert.is(statSync(path).size, 3 * 4096);
    norSemantics(f, 'file');
    f.program(4096 * 2 + 5, Uint8Array.of(0x42));
    f.close();
    const g = FileFlash.open(path, { blockCount: 3 });
    assert.is(g.read(4096 * 2 + 5, 1)[0], 0x42);
    g.close();
    assert.throws(() => FileFlash.open(path, { blockCount: 4 }), /size/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
