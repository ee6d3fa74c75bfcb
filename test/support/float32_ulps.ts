import { expect } from 'chai';
import type { ScalarExpr } from '../../ops/elementwise/scalar_expr.js';
import { wasmElementwise } from '../../runtime/cpu/wasm/wasm_elementwise.js';

/* Helpers the float32 approximation tests (test/runtime/wasm/f32_*.test.ts) share. */

/** Distance in float32 steps (ordered bit patterns), so +0/−0 are 0 apart. */
export function ulps(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  const ord = (v: number) => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(ord(i[0]) - ord(i[1]));
}

/** The worst ulp distance of `got` from `want` rounded to float32 over xs (NaN must match NaN). */
export function worstUlps(xs: Float32Array, got: (x: number) => number, want: (x: number) => number): number {
  let worst = 0;
  for (const x of xs) {
    const [g, w] = [got(x), Math.fround(want(x))];
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) expect.fail(`at ${x}: got ${g}, want NaN`);
    } else worst = Math.max(worst, ulps(g, w));
  }
  return worst;
}

/** Runs a one-input float32 region over xs with the wasm kernel, which must take it. */
export function runWasm(e: ScalarExpr, xs: Float32Array): Float32Array {
  const out = new Float32Array(xs.length);
  expect(wasmElementwise(e, [xs], out, [xs.length], [[1]]), 'the region renders to wasm').to.equal(true);
  return out;
}

/** The bits of a float array, so that equal means bit for bit (NaN payloads and −0 included). */
export function float32Bits(x: Float32Array): number[] {
  return Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
}
