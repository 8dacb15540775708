// The message registry and the messages every device answers. Each device adds its own
// messages to a registry made by commonRegistry() (names with a device prefix, e.g.
// "accumulator.card-count"); docs/protocol.md §5 lists the common ones byte by byte.

import { ProtocolError } from '../bytes';
import type { CborValue } from '../cbor';
import { arrayOf, bool, bytes, empty, oneOf, openMap, optional, record, text, uint, type Validator } from './schema';

export interface MessageDef<Req, Res> {
  readonly type: string;
  readonly request: Validator<Req>;
  readonly response: Validator<Res>;
}
export type RequestOf<D> = D extends MessageDef<infer Req, unknown> ? Req : never;
export type ResponseOf<D> = D extends MessageDef<unknown, infer Res> ? Res : never;
export type AnyMessageDef = MessageDef<unknown, unknown>;

export function defineMessage<Req, Res>(type: string, request: Validator<Req>, response: Validator<Res>): MessageDef<Req, Res> {
  // The pattern is a literal here, not a module constant: see portable-ballot/voter-list.ts.
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/.test(type) || type.length > 64) throw new ProtocolError('bad-message-type', `"${type}" is not a message type name`);
  return { type, request, response };
}

/** The set of messages one side understands. Open: devices add theirs to the common set. */
export class MessageRegistry {
  private readonly defs = new Map<string, AnyMessageDef>();

  add(...defs: AnyMessageDef[]): this {
    for (const d of defs) {
      if (this.defs.has(d.type)) throw new ProtocolError('duplicate-message-type', `"${d.type}" is already registered`);
      this.defs.set(d.type, d);
    }
    return this;
  }
  get(type: string): AnyMessageDef | undefined { return this.defs.get(type); }
  has(type: string): boolean { return this.defs.has(type); }
  types(): string[] { return [...this.defs.keys()].sort(); }
}

// ---- the common messages ----

const hash32 = bytes({ min: 32, max: 32 });
const key32 = bytes({ min: 32, max: 32 });
/** Most entries one page of a paged read returns. */
export const MAX_PAGE_ENTRIES = 64;
/** Largest single event-log entry or result record carried on the wire. */
export const MAX_RECORD_BYTES = 1024;
/** Largest election-definition chunk per load-election request. */
export const MAX_ELECTION_CHUNK = 3072;
/** Largest whole election definition. */
export const MAX_ELECTION_BYTES = 1 << 20;
export const MAX_PASSWORD_BYTES = 64;

const pageRequest = record({ from: uint(), limit: uint({ min: 1, max: MAX_PAGE_ENTRIES }) });

export const Identify = defineMessage('identify', empty, record({
  kind: text({ minBytes: 1, maxBytes: 32 }), // 'terminal' | 'accumulator' | 'portable-ballot'
  serial: text({ minBytes: 1, maxBytes: 64 }),
  firmwareVersion: text({ minBytes: 1, maxBytes: 32 }),
  firmwareHash: hash32, // SHA-256 of the firmware image
  publicKey: key32, // the device's static X25519 (Noise) key
  signingKey: optional(key32), // the device's Ed25519 key, when it signs results or logs
}));

export const Status = defineMessage('status', empty, record({
  state: text({ minBytes: 1, maxBytes: 32 }), // device lifecycle state, e.g. 'no-election', 'loaded', 'open', 'closed'
  electionId: optional(hash32),
  wallClockMs: optional(uint()), // absent until set-time
  uptimeMs: uint(),
  eventCount: uint(),
  power: optional(record({ source: oneOf('mains', 'battery'), batteryPercent: optional(uint({ max: 100 })) })),
  detail: optional(openMap({ maxEntries: 32 })), // device-specific status
}));

export const SelfTestRun = defineMessage('self-test.run', empty, record({ run: uint({ min: 1 }) }));

export const SelfTestReport = defineMessage('self-test.report', empty, record({
  state: oneOf('never-run', 'running', 'done'),
  run: optional(uint({ min: 1 })),
  passed: optional(bool()),
  checks: arrayOf(record({
    name: text({ minBytes: 1, maxBytes: 64 }),
    ok: bool(),
    detail: optional(text({ maxBytes: 256 })),
  }), { max: 32 }),
  finishedAtMs: optional(uint()),
}));

/** Largest event-log page (runtime/event-log's EventLog.page() bytes) in one answer. */
export const MAX_EVENT_PAGE_BYTES = 3968;

/**
 * A page of the device's event log, as docs/events.md defines it (CBOR
 * ["sailau-events/1", [entry, ...], lastHash, signature], checked with verifyEventPage).
 * `from` is an entry seq (the first is 1); the device returns at most `limit` entries and
 * fewer when they would not fit one frame.
 */
export const EventLogRead = defineMessage('event-log.read', record({
  from: uint({ min: 1 }),
  limit: uint({ min: 1, max: MAX_PAGE_ENTRIES }),
}), record({
  page: bytes({ min: 1, max: MAX_EVENT_PAGE_BYTES }),
  next: uint({ min: 1 }), // the seq to ask for next
  total: uint(), // entries in the log (the last seq)
}));

export const LoadElection = defineMessage('load-election', record({
  total: uint({ min: 1, max: MAX_ELECTION_BYTES }),
  offset: uint({ max: MAX_ELECTION_BYTES - 1 }),
  chunk: bytes({ min: 1, max: MAX_ELECTION_CHUNK }),
}), record({
  received: uint(),
  electionId: optional(hash32), // present once the whole definition is in and verified
}));

export const Open = defineMessage('open', record({
  password: bytes({ min: 1, max: MAX_PASSWORD_BYTES }),
}), record({ state: text({ minBytes: 1, maxBytes: 32 }), openedAtMs: optional(uint()) }));

export const Close = defineMessage('close', empty, record({
  state: text({ minBytes: 1, maxBytes: 32 }),
  closedAtMs: optional(uint()),
}));

export const ResultsRead = defineMessage('results.read', pageRequest, record({
  records: arrayOf(bytes({ min: 1, max: MAX_RECORD_BYTES }), { max: MAX_PAGE_ENTRIES }),
  next: uint(),
  total: uint(),
}));

export const SetTime = defineMessage('set-time', record({ wallClockMs: uint() }), record({ previousMs: optional(uint()) }));

export const COMMON_MESSAGES = [Identify, Status, SelfTestRun, SelfTestReport, EventLogRead, LoadElection, Open, Close, ResultsRead, SetTime] as const;

/** A registry holding the common messages; each device adds its own. */
export function commonRegistry(): MessageRegistry {
  return new MessageRegistry().add(...COMMON_MESSAGES);
}

/** Checks a value against a message's request shape; throws ProtocolError('bad-body'). */
export function validateRequest<D extends AnyMessageDef>(def: D, body: CborValue): RequestOf<D> {
  return def.request(body, '') as RequestOf<D>;
}
export function validateResponse<D extends AnyMessageDef>(def: D, body: CborValue): ResponseOf<D> {
  return def.response(body, '') as ResponseOf<D>;
}
