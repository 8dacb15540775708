// Voting outside the premises (001 §13; paper practice, 003: applications are not accepted
// after 12:00 on election day). Written applications are recorded until the deadline;
// later ones are refused and logged. The list feeds the portable ballot (≥200 voters);
// after the portable ballot's upload, markVotedOutside records who voted there.
import type { PrecinctDb } from './db/open';
import { localInstant, localMinute, KZ_UTC_OFFSET_MINUTES, type Clock } from './db/clock';
import { eventLog } from './event-log';
import { PrecinctError } from './errors';
import { findByRegisterNo, type Voter } from './register';
import { standingOf } from './admission';

/** The portable ballot holds at least this many voters (001 §13); the list may not exceed it. */
export const PORTABLE_BALLOT_CAPACITY = 200;

export interface HomeVotingPolicy {
  /** election day, local date YYYY-MM-DD */
  electionDay: string;
  /** local time after which applications are refused; "12:00" by law */
  deadline?: string;
  utcOffsetMinutes?: number;
  /** how many voters the portable ballot holds */
  capacity?: number;
}

export type HomeStatus = 'applied' | 'loaded' | 'voted' | 'withdrawn';

export interface HomeApplication {
  voter: Voter;
  receivedAt: string;
  location: string;
  status: HomeStatus;
  note: string;
}

export function deadlineOf(policy: HomeVotingPolicy): Date {
  return localInstant(policy.electionDay, policy.deadline ?? '12:00', policy.utcOffsetMinutes ?? KZ_UTC_OFFSET_MINUTES);
}

export interface HomeVoting {
  /** Records a written application; refuses after the deadline, twice, or for an admitted voter. */
  apply(registerNo: number, options?: { location?: string; note?: string }): HomeApplication;
  /** The applications to load into the portable ballot (status applied or loaded). */
  listForPortableBallot(): HomeApplication[];
  /** The commission loaded these voters into the portable ballot: no withdrawal after this. */
  markLoaded(registerNos: number[]): void;
  /** The voter withdraws in writing before loading (e.g. came to the precinct after all). */
  withdraw(registerNo: number, reason: string): void;
  /** From the portable ballot's upload: these voters voted outside the premises. */
  markVotedOutside(registerNos: number[]): void;
  list(): HomeApplication[];
}

interface Row { register_no: number; received_at: string; location: string; status: HomeStatus; note: string }

export function homeVoting(db: PrecinctDb, clock: Clock, policy: HomeVotingPolicy): HomeVoting {
  const log = eventLog(db, clock);
  const deadline = deadlineOf(policy);
  const capacity = policy.capacity ?? PORTABLE_BALLOT_CAPACITY;
  const offset = policy.utcOffsetMinutes ?? KZ_UTC_OFFSET_MINUTES;
  const toApp = (r: Row): HomeApplication => ({ voter: findByRegisterNo(db, r.register_no)!, receivedAt: r.received_at, location: r.location, status: r.status, note: r.note });
  const get = (registerNo: number): Row | undefined => db.prepare('SELECT * FROM home_applications WHERE register_no = ?').get(registerNo) as Row | undefined;
  const refuse = (code: string, registerNo: number, message: string): never => {
    log.append({ event: 'home-application', disposition: 'refused', detail: { reason: code, registerNo } });
    throw new PrecinctError(code, message);
  };

  return {
    apply(registerNo, options = {}) {
      const now = clock();
      if (now.getTime() >= deadline.getTime()) {
        refuse('home-deadline-passed', registerNo, `applications to vote outside the premises are accepted until ${policy.deadline ?? '12:00'} on ${policy.electionDay}; it is now ${localMinute(now, offset)}. Refuse the application and tell the voter they may still vote in the premises`);
      }
      const refusal = db.transaction((): [string, string] | null => {
        const voter = findByRegisterNo(db, registerNo);
        if (!voter) return ['home-not-on-list', `register number ${registerNo} is not on this precinct's list; follow the not-on-list procedure first (docs/admission.md)`];
        const existing = get(registerNo);
        if (existing && existing.status !== 'withdrawn') return ['home-duplicate', `${voter.surname} ${voter.firstName} already has an application (received ${existing.received_at}); nothing to record`];
        if (existing) return ['home-withdrawn', `${voter.surname} ${voter.firstName} withdrew an application today; a withdrawn application is not renewed — the voter votes in the premises`];
        const standing = standingOf(db, registerNo);
        if (standing !== 'eligible') return ['home-already-admitted', `${voter.surname} ${voter.firstName} has already been admitted in the premises; refuse the application`];
        const active = (db.prepare("SELECT count(*) AS n FROM home_applications WHERE status IN ('applied','loaded','voted')").get() as { n: number }).n;
        if (active >= capacity) return ['home-capacity', `the portable ballot holds ${capacity} voters and ${active} applications are recorded; call the chairman (a second portable ballot from the territorial commission)`];
        db.prepare('INSERT INTO home_applications (register_no, received_at, location, note) VALUES (?, ?, ?, ?)')
          .run(registerNo, localMinute(now, offset), options.location?.trim() || voter.address, options.note ?? '');
        log.append({ event: 'home-application', disposition: 'ok', detail: { registerNo } });
        return null;
      }).immediate();
      if (refusal) refuse(refusal[0], registerNo, refusal[1]);
      return toApp(get(registerNo)!);
    },
    listForPortableBallot() {
      return (db.prepare("SELECT * FROM home_applications WHERE status IN ('applied','loaded') ORDER BY register_no").all() as Row[]).map(toApp);
    },
    markLoaded(registerNos) {
      db.transaction(() => {
        const mark = db.prepare("UPDATE home_applications SET status = 'loaded' WHERE register_no = ? AND status IN ('applied','loaded')");
        for (const n of registerNos) {
          if (mark.run(n).changes !== 1) throw new PrecinctError('home-not-loadable', `register number ${n} has no application to load; nothing was marked — rebuild the list`);
        }
        log.append({ event: 'portable-ballot-loaded', disposition: 'ok', detail: { voters: registerNos.length } });
      }).immediate();
    },
    withdraw(registerNo, reason) {
      db.transaction(() => {
        const row = get(registerNo);
        if (!row || row.status !== 'applied') {
          throw new PrecinctError('home-not-withdrawable', row?.status === 'loaded'
            ? 'the application is already loaded into the portable ballot and cannot be withdrawn; the voter votes with the portable ballot'
            : `register number ${registerNo} has no open application to withdraw`);
        }
        db.prepare("UPDATE home_applications SET status = 'withdrawn', note = ? WHERE register_no = ?").run(reason, registerNo);
        log.append({ event: 'home-application-withdrawn', disposition: 'info', detail: { registerNo } });
      }).immediate();
    },
    markVotedOutside(registerNos) {
      db.transaction(() => {
        const mark = db.prepare("UPDATE home_applications SET status = 'voted' WHERE register_no = ? AND status = 'loaded'");
        for (const n of registerNos) {
          if (mark.run(n).changes !== 1) throw new PrecinctError('home-not-loaded', `register number ${n} was not loaded into the portable ballot (or is already marked); nothing was marked — check the upload`);
        }
        log.append({ event: 'portable-ballot-voters', disposition: 'ok', detail: { voted: registerNos.length } });
      }).immediate();
    },
    list() {
      return (db.prepare('SELECT * FROM home_applications ORDER BY register_no').all() as Row[]).map(toApp);
    },
  };
}
