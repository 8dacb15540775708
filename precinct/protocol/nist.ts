// Export of a protocol as NIST SP 1500-100 version 2 (Election Results Reporting Common
// Data Format), JSON. One ReportingUnit (Type "precinct") carries every count. Mapping
// (docs/counting.md): candidate contest → CandidateContest with CandidateSelection per
// candidate (Candidate + Person with the name parts, Party for the nominating party);
// party-list contest → PartyContest with PartySelection per party; "against all" → a
// selection of its own (a Candidate, or a Party, named «Барлығына қарсы» / «Против
// всех»); blank → OtherCounts.Undervotes; invalid choice → OtherCounts.Overvotes. When
// the portable ballot's votes are set aside, they appear as extra VoteCounts of Type
// "other", OtherType "portable-ballot-for-decision", not in the "total".
import { AGAINST_ALL_TEXT, type LocalizedText } from '../../protocol/election/model';
import { toHex } from '../../protocol/bytes';
import type { ProtocolDocument, ProtocolOption } from './document';

type Json = Record<string, unknown>;

const LANGS = ['kk', 'ru'] as const;
function itext(t: LocalizedText): Json {
  return { '@type': 'ElectionResults.InternationalizedText', Text: LANGS.map((l) => ({ '@type': 'ElectionResults.LanguageString', Content: t[l], Language: l })) };
}

/** Date-time as the schema's pattern wants it: seconds, no fraction, Z. */
function nistDateTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

export interface NistOptions {
  vendorApplicationId?: string;
  isTest?: boolean;
}

export function toNistReport(doc: ProtocolDocument, options: NistOptions = {}): Json {
  const gp = `gp-precinct-${doc.precinct}`;
  const parties = new Map<string, Json>();
  const partyId = (name: LocalizedText): string => {
    const key = `${name.kk}\u0000${name.ru}`;
    let p = parties.get(key);
    if (!p) {
      p = { '@id': `party-${parties.size + 1}`, '@type': 'ElectionResults.Party', Name: itext(name) };
      parties.set(key, p);
    }
    return p['@id'] as string;
  };
  const persons: Json[] = [];
  const candidates: Json[] = [];
  const counts = (main: number, aside: number | null): Json[] => {
    const out: Json[] = [{ '@type': 'ElectionResults.VoteCounts', Count: main, GpUnitId: gp, Type: 'total' }];
    if (aside !== null) out.push({ '@type': 'ElectionResults.VoteCounts', Count: aside, GpUnitId: gp, Type: 'other', OtherType: 'portable-ballot-for-decision' });
    return out;
  };

  const contests = doc.contests.map((c, ci) => {
    const cid = `contest-${c.id}`;
    const selections: Json[] = [];
    c.options.forEach((o, j) => {
      const aside = c.portable ? c.portable.options[j] : null;
      if (c.kind === 'candidates') {
        const personId = `person-${c.id}-${o.id}`;
        const candId = `candidate-${c.id}-${o.id}`;
        persons.push({ '@id': personId, '@type': 'ElectionResults.Person', FullName: itext(o.text), ...personNames(o) });
        const cand: Json = { '@id': candId, '@type': 'ElectionResults.Candidate', BallotName: itext(o.text), PersonId: personId };
        if (o.detail && o.kind === 'candidate' && !isSelfNominated(o.detail)) cand.PartyId = partyId(o.detail);
        candidates.push(cand);
        selections.push({ '@id': `selection-${c.id}-${o.id}`, '@type': 'ElectionResults.CandidateSelection', CandidateIds: [candId], SequenceOrder: j + 1, VoteCounts: counts(o.votes, aside) });
      } else {
        selections.push({ '@id': `selection-${c.id}-${o.id}`, '@type': 'ElectionResults.PartySelection', PartyIds: [partyId(o.text)], SequenceOrder: j + 1, VoteCounts: counts(o.votes, aside) });
      }
    });
    if (c.againstAll !== null) {
      const aside = c.portable ? c.portable.againstAll ?? 0 : null;
      const id = `selection-${c.id}-against-all`;
      if (c.kind === 'candidates') {
        const candId = `candidate-${c.id}-against-all`;
        candidates.push({ '@id': candId, '@type': 'ElectionResults.Candidate', BallotName: itext(AGAINST_ALL_TEXT) });
        selections.push({ '@id': id, '@type': 'ElectionResults.CandidateSelection', CandidateIds: [candId], SequenceOrder: c.options.length + 1, VoteCounts: counts(c.againstAll, aside) });
      } else {
        selections.push({ '@id': id, '@type': 'ElectionResults.PartySelection', PartyIds: [partyId(AGAINST_ALL_TEXT)], SequenceOrder: c.options.length + 1, VoteCounts: counts(c.againstAll, aside) });
      }
    }
    const other = [{ '@type': 'ElectionResults.OtherCounts', GpUnitId: gp, Undervotes: c.blank, Overvotes: c.invalid }];
    const base: Json = {
      '@id': cid, ElectionDistrictId: gp, Name: `${c.title.kk} / ${c.title.ru}`, BallotTitle: itext(c.title),
      SequenceOrder: ci + 1, ContestSelection: selections, OtherCounts: other, VoteVariation: 'plurality',
    };
    return c.kind === 'candidates'
      ? { ...base, '@type': 'ElectionResults.CandidateContest', VotesAllowed: 1, NumberElected: 1 }
      : { ...base, '@type': 'ElectionResults.PartyContest' };
  });

  const r = doc.reconciliation;
  const notes = [
    `sailau protocol; election fingerprint ${toHex(doc.election.fingerprint)}`,
    r.portableCounted ? '' : `portable ballot votes (${r.portableVotes}) exceed applications (${r.homeApplications}) or marked voters (${r.portableMarkedVoters}): set aside for the commission's decision`,
    ...doc.anomalies.map((a) => `anomaly ${a.code}${a.device ? ` [${a.device}]` : ''}${a.contest !== null ? ` [contest ${a.contest}]` : ''}: ${a.count}`),
  ].filter((s) => s !== '');

  return {
    '@type': 'ElectionResults.ElectionReport',
    Format: 'precinct-level',
    GeneratedDate: nistDateTime(doc.signedAt),
    Issuer: `Precinct electoral commission No. ${doc.precinct}`,
    IssuerAbbreviation: `PEC-${doc.precinct}`,
    SequenceStart: 1,
    SequenceEnd: 1,
    Status: 'unofficial-complete',
    VendorApplicationId: options.vendorApplicationId ?? 'sailau 0.1.0',
    ...(options.isTest !== undefined ? { IsTest: options.isTest } : {}),
    Notes: notes.join('; '),
    GpUnit: [{
      '@id': gp, '@type': 'ElectionResults.ReportingUnit', Type: 'precinct', Number: String(doc.precinct),
      Name: itext({ kk: `№ ${doc.precinct} сайлау учаскесі`, ru: `Избирательный участок № ${doc.precinct}` }),
      VotersRegistered: r.registered, VotersParticipated: r.ballotsCounted,
    }],
    Party: [...parties.values()],
    Person: persons,
    Election: [{
      '@type': 'ElectionResults.Election',
      ElectionScopeId: gp,
      StartDate: doc.election.date, EndDate: doc.election.date,
      Name: itext(doc.election.title),
      Type: 'general',
      ExternalIdentifier: [{ '@type': 'ElectionResults.ExternalIdentifier', Type: 'other', OtherType: 'sailau-election-id', Value: doc.election.id }],
      BallotCounts: [{
        '@type': 'ElectionResults.BallotCounts', GpUnitId: gp, Type: 'total',
        BallotsCast: r.ballotsCounted, BallotsOutstanding: r.cardsOutstanding, BallotsRejected: r.recordsRejected,
      }],
      Candidate: candidates,
      Contest: contests,
    }],
  };
}

function isSelfNominated(t: LocalizedText): boolean {
  return t.kk === 'Өзін-өзі ұсыну';
}

/** Person's name parts are plain strings in NIST: the Kazakh (state-language) form; FullName has both. */
function personNames(o: ProtocolOption): Json {
  if (!o.person) return {};
  const out: Json = { LastName: o.person.surname.kk, FirstName: o.person.firstName.kk };
  if (o.person.patronymic) out.MiddleName = [o.person.patronymic.kk];
  return out;
}
