import { expect } from 'chai';
import { arg, bin, lit, select, un } from '../../../ops/elementwise/scalar_expr.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import { expf, sigmoidf } from '../../../runtime/cpu/wasm/f32_math.js';
import { compiledWasmRegionCount, wasmElementwise } from '../../../runtime/cpu/wasm/wasm_elementwise.js';
import { runElementwise } from '../../../runtime/cpu/elementwise_kernel.js';
import { withWasmKernels } from '../../../runtime/cpu/wasm/kernel_mode.js';
import * as tg from '../../../src/index.js';
import { ulps, runWasm } from '../../support/float32_ulps.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 88.72283, 88.7229, -87.33655, -103.97, -104.5, 1, -1, 0.5];

/** Every 97th float32 bit pattern over [lo, hi]: covers each binade, and the subnormals. */
function sweep(lo: number, hi: number): Float32Array {
  const out: number[] = [];
  for (let x = lo; x <= hi; x += (hi - lo) / 200000) out.push(Math.fround(x));
  for (let bits = 1; bits < 0x00800000; bits += 4099) out.push(new Float32Array(new Int32Array([bits]).buffer)[0]);
  return Float32Array.from([...out, ...SPECIAL]);
}

describe('runtime/cpu/wasm: float32 exp and sigmoid', () => {
  const xs = sweep(-110, 95);

  it('exp is within 1 ulp of Math.exp rounded to float32 (1 subnormal step below 2^-126); NaN, ±Inf, ±0 exact', () => {
    let worst = 0;
    for (const x of xs) {
      const want = Math.fround(Math.exp(x));
      const got = expf(x);
      if (Number.isNaN(want)) expect(Number.isNaN(got), `exp(${x})`).to.equal(true);
      else if (want >= 2 ** -126 || want === 0) worst = Math.max(worst, ulps(got, want));
      else expect(Math.abs(got - want), `exp(${x}) subnormal`).to.be.at.most(2 ** -149);
    }
    expect(worst).to.be.at.most(1);
    expect([expf(Infinity), expf(-Infinity), expf(0), expf(-0), expf(89), expf(-104)]).to.deep.equal([Infinity, 0, 1, 1, Infinity, 0]);
  });

  it('sigmoid is within 2 ulp of the double formula rounded to float32, and saturates cleanly', () => {
    let worst = 0;
    for (const x of xs) {
      const want = Math.fround(1 / (1 + Math.exp(-x)));
      const got = sigmoidf(x);
      if (Number.isNaN(want)) expect(Number.isNaN(got)).to.equal(true);
      else if (want >= 2 ** -126 || want === 0) worst = Math.max(worst, ulps(got, want));
      else expect(Math.abs(got - want)).to.be.at.most(2 ** -149);
    }
    expect(worst).to.be.at.most(2);
    expect([sigmoidf(Infinity), sigmoidf(-Infinity), sigmoidf(0), sigmoidf(-0)]).to.deep.equal([1, 0, 0.5, 0.5]);
  });

  it('the wasm SIMD code and the JS mirror agree bit for bit, over the sweep and the special values', () => {
    for (const [e, mirror] of [[un('exp', arg(0)), expf], [un('sigmoid', arg(0)), sigmoidf]] as const) {
      const got = runWasm(e, xs);
      let diffs = 0;
      for (let i = 0; i < xs.length; i++) if (!Object.is(got[i], Math.fround(mirror(xs[i])))) diffs++;
      expect(diffs, `${e.k === 'un' ? e.f : ''}: lanes that differ`).to.equal(0);
    }
  });
});

describe('runtime/cpu/wasm: SIMD elementwise regions give the JS kernels\' float32 values', () => {
  const x = tg.NDArray.from(Float32Array.from({ length: 203 }, (_v, i) => (i % 17 === 0 ? [NaN, Infinity, -Infinity, -0, 0, 1e-40][i % 6] : Math.sin(i) * 50)), [7, 29]);
  const y = tg.NDArray.from(Float32Array.from({ length: 203 }, (_v, i) => Math.cos(i * 3) * 10), [7, 29]);
  const bias = tg.NDArray.from(Float32Array.from({ length: 29 }, (_v, i) => i - 14), [29]);
  const perRow = tg.NDArray.from(Float32Array.from({ length: 7 }, (_v, i) => i + 0.5), [7, 1]);
  const s = tg.NDArray.from(Float32Array.from([0.75]), []);
  const cases: [string, ScalarExpr, tg.NDArray[]][] = [
    ['relu(x*1.5+0.25)*sigmoid(x)', bin('mul', select(bin('lt', bin('add', bin('mul', arg(0), lit(1.5)), lit(0.25)), lit(0)), lit(0), bin('add', bin('mul', arg(0), lit(1.5)), lit(0.25))), un('sigmoid', arg(0))), [x]],
    ['max/min with NaN and ±0', bin('sub', bin('max', arg(0), arg(1)), bin('min', arg(0), lit(-0))), [x, y]],
    ['bias row, per-row column and scalar', bin('div', bin('add', arg(0), arg(1)), bin('mul', arg(2), arg(3))), [x, bias, perRow, s]],
    ['exp, sqrt, floor, square, recip', bin('add', un('exp', bin('mul', arg(0), lit(0.125))), un('sqrt', un('abs', un('floor', bin('mul', un('square', arg(1)), un('recip', arg(0))))))), [x, y]],
    ['select over and/or/not of comparisons', select(bin('and', bin('gt', arg(0), arg(1)), un('not', bin('eq', arg(0), lit(0)))), un('neg', arg(0)), un('ceil', arg(1))), [x, y]],
  ];
  for (const [what, e, ins] of cases) {
    it(what, () => {
      const shape = [7, 29];
      const js = withWasmKernels(false, () => runElementwise(e, ins, 'float32', shape));
      const before = compiledWasmRegionCount();
      const wasm = withWasmKernels(true, () => runElementwise(e, ins, 'float32', shape));
      expect(compiledWasmRegionCount(), 'a wasm module was built and run').to.equal(before + 1);
      // bit for bit, except exp/sigmoid: the JS mode computes them in double
      const exact = what.includes('exp') || what.includes('sigmoid') ? 'f32 formulas' : 'double';
      for (let i = 0; i < wasm.size; i++) {
        const w = wasm.data[i];
        const j = js.data[i];
        if (exact === 'double') expect(Object.is(w, j), `${what} [${i}]: wasm ${w}, js ${j}`).to.equal(true);
        else if (Number.isNaN(j)) expect(Number.isNaN(w)).to.equal(true);
        else expect(ulps(w, j), `${what} [${i}]: wasm ${w}, js ${j}`).to.be.at.most(2);
      }
    });
  }

  it('selects that are pmin/pmax (relu, p < q ? q : p and the other three forms) give the JS values bit for bit over every pair of NaN, ±0, ±Inf and finite values', () => {
    const vals = [NaN, -0, 0, 1, -1, Infinity, -Infinity, 2.5, -2.5, 1e-40];
    const n = vals.length;
    const p = tg.NDArray.from(Float32Array.from({ length: n * n }, (_v, i) => vals[Math.floor(i / n)]), [n, n]);
    const q = tg.NDArray.from(Float32Array.from({ length: n * n }, (_v, i) => vals[i % n]), [n, n]);
    const [a, b] = [arg(0), arg(1)];
    const forms: [string, ScalarExpr][] = [
      ['p < q ? q : p', select(bin('lt', a, b), b, a)],
      ['p < q ? p : q', select(bin('lt', a, b), a, b)],
      ['p > q ? p : q', select(bin('gt', a, b), a, b)],
      ['p > q ? q : p', select(bin('gt', a, b), b, a)],
      ['relu(p) as Relu lowers', select(bin('lt', a, lit(0)), lit(0), a)],
      ['p < 0 ? 0 : -0 (not a min or max)', select(bin('lt', a, lit(0)), lit(0), lit(-0))],
    ];
    for (const [what, e] of forms) {
      const js = withWasmKernels(false, () => runElementwise(e, [p, q], 'float32', [n, n]));
      const before = compiledWasmRegionCount();
      const wasm = withWasmKernels(true, () => runElementwise(e, [p, q], 'float32', [n, n]));
      expect(compiledWasmRegionCount(), `${what}: a wasm module was built and run`).to.equal(before + 1);
      for (let i = 0; i < n * n; i++) expect(Object.is(wasm.data[i], js.data[i]), `${what} with p=${p.data[i]}, q=${q.data[i]}: wasm ${wasm.data[i]}, js ${js.data[i]}`).to.equal(true);
    }
  });

  it('an expression it does not take (a cast, an inexact literal, a literal-only subtree) runs the JS loop', () => {
    const out = new Float32Array(4);
    const four = tg.NDArray.from(Float32Array.from([1, 2, 3, 4]), [4]);
    for (const e of [bin('mul', arg(0), lit(0.1)), bin('add', arg(0), bin('add', lit(1), lit(2))), un('sin', arg(0))]) {
      expect(wasmElementwise(e, [four.data], out, [4], [[1]])).to.equal(false);
    }
    // and the JS loop of the wasm mode uses the float32 exp, so fused and unfused still agree
    const viaJs = withWasmKernels(true, () => runElementwise(bin('mul', un('exp', arg(0)), lit(0.1)), [four], 'float32', [4]));
    expect([...viaJs.data]).to.deep.equal([...four.data].map((v) => Math.fround(expf(v) * 0.1)));
  });
});
