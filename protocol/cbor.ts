// Deterministic CBOR (RFC 8949 §4.2.1, "core deterministic encoding") for everything the
// protocol signs, hashes or sends. A small codec of our own because it must run in XS with
// no globals beyond ES2022; it covers the profile the protocol uses:
//   unsigned and negative integers (number when safe, bigint beyond), byte strings, text
//   strings, arrays, maps, false/true/null/undefined.
// Floats, tags, indefinite lengths and other simple values are outside the profile: the
// encoder never produces them and the decoder refuses them with a ProtocolError.
// The decoder is strict: it accepts only the deterministic encoding (shortest integer
// heads, map keys in bytewise order, no duplicates), so one value has exactly one
// encoding and a signature over bytes is a signature over the value.

import { ProtocolError, compareBytes, utf8Decode, utf8Encode } from './bytes';

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborArray
  | CborObject
  | CborMap;
export interface CborArray extends Array<CborValue> {}
/** A map whose keys are all text strings (and no value is undefined) decodes to a plain object. */
export interface CborObject { [key: string]: CborValue }
/** A map with any non-text key, or any undefined value, decodes to a Map. */
export type CborMap = Map<CborValue, CborValue>;

export const MAX_DEPTH = 24;

class Writer {
  private buf = new Uint8Array(64);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(b: number): void { this.ensure(1); this.buf[this.length++] = b; }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  head(major: number, n: number | bigint): void {
    const m = major << 5;
    if (typeof n === 'bigint') {
      if (n <= BigInt(Number.MAX_SAFE_INTEGER)) { this.head(major, Number(n)); return; }
      this.byte(m | 27);
      for (let i = 7; i >= 0; i--) this.byte(Number((n >> BigInt(i * 8)) & 0xffn));
      return;
    }
    if (n < 24) this.byte(m | n);
    else if (n < 0x100) { this.byte(m | 24); this.byte(n); }
    else if (n < 0x10000) { this.byte(m | 25); this.byte(n >>> 8); this.byte(n & 0xff); }
    else if (n < 0x100000000) {
      this.byte(m | 26);
      this.byte((n >>> 24) & 0xff); this.byte((n >>> 16) & 0xff); this.byte((n >>> 8) & 0xff); this.byte(n & 0xff);
    } else {
      this.byte(m | 27);
      const hi = Math.floor(n / 0x100000000);
      const lo = n >>> 0;
      this.byte((hi >>> 24) & 0xff); this.byte((hi >>> 16) & 0xff); this.byte((hi >>> 8) & 0xff); this.byte(hi & 0xff);
      this.byte((lo >>> 24) & 0xff); this.byte((lo >>> 16) & 0xff); this.byte((lo >>> 8) & 0xff); this.byte(lo & 0xff);
    }
  }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

function encodeInto(w: Writer, v: CborValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new ProtocolError('cbor-too-deep', `nesting deeper than ${MAX_DEPTH}`);
  if (v === false) w.byte(0xf4);
  else if (v === true) w.byte(0xf5);
  else if (v === null) w.byte(0xf6);
  else if (v === undefined) w.byte(0xf7);
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new ProtocolError('cbor-unsupported', `only safe integers are encoded, not ${v}`);
    if (v >= 0) w.head(0, v);
    else w.head(1, -1 - v);
  } else if (typeof v === 'bigint') {
    // made here, not at module level: a preloaded BigInt cannot be compared on XS 8.2.3 (docs/moddable.md)
    const U64_MAX = 0xffffffffffffffffn;
    if (v >= 0n) {
      if (v > U64_MAX) throw new ProtocolError('cbor-unsupported', 'integer beyond 64 bits');
      w.head(0, v);
    } else {
      const n = -1n - v;
      if (n > U64_MAX) throw new ProtocolError('cbor-unsupported', 'integer beyond 64 bits');
      w.head(1, n);
    }
  } else if (typeof v === 'string') {
    // utf8Encode turns a lone surrogate into U+FFFD: two different strings would share one
    // encoding (and one signature), so such a string is refused instead.
    if (!isWellFormed(v)) throw new ProtocolError('cbor-unsupported', 'text with a lone surrogate is not encodable as UTF-8');
    const b = utf8Encode(v);
    w.head(3, b.length); w.bytes(b);
  } else if (v instanceof Uint8Array) {
    w.head(2, v.length); w.bytes(v);
  } else if (Array.isArray(v)) {
    w.head(4, v.length);
    for (const item of v) encodeInto(w, item, depth + 1);
  } else if (v instanceof Map) {
    encodeEntries(w, [...v.entries()], depth);
  } else if (typeof v === 'object' && isPlainObject(v)) {
    // Object properties whose value is undefined are left out, as JSON does: optional fields.
    encodeEntries(w, Object.keys(v).filter((k) => v[k] !== undefined).map((k) => [k, v[k]]), depth);
  } else {
    throw new ProtocolError('cbor-unsupported', `cannot encode a ${typeof v}`);
  }
}

/** Only plain objects are maps: a Date, an ArrayBuffer or a Uint16Array would otherwise encode as a map of its own keys. */
function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** String.prototype.isWellFormed is ES2024; XS's ES2022 profile may not have it. */
function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

function encodeEntries(w: Writer, entries: [CborValue, CborValue][], depth: number): void {
  const encoded = entries.map(([k, val]) => ({ key: encodeCbor(k, depth + 1), val }));
  encoded.sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < encoded.length; i++) {
    if (compareBytes(encoded[i - 1].key, encoded[i].key) === 0) throw new ProtocolError('cbor-duplicate-key', 'map has a duplicate key');
  }
  w.head(5, encoded.length);
  for (const e of encoded) { w.bytes(e.key); encodeInto(w, e.val, depth + 1); }
}

/** Encodes a value in deterministic CBOR. Same value, same bytes. */
export function encodeCbor(value: CborValue, depth = 0): Uint8Array {
  const w = new Writer();
  encodeInto(w, value, depth);
  return w.result();
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  need(n: number): void {
    if (n > this.b.length - this.pos) throw new ProtocolError('cbor-truncated', `needs ${n} more bytes at offset ${this.pos}`);
  }
  byte(): number { this.need(1); return this.b[this.pos++]; }
}

function readArgument(r: Reader, info: number, major: number): number | bigint {
  if (info < 24) return info;
  let n: number;
  if (info === 24) { n = r.byte(); if (n < 24) throw nonCanonical(r); return n; }
  if (info === 25) { n = (r.byte() << 8) | r.byte(); if (n < 0x100) throw nonCanonical(r); return n; }
  if (info === 26) {
    n = ((r.byte() << 24) >>> 0) + ((r.byte() << 16) | (r.byte() << 8) | r.byte());
    if (n < 0x10000) throw nonCanonical(r);
    return n;
  }
  if (info === 27) {
    let big = 0n;
    for (let i = 0; i < 8; i++) big = (big << 8n) | BigInt(r.byte());
    if (big < 0x100000000n) throw nonCanonical(r);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  // Additional information 31 means "indefinite length" only for strings, arrays and maps
  // (outside the profile); on an integer it is malformed (RFC 8949 §3.2.4).
  if (info === 31 && major >= 2 && major <= 5) throw new ProtocolError('cbor-unsupported', `indefinite length at offset ${r.pos - 1}`);
  throw new ProtocolError('cbor-malformed', `reserved additional information ${info} at offset ${r.pos - 1}`);
}

function nonCanonical(r: Reader): ProtocolError {
  return new ProtocolError('cbor-not-deterministic', `integer head not in shortest form before offset ${r.pos}`);
}

function readLength(r: Reader, info: number, major: number): number {
  const n = readArgument(r, info, major);
  if (typeof n === 'bigint') throw new ProtocolError('cbor-truncated', 'length beyond the input');
  return n;
}

function decodeItem(r: Reader, depth: number): CborValue {
  if (depth > MAX_DEPTH) throw new ProtocolError('cbor-too-deep', `nesting deeper than ${MAX_DEPTH}`);
  const start = r.pos;
  const ib = r.byte();
  const major = ib >> 5;
  const info = ib & 31;
  switch (major) {
    case 0: return readArgument(r, info, major);
    case 1: {
      const n = readArgument(r, info, major);
      if (typeof n === 'bigint') return -1n - n;
      const v = -1 - n;
      return Number.isSafeInteger(v) ? v : -1n - BigInt(n);
    }
    case 2: case 3: {
      const len = readLength(r, info, major);
      r.need(len);
      const slice = r.b.slice(r.pos, r.pos + len);
      r.pos += len;
      return major === 2 ? slice : utf8Decode(slice);
    }
    case 4: {
      const len = readLength(r, info, major);
      r.need(len); // every item takes at least one byte: refuse lengths the input cannot hold
      const out: CborValue[] = [];
      for (let i = 0; i < len; i++) out.push(decodeItem(r, depth + 1));
      return out;
    }
    case 5: {
      const len = readLength(r, info, major);
      r.need(len * 2);
      const keys: CborValue[] = [];
      const vals: CborValue[] = [];
      let prevKey: Uint8Array | null = null;
      let allText = true;
      for (let i = 0; i < len; i++) {
        const keyStart = r.pos;
        const k = decodeItem(r, depth + 1);
        const keyBytes = r.b.subarray(keyStart, r.pos);
        if (prevKey) {
          const c = compareBytes(prevKey, keyBytes);
          if (c === 0) throw new ProtocolError('cbor-duplicate-key', `duplicate map key at offset ${keyStart}`);
          if (c > 0) throw new ProtocolError('cbor-not-deterministic', `map keys out of order at offset ${keyStart}`);
        }
        prevKey = keyBytes;
        if (typeof k !== 'string') allText = false;
        keys.push(k);
        const val = decodeItem(r, depth + 1);
        // An object leaves out fields whose value is undefined when encoded, so such a map
        // decodes to a Map: re-encoding then gives back the same bytes.
        if (val === undefined) allText = false;
        vals.push(val);
      }
      if (allText) {
        const obj: CborObject = {};
        // defineProperty: a key named "__proto__" must stay data, not change the prototype
        for (let i = 0; i < len; i++) Object.defineProperty(obj, keys[i] as string, { value: vals[i], enumerable: true, writable: true, configurable: true });
        return obj;
      }
      const m: CborMap = new Map();
      for (let i = 0; i < len; i++) m.set(keys[i], vals[i]);
      return m;
    }
    case 6: throw new ProtocolError('cbor-unsupported', `tag at offset ${start}`);
    default: // major 7
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      if (info === 23) return undefined;
      if (info >= 25 && info <= 27) throw new ProtocolError('cbor-unsupported', `float at offset ${start}`);
      if (info >= 28 && info <= 30) throw new ProtocolError('cbor-malformed', `reserved additional information ${info} at offset ${start}`);
      throw new ProtocolError('cbor-unsupported', `simple value ${info} at offset ${start}`);
  }
}

/** Decodes exactly one deterministic-CBOR item that fills the whole input. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const r = new Reader(bytes);
  const v = decodeItem(r, 0);
  if (r.pos !== bytes.length) throw new ProtocolError('cbor-trailing-bytes', `${bytes.length - r.pos} bytes after the item`);
  return v;
}
