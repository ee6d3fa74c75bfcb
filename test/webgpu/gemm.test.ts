import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { GEMM_CONFIGS, gemmConfigFor, pinGemmConfig } from '../../runtime/webgpu/kernels/gemm_config.js';
import { WebGpuBackend } from '../../runtime/webgpu/webgpu_backend.js';
import { requireAdapter } from './adapter.js';

/**
 * The suite runs a sample (each new tile × path × transpose combination is a pipeline compile, about
 * a second on lavapipe); `npm run test:gemm` runs every combination below.
 */
const FULL = process.env.TG_GEMM_FULL === '1';
const DIMS = FULL ? [1, 3, 17, 64, 129] : [1, 17, 129];

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1);
}

/** op(A)·op(B) for one matrix in float64, and the sum of |terms| that bounds float32 rounding. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, ta: boolean, tb: boolean): { c: Float64Array; mag: Float64Array } {
  const c = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const t = a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
        acc += t;
        abs += Math.abs(t);
      }
      c[i * n + j] = acc;
      mag[i * n + j] = abs;
    }
  }
  return { c, mag };
}

function expectGemm(got: tg.NDArray, want: { c: Float64Array; mag: Float64Array }, what: string): void {
  const d = got.data as Float32Array;
  expect(d.length, what).to.equal(want.c.length);
  for (let i = 0; i < d.length; i++) {
    const tol = 1e-6 * (1 + want.mag[i]) * 4;
    if (!(Math.abs(d[i] - want.c[i]) <= tol)) expect.fail(`${what}: element ${i} is ${d[i]}, expected ${want.c[i]} (tolerance ${tol})`);
  }
}

describe('webgpu gemm: tiles, vec4 and scalar paths, transposes, batches', function () {
  this.timeout(300000);
  const gpu = new WebGpuBackend();
  before(async function () {
    await requireAdapter(this);
  });
  afterEach(() => pinGemmConfig(null));

  /** One session per transpose pair; each shape fed is a new plan on the same device. */
  function products(): { run: (m: number, n: number, k: number, ta: boolean, tb: boolean, seed: number) => Promise<void> } {
    const g = new tg.Graph();
    const { a, b, outs } = g.asDefault(() => {
      const a = tg.placeholder('float32', [null, null], 'a');
      const b = tg.placeholder('float32', [null, null], 'b');
      const outs = [false, true].flatMap((ta) => [false, true].map((tb) => tg.matMul(a, b, { transposeA: ta, transposeB: tb })));
      return { a, b, outs };
    });
    const sess = new tg.Session({ graph: g, backend: gpu });
    return {
      run: async (m, n, k, ta, tb, seed) => {
        const av = values(m * k, seed);
        const bv = values(k * n, seed + 1);
        const out = outs[(ta ? 2 : 0) + (tb ? 1 : 0)];
        const got = await sess.run(out, { [a.name]: tg.NDArray.from(av, ta ? [k, m] : [m, k]), [b.name]: tg.NDArray.from(bv, tb ? [n, k] : [k, n]) });
        expect(got.shape).to.deep.equal([m, n]);
        expectGemm(got, reference(av, bv, m, n, k, ta, tb), `${m}x${n}x${k} ta=${ta} tb=${tb} (${gemmConfigFor(m, n, 1).name})`);
      },
    };
  }

  it(`every M, N, K in {${DIMS.join(', ')}}, the four transpose pairs in turn, within float32 rounding of float64`, async () => {
    const p = products();
    let i = 0;
    for (const m of DIMS) for (const n of DIMS) for (const k of DIMS) await p.run(m, n, k, (i & 1) === 1, (i++ & 2) === 2, i);
  });

  for (const cfg of Object.values(GEMM_CONFIGS)) {
    it(`the ${cfg.name} tile (${cfg.ty * cfg.rows}x${cfg.tx * cfg.cols}) pinned: edges, vec4 (N, K multiples of 4) and scalar paths, transposes`, async () => {
      pinGemmConfig(cfg);
      const p = products();
      const shapes: [number, number, number][] = FULL ? [[129, 129, 129], [130, 68, 36], [64, 64, 64], [1, 132, 20], [131, 1, 8], [17, 3, 129], [200, 260, 44]] : [[130, 68, 36], [129, 131, 17]];
      const pairs = FULL ? [[false, false], [false, true], [true, false], [true, true]] : [[false, false], [true, true]];
      for (const [m, n, k] of shapes) for (const [ta, tb] of pairs) await p.run(m, n, k, ta, tb, m + n + k);
    });
  }

  it('batched with broadcast batch dims, transposed: [2,1,M,K] x [3,N,K]^T', async () => {
    const g = new tg.Graph();
    const [m, n, k] = [17, 12, 20];
    const av = values(2 * m * k, 5);
    const bv = values(3 * n * k, 6);
    const c = g.asDefault(() => tg.matMul(tg.constant(tg.NDArray.from(av, [2, 1, m, k])), tg.constant(tg.NDArray.from(bv, [3, n, k])), { transposeB: true }));
    const got = await new tg.Session({ graph: g, backend: gpu, optimizer: { disable: ['constant-fold'] } }).run(c);
    expect(got.shape).to.deep.equal([2, 3, m, n]);
    const data = got.data as Float32Array;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const want = reference(av.subarray(i * m * k, (i + 1) * m * k), bv.subarray(j * n * k, (j + 1) * n * k), m, n, k, false, true);
        expectGemm(tg.NDArray.from(data.slice((i * 3 + j) * m * n, (i * 3 + j + 1) * m * n), [m, n]), want, `batch (${i},${j})`);
      }
    }
  });

  it('int32 products are exact, on the vec4 and the scalar path', async () => {
    for (const [m, n, k] of [[5, 8, 12], [5, 7, 9]]) {
      const g = new tg.Graph();
      const av = Int32Array.from({ length: m * k }, (_v, i) => (i % 7) - 3);
      const bv = Int32Array.from({ length: k * n }, (_v, i) => (i % 5) - 2);
      const c = g.asDefault(() => tg.matMul(tg.constant(tg.NDArray.from(av, [m, k])), tg.constant(tg.NDArray.from(bv, [k, n]))));
      const got = await new tg.Session({ graph: g, backend: gpu, optimizer: { disable: ['constant-fold'] } }).run(c);
      const want = reference(Float32Array.from(av), Float32Array.from(bv), m, n, k, false, false).c;
      expect(Array.from(got.data)).to.deep.equal(Array.from(want));
    }
  });

  it('a fused epilogue (BiasAdd, Relu) in the store, N a multiple of 4 and not', async () => {
    for (const [m, n, k] of [[33, 20, 17], [33, 19, 17]]) {
      const g = new tg.Graph();
      const av = values(m * k, 7);
      const bv = values(k * n, 8);
      const bias = values(n, 9);
      const { x, y } = g.asDefault(() => {
        const x = tg.placeholder('float32', [m, k], 'x');
        return { x, y: tg.nn.relu(tg.nn.biasAdd(tg.matMul(x, tg.constant(tg.NDArray.from(bv, [k, n]))), tg.constant(tg.NDArray.from(bias, [n])))) };
      });
      const sess = new tg.Session({ graph: g, backend: gpu });
      const got = await sess.run(y, { [x.name]: tg.NDArray.from(av, [m, k]) });
      expect(sess.lastOptimizeReport!.passes.some((p) => p.pass === 'fuse-epilogue' && p.fused.length > 0), 'the epilogue fused').to.equal(true);
      const want = reference(av, bv, m, n, k, false, false);
      want.c.forEach((v, i) => (want.c[i] = Math.max(0, v + bias[i % n])));
      expectGemm(got, want, `${m}x${n}x${k} + bias, relu`);
    }
  });
});
