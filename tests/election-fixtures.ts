// Shared by the election tests: a small valid definition and fast-check arbitraries of valid ones.
import fc from 'fast-check';
import { KAZAKH_ALPHABET_LOWER, KAZAKH_ALPHABET_UPPER, compareCandidates } from '../protocol/election/collation';
import type { Candidate, Contest, ElectionDefinition, LocalizedText, Party } from '../protocol/election/model';

export { smallDefinition } from './election-small-definition';

export const deepCopy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const SPECIAL = 'әғқңөұүһі';
const lower = fc.oneof(fc.constantFrom(...KAZAKH_ALPHABET_LOWER), fc.constantFrom(...SPECIAL));
const nameWord = fc.tuple(fc.constantFrom(...KAZAKH_ALPHABET_UPPER), fc.array(lower, { maxLength: 12 })).map(([c, r]) => c + r.join(''));
export const nameArb = fc.oneof({ weight: 5, arbitrary: nameWord }, { weight: 1, arbitrary: fc.tuple(nameWord, fc.constantFrom('-', ' '), nameWord).map((p) => p.join('')) });
const nameTextArb: fc.Arbitrary<LocalizedText> = fc.record({ kk: nameArb, ru: nameArb });

// General texts: Cyrillic, Latin, digits, ballot punctuation and a few characters beyond the BMP.
const textChar = fc.constantFrom(...'АӘБВҒқөұүіһабвгяZzAa0123456789«»№—-.,"\'()éü😀𝔸');
const textWord = fc.array(textChar, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
export const textArb = fc.array(textWord, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const localizedArb: fc.Arbitrary<LocalizedText> = fc.record({ kk: textArb, ru: textArb });

const idsArb = (min: number, max: number) => fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { minLength: min, maxLength: max });

const candidatesArb = idsArb(1, 12).chain((ids) =>
  fc.tuple(...ids.map((id) => fc.record({
    id: fc.constant(id), surname: nameTextArb, firstName: nameTextArb,
    patronymic: fc.option(nameTextArb, { nil: null }), party: fc.option(localizedArb, { nil: null }),
  }))).map((cs: Candidate[]) => [...cs].sort(compareCandidates)));

// Party names must differ (case-insensitively, per language): suffix the position.
const partiesArb = idsArb(1, 12).chain((ids) =>
  fc.tuple(...ids.map((id, i) => localizedArb.map((name) => ({ id, name: { kk: `${name.kk} ${i}`, ru: `${name.ru} ${i}` } } as Party)))));

const contestArb = (id: number): fc.Arbitrary<Contest> => fc.record({
  id: fc.constant(id), title: localizedArb, againstAll: fc.boolean(), blankAllowed: fc.boolean(),
}).chain((base) => fc.oneof(
  candidatesArb.map((options): Contest => ({ ...base, kind: 'candidates', options })),
  partiesArb.map((options): Contest => ({ ...base, kind: 'party-list', options })),
));

const two = (n: number): string => String(n).padStart(2, '0');

export const definitionArb: fc.Arbitrary<ElectionDefinition> = fc.record({
  electionId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/),
  title: localizedArb,
  date: fc.tuple(fc.integer({ min: 1991, max: 2200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${y}-${two(m)}-${two(d)}`),
  precinct: fc.integer({ min: 1, max: 99999 }),
  votingHours: fc.uniqueArray(fc.integer({ min: 0, max: 24 * 60 - 1 }), { minLength: 2, maxLength: 2 })
    .map((ts) => ts.sort((a, b) => a - b).map((t) => `${two(Math.floor(t / 60))}:${two(t % 60)}`))
    .map(([opens, closes]) => ({ opens, closes })),
  contests: idsArb(1, 4).chain((ids) => fc.tuple(...ids.map(contestArb))),
}).map(deepCopy); // plain objects: fc.record may give null-prototype ones, which decoding never does
