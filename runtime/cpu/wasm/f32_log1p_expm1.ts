import type { FuncBuilder, Local } from './code.js';
import { emitExp, expf, splat } from './f32_math.js';
import { emitLog, logf } from './f32_tanh_log.js';

/**
 * log1p and expm1 in float32 from the float32 log and exp, by Kahan's trick (as f32x4 wasm and a
 * Math.fround JS mirror with the same operations): with u = 1 + x, log1p(x) = log(u)·(x/(u − 1)),
 * which cancels the rounding of 1 + x to first order (and x itself where u rounds to 1); with
 * u = exp(x), expm1(x) = (u − 1)·(x/log(u)), x where u = 1, −1 where u − 1 = −1, +Inf where u is.
 * Special values exact: log1p(−1) = −Inf, log1p(x < −1) = NaN, log1p(+Inf) = +Inf, expm1(±0) = ±0,
 * expm1(−Inf) = −1. Against Math.log1p/Math.expm1 rounded to float32: 2 ulp at most for both
 * (measured over every 61st bit pattern, both signs; held to 2 in the tests).
 */
const f = Math.fround;

/** The JS mirror of the wasm log1p: identical float32 results. */
export function log1pf(x: number): number {
  const u = f(1 + x);
  if (u === 1) return x;
  if (u === Infinity) return x;
  return f(logf(u) * f(x / f(u - 1)));
}

/** The JS mirror of the wasm expm1: identical float32 results. */
export function expm1f(x: number): number {
  const u = expf(x);
  if (u === 1) return x;
  const um1 = f(u - 1);
  if (um1 === -1) return -1;
  if (u === Infinity) return Infinity;
  return f(um1 * f(x / logf(u)));
}

/** Emits log1p of the v128 on the stack, leaving the result there. */
export function emitLog1p(fb: FuncBuilder): void {
  const [x, u, r] = Array.from({ length: 3 }, () => fb.local('v128'));
  fb.set(x);
  splat(fb, 1);
  fb.get(x).simd('f32x4.add').set(u);
  fb.get(u);
  emitLog(fb);
  fb.get(x).get(u);
  splat(fb, 1);
  fb.simd('f32x4.sub').simd('f32x4.div').simd('f32x4.mul').set(r);
  // x where u = 1 or u = +Inf (x = +Inf; a NaN compares false and stays NaN)
  fb.get(x).get(r).get(u);
  splat(fb, 1);
  fb.simd('f32x4.eq').get(u);
  splat(fb, Infinity);
  fb.simd('f32x4.eq').simd('v128.or').simd('v128.bitselect');
}

/** Emits expm1 of the v128 on the stack, leaving the result there; `tmp`: 3 scratch locals for exp. */
export function emitExpm1(fb: FuncBuilder, tmp: readonly Local<'v128'>[]): void {
  const [x, u, um1, r] = Array.from({ length: 4 }, () => fb.local('v128'));
  fb.set(x);
  fb.get(x);
  emitExp(fb, tmp);
  fb.set(u);
  fb.get(u);
  splat(fb, 1);
  fb.simd('f32x4.sub').set(um1);
  fb.get(um1).get(x).get(u);
  emitLog(fb);
  fb.simd('f32x4.div').simd('f32x4.mul').set(r);
  // +Inf where u is, −1 where u − 1 is, x where u = 1 (the JS mirror's order, last wins)
  splat(fb, Infinity);
  fb.get(r).get(u);
  splat(fb, Infinity);
  fb.simd('f32x4.eq').simd('v128.bitselect').set(r);
  splat(fb, -1);
  fb.get(r).get(um1);
  splat(fb, -1);
  fb.simd('f32x4.eq').simd('v128.bitselect').set(r);
  fb.get(x).get(r).get(u);
  splat(fb, 1);
  fb.simd('f32x4.eq').simd('v128.bitselect');
}
