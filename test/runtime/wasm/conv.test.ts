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
