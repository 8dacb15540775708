// The ballot as a pure state machine: (state, event) → (state, effects). It draws nothing,
// owns no timers and never talks to the card: the device glue turns effects into card
// operations, raises events for what happens (card in/out, touches, buttons, results), and
// arms the one timer the state asks for (`state.timer`), reporting it with its id.
//
// Safety rules kept here (and tried by tests/ballot-property.test.ts):
// - nothing leaves for the card before the final confirmation: `commit-vote` is emitted only
//   by the "cast" button of the final screen, at most once per accepted card;
// - "thank you" only after the glue's `vote-written` for that commit;
// - a card pulled at any moment ends the session and clears the choices from memory.

import type { BallotConfig } from './config';
import { resolveBallotConfig } from './config';
import type { BallotView, Lang, OptionId, Selection } from './view';
import { validateBallotView } from './view';

/** Why the glue refused a card; each has its own screen (both languages) and goes to the log. */
export type RefusalReason =
  | 'not-activated'
  | 'already-voted'
  | 'wrong-election'
  | 'wrong-precinct'
  | 'bad-signature'
  | 'unreadable'
  | 'terminal-not-open'
  | 'terminal-closed';

export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'not-activated', 'already-voted', 'wrong-election', 'wrong-precinct',
  'bad-signature', 'unreadable', 'terminal-not-open', 'terminal-closed',
];

export type BallotEvent =
  | { type: 'card-inserted' }
  /** The glue checked the activation (after a `check-card` effect): the card may vote here. */
  | { type: 'card-accepted' }
  | { type: 'card-refused'; reason: RefusalReason }
  | { type: 'card-removed' }
  /** A touch on a button the screen declared, by its id. Unknown or stale ids are ignored. */
  | { type: 'touch'; button: string }
  /** A physical button ("1", "2"). */
  | { type: 'button'; name: string }
  /** The timer the state asked for fired; `timer` is its id. Stale ids are ignored. */
  | { type: 'timeout'; timer: number }
  /** The card confirmed the vote; the code is the one the glue drew and sealed into it. */
  | { type: 'vote-written'; verificationCode: number }
  /** The card did not confirm the write (with the card still in). */
  | { type: 'vote-write-failed'; reason: string };

export type BallotLogEvent =
  | 'card-refused'
  | 'card-removed-before-vote'
  | 'card-removed-during-write'
  | 'vote-write-failed'
  | 'vote-written'
  | 'session-reset-inactivity'
  | 'bad-verification-code';

export type BallotEffect =
  /** Validate the inserted card's activation; answer with card-accepted or card-refused. */
  | { type: 'check-card' }
  /** Write the vote (draw the code, seal, write); answer with vote-written, vote-write-failed or card-removed. */
  | { type: 'commit-vote'; selections: Selection[] }
  /** For the device event log. Never carries a choice or a code. */
  | { type: 'log'; event: BallotLogEvent; detail?: string };

export type Phase =
  | 'waiting' | 'checking' | 'refused'
  | 'language' | 'contest' | 'confirm' | 'review' | 'final'
  | 'writing' | 'thanks' | 'code' | 'take-card' | 'write-failed';

/** Phases where the voter is choosing: inactivity applies, the large-text toggle is offered. */
export const VOTING_PHASES: readonly Phase[] = ['language', 'contest', 'confirm', 'review', 'final'];

/** What the waiting screen tells the previous voter, for a short while. */
export type WaitingNotice = 'vote-not-cast' | 'write-unconfirmed';
export type TakeCardReason = 'voted' | 'timed-out';
export type TimerKind = 'inactivity' | 'alert-response' | 'code-window' | 'code-display' | 'notice';

/** The one timer the state wants. A new id means "(re)start it"; null means none. */
export interface TimerRequest { readonly id: number; readonly kind: TimerKind; readonly afterMs: number }

/** A confirmed choice for one contest; option null is a deliberate blank. */
export interface Choice { readonly option: OptionId | null }

export interface BallotState {
  readonly phase: Phase;
  readonly lang: Lang | null;
  readonly largeText: boolean;
  /** Contest index on the contest and confirm screens. */
  readonly contest: number;
  /** Page on the contest and review screens (0-based). */
  readonly page: number;
  /** On the confirm screen: the option being confirmed (null: leave blank). */
  readonly pending: OptionId | null;
  /** Confirmed choices by contest index, in ballot order; undefined until confirmed. */
  readonly choices: readonly (Choice | undefined)[];
  /** A contest reopened from the review screen goes back to the review when done. */
  readonly fromReview: boolean;
  /** The inactivity alert is over the current voting screen. */
  readonly alert: boolean;
  readonly notice: WaitingNotice | null;
  readonly refusal: RefusalReason | null;
  readonly takeCard: TakeCardReason | null;
  /** The verification code from vote-written (null if the glue gave none that is valid). */
  readonly code: number | null;
  /** Which of the code buttons "1", "2" were pressed since "thank you". */
  readonly codeKeys: readonly string[];
  /** commit-vote was emitted for this card. */
  readonly committed: boolean;
  readonly timer: TimerRequest | null;
  /** Last timer id handed out; ids only grow, so a stale timeout can never match. */
  readonly timerSeq: number;
}

export interface BallotStep { state: BallotState; effects: BallotEffect[] }

export interface BallotFlow {
  readonly ballot: BallotView;
  readonly config: BallotConfig;
  initial(): BallotState;
  step(state: BallotState, event: BallotEvent): BallotStep;
}

/* ------------------------------------------------------------ paging helpers */

export function pageSizeOf(config: BallotConfig, state: BallotState): number {
  return state.largeText ? config.largeTextPageSize : config.pageSize;
}

export function pageCount(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

/** The page on which item `index` appears. */
function pageOf(index: number, pageSize: number): number {
  return index < 0 ? 0 : Math.floor(index / pageSize);
}

/** [start, end) of the items on the state's page. */
export function pageRange(items: number, pageSize: number, page: number): [number, number] {
  const start = page * pageSize;
  return [start, Math.min(items, start + pageSize)];
}

/** The code as the voter sees it: always four digits. */
export function formatCode(code: number): string {
  const s = String(code);
  return '0000'.slice(s.length) + s;
}

export function isValidCode(code: unknown): code is number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 9999;
}

/* ------------------------------------------------------------ the machine */

const CODE_KEYS = ['1', '2'];

export function createBallotFlow(ballot: BallotView, partialConfig: Partial<BallotConfig> = {}): BallotFlow {
  validateBallotView(ballot);
  const config = resolveBallotConfig(partialConfig);
  const contests = ballot.contests;

  const initial = (): BallotState => ({
    phase: 'waiting', lang: null, largeText: false, contest: 0, page: 0, pending: null,
    choices: [], fromReview: false, alert: false, notice: null, refusal: null, takeCard: null,
    code: null, codeKeys: [], committed: false, timer: null, timerSeq: 0,
  });

  function timerAfter(kind: TimerKind): number {
    switch (kind) {
      case 'inactivity': return config.inactivityAlertMs;
      case 'alert-response': return config.inactivityResponseMs;
      case 'code-window': return config.codeWindowMs;
      case 'code-display': return config.codeDisplayMs;
      case 'notice': return config.noticeMs;
    }
  }

  /** The state with a fresh timer of `kind` (or none). Every call restarts the timer. */
  function arm(s: BallotState, kind: TimerKind | null): BallotState {
    if (kind === null) return { ...s, timer: null };
    const id = s.timerSeq + 1;
    return { ...s, timer: { id, kind, afterMs: timerAfter(kind) }, timerSeq: id };
  }

  /** Back to waiting, forgetting everything about the session but the timer sequence. */
  function toWaiting(s: BallotState, notice: WaitingNotice | null): BallotState {
    const w: BallotState = { ...initial(), timerSeq: s.timerSeq, notice };
    return arm(w, notice === null ? null : 'notice');
  }

  function voting(s: BallotState, changes: Partial<BallotState>): BallotState {
    return arm({ ...s, alert: false, ...changes }, 'inactivity');
  }

  function choicePage(s: BallotState, contestIndex: number, largeText = s.largeText): number {
    const choice = s.choices[contestIndex];
    if (!choice || choice.option === null) return 0;
    const idx = contests[contestIndex].options.findIndex((o) => String(o.id) === String(choice.option));
    return pageOf(idx, largeText ? config.largeTextPageSize : config.pageSize);
  }

  function openContest(s: BallotState, index: number, fromReview: boolean): BallotState {
    return voting(s, { phase: 'contest', contest: index, page: choicePage(s, index), fromReview, pending: null });
  }

  function toReview(s: BallotState): BallotState {
    return voting(s, { phase: 'review', page: 0, fromReview: false, pending: null });
  }

  function selections(s: BallotState): Selection[] | null {
    const out: Selection[] = [];
    for (let i = 0; i < contests.length; i++) {
      const c = s.choices[i];
      if (!c) return null;
      out.push({ contest: contests[i].id, option: c.option });
    }
    return out;
  }

  function toggleLargeText(s: BallotState): BallotState {
    const largeText = !s.largeText;
    const oldSize = pageSizeOf(config, s);
    const newSize = largeText ? config.largeTextPageSize : config.pageSize;
    // Keep the first item the voter was looking at on screen.
    const page = s.phase === 'contest' || s.phase === 'review' ? pageOf(s.page * oldSize, newSize) : s.page;
    return voting(s, { largeText, page });
  }

  function changePage(s: BallotState, items: number, delta: number): BallotState | null {
    const page = s.page + delta;
    if (page < 0 || page >= pageCount(items, pageSizeOf(config, s))) return null;
    return voting(s, { page });
  }

  /** A touch on a voting screen; null when the id is not a button of the current screen. */
  function touchVoting(s: BallotState, id: string): BallotStep | null {
    if (s.alert) return id === 'alert:continue' ? { state: voting(s, {}), effects: [] } : null;
    if (id === 'large-text') return { state: toggleLargeText(s), effects: [] };
    const next = (state: BallotState | null): BallotStep | null => (state ? { state, effects: [] } : null);

    switch (s.phase) {
      case 'language':
        if (id === 'lang:kk' || id === 'lang:ru') {
          return next(openContest({ ...s, lang: id === 'lang:kk' ? 'kk' : 'ru' }, 0, false));
        }
        return null;

      case 'contest': {
        const contest = contests[s.contest];
        if (id.startsWith('opt:')) {
          const [start, end] = pageRange(contest.options.length, pageSizeOf(config, s), s.page);
          const key = id.slice(4);
          for (let i = start; i < end; i++) {
            if (String(contest.options[i].id) === key) return next(voting(s, { phase: 'confirm', pending: contest.options[i].id }));
          }
          return null;
        }
        if (id === 'blank') return contest.blankAllowed ? next(voting(s, { phase: 'confirm', pending: null })) : null;
        if (id === 'page:next') return next(changePage(s, contest.options.length, 1));
        if (id === 'page:prev') return next(changePage(s, contest.options.length, -1));
        if (id === 'back') {
          if (s.fromReview) return next(toReview(s));
          if (s.contest === 0) return next(voting(s, { phase: 'language', page: 0 }));
          return next(openContest(s, s.contest - 1, false));
        }
        return null;
      }

      case 'confirm': {
        if (id === 'confirm') {
          const choices = s.choices.slice();
          choices[s.contest] = { option: s.pending };
          const done = { ...s, choices };
          if (s.fromReview || s.contest === contests.length - 1) return next(toReview(done));
          return next(openContest(done, s.contest + 1, false));
        }
        if (id === 'change') {
          const idx = s.pending === null ? -1 : contests[s.contest].options.findIndex((o) => String(o.id) === String(s.pending));
          return next(voting(s, { phase: 'contest', page: pageOf(idx, pageSizeOf(config, s)), pending: null }));
        }
        return null;
      }

      case 'review': {
        if (id.startsWith('change:')) {
          const i = Number(id.slice(7));
          const [start, end] = pageRange(contests.length, pageSizeOf(config, s), s.page);
          if (!Number.isInteger(i) || i < start || i >= end || String(i) !== id.slice(7)) return null;
          return next(openContest(s, i, true));
        }
        if (id === 'page:next') return next(changePage(s, contests.length, 1));
        if (id === 'page:prev') return next(changePage(s, contests.length, -1));
        if (id === 'back') return next(openContest(s, contests.length - 1, false));
        if (id === 'proceed') return selections(s) ? next(voting(s, { phase: 'final' })) : null;
        return null;
      }

      case 'final': {
        if (id === 'back') return next(toReview(s));
        if (id === 'cast') {
          const sel = selections(s);
          if (!sel || s.committed) return null;
          return { state: arm({ ...s, phase: 'writing', committed: true, alert: false }, null), effects: [{ type: 'commit-vote', selections: sel }] };
        }
        return null;
      }

      default:
        return null;
    }
  }

  function pressCodeKey(s: BallotState, name: string): BallotState | null {
    if (s.phase !== 'thanks' || !CODE_KEYS.includes(name) || s.codeKeys.includes(name)) return null;
    const codeKeys = [...s.codeKeys, name];
    if (CODE_KEYS.every((k) => codeKeys.includes(k))) return arm({ ...s, phase: 'code', codeKeys }, 'code-display');
    return { ...s, codeKeys }; // the window keeps running from "thank you"
  }

  function step(s: BallotState, e: BallotEvent): BallotStep {
    const same: BallotStep = { state: s, effects: [] };
    const isVoting = VOTING_PHASES.includes(s.phase);

    switch (e.type) {
      case 'card-inserted':
        if (s.phase !== 'waiting') return same;
        return { state: arm({ ...initial(), timerSeq: s.timerSeq, phase: 'checking' }, null), effects: [{ type: 'check-card' }] };

      case 'card-accepted':
        if (s.phase !== 'checking') return same;
        return { state: voting(s, { phase: 'language' }), effects: [] };

      case 'card-refused':
        if (s.phase !== 'checking') return same;
        return {
          state: arm({ ...s, phase: 'refused', refusal: e.reason }, null),
          effects: [{ type: 'log', event: 'card-refused', detail: e.reason }],
        };

      case 'card-removed':
        if (s.phase === 'waiting') return same;
        if (s.phase === 'checking' || isVoting) {
          return { state: toWaiting(s, 'vote-not-cast'), effects: [{ type: 'log', event: 'card-removed-before-vote' }] };
        }
        if (s.phase === 'writing') {
          return { state: toWaiting(s, 'write-unconfirmed'), effects: [{ type: 'log', event: 'card-removed-during-write' }] };
        }
        if (s.phase === 'write-failed') return { state: toWaiting(s, 'write-unconfirmed'), effects: [] };
        return { state: toWaiting(s, null), effects: [] }; // refused, thanks, code, take-card

      case 'touch': {
        if (isVoting) return touchVoting(s, e.button) ?? same;
        if (s.phase === 'thanks' && config.onScreenCodeButtons && (e.button === 'code:1' || e.button === 'code:2')) {
          const n = pressCodeKey(s, e.button.slice(5));
          return n ? { state: n, effects: [] } : same;
        }
        return same;
      }

      case 'button': {
        const n = pressCodeKey(s, e.name);
        return n ? { state: n, effects: [] } : same;
      }

      case 'timeout': {
        if (!s.timer || s.timer.id !== e.timer) return same;
        switch (s.timer.kind) {
          case 'inactivity':
            return { state: arm({ ...s, alert: true }, 'alert-response'), effects: [] };
          case 'alert-response': {
            // Reset: nothing was written, the card stays activated and unvoted.
            const reset: BallotState = {
              ...initial(), timerSeq: s.timerSeq, lang: s.lang, largeText: s.largeText,
              phase: 'take-card', takeCard: 'timed-out',
            };
            return { state: arm(reset, null), effects: [{ type: 'log', event: 'session-reset-inactivity' }] };
          }
          case 'code-window':
          case 'code-display':
            return { state: arm({ ...s, phase: 'take-card', takeCard: 'voted', code: null, codeKeys: [] }, null), effects: [] };
          case 'notice':
            return { state: arm({ ...s, notice: null }, null), effects: [] };
        }
        return same;
      }

      case 'vote-written': {
        if (s.phase !== 'writing') return same;
        const valid = isValidCode(e.verificationCode);
        const effects: BallotEffect[] = [{ type: 'log', event: 'vote-written' }];
        if (!valid) effects.push({ type: 'log', event: 'bad-verification-code' });
        // The choices leave memory as soon as the card holds them.
        const thanks: BallotState = { ...s, phase: 'thanks', choices: [], pending: null, code: valid ? e.verificationCode : null, codeKeys: [] };
        return { state: arm(thanks, 'code-window'), effects };
      }

      case 'vote-write-failed':
        if (s.phase !== 'writing') return same;
        return {
          state: arm({ ...s, phase: 'write-failed', choices: [], pending: null }, null),
          effects: [{ type: 'log', event: 'vote-write-failed', detail: e.reason }],
        };
    }
    return same;
  }

  return { ballot, config, initial, step };
}
