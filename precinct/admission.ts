// Admission at the desk (001 §6–8): find the voter (barcode scan of the IIN, typed IIN, or
// name), show the record to compare with the ID document, then — on the member's
// confirmation — record the admission and have the card writer activate a card.
//
// What the admission record keeps: the voter's register number and a status. Nothing
// that could join it to a card or a vote: no activation id, no card serial, no time, no
// sequence (docs/admission.md). Refusals go to the event log; admissions do not.
//
// Activation is two-phase so a crash never hands out an unrecorded card:
//   1. one transaction: check standing, insert (register_no, 'pending')
//   2. activateCard()                      — the card writer; returns when the card holds a signed activation
//   3. one transaction: status = 'admitted'
// If activateCard throws, the pending row is removed (the voter may try again). If the
// program dies during step 2, the pending row survives: pendingAdmissions() lists it and the
// member either completes it with a fresh card (completePending) or cancels it.
import type { PrecinctDb } from './db/open';
import type { Clock } from './db/clock';
import { eventLog, type EventLog } from './event-log';
import { PrecinctError } from './errors';
import { IinError, parseIin } from './iin';
import { findByIin, findByRegisterNo, searchByName, type Voter } from './register';

/**
 * The card writer, injected — e.g. `() => cardWriter.activate(target)` (precinct/card-writer.ts).
 * Its result (activation, activation hash, card serial) is deliberately ignored and never stored.
 */
export type ActivateCard = () => Promise<unknown>;

export type Standing = 'eligible' | 'admitted' | 'pending' | 'home';

export type RefusalCode = 'not-on-list' | 'already-admitted' | 'admission-pending' | 'voting-at-home';

/** What the commission does in each case; shown to the member with the refusal. */
export const REFUSAL_PROCEDURE: Record<RefusalCode, string> = {
  'not-on-list':
    'Do not issue a card. Send the voter to the commission member assigned to liaise with the territorial commission (001 §4.2). '
    + 'If the voter presents an absentee certificate for this precinct, or the territorial commission confirms residence on this precinct\'s territory, '
    + 'the commission decides to add the voter to the supplementary list (addSupplementaryVoter), then admits them. Otherwise the voter is directed to their own precinct.',
  'already-admitted':
    'Do not issue a card: this voter has already received a card today. Call the chairman. If the voter says they have not voted, '
    + 'the chairman records the statement in writing (someone may have voted in their name) and the commission decides; the system admits nobody twice.',
  'admission-pending':
    'A card activation for this voter was started and not finished. Do not issue another card until the member who started it '
    + 'completes it (completePending) or cancels it (cancelPending) at this computer.',
  'voting-at-home':
    'Do not issue a card: this voter applied in writing to vote outside the premises and is on the portable ballot list. Call the chairman. '
    + 'Only while the application is not yet loaded into the portable ballot may the voter withdraw it in writing (withdrawHomeApplication); then admit.',
};

export class AdmissionRefused extends PrecinctError {
  readonly refusal: RefusalCode;
  readonly voter: Voter | undefined;
  constructor(refusal: RefusalCode, voter: Voter | undefined, what: string) {
    super(`admission-${refusal}`, `${what}. ${REFUSAL_PROCEDURE[refusal]}`);
    this.name = 'AdmissionRefused';
    this.refusal = refusal;
    this.voter = voter;
  }
}

export interface VoterView {
  voter: Voter;
  standing: Standing;
}

/**
 * A barcode scanner types the IIN and Enter. Takes that line (trailing CR/LF, spaces and a
 * stray prefix/suffix from scanner settings are not accepted — only surrounding whitespace
 * is trimmed) and validates it, check digit included. Throws IinError naming the rule.
 */
export function iinFromScannerLine(line: string): string {
  return parseIin(line.trim()).iin;
}

export function standingOf(db: PrecinctDb, registerNo: number): Standing {
  const a = db.prepare('SELECT status FROM admissions WHERE register_no = ?').get(registerNo) as { status: 'pending' | 'admitted' } | undefined;
  if (a) return a.status === 'admitted' ? 'admitted' : 'pending';
  const h = db.prepare("SELECT 1 FROM home_applications WHERE register_no = ? AND status <> 'withdrawn'").get(registerNo);
  return h ? 'home' : 'eligible';
}

export interface AdmissionDeskOptions {
  db: PrecinctDb;
  clock: Clock;
  activateCard: ActivateCard;
}

export interface AdmissionDesk {
  /** Scanner line → the voter and standing. A valid IIN not on the list is a refusal (logged). */
  lookupScan(line: string): VoterView;
  /** Typed IIN → as lookupScan. */
  lookupIin(iin: string): VoterView;
  /** Prefix search by name; an empty result is not a refusal (the member may retype). */
  searchName(query: string, limit?: number): VoterView[];
  /** Logs and throws the not-on-list refusal when a name search found nobody and the member gives up. */
  refuseNotOnList(presented: { iin?: string; name?: string }): never;
  /** The member confirmed the record matches the ID document: admit and activate a card. */
  admit(registerNo: number): Promise<VoterView>;
  pendingAdmissions(): Voter[];
  completePending(registerNo: number): Promise<VoterView>;
  cancelPending(registerNo: number, reason: string): void;
}

export function createAdmissionDesk(options: AdmissionDeskOptions): AdmissionDesk {
  const { db, clock, activateCard } = options;
  const log = eventLog(db, clock);
  const view = (voter: Voter): VoterView => ({ voter, standing: standingOf(db, voter.registerNo) });

  const lookupIin = (iin: string): VoterView => {
    const voter = findByIin(db, iin);
    if (!voter) refuse(log, 'not-on-list', undefined, `IIN ${iin} is not on this precinct's list`, { iin });
    return view(voter);
  };

  const finishActivation = async (registerNo: number): Promise<VoterView> => {
    try {
      await activateCard();
    } catch (e) {
      db.transaction(() => {
        db.prepare("DELETE FROM admissions WHERE register_no = ? AND status = 'pending'").run(registerNo);
        // No register number here: a failed activation's device log must not be joinable to a voter either.
        log.append({ event: 'card-activation', disposition: 'failed', detail: { error: errorCode(e) } });
      }).immediate();
      throw new PrecinctError('card-activation-failed', `the card was not activated (${(e as Error).message}); the voter is not admitted. Confirm again: if the card was pulled out, with the same card (the writer recognises an unconfirmed activation); if the card is faulty, put it aside for the chairman and use another`);
    }
    db.prepare("UPDATE admissions SET status = 'admitted' WHERE register_no = ? AND status = 'pending'").run(registerNo);
    return view(findByRegisterNo(db, registerNo)!);
  };

  return {
    lookupScan(line) {
      let iin: string;
      try {
        iin = iinFromScannerLine(line);
      } catch (e) {
        if (e instanceof IinError) log.append({ event: 'iin-scan', disposition: 'rejected', detail: { rule: e.rule } });
        throw e;
      }
      return lookupIin(iin);
    },
    lookupIin(iin) {
      parseIin(iin);
      return lookupIin(iin);
    },
    searchName(query, limit = 20) {
      return searchByName(db, query, limit).map(view);
    },
    refuseNotOnList(presented) {
      refuse(log, 'not-on-list', undefined, 'the voter is not on this precinct\'s list', { iin: presented.iin ?? null, name: presented.name ?? null });
    },
    async admit(registerNo) {
      // Decide and insert in one transaction; log a refusal after it (a throw inside would roll the log back).
      const refusal = db.transaction((): Refusal | null => {
        const voter = findByRegisterNo(db, registerNo);
        if (!voter) return { code: 'not-on-list', voter, what: `register number ${registerNo} is not on this precinct's list` };
        const standing = standingOf(db, registerNo);
        if (standing === 'admitted') return { code: 'already-admitted', voter, what: `${fullName(voter)} has already been admitted` };
        if (standing === 'pending') return { code: 'admission-pending', voter, what: `${fullName(voter)} has a card activation in progress` };
        if (standing === 'home') return { code: 'voting-at-home', voter, what: `${fullName(voter)} applied to vote outside the premises` };
        db.prepare("INSERT INTO admissions (register_no, status) VALUES (?, 'pending')").run(registerNo);
        return null;
      }).immediate();
      if (refusal) refuse(log, refusal.code, refusal.voter, refusal.what, { registerNo });
      return finishActivation(registerNo);
    },
    pendingAdmissions() {
      const rows = db.prepare("SELECT register_no FROM admissions WHERE status = 'pending' ORDER BY register_no").all() as { register_no: number }[];
      return rows.map((r) => findByRegisterNo(db, r.register_no)!);
    },
    async completePending(registerNo) {
      if (standingOf(db, registerNo) !== 'pending') throw new PrecinctError('not-pending', `register number ${registerNo} has no pending admission; look the voter up again`);
      return finishActivation(registerNo);
    },
    cancelPending(registerNo, reason) {
      db.transaction(() => {
        const r = db.prepare("DELETE FROM admissions WHERE register_no = ? AND status = 'pending'").run(registerNo);
        if (r.changes !== 1) throw new PrecinctError('not-pending', `register number ${registerNo} has no pending admission; nothing to cancel`);
        log.append({ event: 'admission-cancelled', disposition: 'info', detail: { registerNo, reason } });
      }).immediate();
    },
  };
}

interface Refusal { code: RefusalCode; voter: Voter | undefined; what: string }

/** Logs the refusal (its own transaction: call outside any) and throws it. */
function refuse(log: EventLog, code: RefusalCode, voter: Voter | undefined, what: string, detail: Record<string, string | number | null>): never {
  log.append({ event: 'admission-refused', disposition: 'refused', detail: { reason: code, ...detail } });
  throw new AdmissionRefused(code, voter, what);
}

function fullName(v: Voter): string {
  return `${v.surname} ${v.firstName}${v.patronymic ? ' ' + v.patronymic : ''} (No. ${v.registerNo})`;
}

/** A stable identifier of the failure for the log: the error's code, else its class name. */
function errorCode(e: unknown): string {
  if (e instanceof Error && 'code' in e && typeof (e as { code: unknown }).code === 'string') return (e as { code: string }).code;
  return e instanceof Error ? e.name : 'error';
}
