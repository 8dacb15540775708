// The RPC envelope inside each transport frame (docs/protocol.md §4):
//   request  = { "seq": uint, "type": text, "body": any }
//   response = { "seq": uint, "ok": any }  or  { "seq": uint, "err": { "code": text, "message": text } }
// encoded in deterministic CBOR, so a retried request is byte-for-byte the same request.

import { ProtocolError } from '../bytes';
import { decodeCbor, encodeCbor, type CborObject, type CborValue } from '../cbor';

/** The error codes a response may carry. Receivers treat an unknown code like 'internal'. */
export const ERROR_CODES = [
  'bad-request', // the envelope or the body is malformed
  'unknown-type', // this device has no such message
  'wrong-state', // not allowed in the device's current state
  'unauthorized', // wrong password, or not permitted for this peer
  'busy', // another request is being executed; retry later with a new seq
  'seq-reused', // this seq was used for a different request
  'stale-seq', // this seq is lower than one already used
  'too-large', // the request or the response does not fit a frame
  'out-of-range', // paging position or chunk offset not valid
  'bad-election', // election definition malformed or its signature does not verify
  'storage', // the device could not store the data
  'internal', // anything else; the device's event log has the detail
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** An error answer: thrown by a handler to choose the code, or raised on the client from a response. */
export class RpcError extends ProtocolError {
  constructor(code: ErrorCode | string, message: string) {
    super(code, message);
    this.name = 'RpcError';
  }
}

export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
export const MAX_TYPE_BYTES = 64;
export const MAX_ERROR_MESSAGE_CHARS = 200;

export interface RequestEnvelope {
  seq: number;
  type: string;
  body: CborValue;
}
export type ResponseEnvelope =
  | { seq: number; ok: CborValue }
  | { seq: number; err: { code: string; message: string } };

function isTextMap(v: CborValue): v is CborObject {
  return v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) && !(v instanceof Map);
}
function isSeq(v: CborValue): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
function onlyKeys(m: CborObject, keys: string[]): boolean {
  const ks = Object.keys(m);
  return ks.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(m, k));
}

export function encodeRequest(r: RequestEnvelope): Uint8Array {
  return encodeCbor({ seq: r.seq, type: r.type, body: r.body });
}

/**
 * Decodes a request envelope; throws ProtocolError('bad-request'). The error carries the
 * seq when it could be read, so the answer can name it.
 */
export function decodeRequest(bytes: Uint8Array): RequestEnvelope {
  let v: CborValue;
  try {
    v = decodeCbor(bytes);
  } catch (e) {
    throw new ProtocolError('bad-request', `envelope is not deterministic CBOR (${e instanceof ProtocolError ? e.code : 'error'})`);
  }
  if (!isTextMap(v)) throw new ProtocolError('bad-request', 'envelope is not a map with text keys');
  if (!isSeq(v.seq) || v.seq < 1) throw new ProtocolError('bad-request', 'seq must be an integer from 1 to 2^53-1');
  if (!onlyKeys(v, ['seq', 'type', 'body'])) throw new SeqError(v.seq, 'bad-request', 'request envelope must have exactly seq, type, body');
  if (typeof v.type !== 'string' || v.type.length === 0 || v.type.length > MAX_TYPE_BYTES) throw new SeqError(v.seq, 'bad-request', 'type must be non-empty text');
  return { seq: v.seq, type: v.type, body: v.body };
}

/** A malformed request whose seq is known. */
export class SeqError extends ProtocolError {
  constructor(readonly seq: number, code: string, message: string) {
    super(code, message);
  }
}

export function encodeResponse(r: ResponseEnvelope): Uint8Array {
  if ('ok' in r) return encodeCbor({ seq: r.seq, ok: r.ok });
  return encodeCbor({ seq: r.seq, err: { code: r.err.code, message: r.err.message } });
}

/** Decodes a response envelope; throws ProtocolError('bad-response'). */
export function decodeResponse(bytes: Uint8Array): ResponseEnvelope {
  let v: CborValue;
  try {
    v = decodeCbor(bytes);
  } catch (e) {
    throw new ProtocolError('bad-response', `envelope is not deterministic CBOR (${e instanceof ProtocolError ? e.code : 'error'})`);
  }
  if (!isTextMap(v) || !isSeq(v.seq)) throw new ProtocolError('bad-response', 'response envelope needs a seq');
  if (onlyKeys(v, ['seq', 'ok'])) return { seq: v.seq, ok: v.ok };
  if (onlyKeys(v, ['seq', 'err'])) {
    const err = v.err;
    if (!isTextMap(err) || !onlyKeys(err, ['code', 'message']) || typeof err.code !== 'string' || typeof err.message !== 'string') {
      throw new ProtocolError('bad-response', 'err must be { code: text, message: text }');
    }
    return { seq: v.seq, err: { code: err.code, message: err.message } };
  }
  throw new ProtocolError('bad-response', 'response envelope must have exactly seq and one of ok, err');
}
