import type { FuncBuilder, Local } from './code.js';
import { emitExp, expf, horner, splat } from './f32_math.js';

/**
 * tanh and log in float32 arithmetic, each written twice with the same operations in the same
 * order (as f32x4 WebAssembly and as a JS mirror rounding through Math.fround), like exp and
 * sigmoid in f32_math.ts, so a fused region gives the same values in wasm and in the JS loop.
 *
 * tanh(x) (Cephes tanhf): for |x| < 0.625, x + x·s·P(s) with s = x² and Cephes' minimax P; else
 * 1 − 2/(exp(2|x|) + 1) with f32_math's exp, the sign of x put back (±0, NaN and ±Inf pass:
 * tanh(±Inf) = ±1). Against Math.tanh rounded to float32: 1 ulp at most measured over every 101st
 * float32 bit pattern; the tests hold it to 2.
 *
 * log(x) (Cephes logf): x = m·2^e with m in [√½, √2) (subnormals scaled by 2^23 first), t = m − 1,
 * log = t − t²/2 + t³·P(t) + e·ln2, ln2 split in two so e·C1 is exact. log(0) = −Inf, log(x < 0)
 * and log(NaN) = NaN, log(+Inf) = +Inf. At most 1 ulp (same sweep, and held to 1 in the tests).
 */
const f = Math.fround;

const TANH_P = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1].map(f);
const TANH_SMALL = 0.625;
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const SQRTH = f(0.707106781186547524);
const LN2_HI = 0.693359375;
const LN2_LO = f(-2.12194440e-4);
const TWO23 = 8388608;

/** The JS mirror of the wasm tanh: identical float32 results. */
export function tanhf(x: number): number {
  const a = Math.abs(x);
  let r: number;
  if (a < TANH_SMALL) {
    const s = f(x * x);
    let p = TANH_P[0];
    for (let i = 1; i < TANH_P.length; i++) p = f(f(p * s) + TANH_P[i]);
    r = f(f(f(p * s) * x) + x);
  } else {
    const e = expf(f(a + a));
    r = f(1 - f(2 / f(e + 1)));
  }
  // x's sign on |r|: tanh is odd, and this keeps tanh(−0) = −0 (the series gives +0 there)
  return x < 0 || Object.is(x, -0) ? -Math.abs(r) : Math.abs(r);
}

const word = new Float32Array(1);
const bits = new Int32Array(word.buffer);

/** The JS mirror of the wasm log: identical float32 results. */
export function logf(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  const sub = x < 2 ** -126;
  word[0] = sub ? f(x * TWO23) : x;
  const b = bits[0];
  let e = ((b >> 23) & 0xff) - 126 - (sub ? 23 : 0);
  bits[0] = (b & 0x807fffff) | 0x3f000000;
  const m = word[0];
  let t: number;
  if (m < SQRTH) {
    e -= 1;
    t = f(f(m + m) - 1);
  } else t = f(m - 1);
  const z = f(t * t);
  let p = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) p = f(f(p * t) + LOG_P[i]);
  let y = f(f(p * t) * z);
  y = f(y + f(LN2_LO * e));
  y = f(y + f(-0.5 * z));
  const r = f(t + y);
  return f(r + f(LN2_HI * e));
}

function splatI32(fb: FuncBuilder, v: number): void {
  fb.i32(v).simd('i32x4.splat');
}

/** Emits tanh of the v128 on the stack, leaving the result there; `tmp`: 3 scratch locals for exp. */
export function emitTanh(fb: FuncBuilder, tmp: readonly Local<'v128'>[]): void {
  const [x, a, s, small] = [fb.local('v128'), fb.local('v128'), fb.local('v128'), fb.local('v128')];
  fb.set(x);
  fb.get(x).simd('f32x4.abs').set(a);
  // the small branch: ((P(s)·s)·x) + x
  fb.get(x).get(x).simd('f32x4.mul').set(s);
  horner(fb, TANH_P, s);
  fb.get(s).simd('f32x4.mul').get(x).simd('f32x4.mul').get(x).simd('f32x4.add').set(small);
  // the large branch: 1 − 2/(exp(a + a) + 1)
  splat(fb, 1);
  splat(fb, 2);
  fb.get(a).get(a).simd('f32x4.add');
  emitExp(fb, tmp);
  splat(fb, 1);
  fb.simd('f32x4.add').simd('f32x4.div').simd('f32x4.sub');
  // small where |x| < 0.625 (a NaN is not, and the large branch keeps it NaN)
  fb.set(s);
  fb.get(small).get(s).get(a);
  splat(fb, TANH_SMALL);
  fb.simd('f32x4.lt').simd('v128.bitselect');
  // x's sign bit on |r|: tanh is odd, and tanh(−0) stays −0
  fb.simd('f32x4.abs').get(x);
  splat(fb, -0);
  fb.simd('v128.and').simd('v128.or');
}

/** Emits log of the v128 on the stack, leaving the result there. */
export function emitLog(fb: FuncBuilder): void {
  const [x, w, e, m, t, z, y, mask] = Array.from({ length: 8 }, () => fb.local('v128'));
  fb.set(x);
  // subnormals scaled by 2^23 (their exponent corrected below)
  fb.get(x);
  splat(fb, 2 ** -126);
  fb.simd('f32x4.lt').set(mask);
  fb.get(x);
  splat(fb, TWO23);
  fb.simd('f32x4.mul').get(x).get(mask).simd('v128.bitselect').set(w);
  // e = ((bits >> 23) & 0xff) − 126 − (23 where scaled); mask lanes are −1
  fb.get(w).i32(23).simd('i32x4.shr_s');
  splatI32(fb, 0xff);
  fb.simd('v128.and');
  splatI32(fb, 126);
  fb.simd('i32x4.sub').get(mask);
  splatI32(fb, 23);
  fb.simd('v128.and').simd('i32x4.sub').set(e);
  // m = mantissa with exponent of 0.5 (sign kept: negative lanes are replaced by NaN below)
  fb.get(w);
  splatI32(fb, 0x807fffff | 0);
  fb.simd('v128.and');
  splatI32(fb, 0x3f000000);
  fb.simd('v128.or').set(m);
  fb.get(m);
  splat(fb, SQRTH);
  fb.simd('f32x4.lt').set(mask);
  // t = (m < √½) ? (m + m) − 1 : m − 1; e += mask (−1 there)
  fb.get(m).get(m).simd('f32x4.add');
  splat(fb, 1);
  fb.simd('f32x4.sub').get(m);
  splat(fb, 1);
  fb.simd('f32x4.sub').get(mask).simd('v128.bitselect').set(t);
  fb.get(e).get(mask).simd('i32x4.add').simd('f32x4.convert_i32x4_s').set(e);
  fb.get(t).get(t).simd('f32x4.mul').set(z);
  horner(fb, LOG_P, t);
  fb.get(t).simd('f32x4.mul').get(z).simd('f32x4.mul');
  splat(fb, LN2_LO);
  fb.get(e).simd('f32x4.mul').simd('f32x4.add');
  splat(fb, -0.5);
  fb.get(z).simd('f32x4.mul').simd('f32x4.add').set(y);
  fb.get(t).get(y).simd('f32x4.add');
  splat(fb, LN2_HI);
  fb.get(e).simd('f32x4.mul').simd('f32x4.add').set(y);
  // log(+Inf) = +Inf, log(0) = −Inf, log(x < 0) = log(NaN) = NaN
  splat(fb, Infinity);
  fb.get(y).get(x);
  splat(fb, Infinity);
  fb.simd('f32x4.eq').simd('v128.bitselect').set(y);
  splat(fb, -Infinity);
  fb.get(y).get(x);
  splat(fb, 0);
  fb.simd('f32x4.eq').simd('v128.bitselect').set(y);
  splat(fb, NaN);
  fb.get(y).get(x);
  splat(fb, 0);
  fb.simd('f32x4.lt').get(x).get(x).simd('f32x4.ne').simd('v128.or').simd('v128.bitselect');
}
