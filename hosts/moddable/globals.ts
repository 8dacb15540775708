// What the shared modules need from the JavaScript environment that Moddable's XS does not
// give as the Node/xsnap hosts do. PRELOAD this module (manifest "preload") and import it
// first in a device's main; see docs/moddable.md.
//
// 1. Error.prototype.name. After the preload phase the XS linker freezes the built-in
//    prototypes, so `this.name = 'ProtocolError'` in an Error subclass's constructor throws
//    "set name: not writable" (assignment cannot shadow a read-only inherited property):
//    every typed refusal (ProtocolError, JournalError, FlashError, …) would become a
//    TypeError. Turning `name` into an accessor whose setter defines an own property keeps
//    those constructors working; this has to run before the freeze, hence the preload.
//    (Moddable documents this remedy: documentation/xs/preload.md, "Modifying Built-in Objects Behavior".)
// 2. TextEncoder/TextDecoder globals. @noble/curves/ed25519.js builds FROST domain prefixes
//    with utf8ToBytes (`new TextEncoder()`) while it loads. Moddable has no such globals, and
//    its text/encoder module is native, which cannot run during preload; so these are small
//    JavaScript ones over protocol/bytes. Device code keeps using protocol/bytes directly.
// 3. %TypedArray%.from without a list of every element. XS (8.2.3) runs TypedArray.from
//    generically for any source: it first gathers the values into a list of heap slots, one per
//    element, then copies them. noble's copyBytes is Uint8Array.from(bytes), and its Poly1305
//    copies every message it authenticates, so each Noise frame of n bytes needed n free slots
//    at once: 1,448 slots (23 KiB on the MCU) for one 1.4 KB provisioning frame, which broke the
//    terminal's 64 KiB heap (tests/xs-conversation-moddable.test.ts runs the devices in exactly
//    that). From a typed array to a built-in typed-array type with no map function, `new C(source)`
//    gives the same values in the same order (the same coercions; a BigInt/Number mix throws a
//    TypeError either way) and the engine copies them directly. Every other call goes to the
//    engine's own `from`.
//
// crypto.getRandomValues is deliberately not supplied: noble then uses its unblinded
// constant-time scalar multiplication (it probes once, at load) and never draws randomness
// behind the EntropyPort's back.
import { utf8Decode, utf8Encode } from '../../protocol/bytes';

const name = Object.getOwnPropertyDescriptor(Error.prototype, 'name');
if (name && 'value' in name) {
  if (!name.configurable) throw new Error('hosts/moddable/globals must be preloaded: Error.prototype is already frozen');
  const value: unknown = name.value;
  Object.defineProperty(Error.prototype, 'name', {
    get() { return value; },
    set(this: object, v: unknown) { Object.defineProperty(this, 'name', { value: v, writable: true, enumerable: true, configurable: true }); },
    enumerable: false,
    configurable: false,
  });
}

/** UTF-8 only, as the Encoding standard's TextEncoder. */
class Utf8TextEncoder {
  get encoding(): string { return 'utf-8'; }
  encode(input = ''): Uint8Array { return utf8Encode(String(input)); }
}

/** UTF-8 only and strict: malformed input throws ProtocolError('bad-utf8') (as `fatal: true`). */
class Utf8TextDecoder {
  get encoding(): string { return 'utf-8'; }
  decode(input?: Uint8Array | ArrayBuffer): string {
    if (input === undefined) return '';
    return utf8Decode(input instanceof Uint8Array ? input : new Uint8Array(input));
  }
}
Object.freeze(Utf8TextEncoder.prototype);
Object.freeze(Utf8TextDecoder.prototype);

const g = globalThis as Record<string, unknown>; // ES2022's globalThis type has no TextEncoder member
if (typeof g.TextEncoder !== 'function') g.TextEncoder = Utf8TextEncoder;
if (typeof g.TextDecoder !== 'function') g.TextDecoder = Utf8TextDecoder;

type TypedArrayType = new (source: ArrayBufferView) => ArrayBufferView;
type From = (this: unknown, source: unknown, mapFn?: unknown, thisArg?: unknown) => unknown;
const BUILT_IN_TYPES: readonly unknown[] = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array];

/** %TypedArray%.from that copies a typed-array source by construction (see 3 above); `engineFrom` does the rest. */
export function typedArrayFromWithoutList(engineFrom: From): From {
  return function from(this: unknown, source: unknown, mapFn?: unknown, thisArg?: unknown): unknown {
    if (mapFn === undefined && ArrayBuffer.isView(source) && !(source instanceof DataView) && BUILT_IN_TYPES.includes(this)) {
      return new (this as TypedArrayType)(source);
    }
    return engineFrom.call(this, source, mapFn, thisArg);
  };
}

const TypedArray = Object.getPrototypeOf(Uint8Array) as { from: From };
const engineFrom = TypedArray.from;
if (typeof engineFrom === 'function' && !Object.prototype.hasOwnProperty.call(engineFrom, 'withoutList')) {
  const from = typedArrayFromWithoutList(engineFrom);
  Object.defineProperty(from, 'withoutList', { value: true });
  Object.defineProperty(TypedArray, 'from', { value: from, writable: true, enumerable: false, configurable: true });
}

