// The home-voter list on flash (portable-ballot/voter-list.ts): the voter codec round-trips
// (property), the digest changes with any field, and random sequences of session starts, ends
// and marks, with reboots in between, agree with a model (property): the flags rebuilt from
// flash at open are what was written, a mark is final, the marks come out in register order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { bytesEqual } from '../protocol/bytes';
import { SimFlash } from '../runtime/flash/sim';
import {
  HomeListError, MAX_SESSIONS_PER_VOTER, VoterListStore, checkDeadline, decodeVoter, foldName, homeListDigest, voterBytes, type HomeVoter,
} from '../portable-ballot/voter-list';
import { homeVoters } from './portable-helpers';

const FP = new Uint8Array(32).fill(3);
const REGION = { firstBlock: 1, blockCount: 4 };

const voterArb = fc.record({
  registerNo: fc.integer({ min: 1, max: 0xffffffff }),
  surname: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  firstName: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  patronymic: fc.string({ maxLength: 20 }),
  birthDate: fc.date({ min: new Date('1900-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  address: fc.string({ maxLength: 60 }),
  appliedAt: fc.date({ min: new Date('2025-01-01'), max: new Date('2025-03-01T06:59:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16).replace('T', ' ')),
});

test('voter codec: decode(encode(v)) = v; a field of the wrong type is refused', () => {
  fc.assert(fc.property(voterArb, (v: HomeVoter) => { assert.equal(decodeVoter(voterBytes(v)), { ...v }); }), { numRuns: 300 });
  assert.throws(() => decodeVoter(new Uint8Array([0x81, 0x01])), (e: unknown) => e instanceof HomeListError && e.code === 'home-list-malformed');
});

test('the digest depends on every field, the order, the count and the election', () => {
  const vs = homeVoters(5);
  const d = homeListDigest(crypto, FP, vs);
  const variants: HomeVoter[][] = [
    vs.map((v, i) => (i === 2 ? { ...v, birthDate: '1950-01-02' } : v)),
    vs.map((v, i) => (i === 4 ? { ...v, appliedAt: '2025-02-28 10:01' } : v)),
    [vs[1], vs[0], ...vs.slice(2)],
    vs.slice(0, 4),
  ];
  for (const x of variants) assert.not.ok(bytesEqual(homeListDigest(crypto, FP, x), d));
  assert.not.ok(bytesEqual(homeListDigest(crypto, new Uint8Array(32), vs), d));
});

test('the deadline: 11:59 on election day passes, 12:00 and later do not; earlier days pass', () => {
  const v = homeVoters(1)[0];
  checkDeadline({ ...v, appliedAt: '2025-03-01 11:59' }, '2025-03-01');
  checkDeadline({ ...v, appliedAt: '2025-02-28 23:59' }, '2025-03-01');
  for (const t of ['2025-03-01 12:00', '2025-03-01 19:00', '2025-03-02 08:00']) {
    assert.throws(() => checkDeadline({ ...v, appliedAt: t }, '2025-03-01'), (e: unknown) => (e as HomeListError).code === 'home-list-after-deadline');
  }
});

test('name folding: case, ё and spaces', () => {
  assert.is(foldName('  ЁЛКИН   Пётр '), 'елкин петр');
  assert.is(foldName('ҚҰДАЙБЕРГЕНОВ'), 'құдайбергенов');
});

type Op = { kind: 'start' | 'end' | 'mark' | 'reboot'; i: number };

test('sessions and marks against a model, with reboots (property)', () => {
  const n = 40;
  const vs = homeVoters(n);
  const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('start', 'end', 'mark', 'reboot') as fc.Arbitrary<Op['kind']>, i: fc.integer({ min: 0, max: n - 1 }) });
  fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
    const flash = new SimFlash(6);
    let s = VoterListStore.format(flash, REGION, n);
    vs.forEach((v, i) => s.write(i, v));
    s = VoterListStore.open(flash, REGION, n);
    const model = vs.map(() => ({ starts: 0, ends: 0, voted: false }));
    for (const op of ops) {
      const m = model[op.i];
      if (op.kind === 'reboot') { s = VoterListStore.open(flash, REGION, n); continue; }
      if (op.kind === 'start') {
        if (m.voted || m.starts >= MAX_SESSIONS_PER_VOTER) continue;
        s.startSession(op.i); m.starts++;
      } else if (op.kind === 'end') {
        if (m.voted || m.starts <= m.ends) continue;
        s.endSessionWithoutVote(op.i); m.ends++;
      } else {
        s.markVoted(op.i); m.voted = true;
      }
      for (let i = 0; i < n; i++) {
        const x = model[i];
        assert.is(s.isVoted(i), x.voted);
        assert.is(s.isOpen(i), !x.voted && x.starts > x.ends);
      }
    }
    const re = VoterListStore.open(flash, REGION, n);
    assert.is(re.voted, model.filter((x) => x.voted).length);
    assert.equal([...re.votedRegisterNos()], vs.filter((_, i) => model[i].voted).map((v) => v.registerNo));
    for (let i = 0; i < n; i++) assert.is(re.isOpen(i), !model[i].voted && model[i].starts > model[i].ends);
    assert.equal(re.verify(crypto, FP).digest, homeListDigest(crypto, FP, vs));
  }), { numRuns: 150 });
});

test('a slot whose record was altered on flash fails its check (read and self-test)', () => {
  const flash = new SimFlash(6);
  const vs = homeVoters(20);
  const s = VoterListStore.format(flash, REGION, 20);
  vs.forEach((v, i) => s.write(i, v));
  flash.memory[REGION.firstBlock * 4096 + 5 * 256 + 40] &= 0x7f;
  assert.throws(() => s.read(5), (e: unknown) => (e as HomeListError).code === 'home-list-malformed');
  assert.is(s.verify(crypto, FP).bad, 1);
});

test.run();
