// The ballot flow's tunables, with the bounds they must stay in. Inactivity follows
// VVSG 2.0 7.2-O: alert after 2–5 minutes without input, then 20–45 seconds to answer.

import { ProtocolError } from '../../protocol/bytes';

export interface BallotConfig {
  /** No input for this long on a voting screen raises the "are you still there?" alert. */
  inactivityAlertMs: number;
  /** The alert waits this long for an answer, then the session is reset (card left unvoted). */
  inactivityResponseMs: number;
  /** Options (or review rows) per page in normal text; derive it from the panel with pageSizeForPanel. */
  pageSize: number;
  /** The same in large-text mode. */
  largeTextPageSize: number;
  /** After "thank you", how long buttons "1" and "2" may be pressed to show the code. */
  codeWindowMs: number;
  /** How long the code stays on screen before the "take the card out" prompt replaces it. */
  codeDisplayMs: number;
  /** How long a notice on the waiting screen ("your vote was not cast…") stays before it clears. */
  noticeMs: number;
  /** Show "1" and "2" as touch buttons too (a device without physical buttons: the portable ballot). */
  onScreenCodeButtons: boolean;
}

export const DEFAULT_BALLOT_CONFIG: BallotConfig = {
  inactivityAlertMs: 120_000,
  inactivityResponseMs: 30_000,
  pageSize: 6,
  largeTextPageSize: 3,
  codeWindowMs: 60_000,
  codeDisplayMs: 60_000,
  noticeMs: 20_000,
  onScreenCodeButtons: false,
};

export const INACTIVITY_ALERT_BOUNDS_MS = { min: 120_000, max: 300_000 } as const;
export const INACTIVITY_RESPONSE_BOUNDS_MS = { min: 20_000, max: 45_000 } as const;

export class BallotConfigError extends ProtocolError {
  constructor(message: string) {
    super('ballot-config-invalid', message);
    this.name = 'BallotConfigError';
  }
}

function checkRange(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new BallotConfigError(`${name} = ${v} is outside ${min}..${max}`);
}

/** Fills defaults and refuses values outside their bounds. */
export function resolveBallotConfig(partial: Partial<BallotConfig> = {}): BallotConfig {
  const c: BallotConfig = { ...DEFAULT_BALLOT_CONFIG, ...partial };
  checkRange('inactivityAlertMs', c.inactivityAlertMs, INACTIVITY_ALERT_BOUNDS_MS.min, INACTIVITY_ALERT_BOUNDS_MS.max);
  checkRange('inactivityResponseMs', c.inactivityResponseMs, INACTIVITY_RESPONSE_BOUNDS_MS.min, INACTIVITY_RESPONSE_BOUNDS_MS.max);
  checkRange('pageSize', c.pageSize, 1, 100);
  checkRange('largeTextPageSize', c.largeTextPageSize, 1, 100);
  checkRange('codeWindowMs', c.codeWindowMs, 5_000, 600_000);
  checkRange('codeDisplayMs', c.codeDisplayMs, 5_000, 600_000);
  checkRange('noticeMs', c.noticeMs, 1_000, 600_000);
  return c;
}

export interface PanelGeometry {
  /** Usable height of the panel, in pixels. */
  heightPx: number;
  /** Height taken by the title, instructions and the navigation row. */
  reservedPx: number;
  /** Height of one option row (name and detail line, with spacing) in normal text. */
  rowPx: number;
  /** How much taller a row is in large-text mode (e.g. 2). */
  largeTextScale: number;
}

/** Page sizes that fit the panel; at least one option per page whatever the panel. */
export function pageSizeForPanel(p: PanelGeometry): { pageSize: number; largeTextPageSize: number } {
  const free = Math.max(0, p.heightPx - p.reservedPx);
  const normal = Math.max(1, Math.floor(free / p.rowPx));
  const large = Math.max(1, Math.floor(free / (p.rowPx * p.largeTextScale)));
  return { pageSize: normal, largeTextPageSize: large };
}
