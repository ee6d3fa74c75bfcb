import { expect } from 'chai';
import { arg, un } from '../../../ops/elementwise/scalar_expr.js';
import type { UnaryPrim } from '../../../ops/elementwise/scalar_expr.js';
import { erff } from '../../../runtime/cpu/wasm/f32_erf.js';
import { expm1f, log1pf } from '../../../runtime/cpu/wasm/f32_log1p_expm1.js';
import { expf, sigmoidf } from '../../../runtime/cpu/wasm/f32_math.js';
import { logf, tanhf } from '../../../runtime/cpu/wasm/f32_tanh_log.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { runWasm } from '../../support/float32_ulps.js';

/**
 * The wasm SIMD approximations against their JS mirrors over float32 bit patterns spread over the
 * whole range (every `step`-th pattern: both signs, subnormals, NaNs, ±Inf): equal bit for bit as
 * JS reads them (any NaN for NaN). The emitter's lowerings (f32_math.ts) are rewritten for speed
 * with this as the check. `npm run test:f32-sweep` runs a dense one (TG_F32_SWEEP_STEP, default 61:
 * 70M patterns); the normal suite every 4099th.
 */
const STEP = Number(process.env.TG_F32_SWEEP_STEP ?? 4099);

describe('runtime/cpu/wasm: every approximation equals its JS mirror over a strided sweep of all float32 bit patterns', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });
  const n = Math.floor(2 ** 32 / STEP);
  const xs = new Float32Array(Uint32Array.from({ length: n }, (_v, i) => i * STEP).buffer);
  const mirrors: [UnaryPrim, (x: number) => number][] = [
    ['exp', expf], ['sigmoid', sigmoidf], ['tanh', tanhf], ['log', logf], ['erf', erff], ['log1p', log1pf], ['expm1', expm1f],
  ];
  for (const [f, mirror] of mirrors) {
    it(`${f}: ${n} patterns`, () => {
      const got = runWasm(un(f, arg(0)), xs);
      let bad = 0;
      let first = '';
      for (let i = 0; i < n; i++) {
        const want = Math.fround(mirror(xs[i]));
        if (!Object.is(got[i], want)) {
          if (bad++ === 0) first = `x=${xs[i]}: wasm ${got[i]}, mirror ${want}`;
        }
      }
      expect(bad, `${f} lanes that differ (first: ${first})`).to.equal(0);
    }).timeout(0);
  }
});
