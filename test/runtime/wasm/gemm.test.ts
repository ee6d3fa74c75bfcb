import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { wasmGemm } from '../../../runtime/cpu/wasm/wasm_gemm.js';
import { expectClose, oracle, randomArray, randomData, toTf } from '../../util/oracle.js';

/** A·B on the CPU backend with the given kernels; fed, so no constant folding computes it early. */
async function product(kernels: tg.CpuKernelMode, a: tg.NDArray, b: tg.NDArray, ta: boolean, tb: boolean): Promise<tg.NDArray> {
  const g = new tg.Graph();
  const [pa, pb, y] = g.asDefault(() => {
    const pa = tg.placeholder('float32', [...a.shape]);
    const pb = tg.placeholder('float32', [...b.shape]);
    return [pa, pb, tg.matMul(pa, pb, { transposeA: ta, transposeB: tb })];
  });
  const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels }) });
  try {
    return (await sess.run(y, new Map([[pa, a], [pb, b]]))) as tg.NDArray;
  } finally {
    sess.close();
  }
}

const stored = (batch: number[], r: number, c: number, t: boolean): number[] => [...batch, ...(t ? [c, r] : [r, c])];

/** Tolerance of a float32 dot product of depth k with terms in [-1, 1]. */
const tol = (k: number): number => 2e-6 * Math.max(8, k);

describe('runtime/cpu/wasm: the SIMD gemm', () => {
  it('agrees with the JS kernel and tfjs on odd shapes (1, 3, 17, 65, 129), every transpose', async () => {
    const tf = await oracle();
    let seed = 1;
    for (const [m, k, n] of [[17, 65, 129], [129, 3, 65], [65, 129, 17], [1, 129, 65], [129, 65, 1], [3, 17, 129], [17, 17, 17]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const a = randomArray(stored([], m, k, ta), seed++);
        const b = randomArray(stored([], k, n, tb), seed++);
        const what = `${m}x${k}x${n} ta=${ta} tb=${tb}`;
        const wasm = await product('wasm', a, b, ta, tb);
        const js = await product('js', a, b, ta, tb);
        expectClose(wasm, js, 1e-5, tol(k), `${what} wasm vs js`);
        expectClose(wasm, tf.matMul(toTf(a), toTf(b), ta, tb), 1e-5, tol(k), `${what} wasm vs tfjs`);
      }
    }
  });

  it('batches, broadcast batches and adjoints', async () => {
    const tf = await oracle();
    for (const [ba, bb, m, k, n] of [[[3], [3], 17, 65, 9], [[2, 1], [1, 4], 5, 33, 12], [[4], [], 65, 17, 3]] as [number[], number[], number, number, number][]) {
      for (const [ta, tb] of [[false, true], [true, false]]) {
        const a = randomArray(stored(ba, m, k, ta), 7);
        const b = randomArray(stored(bb, k, n, tb), 8);
        const wasm = await product('wasm', a, b, ta, tb);
        const js = await product('js', a, b, ta, tb);
        const what = `batch ${ba}|${bb} ${m}x${k}x${n} ta=${ta} tb=${tb}`;
        expectClose(wasm, js, 1e-5, tol(k), what);
        const shape = wasm.shape.slice(0, -2);
        const A = tf.broadcastTo(toTf(a), [...shape, ...a.shape.slice(-2)]);
        const B = tf.broadcastTo(toTf(b), [...shape, ...b.shape.slice(-2)]);
        expectClose(wasm, tf.matMul(A, B, ta, tb), 1e-5, tol(k), `${what} vs tfjs`);
      }
    }
  });

  it('accumulates into C (the conv backprops rely on C += A·B) and reaches memory past the first growth', () => {
    // 512×64×512: C alone is 1 MiB, more than the heap starts with, so the views must follow growth
    const [m, k, n] = [512, 64, 512];
    const A = randomData(m * k, 3);
    const B = randomData(k * n, 4);
    const c = new Float32Array(7 + m * n).fill(1);
    wasmGemm({ data: A, off: 0, rs: k, cs: 1 }, { data: B, off: 0, rs: n, cs: 1 }, c, 7, m, k, n);
    for (const [i, j] of [[0, 0], [511, 511], [100, 3], [3, 500]]) {
      let s = 1;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
      expect(c[7 + i * n + j]).to.be.closeTo(s, 1e-4);
    }
    expect(c.subarray(0, 7).every((v) => v === 1), 'nothing before cOff is written').to.equal(true);
  });

  it('NaN and Inf propagate as in the JS kernel (0·Inf = NaN; padding lanes never leak)', async () => {
    const a = tg.NDArray.from(Float32Array.from({ length: 9 * 20 }, (_v, i) => (i === 5 ? NaN : i === 40 ? Infinity : (i % 7) - 3)), [9, 20]);
    const b = tg.NDArray.from(Float32Array.from({ length: 20 * 11 }, (_v, i) => (i % 5 === 0 ? 0 : (i % 3) - 1)), [20, 11]);
    const wasm = await product('wasm', a, b, false, false);
    const js = await product('js', a, b, false, false);
    expectClose(wasm, js, 1e-6, 1e-6, 'non-finite');
    expect(Number.isNaN(wasm.data[0]), 'row 0 holds the NaN').to.equal(true);
  });

  it("kernels: 'js' runs the portable kernels and 'auto' picks wasm where SIMD validates", () => {
    expect(new tg.CpuBackend({ kernels: 'js' }).wasm).to.equal(false);
    expect(new tg.CpuBackend({ kernels: 'wasm' }).wasm).to.equal(true);
    expect(new tg.CpuBackend().wasm).to.equal(process.env.TG_CPU_KERNELS !== 'js');
  });
});
