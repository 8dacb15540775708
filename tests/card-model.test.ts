// Property: random sequences of commands (valid, out of order, malformed, chained, torn by a
// pulled card) never bring the simulated card to a state the reference model does not
// predict, never to an illegal state, and every answer is the status word the model expects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { bytesEqual } from '../protocol/bytes';
import { CARD_AID, INS, buildApdu, chainedWriteApdus, clearApdu, selectApdu, splitResponse } from '../protocol/card/apdu';
import { SimulatedCard } from '../smartcard-sim/card';
import { CardTornError } from '../smartcard-sim/eeprom';
import { LAYOUT } from '../smartcard-sim/layout';

const sha = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
type State = 'blank' | 'activated' | 'voted';
interface Model { state: State; activation: Uint8Array; vote: Uint8Array; selected: boolean; powered: boolean }

const DOCUMENTED = new Set([0x9000, 0x6700, 0x6883, 0x6884, 0x6982, 0x6985, 0x6a80, 0x6a82, 0x6a84, 0x6a86, 0x6b00, 0x6c0a, 0x6d00, 0x6e00]);

type Cmd =
  | { kind: 'power' }
  | { kind: 'select'; right: boolean }
  | { kind: 'readState' }
  | { kind: 'write'; ins: 0x10 | 0x30; length: number; tearAfter: number | null }
  | { kind: 'read'; ins: 0xb0 | 0xb2; offset: number; le: number }
  | { kind: 'clear'; p1: 1 | 2; rightHash: boolean; tearAfter: number | null }
  | { kind: 'garbage'; apdu: Uint8Array };

const tear = fc.option(fc.nat(900), { nil: null, freq: 3 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.constant<Cmd>({ kind: 'power' }),
  fc.boolean().map<Cmd>((right) => ({ kind: 'select', right })),
  fc.constant<Cmd>({ kind: 'readState' }),
  fc.record({ ins: fc.constantFrom<0x10 | 0x30>(0x10, 0x30), length: fc.integer({ min: 1, max: 800 }), tearAfter: tear }).map<Cmd>((r) => ({ kind: 'write', ...r })),
  fc.record({ ins: fc.constantFrom<0xb0 | 0xb2>(0xb0, 0xb2), offset: fc.nat(300), le: fc.integer({ min: 1, max: 256 }) }).map<Cmd>((r) => ({ kind: 'read', ...r })),
  fc.record({ p1: fc.constantFrom<1 | 2>(1, 2), rightHash: fc.boolean(), tearAfter: tear }).map<Cmd>((r) => ({ kind: 'clear', ...r })),
  // anything else: random class/instruction (never a writing one) and random body
  fc.tuple(fc.nat(255), fc.nat(255).filter((i) => ![0x10, 0x30, 0x40].includes(i)), fc.uint8Array({ minLength: 2, maxLength: 40 }))
    .map<Cmd>(([cla, ins, rest]) => ({ kind: 'garbage', apdu: Uint8Array.from([cla, ins, ...rest]) })),
);

function recordBytes(ins: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + ins + length) & 0xff);
}

function checkAgainstModel(card: SimulatedCard, m: Model): void {
  const v = card.view();
  assert.is(v.state, m.state);
  assert.ok(bytesEqual(v.activation, m.activation), 'activation as the model says');
  assert.ok(bytesEqual(v.vote, m.vote), 'vote as the model says');
  assert.ok(card.eeprom.bytes.subarray(LAYOUT.JOURNAL_FLAG).every((b) => b === 0), 'no transaction left open');
}

function step(card: SimulatedCard, m: Model, c: Cmd): void {
  const tx = (apdu: Uint8Array): number => {
    const sw = splitResponse(card.transmit(apdu)).sw;
    assert.ok(DOCUMENTED.has(sw), `undocumented SW ${sw.toString(16)}`);
    return sw;
  };
  if (c.kind === 'power') { card.powerOn(); m.powered = true; m.selected = false; return; }
  if (!m.powered) { card.powerOn(); m.powered = true; m.selected = false; }
  switch (c.kind) {
    case 'select': {
      const sw = tx(c.right ? selectApdu() : buildApdu(0, 0xa4, 4, 0, Uint8Array.of(...CARD_AID.subarray(0, 7), 2)));
      assert.is(sw, c.right ? 0x9000 : 0x6a82);
      m.selected = c.right;
      return;
    }
    case 'readState':
      assert.is(tx(buildApdu(0x80, 0xca, 0, 0, undefined, 256)), m.selected ? 0x9000 : 0x6985);
      return;
    case 'read': {
      const sw = tx(buildApdu(0x80, c.ins, c.offset >> 8, c.offset & 0xff, undefined, c.le));
      const rec = c.ins === 0xb0 ? m.activation : m.vote;
      const allowed = c.ins === 0xb0 ? m.state !== 'blank' : m.state === 'voted';
      assert.is(sw, !m.selected || !allowed ? 0x6985 : c.offset >= rec.length ? 0x6b00 : 0x9000);
      return;
    }
    case 'garbage': {
      const before = card.view();
      tx(c.apdu);
      assert.equal(card.view(), before, 'a non-writing command changed the card');
      tx(selectApdu()); // resynchronise the selection (garbage may have been a failed SELECT)
      m.selected = true;
      return;
    }
    case 'write': {
      // link by link, as the card sees a chain: each link is checked on its own, and a chain
      // broken by an error leaves later links to be taken as a new chain
      const record = recordBytes(c.ins, c.length);
      const capacity = c.ins === 0x10 ? 256 : 768;
      const need: State = c.ins === 0x10 ? 'blank' : 'activated';
      const links = chainedWriteApdus(c.ins === 0x10 ? INS.ACTIVATE : INS.WRITE_VOTE, record);
      if (c.tearAfter !== null) card.eeprom.tearAfter(c.tearAfter);
      let chain: number[] = [];
      try {
        for (const link of links) {
          const last = (link[0] & 0x10) === 0;
          const data = link.subarray(5);
          const expected = !m.selected || m.state !== need ? 0x6985 : chain.length + data.length > capacity ? 0x6a84 : 0x9000;
          let committed: Model | null = null;
          if (expected === 0x9000 && last) {
            const full = Uint8Array.from([...chain, ...data]);
            committed = { ...m, state: c.ins === 0x10 ? 'activated' : 'voted', activation: c.ins === 0x10 ? full : m.activation, vote: c.ins === 0x30 ? full : m.vote };
          }
          try {
            assert.is(tx(link), expected);
          } catch (e) {
            if (!(e instanceof CardTornError)) throw e;
            assert.ok(committed, 'only the last link of an accepted write touches the EEPROM');
            card.powerOn();
            Object.assign(m, card.view().state === m.state ? m : committed, { selected: false, powered: true });
            return;
          }
          chain = expected === 0x9000 && !last ? [...chain, ...data] : [];
          if (committed) Object.assign(m, committed);
        }
      } finally {
        card.eeprom.disarm();
      }
      return;
    }
    case 'clear': {
      const rec = c.p1 === 1 ? m.activation : m.vote;
      const hash = c.rightHash ? sha(rec) : sha(Uint8Array.of(1, ...rec));
      const need: State = c.p1 === 1 ? 'activated' : 'voted';
      const ok = m.selected && m.state === need && c.rightHash;
      if (c.tearAfter !== null) card.eeprom.tearAfter(c.tearAfter);
      try {
        const sw = tx(clearApdu(c.p1, hash));
        assert.is(sw, !m.selected || m.state !== need ? 0x6985 : c.rightHash ? 0x9000 : 0x6982);
        if (ok) Object.assign(m, { state: 'blank', activation: new Uint8Array(0), vote: new Uint8Array(0) });
      } catch (e) {
        if (!(e instanceof CardTornError)) throw e;
        assert.ok(ok, 'only an accepted clear touches the EEPROM');
        card.powerOn();
        if (card.view().state === 'blank') Object.assign(m, { state: 'blank', activation: new Uint8Array(0), vote: new Uint8Array(0) });
        Object.assign(m, { selected: false, powered: true });
      } finally {
        card.eeprom.disarm();
      }
    }
  }
}

test('property: random command sequences, with pulls, follow the model and never reach an illegal state', () => {
  fc.assert(fc.property(fc.array(cmd, { minLength: 1, maxLength: 40 }), (cmds) => {
    const card = new SimulatedCard();
    const m: Model = { state: 'blank', activation: new Uint8Array(0), vote: new Uint8Array(0), selected: false, powered: false };
    for (const c of cmds) {
      step(card, m, c);
      checkAgainstModel(card, m);
    }
  }), { numRuns: 400 });
});

test('the model test can fail: a card that accepts a second vote is caught', () => {
  const card = new SimulatedCard();
  const m: Model = { state: 'blank', activation: new Uint8Array(0), vote: new Uint8Array(0), selected: false, powered: false };
  step(card, m, { kind: 'select', right: true });
  step(card, m, { kind: 'write', ins: 0x10, length: 20, tearAfter: null });
  step(card, m, { kind: 'write', ins: 0x30, length: 20, tearAfter: null });
  card.eeprom.bytes[LAYOUT.STATE] = 1; // a broken card that forgot it was voted
  let caught = false;
  try { step(card, m, { kind: 'write', ins: 0x30, length: 20, tearAfter: null }); } catch { caught = true; } // uvu's throws() re-raises assertions
  assert.ok(caught, 'the second vote went unnoticed');
});

test.run();
