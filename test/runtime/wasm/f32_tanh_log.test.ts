import { expect } from 'chai';
import { arg, bin, un } from '../../../ops/elementwise/scalar_expr.js';
import { logf, tanhf } from '../../../runtime/cpu/wasm/f32_tanh_log.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { withWasmKernels } from '../../../runtime/cpu/wasm/kernel_mode.js';
import { runElementwise } from '../../../runtime/cpu/elementwise_kernel.js';
import * as tg from '../../../src/index.js';
import { runWasm, worstUlps } from '../../support/float32_ulps.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 2 ** -126, 0.625, -0.625, 0.6249999, 9, -9, 3.4e38, 1, -1, 0.5, Math.SQRT1_2, Math.SQRT2];

/** A dense sweep: steps over [lo, hi], every binade by bit patterns (subnormals included), both signs. */
function sweep(lo: number, hi: number): Float32Array {
  const out: number[] = [];
  for (let x = lo; x <= hi; x += (hi - lo) / 200000) out.push(Math.fround(x));
  for (let b = 1; b < 0x7f800000; b += 9973) {
    const v = new Float32Array(new Int32Array([b]).buffer)[0];
    out.push(v, -v);
  }
  return Float32Array.from([...out, ...SPECIAL].map(Math.fround));
}

describe('runtime/cpu/wasm: float32 tanh and log', () => {
  const xs = sweep(-12, 12);

  it('tanh is within 2 ulp of Math.tanh rounded to float32; ±0, ±Inf, NaN exact', () => {
    expect(worstUlps(xs, tanhf, Math.tanh)).to.be.at.most(2);
    expect([tanhf(Infinity), tanhf(-Infinity), tanhf(0), tanhf(-0), tanhf(1e-40), tanhf(-1e-40), tanhf(3.4e38)]).to.deep.equal([1, -1, 0, -0, Math.fround(1e-40), Math.fround(-1e-40), 1]);
    expect(Number.isNaN(tanhf(NaN))).to.equal(true);
  });

  it('log is within 1 ulp of Math.log rounded to float32, subnormals included; log(±0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf', () => {
    expect(worstUlps(xs, logf, Math.log)).to.be.at.most(1);
    expect([logf(0), logf(-0), logf(Infinity), logf(1)]).to.deep.equal([-Infinity, -Infinity, Infinity, 0]);
    for (const x of [-1, -1e-40, -Infinity, NaN]) expect(Number.isNaN(logf(x)), `log(${x})`).to.equal(true);
  });

  it('the wasm SIMD code and the JS mirror agree bit for bit over the sweep and the special values', function () {
    if (!wasmFeatures().simd) this.skip();
    for (const [e, mirror] of [[un('tanh', arg(0)), tanhf], [un('log', arg(0)), logf]] as const) {
      const got = runWasm(e, xs);
      let diffs = 0;
      for (let i = 0; i < xs.length; i++) if (!Object.is(got[i], mirror(xs[i]))) diffs++;
      expect(diffs, `${e.k === 'un' ? e.f : ''}: lanes that differ`).to.equal(0);
    }
  });

  it('a region holding tanh and log renders to wasm, and the JS loop of the wasm mode gives the same values', function () {
    if (!wasmFeatures().simd) this.skip();
    const x = tg.NDArray.from(Float32Array.from({ length: 203 }, (_v, i) => (i % 17 === 0 ? [NaN, Infinity, -Infinity, -0, 0, 1e-40][i % 6] : Math.sin(i) * 5)), [7, 29]);
    const e = bin('add', un('tanh', bin('mul', arg(0), arg(0))), un('log', un('abs', arg(0))));
    const wasm = withWasmKernels(true, () => runElementwise(e, [x], 'float32', [7, 29]));
    const mirror = [...x.data].map((v) => Math.fround(tanhf(Math.fround(v * v)) + logf(Math.abs(v))));
    for (let i = 0; i < mirror.length; i++) expect(Object.is(wasm.data[i], mirror[i]), `[${i}] x=${x.data[i]}: wasm ${wasm.data[i]} vs mirror ${mirror[i]}`).to.equal(true);
  });
});
