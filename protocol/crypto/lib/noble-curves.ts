// Everything protocol/crypto/curve25519.ts takes from @noble/curves, as ONE module, so the
// devices can load one tree-shaken copy of noble's code instead of its five abstract modules
// whole (utils, modular, curve, edwards, montgomery). On Moddable the root manifest.json maps
// this module name to hosts/moddable/noble-curves.js, generated from this file by
// scripts/make-noble-curves.ts (esbuild, only what is exported here); Node, tsc and the xsnap
// harness use this file as is. Keep the list to what curve25519.ts uses.
export { eddsa, edwards, type EdDSA } from '@noble/curves/abstract/edwards.js';
export { isNegativeLE, mod, pow2 } from '@noble/curves/abstract/modular.js';
export { montgomery, type MontgomeryECDH } from '@noble/curves/abstract/montgomery.js';

/**
 * Makes noble's module-level BigInt constants (its `_0n = BigInt(0)` and the like) and WeakMap
 * caches; call it before anything else from here. Here, on noble's own modules, they were made
 * when the modules loaded, so it does nothing. In the device bundle the generator moves each of
 * them into this function: the devices preload the bundle, XS 8.2.3 compares a BigInt made at
 * preload (flash) with one made at run time as never equal under === and !==, and a preloaded
 * WeakMap is read-only (docs/moddable.md, "Preloading the crypto").
 */
export function makeRunTimeState(): void {
  // noble's modules made their constants at load (see above)
}
