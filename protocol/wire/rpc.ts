// Request/response over any channel that carries whole messages in order (here: a Noise
// session). One request at a time. The server remembers, per peer, the last request's
// seq, its bytes and its answer, so a retried request (same seq, same bytes) is answered
// again from that cache without being executed twice, even over a new session; a different
// request under a used seq is refused. The client retries on a timeout taken from the clock
// port, with the same bytes, until an answer or maxAttempts.

import { ProtocolError, bytesEqual } from '../bytes';
import type { ClockPort, TimerHandle } from '../../runtime/ports';
import { MAX_PAYLOAD } from './frame';
import { RpcError, SeqError, decodeRequest, decodeResponse, encodeRequest, encodeResponse, isErrorCode, MAX_ERROR_MESSAGE_CHARS, type ErrorCode, type ResponseEnvelope } from './envelope';
import type { AnyMessageDef, MessageDef, MessageRegistry } from './messages';

/** Noise's tag takes 16 bytes of a frame's payload; the envelope gets the rest. */
export const MAX_ENVELOPE_BYTES = MAX_PAYLOAD - 16;

export interface RequestContext {
  /** Who asked: the session's peer identity (static key and client instance). */
  readonly peer: string;
  readonly seq: number;
  readonly type: string;
}
export type Handler<Req, Res> = (body: Req, ctx: RequestContext) => Res | Promise<Res>;

export interface RpcServerOptions {
  maxResponseBytes?: number;
  /** Peers whose last answer is remembered; the least recently active is forgotten first. */
  maxPeers?: number;
  /** Told about handler failures that were not RpcErrors (answered as 'internal'): log them. */
  onInternalError?: (type: string, error: unknown) => void;
}

interface PeerEntry {
  lastSeq: number;
  request: Uint8Array;
  /** null while the request is executing */
  response: Uint8Array | null;
  /** where the answer goes: the newest channel the request arrived on */
  reply: (response: Uint8Array) => void;
}

function wireMessage(e: ProtocolError): string {
  const prefix = `${e.code}: `;
  const m = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return m.length > MAX_ERROR_MESSAGE_CHARS ? m.slice(0, MAX_ERROR_MESSAGE_CHARS) : m;
}

function errResponse(seq: number, code: ErrorCode, message: string): Uint8Array {
  return encodeResponse({ seq, err: { code, message } });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

export class RpcServer {
  private readonly handlers = new Map<string, Handler<unknown, unknown>>();
  private readonly peers = new Map<string, PeerEntry>();
  private executing = false;
  private readonly maxResponseBytes: number;
  private readonly maxPeers: number;
  /** How many requests reached a handler: tests use it to prove nothing ran twice. */
  executions = 0;

  constructor(private readonly registry: MessageRegistry, private readonly opts: RpcServerOptions = {}) {
    this.maxResponseBytes = opts.maxResponseBytes ?? MAX_ENVELOPE_BYTES;
    this.maxPeers = opts.maxPeers ?? 4;
  }

  on<Req, Res>(def: MessageDef<Req, Res>, handler: Handler<Req, Res>): this {
    if (this.registry.get(def.type) !== (def as unknown as AnyMessageDef)) {
      throw new ProtocolError('unknown-type', `"${def.type}" is not in this server's registry`);
    }
    this.handlers.set(def.type, handler as Handler<unknown, unknown>);
    return this;
  }

  /** True while a handler's promise is pending. */
  get busy(): boolean { return this.executing; }

  /** Handles one request envelope from `peer`; the answer (now or later) goes to reply. */
  receive(peer: string, request: Uint8Array, reply: (response: Uint8Array) => void): void {
    let env;
    try {
      env = decodeRequest(request);
    } catch (e) {
      const seq = e instanceof SeqError ? e.seq : 0;
      reply(errResponse(seq, 'bad-request', e instanceof ProtocolError ? wireMessage(e) : 'malformed request'));
      return;
    }
    const known = this.peers.get(peer);
    if (known) {
      if (env.seq === known.lastSeq) {
        if (!bytesEqual(known.request, request)) { reply(errResponse(env.seq, 'seq-reused', 'this seq was used for a different request')); return; }
        if (known.response) reply(known.response); // a retry: the cached answer, not a second execution
        else known.reply = reply; // still executing: answer on the newest channel when done
        return;
      }
      if (env.seq < known.lastSeq) { reply(errResponse(env.seq, 'stale-seq', `seq ${env.seq} is below ${known.lastSeq}`)); return; }
    }
    if (this.executing) { reply(errResponse(env.seq, 'busy', 'another request is executing')); return; }

    const entry: PeerEntry = { lastSeq: env.seq, request: request.slice(), response: null, reply };
    this.peers.delete(peer);
    this.peers.set(peer, entry);
    while (this.peers.size > this.maxPeers) {
      const oldest = this.peers.keys().next().value as string;
      this.peers.delete(oldest);
    }

    const def = this.registry.get(env.type);
    const handler = this.handlers.get(env.type);
    if (!def || !handler) { this.finish(entry, errResponse(env.seq, 'unknown-type', `no message "${env.type}"`)); return; }
    let body: unknown;
    try {
      body = def.request(env.body, '');
    } catch (e) {
      this.finish(entry, errResponse(env.seq, 'bad-request', e instanceof ProtocolError ? wireMessage(e) : 'malformed body'));
      return;
    }
    const ctx: RequestContext = { peer, seq: env.seq, type: env.type };
    this.executions++;
    let result: unknown;
    try {
      result = handler(body, ctx);
    } catch (e) {
      this.finish(entry, this.failure(env.seq, env.type, e));
      return;
    }
    if (!isThenable(result)) { this.finish(entry, this.success(env.seq, def, result)); return; }
    this.executing = true;
    Promise.resolve(result).then(
      (value) => { this.executing = false; this.finish(entry, this.success(env.seq, def, value)); },
      (e: unknown) => { this.executing = false; this.finish(entry, this.failure(env.seq, env.type, e)); },
    );
  }

  private success(seq: number, def: AnyMessageDef, value: unknown): Uint8Array {
    try {
      // The answer is checked like the client will check it: a device bug becomes 'internal', not a bad frame.
      const ok = def.response(value as never, '');
      const bytes = encodeResponse({ seq, ok: ok as never });
      if (bytes.length > this.maxResponseBytes) return errResponse(seq, 'too-large', `answer of ${bytes.length} bytes does not fit a frame`);
      return bytes;
    } catch (e) {
      return this.failure(seq, def.type, e);
    }
  }

  private failure(seq: number, type: string, e: unknown): Uint8Array {
    if (e instanceof ProtocolError && isErrorCode(e.code)) return errResponse(seq, e.code, wireMessage(e));
    this.opts.onInternalError?.(type, e);
    return errResponse(seq, 'internal', 'internal error');
  }

  private finish(entry: PeerEntry, response: Uint8Array): void {
    entry.response = response;
    entry.reply(response);
  }
}

// ---- client ----

/** Carries request envelopes to the server; answers come back through RpcClient.receive. */
export interface RpcChannel {
  /** attempt: 1 for the first send of a request, then 2, 3, ... for its retries. */
  send(request: Uint8Array, attempt: number): void;
}

export interface RpcClientOptions {
  /** How long to wait for an answer before sending the same request again. */
  timeoutMs?: number;
  /** Sends of one request, first included, before the call fails with 'timeout'. */
  maxAttempts?: number;
  firstSeq?: number;
  maxRequestBytes?: number;
}

interface Outstanding {
  seq: number;
  bytes: Uint8Array;
  def: AnyMessageDef;
  attempts: number;
  timer: TimerHandle | null;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class RpcClient {
  private nextSeq: number;
  private current: Outstanding | null = null;
  private readonly waiting: (() => void)[] = [];
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRequestBytes: number;
  /** Why the last attempt may have failed, for the timeout error's message. */
  problem = '';
  /** Answers that matched no outstanding request (late duplicates) or did not decode. */
  ignoredResponses = 0;

  constructor(private readonly channel: RpcChannel, private readonly clock: ClockPort, opts: RpcClientOptions = {}) {
    this.nextSeq = opts.firstSeq ?? 1;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.maxRequestBytes = opts.maxRequestBytes ?? MAX_ENVELOPE_BYTES;
  }

  get inFlight(): boolean { return this.current !== null; }
  /** The seq the next request will carry. */
  get seq(): number { return this.nextSeq; }

  /** Sends a request and resolves to the checked answer body; rejects with RpcError for an error answer. */
  call<Req, Res>(def: MessageDef<Req, Res>, body: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const start = (): void => {
        let bytes: Uint8Array;
        try {
          def.request(body as never, ''); // refuse locally what the server would refuse
          bytes = encodeRequest({ seq: this.nextSeq, type: def.type, body: body as never });
        } catch (e) {
          reject(e);
          this.next();
          return;
        }
        if (bytes.length > this.maxRequestBytes) {
          reject(new ProtocolError('too-large', `request of ${bytes.length} bytes does not fit a frame`));
          this.next();
          return;
        }
        this.current = {
          seq: this.nextSeq++, bytes, def: def as unknown as AnyMessageDef, attempts: 0, timer: null,
          resolve: resolve as (v: unknown) => void, reject,
        };
        this.problem = '';
        this.attempt();
      };
      if (this.current) this.waiting.push(start);
      else start();
    });
  }

  /** An answer envelope from the server. */
  receive(response: Uint8Array): void {
    let env: ResponseEnvelope;
    try {
      env = decodeResponse(response);
    } catch {
      this.ignoredResponses++;
      return;
    }
    const cur = this.current;
    if (!cur || env.seq !== cur.seq) { this.ignoredResponses++; return; }
    if ('err' in env) { this.settle(() => cur.reject(new RpcError(env.err.code, env.err.message))); return; }
    let value: unknown;
    try {
      value = cur.def.response(env.ok, '');
    } catch (e) {
      const why = e instanceof ProtocolError ? e.message : String(e);
      this.settle(() => cur.reject(new ProtocolError('bad-response', `answer to ${cur.def.type}: ${why}`)));
      return;
    }
    this.settle(() => cur.resolve(value));
  }

  /** Sends the outstanding request again now (after a new session), counting an attempt. */
  resendNow(): void {
    if (!this.current) return;
    this.attempt();
  }

  /** Ends the outstanding request with an error (e.g. the device refused our key). */
  failCurrent(error: unknown): void {
    const cur = this.current;
    if (cur) this.settle(() => cur.reject(error));
  }

  private attempt(): void {
    const cur = this.current;
    if (!cur) return;
    if (cur.timer) { this.clock.clearTimeout(cur.timer); cur.timer = null; }
    if (cur.attempts >= this.maxAttempts) {
      const why = this.problem ? ` (last problem: ${this.problem})` : '';
      this.settle(() => cur.reject(new ProtocolError('timeout', `no answer to ${cur.def.type} seq ${cur.seq} after ${cur.attempts} attempts${why}`)));
      return;
    }
    cur.attempts++;
    cur.timer = this.clock.setTimeout(this.timeoutMs, () => {
      if (this.current !== cur) return;
      cur.timer = null;
      this.attempt();
    });
    this.channel.send(cur.bytes, cur.attempts);
  }

  private settle(done: () => void): void {
    const cur = this.current;
    if (cur?.timer) this.clock.clearTimeout(cur.timer);
    this.current = null;
    done();
    this.next();
  }

  private next(): void {
    if (this.current) return;
    const start = this.waiting.shift();
    if (start) start();
  }
}
