import type { FuncBuilder, Local } from './code.js';

/**
 * exp and sigmoid in float32 arithmetic, written twice with the same operations in the same order:
 * as f32x4 WebAssembly (for the SIMD elementwise kernels) and as a JS mirror that rounds through
 * Math.fround after every operation (for elementwise loops the wasm renderer does not take). Each
 * step is an IEEE float32 operation in both, so the two agree bit for bit, and a fused region
 * gives what its ops give one by one whichever of the two runs it.
 *
 * exp(x): x is clamped to [-104, 89] (beyond, the result is 0 or +Inf anyway, and the clamp keeps
 * the exponent arithmetic in range; NaN passes through), n = nearest(x·log2 e), r = x − n·C1 − n·C2
 * with C1 + C2 = ln 2 and C1 short enough that n·C1 is exact (Cody–Waite), then
 * p = 1 + r + r²·P(r) with Cephes' expf minimax coefficients on |r| ≤ ln2/2, and p·2^n applied as
 * p·2^⌊n/2⌋·2^(n−⌊n/2⌋) so each factor is a normal float and only the last product rounds (into
 * the subnormals when the result is that small). Measured error against Math.exp rounded to
 * float32: at most 1 ulp for normal results, at most 1 subnormal step below 2^-126 (test/runtime/wasm/f32_math.test.ts).
 *
 * sigmoid(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, with e = exp(−|x|): no overflow, and
 * the small tail of negative x keeps its relative precision. At most 2 ulp.
 */
const LOG2E = Math.fround(1.44269504088896341);
const C1 = 0.693359375;
const C2 = Math.fround(-2.12194440e-4);
const P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].map(Math.fround);
const LO = -104;
const HI = 89;
/** 1.5·2^23: adding it rounds a float32 of magnitude below 2^22 to an integer (see emitExp). */
const ROUNDER = 12582912;
const ROUNDER_BITS = 0x4b400000;
/** 127 − ROUNDER_BITS/2: added to half the sum's bits it gives the biased exponent n1 + 127. */
const BIAS_FROM_HALF = 127 - ROUNDER_BITS / 2;

const f = Math.fround;

/** Round half to even, as f32.nearest. */
function nearest(t: number): number {
  const r = Math.round(t);
  return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The JS mirror of the wasm exp: identical float32 results. */
export function expf(x: number): number {
  const xc = x < LO ? LO : x > HI ? HI : x; // NaN compares false both ways and passes
  const n = nearest(f(xc * LOG2E));
  let r = f(xc - f(n * C1));
  r = f(r - f(n * C2));
  let q = P[0];
  for (let i = 1; i < P.length; i++) q = f(f(q * r) + P[i]);
  const p = f(f(f(f(r * r) * q) + r) + 1);
  const ni = Number.isNaN(n) ? 0 : n;
  const n1 = ni >> 1;
  return f(f(p * 2 ** n1) * 2 ** (ni - n1));
}

/** The JS mirror of the wasm sigmoid. */
export function sigmoidf(x: number): number {
  const e = expf(-Math.abs(x));
  const d = f(1 + e);
  return x < 0 ? f(e / d) : f(1 / d);
}

/** A splatted f32 constant (the approximations in f32_*.ts share it). */
export function splat(fb: FuncBuilder, v: number): void {
  fb.f32x4([v, v, v, v]);
}

/** p = C0; p = p·t + Ci over the v128 local t, left on the stack (each step rounded, as the JS mirrors). */
export function horner(fb: FuncBuilder, coeffs: readonly number[], t: Local<'v128'>): void {
  splat(fb, coeffs[0]);
  for (let i = 1; i < coeffs.length; i++) {
    fb.get(t).simd('f32x4.mul');
    splat(fb, coeffs[i]);
    fb.simd('f32x4.add');
  }
}

/**
 * Emits exp of the v128 on the stack (four lanes), leaving the result on the stack. `tmp` are
 * scratch locals of the function (3 needed). `nonPositive`: the caller knows every lane is ≤ 0 or
 * NaN (sigmoid's −|x|), so the upper clamp, which would return each lane unchanged, is left out.
 */
export function emitExp(fb: FuncBuilder, tmp: readonly Local<'v128'>[], nonPositive = false): void {
  const [x, n, r] = tmp;
  // clamp with pmin/pmax (one instruction each on x64; f32x4.min/max are about eight, for their
  // NaN and ±0 rules): pmin(x, HI) = HI < x ? HI : x and pmax(x, LO) = x < LO ? LO : x let NaN
  // through as min/max did, and ±0 is inside the range either way
  if (!nonPositive) {
    splat(fb, HI);
    fb.simd('f32x4.pmin');
  }
  splat(fb, LO);
  fb.simd('f32x4.pmax').set(x);
  // n = nearest(x·log2e) by adding and removing 1.5·2^23: |x·log2e| < 2^22, so the sum rounds to
  // the nearest integer, ties to even, exactly as f32.nearest (a −0 comes back +0, which changes
  // nothing below: n·C1 and n·C2 are then zeros subtracted from r, whose sign p = 1 + r + … drops),
  // and the sum's bits minus the constant's are n as an integer, without trunc_sat's long x64
  // lowering. A NaN lane gives some integer, and its p stays NaN whatever it is scaled by.
  fb.get(x);
  splat(fb, LOG2E);
  fb.simd('f32x4.mul');
  splat(fb, ROUNDER);
  fb.simd('f32x4.add').set(r);
  fb.get(r);
  splat(fb, ROUNDER);
  fb.simd('f32x4.sub').set(n);
  // the sum's bits s = ROUNDER_BITS + n wait on the stack under the polynomial
  fb.get(r);
  fb.get(x).get(n);
  splat(fb, C1);
  fb.simd('f32x4.mul').simd('f32x4.sub').set(r);
  fb.get(r).get(n);
  splat(fb, C2);
  fb.simd('f32x4.mul').simd('f32x4.sub').set(r);
  fb.set(n);
  // q = P0; q = q·r + Pi
  horner(fb, P, r);
  // p = ((r·r)·q + r) + 1, kept in x
  fb.set(x);
  fb.get(r).get(r).simd('f32x4.mul').get(x).simd('f32x4.mul').get(r).simd('f32x4.add');
  splat(fb, 1);
  fb.simd('f32x4.add').set(x);
  // n1 = n >> 1, n2 = n − n1; 2^k = bits (k + 127) << 23, taken from s without forming n:
  // ROUNDER_BITS is even, so h = s >> 1 = ROUNDER_BITS/2 + n1 and s − h = ROUNDER_BITS/2 + n2, and
  // both exponents are (h or s − h) + BIAS_FROM_HALF (wrapping i32 arithmetic, as before)
  fb.get(x);
  fb.get(n).i32(1).simd('i32x4.shr_s').set(r);
  fb.get(r).i32(BIAS_FROM_HALF).simd('i32x4.splat').simd('i32x4.add').i32(23).simd('i32x4.shl');
  fb.simd('f32x4.mul');
  fb.get(n).get(r).simd('i32x4.sub').i32(BIAS_FROM_HALF).simd('i32x4.splat').simd('i32x4.add').i32(23).simd('i32x4.shl');
  fb.simd('f32x4.mul');
}

/** Emits sigmoid of the v128 on the stack; `tmp` needs 5 scratch locals. */
export function emitSigmoid(fb: FuncBuilder, tmp: readonly Local<'v128'>[]): void {
  const [x, e, d] = [tmp[3], tmp[4], tmp[0]];
  fb.set(x);
  // −|x| is x with its sign bit set (one OR with −0's bits, where abs and neg build two masks)
  fb.get(x);
  splat(fb, -0);
  fb.simd('v128.or');
  emitExp(fb, tmp.slice(0, 3), true);
  fb.set(e);
  splat(fb, 1);
  fb.get(e).simd('f32x4.add').set(d);
  // (x < 0 ? e : 1) / d: one division, the same quotient as choosing between e/d and 1/d
  fb.get(e);
  splat(fb, 1);
  fb.get(x);
  splat(fb, 0);
  fb.simd('f32x4.lt').simd('v128.bitselect');
  fb.get(d).simd('f32x4.div');
}
