// HEAP MEASUREMENT ONLY — not cryptography. bench/xs-budgets.ts --retained loads this to
// estimate what building Ed25519/X25519 straight from noble's abstract edwards()/eddsa()/
// montgomery() would save against importing @noble/curves/ed25519.js (which also builds
// ristretto255, ed25519ctx/ph, hash-to-curve, OPRF and FROST at load). The curve constants
// are RFC 8032's; the field functions are stand-ins of the right shape (a real version
// would take noble's uvRatio, pow chain and clamping, and the RFC 8032/7748 vectors).
import { sha512 } from '@noble/hashes/sha2.js';
import { eddsa, edwards } from '@noble/curves/abstract/edwards.js';
import { montgomery } from '@noble/curves/abstract/montgomery.js';

const p = BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed');
const CURVE = {
  p, n: BigInt('0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed'), h: BigInt(8),
  a: BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec'),
  d: BigInt('0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3'),
  Gx: BigInt('0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a'),
  Gy: BigInt('0x6666666666666666666666666666666666666666666666666666666666666658'),
};
const uvRatio = (u: bigint, v: bigint) => ({ isValid: true, value: (u * v) % p });
const adjustScalarBytes = (b: Uint8Array) => b;
export const Point = edwards(CURVE, { uvRatio });
export const ed = eddsa(Point, sha512, { adjustScalarBytes, zip215: true });
export const x = montgomery({ P: p, type: 'x25519', powPminus2: (v: bigint) => v, adjustScalarBytes });
