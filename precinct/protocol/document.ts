// The electronic protocol of the precinct (001 §19–§20): one deterministic-CBOR map
// holding the results, the reconciliation, the anomalies, the devices and their data
// fingerprints, the event-log head and the verification-code list. It names every
// contest and option in both languages, so the file alone is enough to print it or to
// export it. Field by field: docs/counting.md.
import { toHex } from '../../protocol/bytes';
import { encodeCbor, type CborValue } from '../../protocol/cbor';
import { AGAINST_ALL_TEXT, ballotLines, type Candidate, type ElectionDefinition, type LocalizedText } from '../../protocol/election/model';
import type { Choice, CountResult, ContestTally, Reconciliation } from '../count/types';

export const PROTOCOL_TYPE = 'sailau/precinct-protocol';
export const PROTOCOL_FORMAT = 1;

export interface ProtocolOption {
  id: number;
  kind: 'candidate' | 'party';
  text: LocalizedText;
  /** candidate: party or "self-nominated"; party: null */
  detail: LocalizedText | null;
  /** candidate: the name parts; party: null */
  person: PersonName | null;
  votes: number;
}

export interface PersonName { surname: LocalizedText; firstName: LocalizedText; patronymic: LocalizedText | null }

export interface PortableFigures {
  options: number[];
  againstAll: number | null;
  blank: number;
  invalid: number;
  ballots: number;
}

export interface ProtocolContest {
  id: number;
  kind: 'candidates' | 'party-list';
  title: LocalizedText;
  blankAllowed: boolean;
  options: ProtocolOption[];
  againstAll: number | null;
  blank: number;
  invalid: number;
  ballots: number;
  /** The portable ballot's votes in this contest, when they are set aside for decision; else null. */
  portable: PortableFigures | null;
}

export interface ProtocolAnomaly { code: string; device: string | null; contest: number | null; count: number; detail: string }

export interface ProtocolDevice {
  id: string;
  kind: string;
  signKey: Uint8Array;
  kexKey: Uint8Array | null;
  data: Uint8Array;
  records: number;
  accepted: number;
  reportedCount: number | null;
  markedVoters: number | null;
  votesWritten: number | null;
}

export interface ProtocolCode { code: number; choices: Choice[]; forDecision: boolean }

export interface ProtocolDocument {
  type: typeof PROTOCOL_TYPE;
  format: number;
  election: { id: string; fingerprint: Uint8Array; title: LocalizedText; date: string };
  precinct: number;
  contests: ProtocolContest[];
  reconciliation: Reconciliation;
  flags: { portableForDecision: boolean };
  anomalies: ProtocolAnomaly[];
  devices: ProtocolDevice[];
  eventLog: { seq: number; hash: Uint8Array };
  codes: ProtocolCode[];
  /** ISO 8601 UTC, the moment the chairman signs */
  signedAt: string;
}

export interface ProtocolMeta {
  definition: ElectionDefinition;
  fingerprint: Uint8Array;
  eventLogHead: { seq: number; hash: Uint8Array };
  signedAt: Date;
}

function personOf(c: Candidate): PersonName {
  return { surname: c.surname, firstName: c.firstName, patronymic: c.patronymic };
}

function figures(t: ContestTally): PortableFigures {
  return { options: t.options.map((o) => o.votes), againstAll: t.againstAll, blank: t.blank, invalid: t.invalid, ballots: t.ballots };
}

export function buildProtocol(count: CountResult, meta: ProtocolMeta): ProtocolDocument {
  const d = meta.definition;
  const forDecision = !count.reconciliation.portableCounted;
  return {
    type: PROTOCOL_TYPE,
    format: PROTOCOL_FORMAT,
    election: { id: d.electionId, fingerprint: meta.fingerprint, title: d.title, date: d.date },
    precinct: d.precinct,
    contests: d.contests.map((c, i) => {
      const t = count.tallies[i];
      const lines = ballotLines(c).filter((l) => l.kind !== 'against-all');
      return {
        id: c.id, kind: c.kind, title: c.title, blankAllowed: c.blankAllowed,
        options: lines.map((l, j) => ({
          id: l.optionId, kind: l.kind as 'candidate' | 'party', text: l.text, detail: l.detail,
          person: c.kind === 'candidates' ? personOf(c.options[j]) : null, votes: t.options[j].votes,
        })),
        againstAll: t.againstAll, blank: t.blank, invalid: t.invalid, ballots: t.ballots,
        portable: forDecision ? figures(count.portableTallies[i]) : null,
      };
    }),
    reconciliation: { ...count.reconciliation },
    flags: { portableForDecision: forDecision },
    anomalies: count.anomalies.map((a) => ({ ...a })),
    devices: count.devices.map((x) => ({
      id: x.deviceId, kind: x.kind, signKey: x.signKeyFingerprint, kexKey: x.kexKeyFingerprint, data: x.dataFingerprint,
      records: x.records, accepted: x.accepted, reportedCount: x.reportedCount, markedVoters: x.markedVoters, votesWritten: x.votesWritten,
    })),
    eventLog: { seq: meta.eventLogHead.seq, hash: meta.eventLogHead.hash },
    codes: count.codes.map((c) => ({ code: c.code, choices: c.choices, forDecision: c.forDecision })),
    signedAt: meta.signedAt.toISOString(),
  };
}

/** Codes go as compact arrays [code, [choice…], forDecision]: 3,000 of them stay small. */
export function protocolToCbor(doc: ProtocolDocument): CborValue {
  const { codes, ...rest } = doc;
  return { ...(rest as unknown as Record<string, CborValue>), codes: codes.map((c) => [c.code, c.choices, c.forDecision]) } as CborValue;
}

export function encodeProtocol(doc: ProtocolDocument): Uint8Array {
  return encodeCbor(protocolToCbor(doc));
}

/** JSON rendering: byte strings as lower-case hex; otherwise the same fields as the CBOR. */
export function protocolToJson(doc: ProtocolDocument): unknown {
  const conv = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return toHex(v);
    if (Array.isArray(v)) return v.map(conv);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    return v;
  };
  return conv(doc);
}

/** A contest's lines as printed: options then "against all" (if any), each with its votes. */
export function printedLines(c: ProtocolContest): { text: LocalizedText; detail: LocalizedText | null; votes: number }[] {
  const lines = c.options.map((o) => ({ text: o.text, detail: o.detail, votes: o.votes }));
  if (c.againstAll !== null) lines.push({ text: AGAINST_ALL_TEXT, detail: null, votes: c.againstAll });
  return lines;
}
