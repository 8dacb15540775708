// Ed25519 (RFC 8032, pure: no ctx, no ph) and X25519 (RFC 7748), configured from noble's
// abstract modules with the curve's published parameters — the same configuration as
// @noble/curves/ed25519.js (v2.4.0, src/ed25519.ts), minus what the devices never use.
//
// Why not import @noble/curves/ed25519.js: at load it also builds ristretto255, ed25519ctx,
// ed25519ph, hash-to-curve, OPRF and FROST, which pull in six more modules; on a device every
// module's top-level objects stay in RAM for the life of the firmware (docs/xs-budgets.md).
//
// What is copied from noble's ed25519.ts, unchanged: the curve parameters (ed25519_CURVE),
// the 2^252−3 addition chain (ed25519_pow_2_252_3), the RFC 7748 §5 clamping
// (adjustScalarBytes), √−1 and the square root of a ratio (uvRatio, RFC 8032 §5.1.3), the
// Fermat inversion for X25519 (powPminus2), and the options: Ed25519 with ZIP-215 decoding.
// Left out: the Edwards-to-Montgomery helpers (utils.toMontgomery*) and X25519's optional
// `scalarMultBase`, which computes [k]B on the Edwards curve to use noble's cached base-point
// table; without that table (the devices, protocol/crypto/noble.ts) the RFC 7748 ladder is
// the cheaper path, and the result is the same u-coordinate.
//
// Checked by tests/crypto-ports.test.ts (RFC 8032 and RFC 7748 vectors) and
// tests/crypto-curve25519.test.ts (agreement with noble's full ed25519/x25519 on random keys,
// messages and malformed inputs).
// noble's functions come through ./lib/noble-curves: on a device, one generated tree-shaken bundle.
//
// Made at run time, on the first call of curve25519(), not when the module loads: the devices
// preload this module, and XS 8.2.3 compares a BigInt made at preload (kept in flash) with one
// made at run time as never equal under === and !== (docs/moddable.md, "Preloading the crypto").
// So nothing here, nor in noble's bundle, holds a BigInt at module level (checked by
// tests/device-source-rules.test.ts): the constants and the curve objects are made by
// makeCurve25519 below, and noble's own module-level constants and caches by makeRunTimeState().
import { sha512 } from './sha2';
import { eddsa, edwards, isNegativeLE, makeRunTimeState, mod, montgomery, pow2, type EdDSA, type MontgomeryECDH } from './lib/noble-curves';

/** noble's Edwards point class, as `edwards()` makes it. */
export type Ed25519PointType = ReturnType<typeof edwards>;

export interface Curve25519 {
  /** RFC 8032 Ed25519 (pure), ZIP-215 verification, as noble's `ed25519`. */
  readonly ed25519: EdDSA;
  /** RFC 7748 X25519 (Montgomery ladder; rejects an all-zero shared secret), as noble's `x25519`. */
  readonly x25519: MontgomeryECDH;
  /** The Edwards point class of Ed25519 (its BASE is the RFC 8032 base point). */
  readonly Point: Ed25519PointType;
}

let made: Curve25519 | undefined;

/** Ed25519 and X25519, made on the first call (at run time) and the same objects after. */
export function curve25519(): Curve25519 {
  if (!made) made = makeCurve25519();
  return made;
}

/** RFC 7748 §5 clamping (in place), used by both Ed25519's secret scalar and X25519. */
function adjustScalarBytes(bytes: Uint8Array): Uint8Array {
  bytes[0] &= 248;
  bytes[31] &= 127;
  bytes[31] |= 64;
  return bytes;
}

/** The curves' constants and noble's objects, all made now (never at module load). */
function makeCurve25519(): Curve25519 {
  makeRunTimeState();
  const _1n = BigInt(1), _2n = BigInt(2), _3n = BigInt(3), _5n = BigInt(5), _8n = BigInt(8);
  const _10n = BigInt(10), _20n = BigInt(20), _40n = BigInt(40), _80n = BigInt(80);

  // P = 2^255 − 19; N = 2^252 + 27742317777372353535851937790883648493; a = −1;
  // d = −121665/121666 (RFC 8032 §5.1; RFC 7748 §4.1).
  const P = BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed');
  const CURVE = {
    p: P,
    n: BigInt('0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed'),
    h: _8n,
    a: BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec'),
    d: BigInt('0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3'),
    Gx: BigInt('0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a'),
    Gy: BigInt('0x6666666666666666666666666666666666666666666666666666666666666658'),
  };
  // √−1 = 2^((p−1)/4)
  const SQRT_M1 = BigInt('19681161376707505956807079304988542015446066515923890162744021073123829784752');

  /** x^((p−5)/8) = x^(2^252−3), and x^3 (reused by the inversion). noble's ed25519_pow_2_252_3. */
  function pow_2_252_3(x: bigint): { pow_p_5_8: bigint; b2: bigint } {
    const x2 = (x * x) % P;
    const b2 = (x2 * x) % P; // x^3, 11
    const b4 = (pow2(b2, _2n, P) * b2) % P; // x^15, 1111
    const b5 = (pow2(b4, _1n, P) * x) % P; // x^31
    const b10 = (pow2(b5, _5n, P) * b5) % P;
    const b20 = (pow2(b10, _10n, P) * b10) % P;
    const b40 = (pow2(b20, _20n, P) * b20) % P;
    const b80 = (pow2(b40, _40n, P) * b40) % P;
    const b160 = (pow2(b80, _80n, P) * b80) % P;
    const b240 = (pow2(b160, _80n, P) * b80) % P;
    const b250 = (pow2(b240, _10n, P) * b10) % P;
    const pow_p_5_8 = (pow2(b250, _2n, P) * x) % P;
    return { pow_p_5_8, b2 };
  }

  /** √(u/v) for point decoding (RFC 8032 §5.1.3); on a non-square, isValid is false. noble's uvRatio. */
  function uvRatio(u: bigint, v: bigint): { isValid: boolean; value: bigint } {
    const v3 = mod(v * v * v, P);
    const v7 = mod(v3 * v3 * v, P);
    const pow = pow_2_252_3(u * v7).pow_p_5_8;
    let x = mod(u * v3 * pow, P);
    const vx2 = mod(v * x * x, P);
    const root1 = x;
    const root2 = mod(x * SQRT_M1, P);
    const useRoot1 = vx2 === u;
    const useRoot2 = vx2 === mod(-u, P);
    const noRoot = vx2 === mod(-u * SQRT_M1, P);
    if (useRoot1) x = root1;
    if (useRoot2 || noRoot) x = root2; // root2 either way, as noble does (constant shape)
    if (isNegativeLE(x, P)) x = mod(-x, P);
    return { isValid: useRoot1 || useRoot2, value: x };
  }

  const Point = edwards(CURVE, { uvRatio });
  return {
    Point,
    ed25519: eddsa(Point, sha512, { adjustScalarBytes, zip215: true }),
    x25519: montgomery({
      P,
      type: 'x25519',
      // x^(p−2) = x^(2^255−21)
      powPminus2: (x: bigint): bigint => {
        const { pow_p_5_8, b2 } = pow_2_252_3(x);
        return mod(pow2(pow_p_5_8, _3n, P) * b2, P);
      },
      adjustScalarBytes,
    }),
  };
}
