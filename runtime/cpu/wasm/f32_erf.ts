import type { FuncBuilder, Local } from './code.js';
import { emitExp, expf, horner, splat } from './f32_math.js';

/**
 * erf in float32 arithmetic, as f32x4 WebAssembly and a Math.fround JS mirror with the same
 * operations in the same order (like exp in f32_math.ts), so wasm and JS loops agree bit for bit.
 *
 * For |x| < 0.84375 the Maclaurin series x·Σ cₙ·x²ⁿ, cₙ = 2/√π·(−1)ⁿ/(n!(2n+1)), to n = 10 (the
 * first term left out is below 3e-11 of the sum there), summed as x + x·((c₀ − 1) + …). Beyond,
 * erf = 1 − erfc with Numerical Recipes' erfc(a) = t·exp(−a² − 1.26551223 + t·P(t)),
 * t = 1/(1 + a/2) (fractional error below 1.2e-7 in exact arithmetic), and x's sign put back:
 * erf(±Inf) = ±1, ±0 and NaN pass. Against a double-precision reference rounded to float32: at
 * most 2 ulp (measured over [0, 4.5] in steps of 1e-6 and over every 9973rd bit pattern; held to
 * 2 in test/runtime/wasm/f32_erf.test.ts).
 */
const f = Math.fround;

const SERIES = Array.from({ length: 11 }, (_v, n) => {
  let fact = 1;
  for (let k = 2; k <= n; k++) fact *= k;
  // c0 − 1: the sum is x + x·(…), so the leading x is exact and the rest's rounding is scaled down
  return f(((2 / Math.sqrt(Math.PI)) * (n % 2 === 0 ? 1 : -1)) / (fact * (2 * n + 1)) - (n === 0 ? 1 : 0));
}).reverse();
const ERFC_P = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223].map(f);
const SMALL = 0.84375;

/** The JS mirror of the wasm erf: identical float32 results. */
export function erff(x: number): number {
  const a = Math.abs(x);
  let r: number;
  if (a < SMALL) {
    const s = f(x * x);
    let p = SERIES[0];
    for (let i = 1; i < SERIES.length; i++) p = f(f(p * s) + SERIES[i]);
    r = f(x + f(x * p));
  } else {
    const t = f(1 / f(1 + f(a * 0.5)));
    let p = ERFC_P[0];
    for (let i = 1; i < ERFC_P.length; i++) p = f(f(p * t) + ERFC_P[i]);
    const y = f(t * expf(f(f(-a * a) + p)));
    r = f(1 - y);
  }
  return x < 0 || Object.is(x, -0) ? -Math.abs(r) : Math.abs(r);
}

/** Emits erf of the v128 on the stack, leaving the result there; `tmp`: 3 scratch locals for exp. */
export function emitErf(fb: FuncBuilder, tmp: readonly Local<'v128'>[]): void {
  const [x, a, s, small, t] = Array.from({ length: 5 }, () => fb.local('v128'));
  fb.set(x);
  fb.get(x).simd('f32x4.abs').set(a);
  fb.get(x).get(x).simd('f32x4.mul').set(s);
  fb.get(x).get(x);
  horner(fb, SERIES, s);
  fb.simd('f32x4.mul').simd('f32x4.add').set(small);
  // t = 1/(1 + a·0.5); 1 − t·exp((−a·a) + P(t))
  splat(fb, 1);
  splat(fb, 1);
  fb.get(a);
  splat(fb, 0.5);
  fb.simd('f32x4.mul').simd('f32x4.add').simd('f32x4.div').set(t);
  splat(fb, 1);
  fb.get(t);
  fb.get(a).simd('f32x4.neg').get(a).simd('f32x4.mul');
  horner(fb, ERFC_P, t);
  fb.simd('f32x4.add');
  emitExp(fb, tmp);
  fb.simd('f32x4.mul').simd('f32x4.sub');
  // the series where |x| < 0.84375 (a NaN is not; the other branch keeps it NaN), then x's sign
  fb.set(s);
  fb.get(small).get(s).get(a);
  splat(fb, SMALL);
  fb.simd('f32x4.lt').simd('v128.bitselect');
  fb.simd('f32x4.abs').get(x);
  splat(fb, -0);
  fb.simd('v128.and').simd('v128.or');
}
