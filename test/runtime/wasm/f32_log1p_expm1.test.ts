import { expect } from 'chai';
import { arg, bin, lit, select, un } from '../../../ops/elementwise/scalar_expr.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { expf } from '../../../runtime/cpu/wasm/f32_math.js';
import { expm1f, log1pf } from '../../../runtime/cpu/wasm/f32_log1p_expm1.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { withWasmKernels } from '../../../runtime/cpu/wasm/kernel_mode.js';
import { compiledWasmRegionCount, wasmElementwise } from '../../../runtime/cpu/wasm/wasm_elementwise.js';
import { runElementwise } from '../../../runtime/cpu/elementwise_kernel.js';
import * as tg from '../../../src/index.js';
import { worstUlps } from '../../support/float32_ulps.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, -1e-40, -1, -1.0000001, -0.9999999, 88.7, 89, -104, 3.4e38, -3.4e38, 1e-8, -1e-8];

function sweep(): Float32Array {
  const out: number[] = [];
  for (let x = -20; x <= 20; x += 40 / 200000) out.push(Math.fround(x));
  for (let b = 1; b < 0x7f800000; b += 9973) {
    const v = new Float32Array(new Int32Array([b]).buffer)[0];
    out.push(v, -v);
  }
  return Float32Array.from([...out, ...SPECIAL]);
}

describe('runtime/cpu/wasm: float32 log1p and expm1', () => {
  const xs = sweep();

  it('log1p is within 2 ulp of Math.log1p rounded to float32; log1p(−1) = −Inf, x < −1 NaN, ±0 and +Inf exact', () => {
    expect(worstUlps(xs, log1pf, Math.log1p)).to.be.at.most(2);
    expect([log1pf(-1), log1pf(0), log1pf(-0), log1pf(Infinity)]).to.deep.equal([-Infinity, 0, -0, Infinity]);
    for (const x of [-2, -Infinity, NaN]) expect(Number.isNaN(log1pf(x)), `log1p(${x})`).to.equal(true);
  });

  it('expm1 is within 2 ulp of Math.expm1 rounded to float32; ±0, −Inf → −1, +Inf and overflow exact', () => {
    expect(worstUlps(xs, expm1f, Math.expm1)).to.be.at.most(2);
    expect([expm1f(0), expm1f(-0), expm1f(-Infinity), expm1f(Infinity), expm1f(100), expm1f(-100)]).to.deep.equal([0, -0, -1, Infinity, Infinity, -1]);
    expect(Number.isNaN(expm1f(NaN))).to.equal(true);
  });

  it('the wasm SIMD code and the JS mirrors agree bit for bit over the sweep and the special values', function () {
    if (!wasmFeatures().simd) this.skip();
    for (const [e, mirror] of [[un('log1p', arg(0)), log1pf], [un('expm1', arg(0)), expm1f]] as const) {
      const out = new Float32Array(xs.length);
      expect(wasmElementwise(e, [xs], out, [xs.length], [[1]]), 'the region renders to wasm').to.equal(true);
      let diffs = 0;
      for (let i = 0; i < xs.length; i++) if (!Object.is(out[i], mirror(xs[i]))) diffs++;
      expect(diffs, `${e.k === 'un' ? e.f : ''}: lanes that differ`).to.equal(0);
    }
  });

  it('softplus and ELU regions render to wasm and equal the JS loop of the wasm mode', function () {
    if (!wasmFeatures().simd) this.skip();
    const x = tg.NDArray.from(Float32Array.from({ length: 203 }, (_v, i) => (i % 17 === 0 ? [NaN, Infinity, -Infinity, -0, 0, 1e-40][i % 6] : Math.sin(i) * 30)), [7, 29]);
    const zero = lit(0);
    const cases: [string, ScalarExpr, (v: number) => number][] = [
      // the mirrors by hand, with the JS kernels' max rule (NaN from either side)
      ['softplus', bin('add', bin('max', arg(0), zero), un('log1p', un('exp', un('neg', un('abs', arg(0)))))), (v) => Math.fround((v > 0 || v !== v ? v : 0) + log1pf(expf(-Math.abs(v))))],
      ['elu', select(bin('gt', arg(0), zero), arg(0), un('expm1', arg(0))), (v) => (v > 0 ? v : expm1f(v))],
    ];
    for (const [what, e, mirror] of cases) {
      const before = compiledWasmRegionCount();
      const wasm = withWasmKernels(true, () => runElementwise(e, [x], 'float32', [7, 29]));
      expect(compiledWasmRegionCount(), `${what}: a wasm module was built`).to.equal(before + 1);
      for (let i = 0; i < 203; i++) {
        const want = mirror(x.data[i]);
        expect(Object.is(wasm.data[i], want), `${what} [${i}] x=${x.data[i]}: wasm ${wasm.data[i]} vs mirror ${want}`).to.equal(true);
      }
    }
  });
});
