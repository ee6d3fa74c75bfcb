import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { expectClose, randomArray } from '../../util/oracle.js';

/** conv2d (and its gradients) on the CPU backend with the given kernels; fed, so nothing folds. */
async function conv(kernels: tg.CpuKernelMode, x: tg.NDArray, f: tg.NDArray, strides: number, padding: 'SAME' | 'VALID', dilations: number): Promise<tg.NDArray[]> {
  const g = new tg.Graph();
  const { px, pf, out } = g.asDefault(() => {
    const px = tg.placeholder('float32', [...x.shape]);
    const pf = tg.placeholder('float32', [...f.shape]);
    const y = tg.nn.conv2d(px, pf, { strides, padding, dilations });
    const [dx, df] = tg.gradients(tg.reduceSum(tg.mul(y, y)), [px, pf]);
    return { px, pf, out: [y, dx!, df!] };
  });
  const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels }) });
  try {
    return (await sess.run(out, new Map([[px, x], [pf, f]]))) as tg.NDArray[];
  } finally {
    sess.close();
  }
}

describe('runtime/cpu/wasm: Conv2D through the wasm im2col and gemm', () => {
  it('agrees with the JS kernels: channels 1, 3, 8, 5 (v128 and scalar copies), strides, dilations, SAME and VALID, and the backprops', async () => {
    const cases: [number[], number[], number, 'SAME' | 'VALID', number][] = [
      [[2, 9, 11, 1], [5, 5, 1, 8], 1, 'SAME', 1],
      [[1, 13, 7, 3], [3, 3, 3, 5], 2, 'SAME', 1],
      [[3, 10, 10, 8], [3, 2, 8, 17], 1, 'VALID', 2],
      [[2, 8, 9, 5], [4, 4, 5, 3], 3, 'SAME', 1],
    ];
    let seed = 40;
    for (const [xs, fs, s, pad, d] of cases) {
      const x = randomArray(xs, seed++);
      const f = randomArray(fs, seed++);
      const wasm = await conv('wasm', x, f, s, pad, d);
      const js = await conv('js', x, f, s, pad, d);
      const what = `x ${xs} f ${fs} stride ${s} ${pad} dilation ${d}`;
      ['y', 'dx', 'df'].forEach((name, i) => expectClose(wasm[i], js[i], 1e-4, 1e-4, `${what}: ${name}`));
    }
  });
});

describe('runtime/cpu/wasm: MaxPool', () => {
  async function pool(kernels: tg.CpuKernelMode, x: tg.NDArray, k: number, s: number, padding: 'SAME' | 'VALID'): Promise<tg.NDArray> {
    const g = new tg.Graph();
    const [px, y] = g.asDefault(() => {
      const px = tg.placeholder('float32', [...x.shape]);
      return [px, tg.nn.maxPool(px, { ksize: k, strides: s, padding })];
    });
    const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels }) });
    try {
      return (await sess.run(y, new Map([[px, x]]))) as tg.NDArray;
    } finally {
      sess.close();
    }
  }

  it('gives the JS kernel\'s values bit for bit: channels 4, 8, 16 in wasm, 3 in JS; ties, NaN first and later, ±Inf', async () => {
    for (const [shape, k, s, pad] of [[[2, 9, 7, 8], 2, 2, 'SAME'], [[1, 10, 10, 4], 3, 2, 'VALID'], [[3, 5, 6, 16], 3, 1, 'SAME'], [[1, 6, 6, 3], 2, 2, 'SAME']] as [number[], number, number, 'SAME' | 'VALID'][]) {
      const x = randomArray(shape, 77);
      const d = x.data as Float32Array;
      for (let i = 0; i < d.length; i += 13) d[i] = [NaN, Infinity, -Infinity, 0.5, -0][(i / 13) % 5];
      const wasm = await pool('wasm', x, k, s, pad);
      const js = await pool('js', x, k, s, pad);
      for (let i = 0; i < js.size; i++) expect(Object.is(wasm.data[i], js.data[i]), `${shape} k${k} s${s} ${pad} [${i}]: ${wasm.data[i]} vs ${js.data[i]}`).to.equal(true);
    }
  });
});
