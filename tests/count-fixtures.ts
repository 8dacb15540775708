// Test (and bench) material for counting: an election with both contest kinds, test keys,
// enrolled devices, and voted cards made with the real card-record builders
// (protocol/card/records.ts), so counting sees exactly what an accumulator stores.
import { concatBytes, utf8Encode } from '../protocol/bytes';
import type { CryptoPort, EntropyPort } from '../protocol/crypto/port';
import { nodeCrypto } from '../hosts/node/crypto';
import { createActivation, sealVote, type Selection } from '../protocol/card/records';
import { encodeElection, electionFingerprint } from '../protocol/election';
import { AGAINST_ALL_ID, type ElectionDefinition } from '../protocol/election/model';
import { createElectionKey } from '../precinct/keys/election-key';
import type { ContestTally, CountInput, Delivery, EnrolledDevice, StoredVote } from '../precinct/count/types';

export const crypto: CryptoPort = nodeCrypto;

/** SHA-256(label || counter) blocks: reproducible, fast (native SHA-256). Tests only. */
export function seeded(label: string): EntropyPort {
  let counter = 0;
  return {
    randomBytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let o = 0; o < n; o += 32) {
        const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255);
        counter++;
        out.set(crypto.sha256(concatBytes(utf8Encode(label), c)).subarray(0, Math.min(32, n - o)), o);
      }
      return out;
    },
  };
}

/** A small deterministic PRNG for choosing votes (xorshift32). */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

export function countDefinition(): ElectionDefinition {
  return {
    electionId: 'TEST-COUNT',
    title: { kk: 'Сынақ сайлауы', ru: 'Тестовые выборы' },
    date: '2028-03-19',
    precinct: 318,
    votingHours: { opens: '07:00', closes: '20:00' },
    contests: [
      {
        id: 1, kind: 'candidates', title: { kk: 'Әкімдікке кандидаттар', ru: 'Кандидаты в акимы' }, againstAll: true, blankAllowed: false,
        options: [
          { id: 2, surname: { kk: 'Әлиев', ru: 'Алиев' }, firstName: { kk: 'Нұр', ru: 'Нур' }, patronymic: null, party: null },
          { id: 3, surname: { kk: 'Жаңабергенов', ru: 'Жанабергенов' }, firstName: { kk: 'Бауыржан', ru: 'Бауыржан' }, patronymic: { kk: 'Төлегенұлы', ru: 'Толегенович' }, party: { kk: '«Жасыл Дала» партиясы', ru: 'Партия «Жасыл Дала»' } },
          { id: 1, surname: { kk: 'Өмірбек', ru: 'Омирбек' }, firstName: { kk: 'Айгүл', ru: 'Айгуль' }, patronymic: { kk: 'Ғалымқызы', ru: 'Галымовна' }, party: { kk: '«Ақ Бидай»', ru: '«Ак Бидай»' } },
        ],
      },
      {
        id: 2, kind: 'party-list', title: { kk: 'Партиялық тізімдер', ru: 'Партийные списки' }, againstAll: false, blankAllowed: true,
        options: [{ id: 2, name: { kk: '«Тұғыр»', ru: '«Тугыр»' } }, { id: 1, name: { kk: '«Қамқор»', ru: '«Камкор»' } }, { id: 3, name: { kk: '«Болашақ»', ru: '«Болашак»' } }],
      },
    ],
  };
}

export interface Keys {
  issuer: Uint8Array; issuerPublic: Uint8Array;
  terminals: Uint8Array[];
  portable: Uint8Array;
  rogue: Uint8Array;
  chairman: Uint8Array; chairmanPublic: Uint8Array;
}

export function testKeys(): Keys {
  const e = seeded('count-test-keys');
  const issuer = e.randomBytes(32);
  const chairman = e.randomBytes(32);
  return {
    issuer, issuerPublic: crypto.ed25519PublicKey(issuer),
    terminals: [e.randomBytes(32), e.randomBytes(32)],
    portable: e.randomBytes(32),
    rogue: e.randomBytes(32),
    chairman, chairmanPublic: crypto.ed25519PublicKey(chairman),
  };
}

export interface Election {
  definition: ElectionDefinition;
  fingerprint: Uint8Array;
  publicKey: Uint8Array;
  sealed: Uint8Array;
  password: string;
}

const electionCache = new Map<string, Promise<Election>>();
/** The election and its sealed key (scrypt at the lowest test work factor unless told). */
export function makeElection(definition = countDefinition(), logN = 10): Promise<Election> {
  const key = `${logN}:${JSON.stringify(definition)}`;
  let p = electionCache.get(key);
  if (!p) {
    p = (async () => {
      const fingerprint = electionFingerprint(encodeElection(definition), crypto);
      const k = await createElectionKey(crypto, seeded('election-key'), fingerprint, { logN });
      return { definition, fingerprint, publicKey: k.publicKey, sealed: k.sealed, password: k.startPassword.take() };
    })();
    electionCache.set(key, p);
  }
  return p;
}

/** A random valid vote for the definition (with some blanks and "against all"). */
export function randomSelections(def: ElectionDefinition, rnd: () => number): Selection[] {
  return def.contests.map((c) => {
    const lines: (number | null)[] = c.options.map((o) => o.id);
    if (c.againstAll) lines.push(AGAINST_ALL_ID);
    if (c.blankAllowed) lines.push(null);
    return { contest: c.id, option: lines[Math.floor(rnd() * lines.length)] };
  });
}

export interface VoteSpec { selections: Selection[]; code: number }

/** One voted card: activation by the issuer, vote sealed and signed by `terminal`. */
export function votedCard(e: Election, keys: Keys, terminal: Uint8Array, spec: VoteSpec, entropy: EntropyPort, issuer = keys.issuer): StoredVote {
  const a = createActivation(crypto, entropy, issuer, { electionFingerprint: e.fingerprint, precinct: e.definition.precinct, ballotStyle: 1, issuedAt: 1_900_000_000 });
  const v = sealVote(crypto, entropy, {
    activationBytes: a.bytes, electionFingerprint: e.fingerprint, electionPublicKey: e.publicKey,
    terminalSecretKey: terminal, content: { selections: spec.selections, verificationCode: spec.code },
  });
  return { activation: a.bytes, vote: v.bytes };
}

/** Distinct codes 0..9999 in a shuffled order. */
export function codeSequence(rnd: () => number): number[] {
  const all = Array.from({ length: 10000 }, (_, i) => i);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

export interface Scenario {
  election: Election;
  keys: Keys;
  input: CountInput;
  /** ground truth: premises votes and portable votes, per contest tallies */
  truthPremises: ContestTally[];
  truthPortable: ContestTally[];
  specs: { premises: VoteSpec[]; portable: VoteSpec[] };
}

export function tallyOf(def: ElectionDefinition, specs: VoteSpec[]): ContestTally[] {
  return def.contests.map((c) => {
    const t: ContestTally = { contestId: c.id, options: c.options.map((o) => ({ optionId: o.id, votes: 0 })), againstAll: c.againstAll ? 0 : null, blank: 0, invalid: 0, ballots: 0 };
    for (const s of specs) {
      const o = s.selections.find((x) => x.contest === c.id)?.option ?? null;
      t.ballots++;
      if (o === null) t.blank++;
      else if (o === AGAINST_ALL_ID) t.againstAll!++;
      else t.options.find((x) => x.optionId === o)!.votes++;
    }
    return t;
  });
}

export interface ScenarioOptions {
  premisesVotes: number;
  portableVotes?: number;
  homeApplications?: number;
  markedVoters?: number;
  cardsSpoiled?: number;
  outstanding?: number;
  seed?: number;
  accumulators?: number;
  definition?: ElectionDefinition;
  /** scrypt work factor of the sealed election key (tests: 10; the bench: production 18) */
  logN?: number;
  /**
   * Accumulators deliver votes only, as their results.read does (docs/accumulator.md);
   * true makes them deliver [activation, vote] pairs, to test the activation checks.
   */
  accumulatorActivations?: boolean;
}

/** A whole precinct day: N votes over two terminals into the accumulators, M on the portable ballot. */
export async function scenario(o: ScenarioOptions): Promise<Scenario> {
  const election = await makeElection(o.definition, o.logN);
  const keys = testKeys();
  const def = election.definition;
  const rnd = prng(o.seed ?? 1);
  const entropy = seeded(`scenario-${o.seed ?? 1}`);
  const codes = codeSequence(rnd);
  const nAcc = o.accumulators ?? 2;
  const portableN = o.portableVotes ?? 0;
  const premises: VoteSpec[] = [];
  const portable: VoteSpec[] = [];
  const accRecords: StoredVote[][] = Array.from({ length: nAcc }, () => []);
  const written = [0, 0];
  for (let i = 0; i < o.premisesVotes; i++) {
    const spec = { selections: randomSelections(def, rnd), code: codes[i] };
    premises.push(spec);
    const t = i % 2;
    written[t]++;
    const card = votedCard(election, keys, keys.terminals[t], spec, entropy);
    accRecords[i % nAcc].push(o.accumulatorActivations ? card : { vote: card.vote });
  }
  const portableRecords: StoredVote[] = [];
  for (let i = 0; i < portableN; i++) {
    const spec = { selections: randomSelections(def, rnd), code: codes[o.premisesVotes + i] };
    portable.push(spec);
    portableRecords.push(votedCard(election, keys, keys.portable, spec, entropy));
  }
  const key = (b: number): Uint8Array => crypto.sha256(Uint8Array.of(b));
  const devices: EnrolledDevice[] = [
    { deviceId: 'term-1', kind: 'terminal', signPublicKey: crypto.ed25519PublicKey(keys.terminals[0]), kexPublicKey: key(1), status: 'active' },
    { deviceId: 'term-2', kind: 'terminal', signPublicKey: crypto.ed25519PublicKey(keys.terminals[1]), kexPublicKey: key(2), status: 'active' },
    ...accRecords.map((_, i): EnrolledDevice => ({ deviceId: `acc-${i + 1}`, kind: 'accumulator', signPublicKey: key(10 + i), kexPublicKey: key(20 + i), status: 'active' })),
    { deviceId: 'pb-1', kind: 'portable-ballot', signPublicKey: crypto.ed25519PublicKey(keys.portable), kexPublicKey: key(30), status: 'active' },
  ];
  const deliveries: Delivery[] = [
    { deviceId: 'term-1', kind: 'terminal', votesWritten: written[0] },
    { deviceId: 'term-2', kind: 'terminal', votesWritten: written[1] },
    ...accRecords.map((records, i): Delivery => ({ deviceId: `acc-${i + 1}`, kind: 'accumulator', records, reportedCount: records.length })),
    { deviceId: 'pb-1', kind: 'portable-ballot', records: portableRecords, markedVoters: o.markedVoters ?? portableN },
  ];
  const spoiled = o.cardsSpoiled ?? 0;
  const input: CountInput = {
    crypto,
    election: { definition: def, fingerprint: election.fingerprint },
    devices, deliveries,
    issuerKeys: [keys.issuerPublic],
    register: {
      registered: 3000,
      cardsActivated: o.premisesVotes + spoiled + (o.outstanding ?? 0),
      cardsSpoiled: spoiled,
      homeApplications: o.homeApplications ?? portableN,
    },
    sealedElectionKey: election.sealed,
    startPassword: election.password,
  };
  return { election, keys, input, truthPremises: tallyOf(def, premises), truthPortable: tallyOf(def, portable), specs: { premises, portable } };
}

/** A counted scenario turned into a signed protocol (the chairman's test key signs). */
export async function protocolFixture(o: ScenarioOptions & { tweak?: (s: Scenario) => void }) {
  const { countVotes } = await import('../precinct/count/count');
  const { makeSignedProtocol } = await import('../precinct/protocol/index');
  const s = await scenario(o);
  o.tweak?.(s);
  const count = await countVotes(s.input);
  const made = makeSignedProtocol(crypto, count, {
    definition: s.election.definition, fingerprint: s.election.fingerprint,
    eventLogHead: { seq: 57, hash: crypto.sha256(utf8Encode('event-log-head')) },
    signedAt: new Date('2028-03-19T17:42:10.000Z'),
  }, s.keys.chairman);
  return { s, count, ...made };
}
