// Everything protocol/crypto/curve25519.ts takes from @noble/curves, as ONE module, so the
// devices can load one tree-shaken copy of noble's code instead of its five abstract modules
// whole (utils, modular, curve, edwards, montgomery: every export a function object in RAM,
// since XS 8.2.3 cannot preload the curves). On Moddable the root manifest.json maps this module
// name to hosts/moddable/noble-curves.js, generated from this file by
// scripts/make-noble-curves.ts (esbuild, noble's code unchanged, only what is exported here);
// Node, tsc and the xsnap harness use this file as is. Keep the list to what curve25519.ts uses.
export { eddsa, edwards, type EdDSA } from '@noble/curves/abstract/edwards.js';
export { isNegativeLE, mod, pow2 } from '@noble/curves/abstract/modular.js';
export { montgomery, type MontgomeryECDH } from '@noble/curves/abstract/montgomery.js';
