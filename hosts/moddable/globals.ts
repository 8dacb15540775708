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

export {};
