// The voter card's records: activation and vote. Each refusal reason has a test that tries
// to get a bad record accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { concatBytes, utf8Encode } from '../protocol/bytes';
import { decodeCbor, encodeCbor } from '../protocol/cbor';
import type { CborValue } from '../protocol/cbor';
import {
  CardRecordError, activationHashOf, decodeActivation, decodeVotePlaintext, decodeVoteRecord, encodeVotePlaintext,
  keyIdOf, openVote, verifyActivation, verifyVote, verifyVotedCard,
} from '../protocol/card/records';
import type { CardRefusal } from '../protocol/card/records';
import { hpkeSeal } from '../protocol/crypto/hpke';
import { ACTIVATION_CAPACITY, VOTE_CAPACITY } from '../protocol/card/apdu';
import {
  PRECINCT, activationPolicy, crypto, election, electionSecret, makeActivation, makeVote, otherElection, otherIssuerSecret,
  policy, rogueTerminalSecret, sampleSelections, seededEntropy, terminalSecret, votePolicy, issuerSecret,
} from './helpers/card-fixtures';

function refused(reason: CardRefusal, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, CardRecordError);
    assert.is((e as CardRecordError).reason, reason, (e as Error).message);
    assert.is((e as CardRecordError).code, `card-record-${reason}`);
    return;
  }
  assert.unreachable(`accepted; expected refusal "${reason}"`);
}

/** Re-signs an altered activation body with the given key, as a forger holding it would. */
function resignActivation(items: CborValue[], secret: Uint8Array): Uint8Array {
  const body = items.slice(0, 7);
  const sig = crypto.ed25519Sign(concatBytes(utf8Encode('sailau/card/activation/v1'), encodeCbor(body)), secret);
  return encodeCbor([...body, sig]);
}
function resignVote(items: CborValue[], secret: Uint8Array): Uint8Array {
  const body = items.slice(0, 5);
  const sig = crypto.ed25519Sign(concatBytes(utf8Encode('sailau/card/vote/v1'), encodeCbor(body)), secret);
  return encodeCbor([...body, sig]);
}

test('an activation verifies, carries a 16-byte random id, and no voter identity', () => {
  const { bytes, activation } = makeActivation();
  const v = verifyActivation(crypto, bytes, activationPolicy);
  assert.equal(v, activation);
  assert.is(v.activationId.length, 16);
  assert.is(v.precinct, PRECINCT);
  const items = decodeCbor(bytes) as CborValue[];
  assert.is(items.length, 8); // version, election, precinct, style, id, time, issuer, signature: nothing else
  assert.ok(bytes.length <= 160, `activation is ${bytes.length} bytes`);
  assert.ok(bytes.length <= ACTIVATION_CAPACITY);
});

test('two activations get different ids', () => {
  const e = seededEntropy('two');
  assert.not.equal(makeActivation(e).activation.activationId, makeActivation(e).activation.activationId);
});

test('activation: another election, another precinct, untrusted issuer, tampering, replay', () => {
  refused('wrong-election', () => verifyActivation(crypto, makeActivation(undefined, { electionFingerprint: otherElection }).bytes, activationPolicy));
  refused('wrong-precinct', () => verifyActivation(crypto, makeActivation(undefined, { precinct: PRECINCT + 1 }).bytes, activationPolicy));
  refused('unknown-issuer', () => verifyActivation(crypto, makeActivation(undefined, { issuer: otherIssuerSecret }).bytes, activationPolicy));
  const { bytes, activation } = makeActivation();
  // a forger who changes the precinct but cannot sign with the issuer key
  const items = decodeCbor(bytes) as CborValue[];
  const forged = encodeCbor([items[0], items[1], PRECINCT + 1, ...items.slice(3)]);
  refused('bad-signature', () => verifyActivation(crypto, forged, { ...activationPolicy, precinct: PRECINCT + 1 }));
  // the untrusted key claiming the trusted key's id
  refused('bad-signature', () => verifyActivation(crypto, resignActivation(items, otherIssuerSecret), activationPolicy));
  refused('replayed', () => verifyActivation(crypto, bytes, { ...activationPolicy, isSpent: (id) => id.every((b, i) => b === activation.activationId[i]) }));
  refused('expired', () => verifyActivation(crypto, bytes, { ...activationPolicy, nowSeconds: activation.issuedAt + 3601, maxAgeSeconds: 3600 }));
  verifyActivation(crypto, bytes, { ...activationPolicy, nowSeconds: activation.issuedAt + 3599, maxAgeSeconds: 3600, isSpent: () => false });
});

test('activation: wrong version and malformed encodings are refused', () => {
  const items = decodeCbor(makeActivation().bytes) as CborValue[];
  refused('wrong-version', () => verifyActivation(crypto, resignActivation([2, ...items.slice(1)], issuerSecret), activationPolicy));
  refused('malformed', () => verifyActivation(crypto, new Uint8Array(0), activationPolicy));
  refused('malformed', () => verifyActivation(crypto, concatBytes(makeActivation().bytes, Uint8Array.of(0)), activationPolicy));
  refused('malformed', () => verifyActivation(crypto, encodeCbor({ v: 1 }), activationPolicy));
  refused('malformed', () => verifyActivation(crypto, resignActivation([1, items[1], -1, ...items.slice(3)], issuerSecret), activationPolicy));
  refused('malformed', () => verifyActivation(crypto, resignActivation([1, (items[1] as Uint8Array).slice(1), ...items.slice(2)], issuerSecret), activationPolicy));
});

test('property: any single-byte change to an activation is refused', () => {
  const { bytes } = makeActivation();
  fc.assert(fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
    const b = bytes.slice(); b[i] ^= x;
    assert.throws(() => verifyActivation(crypto, b, activationPolicy), (e: unknown) => e instanceof CardRecordError);
  }), { numRuns: 300 });
});

test('a vote verifies against its activation and opens to its selections and code', () => {
  const act = makeActivation();
  const vote = makeVote(act.bytes);
  const { vote: v } = verifyVotedCard(crypto, act.bytes, vote.bytes, policy);
  assert.equal(v.activationHash, activationHashOf(crypto, act.bytes));
  assert.equal(v.terminalKeyId, keyIdOf(crypto, crypto.ed25519PublicKey(terminalSecret)));
  const content = openVote(crypto, electionSecret, election, v);
  assert.is(content.verificationCode, 427);
  assert.is(content.selections.length, sampleSelections.length);
  for (const sel of sampleSelections) assert.equal(content.selections.find((x) => x.contest === sel.contest), sel);
  assert.ok(act.bytes.length + vote.bytes.length <= 1024, `${act.bytes.length + vote.bytes.length} bytes on the card`);
  assert.ok(vote.bytes.length <= VOTE_CAPACITY);
});

test('the vote is unreadable on the card: no code or option id in clear, and the length does not tell the choice', () => {
  const act = makeActivation();
  const a = makeVote(act.bytes, seededEntropy('a'), { selections: [{ contest: 'president', option: null }], code: 1 });
  const b = makeVote(act.bytes, seededEntropy('b'), { selections: [{ contest: 'president', option: 'a-much-longer-candidate-identifier-0042' }], code: 9999 });
  assert.is(a.bytes.length, b.bytes.length);
  const hay = Array.from(b.bytes).map((x) => String.fromCharCode(x)).join('');
  assert.not.ok(hay.includes('president'));
  assert.not.ok(hay.includes('candidate'));
  refused('undecryptable', () => openVote(crypto, rogueTerminalSecret, election, decodeVoteRecord(a.bytes)));
  refused('undecryptable', () => openVote(crypto, electionSecret, otherElection, decodeVoteRecord(a.bytes)));
});

test('vote: tampered ciphertext, enc, binding or terminal id is refused', () => {
  const act = makeActivation();
  const { bytes } = makeVote(act.bytes);
  const items = decodeCbor(bytes) as CborValue[];
  for (const idx of [1, 2, 3, 4]) {
    const changed = items.slice();
    const f = (changed[idx] as Uint8Array).slice(); f[0] ^= 1; changed[idx] = f;
    assert.throws(() => verifyVote(crypto, encodeCbor(changed), act.bytes, votePolicy), (e: unknown) => e instanceof CardRecordError
      && ['bad-signature', 'unknown-terminal'].includes((e as CardRecordError).reason));
  }
  // the ciphertext altered by someone holding a terminal key: the signature passes, HPKE does not
  const ct = (items[3] as Uint8Array).slice(); ct[5] ^= 0x40;
  const resigned = resignVote([items[0], items[1], items[2], ct, items[4]], terminalSecret);
  refused('undecryptable', () => openVote(crypto, electionSecret, election, verifyVote(crypto, resigned, act.bytes, votePolicy)));
  refused('unknown-terminal', () => verifyVote(crypto, makeVote(act.bytes, undefined, { terminal: rogueTerminalSecret }).bytes, act.bytes, votePolicy));
  refused('bad-signature', () => verifyVote(crypto, resignVote(items, rogueTerminalSecret), act.bytes, votePolicy));
});

test('vote: moved to another card (another activation) is refused, even re-bound by a terminal key', () => {
  const act1 = makeActivation(seededEntropy('one'));
  const act2 = makeActivation(seededEntropy('two'));
  const vote1 = makeVote(act1.bytes);
  refused('wrong-activation', () => verifyVote(crypto, vote1.bytes, act2.bytes, votePolicy));
  // re-bind vote 1's ciphertext to activation 2 and sign it: the HPKE aad still says activation 1
  const items = decodeCbor(vote1.bytes) as CborValue[];
  const moved = resignVote([items[0], activationHashOf(crypto, act2.bytes), items[2], items[3], items[4]], terminalSecret);
  const v = verifyVote(crypto, moved, act2.bytes, votePolicy);
  refused('undecryptable', () => openVote(crypto, electionSecret, election, v));
});

test('vote: wrong version and malformed are refused', () => {
  const act = makeActivation();
  const items = decodeCbor(makeVote(act.bytes).bytes) as CborValue[];
  refused('wrong-version', () => verifyVote(crypto, resignVote([9, ...items.slice(1)], terminalSecret), act.bytes, votePolicy));
  refused('malformed', () => verifyVote(crypto, encodeCbor([1, 2, 3]), act.bytes, votePolicy));
  refused('malformed', () => verifyVote(crypto, Uint8Array.of(0x9f), act.bytes, votePolicy));
  // a properly signed vote whose ciphertext is not a vote plaintext opens as malformed
  const ah = activationHashOf(crypto, act.bytes);
  const sealed = hpkeSeal(crypto, crypto.x25519PublicKey(electionSecret), concatBytes(utf8Encode('sailau/card/vote-hpke/v1'), election), ah, encodeCbor([1, 'not', 'a vote']), seededEntropy('e').randomBytes(32));
  const notAVote = resignVote([1, ah, sealed.enc, sealed.ciphertext, items[4]], terminalSecret);
  refused('malformed', () => openVote(crypto, electionSecret, election, verifyVote(crypto, notAVote, act.bytes, votePolicy)));
});

test('property: vote plaintext round-trips, is padded to the bucket, and its decoder is strict', () => {
  const id = fc.oneof(fc.nat(1_000_000), fc.string({ minLength: 1, maxLength: 20 }));
  fc.assert(fc.property(fc.uniqueArray(fc.record({ contest: id, option: fc.option(id, { nil: null }) }), { selector: (s) => JSON.stringify(s.contest), maxLength: 6 }), fc.nat(9999), (selections, code) => {
    const pt = encodeVotePlaintext({ selections, verificationCode: code });
    assert.is(pt.length % 128, 0);
    const back = decodeVotePlaintext(pt);
    assert.is(back.verificationCode, code);
    assert.is(back.selections.length, selections.length);
    for (const s of selections) assert.equal(back.selections.find((b) => b.contest === s.contest)?.option, s.option);
    const b = pt.slice(); b[b.length - 1] = 1; // non-zero padding
    assert.throws(() => decodeVotePlaintext(b), (e: unknown) => e instanceof CardRecordError);
  }), { numRuns: 200 });
  assert.throws(() => encodeVotePlaintext({ selections: [], verificationCode: 10000 }));
  assert.throws(() => encodeVotePlaintext({ selections: [{ contest: 'a', option: 1 }, { contest: 'a', option: 2 }], verificationCode: 1 }));
});

test('decoders name the refusal for garbage (never another exception type)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    for (const f of [() => decodeActivation(b), () => decodeVoteRecord(b), () => decodeVotePlaintext(b)]) {
      try { f(); } catch (e) { assert.instance(e, CardRecordError); }
    }
  }), { numRuns: 500 });
});

test.run();
