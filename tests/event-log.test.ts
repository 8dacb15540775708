// The event log: hash chain, restart, paging, the verifier's verdicts, the detail rule, the catalogue.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimFlash } from '../runtime/flash/sim';
import { Journal } from '../runtime/journal';
import { eventChainCheck } from '../runtime/self-test';
import { EventLog, EventLogError, EVENT_LOG_TAG, MAX_DETAIL_BYTES, PAGE_VERSION, checkDetail, verifyEventPage, type ChainVerdict } from '../runtime/event-log';
import { EVENTS, EVENT_LIST, eventById } from '../runtime/events';
import { nobleCrypto as crypto } from '../protocol/crypto/noble';
import { decodeCbor, encodeCbor, type CborValue } from '../protocol/cbor';
import { fromHex, toHex } from '../protocol/bytes';

class TestClock {
  wall: number | undefined = undefined;
  mono = 1000;
  wallClockMs() { return this.wall; }
  monotonicMs() { return this.mono++; }
}

const deviceKey = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const devicePub = crypto.ed25519PublicKey(deviceKey);

function filledLog(n: number, options: { signingKey?: Uint8Array } = {}) {
  const flash = new SimFlash(8);
  const journal = Journal.open(flash, crypto);
  const clock = new TestClock();
  const log = EventLog.open(journal, crypto, clock, options);
  const kinds = [EVENTS.boot, EVENTS.selfTestRun, EVENTS.opened, EVENTS.cardAccepted, EVENTS.voteRecorded, EVENTS.duplicateCard, EVENTS.authFailure];
  for (let i = 0; i < n; i++) {
    if (i === 2) clock.wall = 1_717_000_000_000;
    journal.append(7, Uint8Array.of(i)); // other records interleave with the log's
    log.record(kinds[i % kinds.length], i % 3 === 0 ? 'failure' : 'success', i % 2 ? 'attempt 2' : '');
  }
  return { flash, journal, clock, log };
}

const expectBroken = (v: ChainVerdict, seq: number, reason: RegExp) => {
  assert.is(v.ok, false, 'verdict should be broken');
  if (v.ok) return;
  assert.is(v.seq, seq, `broken at ${v.seq} (${v.reason}), expected ${seq}`);
  assert.match(v.reason, reason);
};

test('entries chain, carry time with its clock kind, and verify', () => {
  const { log } = filledLog(10);
  const entries = [...log.entries()];
  assert.equal(entries.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.is(entries[0].clock, 'monotonic');
  assert.is(entries[0].timeMs, 1000);
  assert.is(entries[2].clock, 'wall');
  assert.is(entries[2].timeMs, 1_717_000_000_000);
  assert.is(entries[0].event, EVENTS.boot.id);
  assert.is(entries[0].disposition, 'failure');
  assert.equal(toHex(entries[0].prev), '00'.repeat(32));
  const v = verifyEventPage(log.page(1, 100), crypto);
  assert.ok(v.ok && v.lastSeq === 10 && v.anchored);
  if (v.ok) assert.equal(toHex(v.lastHash), toHex(log.head.hash));
});

test('a restart continues the chain', () => {
  const { flash, log } = filledLog(5);
  const head = log.head;
  const journal2 = Journal.open(flash, crypto);
  const log2 = EventLog.open(journal2, crypto, new TestClock());
  assert.equal(log2.head.seq, 5);
  assert.equal(toHex(log2.head.hash), toHex(head.hash));
  log2.record(EVENTS.powerRestored, 'success');
  const entries = [...log2.entries(5)];
  assert.equal(entries.map((e) => e.seq), [5, 6]);
  assert.ok(verifyEventPage(log2.page(1, 100), crypto).ok);
});

test('pages chain: each verifies against the previous page\'s last hash; the cursor resumes', () => {
  const { log } = filledLog(23);
  let prevHash: Uint8Array | undefined;
  let from = 1;
  const seqs: number[] = [];
  for (;;) {
    const v = verifyEventPage(log.page(from, 5), crypto, { prevHash, fromSeq: from });
    assert.ok(v.ok);
    if (!v.ok || v.entries.length === 0) break;
    assert.ok(v.anchored);
    seqs.push(...v.entries.map((e) => e.seq));
    prevHash = v.lastHash;
    from = v.lastSeq + 1;
  }
  assert.equal(seqs, Array.from({ length: 23 }, (_, i) => i + 1));
  // a page from the middle, out of cursor order, still right
  assert.equal((verifyEventPage(log.page(3, 2), crypto) as { entries: { seq: number }[] }).entries.map((e) => e.seq), [3, 4]);
  // a page without its anchor verifies internally but says so
  const v = verifyEventPage(log.page(10, 3), crypto);
  assert.ok(v.ok && !v.anchored);
  // the wrong anchor is caught at the first entry
  expectBroken(verifyEventPage(log.page(10, 3), crypto, { prevHash: new Uint8Array(32) }), 10, /prev/);
});

test('flipping any byte of an exported page is detected (every position, signed and unsigned)', () => {
  for (const signed of [true, false]) {
    const { log } = filledLog(6, signed ? { signingKey: deviceKey } : {});
    const page = log.page(1, 100);
    const opts = signed ? { publicKey: devicePub } : {};
    assert.ok(verifyEventPage(page, crypto, opts).ok);
    for (let i = 0; i < page.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = page.slice();
        bad[i] ^= mask;
        const v = verifyEventPage(bad, crypto, opts);
        if (v.ok) assert.unreachable(`flip ${mask} at byte ${i} of ${page.length} not detected (signed: ${signed})`);
      }
    }
  }
});

test('flips anywhere, any mask (property), and the verdict names a seq inside the page', () => {
  const { log } = filledLog(8, { signingKey: deviceKey });
  const page = log.page(1, 100);
  fc.assert(fc.property(fc.nat(page.length - 1), fc.integer({ min: 1, max: 255 }), (i, mask) => {
    const bad = page.slice();
    bad[i] ^= mask;
    const v = verifyEventPage(bad, crypto, { publicKey: devicePub });
    assert.is(v.ok, false);
    if (!v.ok) assert.ok(v.seq >= 0 && v.seq <= 9, `seq ${v.seq}`);
  }), { numRuns: 300 });
});

/** Re-assembles a page from its entries, as a forger would, recomputing nothing else. */
function rebuild(page: Uint8Array, edit: (entries: CborValue[]) => CborValue[]): Uint8Array {
  const [v, entries, lastHash, sig] = decodeCbor(page) as CborValue[];
  return encodeCbor([v, edit(entries as CborValue[]), lastHash, sig]);
}

test('reordering, removal, insertion and truncation are detected, at the right seq', () => {
  const { log } = filledLog(8, { signingKey: deviceKey });
  const page = log.page(1, 100);
  expectBroken(verifyEventPage(rebuild(page, (e) => [e[0], e[2], e[1], ...e.slice(3)]), crypto), 2, /seq 3 where 2/);
  expectBroken(verifyEventPage(rebuild(page, (e) => [...e.slice(0, 4), ...e.slice(5)]), crypto), 5, /seq 6 where 5/);
  expectBroken(verifyEventPage(rebuild(page, (e) => [...e.slice(0, 4), e[3], ...e.slice(4)]), crypto), 5, /seq 4 where 5/);
  // the last entry dropped: the chain is intact but lastHash no longer matches
  expectBroken(verifyEventPage(rebuild(page, (e) => e.slice(0, 7)), crypto), 7, /lastHash/);
  // an altered entry with its seq kept: the next entry's prev breaks
  expectBroken(verifyEventPage(rebuild(page, (e) => e.map((x, i) => (i === 3 ? [...(x as CborValue[]).slice(0, 5), 'edited', (x as CborValue[])[6]] : x))), crypto), 5, /prev is not the hash of entry 4/);
  // a forger who recomputes the whole chain and lastHash still lacks the device's signature
  const forged = filledLog(8).log.page(1, 100);
  expectBroken(verifyEventPage(forged, crypto, { publicKey: devicePub }), 8, /signature/);
  // the first page of a log must start from the zero hash
  expectBroken(verifyEventPage(rebuild(page, (e) => e.slice(1)), crypto, { fromSeq: 1 }), 1, /seq 2 where 1/);
});

test('pageWithin: the longest page that fits the byte bound, never empty, with next and total', () => {
  const { log } = filledLog(8, { signingKey: deviceKey });
  const whole = log.pageWithin(1, 100, 1 << 20);
  assert.equal([whole.next, whole.total], [9, 8]);
  assert.ok(verifyEventPage(whole.page, crypto, { publicKey: devicePub }).ok);
  const bound = Math.floor(whole.page.length / 2);
  const part = log.pageWithin(1, 8, bound);
  assert.ok(part.page.length <= bound, `${part.page.length} > ${bound}`);
  assert.ok(part.next > 1 && part.next < 9, `next ${part.next}`);
  const rest = log.pageWithin(part.next, 8, 1 << 20);
  assert.is(rest.next, 9);
  // a bound smaller than one entry still gives one entry: the reader always advances
  assert.is(log.pageWithin(1, 8, 10).next, 2);
});

test('the detail rule keeps votes and voters out of the log', () => {
  const { log } = filledLog(1);
  for (const ok of ['', 'attempt 2', 'bad-mac', 'firmware 0.3.1', 'battery 15%', 'Қазақ тілі']) assert.is(checkDetail(ok), undefined, ok);
  const refused: [string, string][] = [
    ['061211600012', 'event-detail-forbidden'], // an IIN
    ['code 4821', 'event-detail-forbidden'], // a verification code
    ['card 04a1b2c3d4e5f6', 'event-detail-forbidden'], // a card serial
    ['line\nbreak', 'event-detail-forbidden'],
    ['x'.repeat(MAX_DETAIL_BYTES + 1), 'event-detail-too-long'],
    ['қ'.repeat(MAX_DETAIL_BYTES / 2 + 1), 'event-detail-too-long'], // the bound is in bytes
  ];
  for (const [detail, code] of refused) {
    assert.throws(() => log.record(EVENTS.voteRecorded, 'success', detail), (e: unknown) => e instanceof EventLogError && e.code === code, detail);
  }
  assert.is(log.head.seq, 1, 'refused details write nothing');
  assert.throws(() => log.record(70000, 'success'), (e: unknown) => e instanceof EventLogError && e.code === 'event-bad-id');
});

test('entries live in the journal under their own tag', () => {
  const { journal } = filledLog(4);
  const tags = [...journal.records()].map((r) => r.tag);
  assert.equal(tags, [7, EVENT_LOG_TAG, 7, EVENT_LOG_TAG, 7, EVENT_LOG_TAG, 7, EVENT_LOG_TAG]);
  assert.equal((decodeCbor(log0Page(journal)) as CborValue[])[0], PAGE_VERSION);
});
function log0Page(journal: Journal): Uint8Array { return EventLog.open(journal, crypto, new TestClock()).page(1, 1); }

test('the catalogue: unique ids and names, ids in 16 bits, and docs/events.md lists every one', () => {
  const ids = new Set(EVENT_LIST.map((e) => e.id));
  const names = new Set(EVENT_LIST.map((e) => e.name));
  assert.is(ids.size, EVENT_LIST.length);
  assert.is(names.size, EVENT_LIST.length);
  for (const e of EVENT_LIST) { assert.ok(e.id > 0 && e.id < 0x10000); assert.is(eventById(e.id), e); }
  assert.is(eventById(9999), undefined);
  for (const need of ['boot', 'power-restored', 'self-test-run', 'election-loaded', 'election-refused', 'session-opened', 'session-refused', 'auth-failure', 'frame-error', 'opened', 'open-refused-bad-password', 'closed', 'vote-recorded', 'card-accepted', 'duplicate-card', 'results-read', 'journal-recovered', 'time-set', 'low-battery', 'decision-recorded']) {
    assert.ok(names.has(need), need);
  }
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'events.md'), 'utf8');
  for (const e of EVENT_LIST) assert.match(doc, new RegExp(`\\|\\s*${e.id}\\s*\\|\\s*\`${e.name}\``), `docs/events.md lacks ${e.id} ${e.name}`);
});

test('eventChainCheck (the devices\' self-test): passes over a long log; fails on a forged, a replayed or an unseen entry', async () => {
  const run = async (log: EventLog) => await eventChainCheck(log).run({} as Parameters<ReturnType<typeof eventChainCheck>['run']>[0]) as { status: string; detail: string };
  const entry = (seq: number, prev: Uint8Array) => encodeCbor([seq, 1_717_000_000_000, 1, EVENTS.boot.id, true, '', prev]);
  const a = filledLog(150);
  assert.equal(await run(a.log), { status: 'passed', detail: '150 entries' });
  // Someone who can write the journal but not recompute the chain: an entry whose prev is not the head's hash.
  a.journal.append(EVENT_LOG_TAG, entry(151, new Uint8Array(32)));
  const forged = await run(EventLog.open(a.journal, crypto, a.clock));
  assert.is(forged.status, 'failed');
  assert.match(forged.detail, /^chain broken at 151: prev is not the hash of entry 150/);
  // An entry replayed (its seq again): out of sequence.
  const b = filledLog(10);
  b.journal.append(EVENT_LOG_TAG, entry(10, [...b.log.entries(10)][0].prev));
  assert.match((await run(EventLog.open(b.journal, crypto, b.clock))).detail, /^chain broken at 11: seq 10 where 11 was due/);
  // A well-linked entry written past the log: the log in memory no longer goes on from the last stored entry.
  const c = filledLog(5);
  c.journal.append(EVENT_LOG_TAG, entry(6, c.log.head.hash));
  assert.match((await run(c.log)).detail, /^chain broken at 7: the log goes on from entry 5/);
  assert.equal(await run(EventLog.open(c.journal, crypto, c.clock)), { status: 'passed', detail: '6 entries' });
});

test.run();
