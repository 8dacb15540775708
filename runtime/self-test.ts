// The power-on self-test every device runs before it opens for voting (and on request
// from the precinct computer). A device registers its checks; run() executes them and
// returns a report with a deterministic CBOR encoding (sent on the wire and stored in the
// event log). Rules, from docs/self-test.md:
//  - a failing, throwing or hanging check never stops the others;
//  - every check has a time-out on the ClockPort; automatic checks together get a budget
//    (10 s of device time by default): a check that would start after it is spent is
//    reported failed without running;
//  - checks that need an operator run after the automatic part, outside the budget; an
//    operator who does not answer in time makes the check "needs-operator", not "failed".

import { ProtocolError, toHex } from '../protocol/bytes';
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../protocol/cbor';
import type { ResponseOf, SelfTestReport as SelfTestReportMessage } from '../protocol/wire/messages';
import { RpcError } from '../protocol/wire/envelope';
import type { ButtonsPort, CardReaderPort, ClockPort, CryptoPort, DisplayPort, FlashPort, PowerPort, TimerHandle } from './ports';
import type { EventLog } from './event-log';
import type { Journal } from './journal';

export type CheckKind = 'automatic' | 'operator';
export type CheckStatus = 'passed' | 'failed' | 'needs-operator';

export interface CheckOutcome { status: CheckStatus; detail?: string }

/** What a check function is given. */
export interface CheckContext {
  readonly clock: ClockPort;
  /** Monotonic ms after which the runner has stopped waiting; long checks may look and stop early. */
  readonly deadlineMs: number;
  /** Becomes true when the runner gave up on this check (time-out); late results are ignored. */
  readonly abandoned: boolean;
}

/** A check returns nothing (passed), a boolean, or an outcome; throwing means failed. */
export type CheckResultLike = void | boolean | CheckOutcome;
export type CheckFunction = (ctx: CheckContext) => CheckResultLike | Promise<CheckResultLike>;

export interface SelfTestCheck {
  /** Stable, short, kebab-case: it goes into the report and the event log. */
  id: string;
  title: { kk: string; ru: string };
  kind: CheckKind;
  /** Longest the runner waits for this check; default 2 s automatic, 60 s operator. */
  timeoutMs?: number;
  run: CheckFunction;
}

export interface CheckReport {
  id: string;
  kind: CheckKind;
  status: CheckStatus;
  /** Monotonic ms the check took (the runner's view, so a hung check shows its time-out). */
  durationMs: number;
  detail: string;
}

export interface SelfTestReport {
  /** Report format version. */
  v: 1;
  device: string;
  /** Wall clock when the run started, if the device knew it. */
  startedAt: number | undefined;
  budgetMs: number;
  /** Monotonic ms spent in the automatic part. */
  automaticMs: number;
  totalMs: number;
  checks: CheckReport[];
}

export const DEFAULT_BUDGET_MS = 10_000;
export const DEFAULT_AUTOMATIC_TIMEOUT_MS = 2_000;
export const DEFAULT_OPERATOR_TIMEOUT_MS = 60_000;
/** Details are kept short: they travel on the wire and into the event log. */
export const MAX_DETAIL_LENGTH = 120;
const OPERATOR_GRACE_MS = 20;

export const passed = (detail?: string): CheckOutcome => ({ status: 'passed', detail });
export const failed = (detail: string): CheckOutcome => ({ status: 'failed', detail });
export const needsOperator = (detail: string): CheckOutcome => ({ status: 'needs-operator', detail });

export interface SelfTestRunOptions {
  /** Run the operator checks (false at an unattended boot: they are reported as skipped). */
  withOperator?: boolean;
  /** Called with the report and its CBOR encoding, e.g. to append it to the event log. */
  record?: (encoded: Uint8Array, report: SelfTestReport) => void | Promise<void>;
  /** Called as each check starts, e.g. to show progress. */
  onCheckStart?: (check: SelfTestCheck) => void;
}

export class SelfTest {
  private readonly checks: SelfTestCheck[] = [];

  constructor(
    private readonly clock: ClockPort,
    private readonly options: { device: string; budgetMs?: number },
  ) {}

  register(check: SelfTestCheck): this {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(check.id)) throw new ProtocolError('self-test-bad-id', `check id ${JSON.stringify(check.id)}`);
    if (this.checks.some((c) => c.id === check.id)) throw new ProtocolError('self-test-duplicate-id', `check ${check.id} registered twice`);
    this.checks.push(check);
    return this;
  }

  list(): readonly SelfTestCheck[] { return this.checks; }

  async run(options: SelfTestRunOptions = {}): Promise<SelfTestReport> {
    const clock = this.clock;
    const budgetMs = this.options.budgetMs ?? DEFAULT_BUDGET_MS;
    const start = clock.monotonicMs();
    const startedAt = clock.wallClockMs();
    const results = new Map<string, CheckReport>();

    // Automatic part, under the total budget.
    for (const check of this.checks) {
      if (check.kind !== 'automatic') continue;
      const remaining = budgetMs - (clock.monotonicMs() - start);
      if (remaining <= 0) {
        results.set(check.id, { id: check.id, kind: check.kind, status: 'failed', durationMs: 0, detail: 'not run: self-test time budget spent' });
        continue;
      }
      const own = check.timeoutMs ?? DEFAULT_AUTOMATIC_TIMEOUT_MS;
      options.onCheckStart?.(check);
      results.set(check.id, await runOne(clock, check, Math.min(own, remaining), own > remaining));
    }
    const automaticMs = elapsed(clock, start);

    // Operator part: each check has its own time-out, no shared budget.
    for (const check of this.checks) {
      if (check.kind !== 'operator') continue;
      if (options.withOperator === false) {
        results.set(check.id, { id: check.id, kind: check.kind, status: 'needs-operator', durationMs: 0, detail: 'skipped: no operator' });
        continue;
      }
      options.onCheckStart?.(check);
      results.set(check.id, await runOne(clock, check, check.timeoutMs ?? DEFAULT_OPERATOR_TIMEOUT_MS, false));
    }

    const report: SelfTestReport = {
      v: 1,
      device: this.options.device,
      startedAt: startedAt === undefined ? undefined : Math.round(startedAt),
      budgetMs,
      automaticMs,
      totalMs: elapsed(clock, start),
      checks: this.checks.map((c) => results.get(c.id)!),
    };
    if (options.record) await options.record(encodeSelfTestReport(report), report);
    return report;
  }
}

function elapsed(clock: ClockPort, since: number): number {
  return Math.max(0, Math.round(clock.monotonicMs() - since));
}

/** Runs one check with a time-out; never throws. */
async function runOne(clock: ClockPort, check: SelfTestCheck, timeoutMs: number, limitedByBudget: boolean): Promise<CheckReport> {
  const t0 = clock.monotonicMs();
  const ctx = { clock, deadlineMs: t0 + timeoutMs, abandoned: false };
  let timer: TimerHandle | undefined;
  let outcome: CheckOutcome;
  try {
    const value = check.run(ctx);
    if (isPromise(value)) {
      // operator checks get a short grace past their deadline to report what is missing
      const wait = check.kind === 'operator' ? timeoutMs + OPERATOR_GRACE_MS : timeoutMs;
      const timedOut = new Promise<'timeout'>((resolve) => { timer = clock.setTimeout(wait, () => resolve('timeout')); });
      const settled = await Promise.race([value.then((v) => ({ v }), (e: unknown) => ({ e })), timedOut]);
      if (settled === 'timeout') {
        ctx.abandoned = true;
        value.catch(() => {}); // a late rejection is expected and ignored
        outcome = timeoutOutcome(check, timeoutMs, limitedByBudget);
      } else if ('e' in settled) {
        outcome = failed(describeError(settled.e));
      } else {
        outcome = normalise(settled.v);
      }
    } else {
      outcome = normalise(value);
      // A synchronous check cannot be interrupted; one that overran its time is still a fault.
      const took = clock.monotonicMs() - t0;
      if (took > timeoutMs && outcome.status === 'passed') outcome = failed(`too slow: ${Math.round(took)} ms > ${timeoutMs} ms`);
    }
  } catch (e) {
    outcome = failed(describeError(e));
  } finally {
    if (timer) clock.clearTimeout(timer);
  }
  return { id: check.id, kind: check.kind, status: outcome.status, durationMs: elapsed(clock, t0), detail: shorten(outcome.detail ?? '') };
}

function timeoutOutcome(check: SelfTestCheck, timeoutMs: number, limitedByBudget: boolean): CheckOutcome {
  if (check.kind === 'operator') return needsOperator(`no operator answer in ${timeoutMs} ms`);
  return failed(limitedByBudget ? `stopped: self-test time budget spent after ${timeoutMs} ms` : `time-out after ${timeoutMs} ms`);
}

function isPromise(v: unknown): v is Promise<CheckResultLike> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function normalise(v: CheckResultLike): CheckOutcome {
  if (v === undefined || v === true) return passed();
  if (v === false) return failed('check returned false');
  if (v.status !== 'passed' && v.status !== 'failed' && v.status !== 'needs-operator') return failed('check returned a bad status');
  return v;
}

function describeError(e: unknown): string {
  if (e instanceof ProtocolError) return `error ${e.code}`;
  if (e instanceof Error) return `error: ${e.message}`;
  return `error: ${String(e)}`;
}

function shorten(s: string): string {
  return s.length <= MAX_DETAIL_LENGTH ? s : s.slice(0, MAX_DETAIL_LENGTH - 1) + '…';
}

// ---- the report's CBOR form ----

/**
 * Deterministic CBOR: a map with text keys
 *   { v: 1, device, startedAt?, budgetMs, automaticMs, totalMs,
 *     checks: [[id, kind, status, durationMs, detail], …] }
 * kind is 0 automatic / 1 operator; status 0 passed / 1 failed / 2 needs-operator.
 * startedAt is left out when the wall clock was unknown.
 */
export function encodeSelfTestReport(r: SelfTestReport): Uint8Array {
  const value: CborObject = {
    v: r.v,
    device: r.device,
    startedAt: r.startedAt,
    budgetMs: r.budgetMs,
    automaticMs: r.automaticMs,
    totalMs: r.totalMs,
    checks: r.checks.map((c) => [c.id, KINDS.indexOf(c.kind), STATUSES.indexOf(c.status), c.durationMs, c.detail]),
  };
  return encodeCbor(value);
}

const KINDS: readonly CheckKind[] = ['automatic', 'operator'];
const STATUSES: readonly CheckStatus[] = ['passed', 'failed', 'needs-operator'];

/** Strict inverse of encodeSelfTestReport; throws ProtocolError('bad-self-test-report'). */
export function decodeSelfTestReport(bytes: Uint8Array): SelfTestReport {
  const v = decodeCbor(bytes);
  const bad = (why: string): never => { throw new ProtocolError('bad-self-test-report', why); };
  if (!isObject(v)) return bad('not a map');
  const allowed = ['v', 'device', 'startedAt', 'budgetMs', 'automaticMs', 'totalMs', 'checks'];
  for (const k of Object.keys(v)) if (!allowed.includes(k)) bad(`unknown field ${k}`);
  if (v.v !== 1) bad('unsupported version');
  const uint = (x: CborValue, what: string): number => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : bad(`${what} is not an unsigned integer`));
  if (typeof v.device !== 'string') bad('device is not text');
  if (!Array.isArray(v.checks)) return bad('checks is not an array');
  const checks = v.checks.map((c, i): CheckReport => {
    if (!Array.isArray(c) || c.length !== 5) return bad(`check ${i} is not a 5-item array`);
    const [id, kind, status, durationMs, detail] = c;
    if (typeof id !== 'string' || typeof detail !== 'string') return bad(`check ${i} has a bad id or detail`);
    const k = KINDS[uint(kind, 'kind')];
    const s = STATUSES[uint(status, 'status')];
    if (!k || !s) return bad(`check ${i} has an unknown kind or status`);
    return { id, kind: k, status: s, durationMs: uint(durationMs, 'durationMs'), detail };
  });
  return {
    v: 1,
    device: v.device as string,
    startedAt: v.startedAt === undefined ? undefined : uint(v.startedAt, 'startedAt'),
    budgetMs: uint(v.budgetMs, 'budgetMs'),
    automaticMs: uint(v.automaticMs, 'automaticMs'),
    totalMs: uint(v.totalMs, 'totalMs'),
    checks,
  };
}

function isObject(v: CborValue): v is CborObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}

/** Counts per status, and whether the device may open (nothing failed). */
export function summarise(r: SelfTestReport): { passed: number; failed: number; needsOperator: number; ok: boolean } {
  let p = 0, f = 0, n = 0;
  for (const c of r.checks) {
    if (c.status === 'passed') p++;
    else if (c.status === 'failed') f++;
    else n++;
  }
  return { passed: p, failed: f, needsOperator: n, ok: f === 0 };
}

// ---- standard checks ----

/** What every device's self-test looks at first. */
export interface CommonCheckParts {
  clock: ClockPort;
  flash: FlashPort;
  /** The block the flash check may erase; no flash check without one. */
  scratchBlock: number | undefined;
  journal: Journal;
  log: EventLog;
}

/**
 * Registers the checks every device runs first: flash (given a scratch block), the journal (every
 * record read back; `judgeJournal` gets their count and adds the device's own checks), the
 * event-log chain, and the clock (the wall clock may be unset before the precinct computer sets it).
 */
export function registerCommonChecks(st: SelfTest, parts: CommonCheckParts, judgeJournal: (records: number) => CheckOutcome): SelfTest {
  if (parts.scratchBlock !== undefined) st.register(flashCheck(parts.flash, parts.scratchBlock));
  return st
    .register(journalCheck(() => {
      let n = 0;
      for (const _ of parts.journal.records()) n++;
      return judgeJournal(n);
    }))
    .register(eventChainCheck(parts.log))
    .register(clockCheck(parts.clock, { requireWallClock: false }));
}

/** The event-log entry a finished self-test leaves: success, or failure naming the first failed check. */
export function selfTestOutcome(r: SelfTestReport): { disposition: 'success' | 'failure'; detail: string } {
  const firstBad = r.checks.find((c) => c.status === 'failed');
  return firstBad ? { disposition: 'failure', detail: firstBad.id } : { disposition: 'success', detail: '' };
}

/** Waits on the ClockPort; used by checks that must see time pass. */
export function sleep(clock: ClockPort, ms: number): Promise<void> {
  return new Promise((resolve) => { clock.setTimeout(ms, resolve); });
}

/**
 * Flash: erase a scratch block, check it reads as 0xFF, program a pattern and read it back,
 * program a second pattern over it and check only bits were cleared (NOR behaviour the
 * journal relies on), then erase again and check. The block is left erased.
 */
export function flashCheck(flash: FlashPort, scratchBlock: number): SelfTestCheck {
  return {
    id: 'flash', kind: 'automatic',
    title: { kk: 'Флэш-жад: жазу, оқу, өшіру', ru: 'Флэш-память: запись, чтение, стирание' },
    run: () => {
      if (!Number.isInteger(scratchBlock) || scratchBlock < 0 || scratchBlock >= flash.blockCount) return failed(`scratch block ${scratchBlock} out of range`);
      const size = flash.blockSize;
      const base = scratchBlock * size;
      const a = new Uint8Array(size);
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        // every byte value, at shifting positions; the second pattern walks a zero bit
        a[i] = (i * 151 + scratchBlock * 7 + 0x3c) & 0xff;
        b[i] = ~(1 << (i & 7)) & 0xff;
      }
      const expectAll = (what: string, expected: (i: number) => number): CheckOutcome | undefined => {
        const got = flash.read(base, size);
        if (got.length !== size) return failed(`${what}: read ${got.length} of ${size} bytes`);
        for (let i = 0; i < size; i++) {
          const e = expected(i);
          if (got[i] !== e) return failed(`${what}: block ${scratchBlock} byte ${i} is ${hex2(got[i])}, expected ${hex2(e)}`);
        }
        return undefined;
      };
      flash.erase(scratchBlock);
      const r1 = expectAll('after erase', () => 0xff); if (r1) return r1;
      flash.program(base, a);
      const r2 = expectAll('after program', (i) => a[i]); if (r2) return r2;
      flash.program(base, b);
      const r3 = expectAll('after overprogram', (i) => a[i] & b[i]); if (r3) return r3;
      flash.erase(scratchBlock);
      const r4 = expectAll('after second erase', () => 0xff); if (r4) return r4;
      return passed(`block ${scratchBlock}, ${size} bytes`);
    },
  };
}

function hex2(n: number): string { return toHex(Uint8Array.of(n)); }

type CallbackResult = CheckResultLike | Promise<CheckResultLike>;

/** A check that is a callback the device supplies (journal, event log, keys, election). */
export function callbackCheck(id: string, title: { kk: string; ru: string }, fn: (ctx: CheckContext) => CallbackResult, timeoutMs?: number): SelfTestCheck {
  return { id, title, kind: 'automatic', timeoutMs, run: fn };
}

/** Journal integrity: the callback re-reads the journal and checks every record. */
export function journalCheck(fn: (ctx: CheckContext) => CallbackResult): SelfTestCheck {
  return callbackCheck('journal', { kk: 'Журналдың тұтастығы', ru: 'Целостность журнала' }, fn);
}

/** Event-log chain: the callback walks the hash chain from its start. */
export function eventLogCheck(fn: (ctx: CheckContext) => CallbackResult): SelfTestCheck {
  return callbackCheck('event-log', { kk: 'Оқиғалар журналының тізбегі', ru: 'Цепочка журнала событий' }, fn);
}

/** The device's whole event log, one entry at a time (EventLog.checkChain): every hash link from the first entry to the head. */
export function eventChainCheck(log: EventLog): SelfTestCheck {
  return eventLogCheck(() => {
    const v = log.checkChain();
    return v.ok ? passed(`${v.count} entries`) : failed(`chain broken at ${v.seq}: ${v.reason}`);
  });
}

/** Keys: the device's own keys and the enrolled precinct computer's key are there and sound. */
export function keysCheck(fn: (ctx: CheckContext) => CallbackResult): SelfTestCheck {
  return callbackCheck('keys', { kk: 'Кілттер орнында', ru: 'Ключи на месте' }, fn);
}

/**
 * Election definition: the callback verifies its signature and returns its fingerprint
 * (shown so the operator can compare it with the one on the protocol sheet).
 */
export function electionCheck(fn: (ctx: CheckContext) => Promise<{ signatureValid: boolean; fingerprint: Uint8Array | undefined }> | { signatureValid: boolean; fingerprint: Uint8Array | undefined }): SelfTestCheck {
  return callbackCheck('election', { kk: 'Сайлау анықтамасы: қолтаңба мен саусақ ізі', ru: 'Определение выборов: подпись и отпечаток' }, async (ctx) => {
    const r = await fn(ctx);
    if (!r.fingerprint) return failed('no election definition loaded');
    const fp = toHex(r.fingerprint.subarray(0, 8));
    return r.signatureValid ? passed(`fingerprint ${fp}`) : failed(`bad signature, fingerprint ${fp}`);
  });
}

export interface ClockCheckOptions {
  /** Wall clock must be set (false at first boot, before the precinct computer sets it). Default true. */
  requireWallClock?: boolean;
  /** Plausible range of the wall clock. Default 2024-01-01 .. 2100-01-01. */
  minWallMs?: number;
  maxWallMs?: number;
  /** How long to watch the clocks run. Default 50 ms. */
  sampleMs?: number;
}

/** Clock: monotonic time advances at about the right rate under a timer; wall clock set and plausible. */
export function clockCheck(clock: ClockPort, options: ClockCheckOptions = {}): SelfTestCheck {
  const sampleMs = options.sampleMs ?? 50;
  const minWall = options.minWallMs ?? Date.UTC(2024, 0, 1);
  const maxWall = options.maxWallMs ?? Date.UTC(2100, 0, 1);
  return {
    id: 'clock', kind: 'automatic',
    title: { kk: 'Сағат', ru: 'Часы' },
    run: async () => {
      const m0 = clock.monotonicMs();
      const w0 = clock.wallClockMs();
      await sleep(clock, sampleMs);
      const m1 = clock.monotonicMs();
      const w1 = clock.wallClockMs();
      const dm = m1 - m0;
      if (!(dm >= sampleMs - 1)) return failed(`monotonic clock advanced ${Math.round(dm)} ms over a ${sampleMs} ms timer`);
      if (dm > sampleMs + 1000) return failed(`timer fired ${Math.round(dm - sampleMs)} ms late`);
      if (w0 === undefined || w1 === undefined) {
        return options.requireWallClock === false ? passed('monotonic ok; wall clock not set yet') : failed('wall clock not set');
      }
      if (w0 < minWall || w0 > maxWall) return failed(`wall clock implausible: ${Math.round(w0)}`);
      const dw = w1 - w0;
      if (Math.abs(dw - dm) > 100) return failed(`wall clock moved ${Math.round(dw)} ms while monotonic moved ${Math.round(dm)} ms`);
      return passed();
    },
  };
}

export interface CardReaderCheckOptions {
  /** The SELECT (or other harmless) APDU to send to the test card. */
  selectApdu: Uint8Array;
  /** Judges the response (data + SW1 SW2); default: SW 90 00. */
  acceptResponse?: (response: Uint8Array) => boolean;
}

/**
 * Card reader: a card in the slot is powered (non-empty ATR) and answers the select APDU.
 * With no card in the slot the reader cannot be exercised: needs-operator ("insert the
 * service card"). Automatic, because at a normal boot the service card is inserted.
 */
export function cardReaderCheck(reader: CardReaderPort, options: CardReaderCheckOptions): SelfTestCheck {
  const accept = options.acceptResponse ?? ((r: Uint8Array) => r.length >= 2 && r[r.length - 2] === 0x90 && r[r.length - 1] === 0x00);
  return {
    id: 'card-reader', kind: 'automatic',
    title: { kk: 'Карта оқу құрылғысы', ru: 'Считыватель карт' },
    run: async () => {
      if (!reader.isCardPresent()) return needsOperator('no card in the reader');
      const atr = await reader.powerOn();
      if (atr.length < 2) return failed(`ATR too short (${atr.length} bytes)`);
      const response = await reader.transmit(options.selectApdu);
      if (!accept(response)) {
        const sw = response.length >= 2 ? toHex(response.subarray(response.length - 2)) : 'none';
        return failed(`select refused, SW ${sw}`);
      }
      return passed(`ATR ${toHex(atr.subarray(0, 4))}…`);
    },
  };
}

/**
 * Battery: on mains, passed; on battery, the level must be at least minPercent.
 * A device without a gauge running on battery cannot be judged: failed.
 */
export function batteryCheck(power: PowerPort, minPercent = 20): SelfTestCheck {
  return {
    id: 'battery', kind: 'automatic',
    title: { kk: 'Қуат көзі мен батарея', ru: 'Питание и батарея' },
    run: () => {
      const s = power.status();
      const level = s.batteryPercent === undefined ? 'no gauge' : `${s.batteryPercent}%`;
      if (s.source === 'mains') return passed(`mains, battery ${level}`);
      if (s.batteryPercent === undefined) return failed('on battery with no gauge');
      if (s.batteryPercent < minPercent) return failed(`battery ${level} below ${minPercent}%`);
      return passed(`battery ${level}`);
    },
  };
}

/**
 * Screen: shows a test pattern; the operator touches confirmId if it looks right, rejectId
 * if not. The touch handler is installed once, here, and routes to the waiting check.
 */
export function screenCheck<S>(display: DisplayPort<S>, pattern: S, options: { confirmId?: string; rejectId?: string; timeoutMs?: number } = {}): SelfTestCheck {
  const confirmId = options.confirmId ?? 'self-test-ok';
  const rejectId = options.rejectId ?? 'self-test-bad';
  let waiting: ((ok: boolean) => void) | undefined;
  display.onTouch((id) => {
    if (!waiting) return;
    if (id === confirmId) waiting(true);
    else if (id === rejectId) waiting(false);
  });
  return {
    id: 'screen', kind: 'operator', timeoutMs: options.timeoutMs,
    title: { kk: 'Экран: сынақ суреті', ru: 'Экран: тестовое изображение' },
    run: (ctx) => new Promise<CheckOutcome>((resolve) => {
      const timer = ctx.clock.setTimeout(Math.max(0, ctx.deadlineMs - ctx.clock.monotonicMs()), () => {
        waiting = undefined;
        resolve(needsOperator('operator did not confirm the screen'));
      });
      waiting = (ok) => {
        waiting = undefined;
        ctx.clock.clearTimeout(timer);
        resolve(ok ? passed('operator confirmed') : failed('operator reported a bad screen'));
      };
      display.show(pattern);
    }),
  };
}

/**
 * Buttons: the operator presses every button once. prompt(remaining) is called at the
 * start and after each new press, e.g. to show which buttons are left.
 */
export function buttonsCheck(buttons: ButtonsPort, options: { prompt?: (remaining: readonly string[]) => void; timeoutMs?: number } = {}): SelfTestCheck {
  let pressed: ((name: string) => void) | undefined;
  buttons.onPress((name) => pressed?.(name));
  return {
    id: 'buttons', kind: 'operator', timeoutMs: options.timeoutMs,
    title: { kk: 'Түймелер', ru: 'Кнопки' },
    run: (ctx) => new Promise<CheckOutcome>((resolve) => {
      const remaining = new Set(buttons.names);
      if (remaining.size === 0) { resolve(passed('no buttons')); return; }
      const timer = ctx.clock.setTimeout(Math.max(0, ctx.deadlineMs - ctx.clock.monotonicMs()), () => {
        pressed = undefined;
        resolve(needsOperator(`not pressed: ${[...remaining].join(', ')}`));
      });
      pressed = (name) => {
        if (!remaining.delete(name)) return;
        options.prompt?.([...remaining]);
        if (remaining.size === 0) {
          pressed = undefined;
          ctx.clock.clearTimeout(timer);
          resolve(passed(`${buttons.names.length} buttons`));
        }
      };
      options.prompt?.([...remaining]);
    }),
  };
}

// ---- the wire's self-test.report message (protocol/wire/messages) ----

/**
 * The report in the shape of the common 'self-test.report' answer. That message has a
 * boolean per check, so the status goes in front of the detail ("needs-operator: …");
 * the full report is the CBOR form above, stored in the event log.
 */
export function selfTestReportMessage(r: SelfTestReport, run: number): ResponseOf<typeof SelfTestReportMessage> {
  return {
    state: 'done',
    run,
    passed: summarise(r).ok,
    checks: r.checks.slice(0, 32).map((c) => ({
      name: c.id,
      ok: c.status === 'passed',
      detail: `${c.status} ${c.durationMs} ms${c.detail ? `: ${c.detail}` : ''}`,
    })),
    finishedAtMs: r.startedAt === undefined ? undefined : r.startedAt + r.totalMs,
  };
}

/**
 * One device's self-test runs over the wire: `self-test.run` starts one in the background
 * (refused `busy` while one runs), `self-test.report` answers from the latest, and `passed`
 * says whether the latest finished run passed (what `open` requires). Shared by every device.
 */
export class SelfTestRuns {
  private latest: { run: number; state: 'running' | 'done'; report?: SelfTestReport } | undefined;
  /** The latest finished run passed; a device clears it when its configuration changes. */
  passed = false;
  private done: Promise<void> = Promise.resolve();

  start(run: () => Promise<SelfTestReport>): { run: number } {
    if (this.latest?.state === 'running') throw new RpcError('busy', 'a self-test is running');
    const n = (this.latest?.run ?? 0) + 1;
    this.latest = { run: n, state: 'running' };
    this.done = run().then((report) => {
      this.latest = { run: n, state: 'done', report };
      this.passed = summarise(report).ok;
    }, () => { this.latest = { run: n, state: 'done' }; this.passed = false; });
    return { run: n };
  }

  /** Resolves when the run started last has finished. */
  finished(): Promise<void> { return this.done; }

  reportMessage(): ResponseOf<typeof SelfTestReportMessage> {
    const st = this.latest;
    if (!st) return { state: 'never-run', checks: [] };
    if (st.state === 'running' || !st.report) return { state: 'running', run: st.run, checks: [] };
    return selfTestReportMessage(st.report, st.run);
  }
}
