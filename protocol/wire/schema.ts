// Validators for CBOR message bodies: each checks a decoded value and returns it typed, or
// throws ProtocolError('bad-body') naming the path of the first fault. Records refuse
// unknown fields: a field this side does not understand is never silently ignored (a new
// field means a new message type or a new protocol version).

import { ProtocolError, utf8Encode } from '../bytes';
import type { CborObject, CborValue } from '../cbor';

export type Validator<T> = (value: CborValue, path: string) => T;
/** A record field that may be absent. */
export type OptionalValidator<T> = Validator<T | undefined> & { readonly optional: true };
export type Infer<V> = V extends Validator<infer T> ? T : never;

type Shape = { [field: string]: Validator<unknown> };
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };
export type RecordOf<S extends Shape> = Flatten<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;

export function bodyError(path: string, what: string): ProtocolError {
  return new ProtocolError('bad-body', `${path || 'body'}: ${what}`);
}

function describe(v: CborValue): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'map with non-text keys';
  return typeof v;
}

/** An unsigned integer in [min, max] (max at most 2^53 − 1). */
export function uint(opts: { min?: number; max?: number } = {}): Validator<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bodyError(path, `expected an unsigned integer, got ${describe(v)}`);
    if (v < min || v > max) throw bodyError(path, `${v} is outside [${min}, ${max}]`);
    return v;
  };
}

/** A text string whose UTF-8 length is in [minBytes, maxBytes]. */
export function text(opts: { minBytes?: number; maxBytes: number }): Validator<string> {
  const min = opts.minBytes ?? 0;
  return (v, path) => {
    if (typeof v !== 'string') throw bodyError(path, `expected text, got ${describe(v)}`);
    const n = utf8Encode(v).length;
    if (n < min || n > opts.maxBytes) throw bodyError(path, `text of ${n} bytes is outside [${min}, ${opts.maxBytes}]`);
    return v;
  };
}

/** One of a fixed set of text values. */
export function oneOf<const T extends readonly string[]>(...values: T): Validator<T[number]> {
  return (v, path) => {
    if (typeof v !== 'string' || !values.includes(v)) throw bodyError(path, `expected one of ${values.join(', ')}`);
    return v as T[number];
  };
}

/** A byte string of length in [min, max]. */
export function bytes(opts: { min?: number; max: number }): Validator<Uint8Array> {
  const min = opts.min ?? 0;
  return (v, path) => {
    if (!(v instanceof Uint8Array)) throw bodyError(path, `expected bytes, got ${describe(v)}`);
    if (v.length < min || v.length > opts.max) throw bodyError(path, `${v.length} bytes is outside [${min}, ${opts.max}]`);
    return v;
  };
}

export function bool(): Validator<boolean> {
  return (v, path) => {
    if (typeof v !== 'boolean') throw bodyError(path, `expected a boolean, got ${describe(v)}`);
    return v;
  };
}

export function arrayOf<T>(item: Validator<T>, opts: { max: number; min?: number }): Validator<T[]> {
  const min = opts.min ?? 0;
  return (v, path) => {
    if (!Array.isArray(v)) throw bodyError(path, `expected an array, got ${describe(v)}`);
    if (v.length < min || v.length > opts.max) throw bodyError(path, `${v.length} items is outside [${min}, ${opts.max}]`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

export function optional<T>(inner: Validator<T>): OptionalValidator<T> {
  const f = (v: CborValue, path: string): T | undefined => (v === undefined ? undefined : inner(v, path));
  return Object.assign(f, { optional: true as const });
}

function isTextMap(v: CborValue): v is CborObject {
  return v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) && !(v instanceof Map);
}

/** A map with text keys: exactly these fields (optional ones may be absent), nothing else. */
export function record<S extends Shape>(shape: S): Validator<RecordOf<S>> {
  const fields = Object.keys(shape);
  return (v, path) => {
    if (!isTextMap(v)) throw bodyError(path, `expected a map with text keys, got ${describe(v)}`);
    for (const k of Object.keys(v)) {
      if (!Object.prototype.hasOwnProperty.call(shape, k)) throw bodyError(path, `unknown field "${k}"`);
    }
    const out: Record<string, unknown> = {};
    for (const k of fields) {
      const has = Object.prototype.hasOwnProperty.call(v, k);
      // undefined counts as absent, as encodeCbor leaves such object fields out
      const checked = shape[k](has ? v[k] : undefined, path ? `${path}.${k}` : k);
      if (checked !== undefined) out[k] = checked;
    }
    return out as RecordOf<S>;
  };
}

/** Any map with text keys, for device-specific detail a common message carries opaquely. */
export function openMap(opts: { maxEntries: number }): Validator<CborObject> {
  return (v, path) => {
    if (!isTextMap(v)) throw bodyError(path, `expected a map with text keys, got ${describe(v)}`);
    if (Object.keys(v).length > opts.maxEntries) throw bodyError(path, `more than ${opts.maxEntries} entries`);
    return v;
  };
}

/** The empty map {}: the body of requests that carry nothing. */
export const empty: Validator<Record<string, never>> = record({}) as Validator<Record<string, never>>;
