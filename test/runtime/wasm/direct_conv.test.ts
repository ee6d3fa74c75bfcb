import { expect } from 'chai';
import { sameOnEveryThreadCount } from '../../support/thread_counts.js';
import * as tg from '../../../src/index.js';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { wasmConv2d } from '../../../runtime/cpu/wasm/wasm_conv.js';
import { directConvFits, wasmDirectConv2d } from '../../../runtime/cpu/wasm/wasm_direct_conv.js';
import { setMinWorkPerThreadForTests } from '../../../runtime/cpu/wasm/threads.js';
import { arg, bin, lit, select, un } from '../../../ops/elementwise/scalar_expr.js';
import { convEpilogueKind, fusedConvRunCount } from '../../../runtime/cpu/kernels/fused_conv.js';
import { FEW_CHANNEL_CONVS, windowGeometry, windowLabel } from '../../support/window_geometry.js';
import { float32Bits } from '../../support/float32_ulps.js';
import { randomArray, randomData } from '../../util/oracle.js';

/** The im2col + gemm path's result: the direct kernel must give these bits. */
function viaGemm(x: Float32Array, f: Float32Array, g: Geometry, oc: number): Float32Array {
  const y = new Float32Array(g.n * g.oh * g.ow * oc);
  wasmConv2d(x, f, g, oc, y);
  return y;
}

function direct(x: Float32Array, f: Float32Array, g: Geometry, oc: number): Float32Array {
  const y = new Float32Array(g.n * g.oh * g.ow * oc);
  wasmDirectConv2d(x, f, g, oc, y);
  return y;
}

describe('runtime/cpu/wasm: the direct convolution for few output channels', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  const cases = FEW_CHANNEL_CONVS;

  it('gives the im2col gemm\'s bits: odd shapes, SAME and VALID, strides and dilations per axis', () => {
    let seed = 5;
    for (const [g, oc] of cases) {
      expect(directConvFits(g, oc), windowLabel(g, oc)).to.equal(true);
      const x = randomData(g.n * g.h * g.w * g.c, seed++);
      const f = randomData(g.kh * g.kw * g.c * oc, seed++);
      expect(float32Bits(direct(x, f, g, oc)), windowLabel(g, oc)).to.deep.equal(float32Bits(viaGemm(x, f, g, oc)));
    }
  });

  it('keeps the gemm\'s NaN, ±Inf and −0: a padded tap times an infinite weight is NaN, a −0 sum is +0', () => {
    const g = windowGeometry(2, 6, 7, 3, 3, 3, 1, 1, true);
    const oc = 8;
    const x = randomData(g.n * g.h * g.w * g.c, 91);
    const f = randomData(g.kh * g.kw * g.c * oc, 92);
    for (let i = 0; i < x.length; i += 11) x[i] = [NaN, Infinity, -Infinity, -0][(i / 11) % 4];
    f[0] = Infinity;
    f[9] = -0;
    const zeros = new Float32Array(x.length).fill(-0);
    for (const [xi, what] of [[x, 'specials'], [zeros, '−0 image']] as const) {
      const want = viaGemm(xi, f, g, oc);
      expect(float32Bits(direct(xi, f, g, oc)), what).to.deep.equal(float32Bits(want));
      if (xi === zeros) expect(Object.is(want[1], 0), 'a −0 sum comes out +0').to.equal(true);
      else expect(want.some((v) => Number.isNaN(v)), 'the corner windows see 0·Inf').to.equal(true);
    }
  });

  it('gives the same bits on 1, 2 and 3 threads, and really splits', () => {
    setMinWorkPerThreadForTests(1);
    try {
      let seed = 31;
      for (const [g, oc] of cases) {
        const x = randomData(g.n * g.h * g.w * g.c, seed++);
        const f = randomData(g.kh * g.kw * g.c * oc, seed++);
        sameOnEveryThreadCount(windowLabel(g, oc), () => direct(x, f, g, oc), g.n * g.oh > 1);
      }
    } finally {
      setMinWorkPerThreadForTests(null);
    }
  });

  it('reads an image already in wasm memory in place and writes y there, leaving the image as it was', function () {
    const heap = wasmHeap();
    if (!heap.arena) this.skip();
    const arena = heap.arena!;
    for (const same of [false, true]) {
      const g = windowGeometry(2, 9, 10, 4, 3, 3, 1, 1, same);
      const oc = 12;
      const x = randomData(g.n * g.h * g.w * g.c, 7);
      const f = randomData(g.kh * g.kw * g.c * oc, 8);
      const xAt = arena.alloc(x.length * 4, 'test image');
      const yAt = arena.alloc(g.n * g.oh * g.ow * oc * 4, 'test output');
      try {
        const xr = heap.view32(Float32Array, xAt, x.length);
        xr.set(x);
        const yr = heap.view32(Float32Array, yAt, g.n * g.oh * g.ow * oc);
        yr.fill(NaN);
        wasmDirectConv2d(xr, f, g, oc, yr);
        expect(float32Bits(yr), `same=${same}`).to.deep.equal(float32Bits(viaGemm(x, f, g, oc)));
        expect(float32Bits(xr), `same=${same}: the image is unchanged`).to.deep.equal(float32Bits(x));
      } finally {
        arena.free(xAt);
        arena.free(yAt);
      }
    }
  });

  it('leaves to the im2col gemm what it cannot match or would waste: channels not a multiple of 4, many channels, depth past a gemm block', () => {
    expect(directConvFits(windowGeometry(1, 8, 8, 3, 3, 3, 1, 1, true), 6)).to.equal(false);
    expect(directConvFits(windowGeometry(1, 8, 8, 3, 3, 3, 1, 1, true), 64)).to.equal(false);
    expect(directConvFits(windowGeometry(1, 8, 8, 32, 3, 3, 1, 1, true), 8)).to.equal(false);
  });
});

describe('runtime/cpu/wasm: _FusedConv2D with its bias and relu inside the direct conv', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  /** conv2d + biasAdd (+ an activation) on wasm kernels, with the epilogue fusion on or off. */
  async function run(x: tg.NDArray, f: tg.NDArray, b: tg.NDArray, act: 'relu' | 'none' | 'sigmoid', fuse: boolean, format: 'NHWC' | 'NCHW' = 'NHWC'): Promise<Float32Array> {
    const g = new tg.Graph();
    const [px, pf, pb, y] = g.asDefault(() => {
      const px = tg.placeholder('float32', [...x.shape]);
      const pf = tg.placeholder('float32', [...f.shape]);
      const pb = tg.placeholder('float32', [...b.shape]);
      const z = tg.nn.biasAdd(tg.nn.conv2d(px, pf, { strides: 1, padding: 'SAME', dataFormat: format }), pb, { dataFormat: format });
      return [px, pf, pb, act === 'relu' ? tg.nn.relu(z) : act === 'sigmoid' ? tg.sigmoid(z) : z];
    });
    const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', threads: 1 }), optimizer: fuse ? {} : { disable: ['fuse-epilogue'] } });
    try {
      return ((await sess.run(y, new Map([[px, x], [pf, f], [pb, b]]))) as tg.NDArray).data as Float32Array;
    } finally {
      sess.close();
    }
  }

  it('gives the bits of the conv then the elementwise epilogue (NaN, −0 and negative sums included), and really fuses', async () => {
    for (const [xs, fs] of [[[3, 9, 11, 1], [5, 5, 1, 8]], [[2, 7, 6, 8], [3, 3, 8, 12]]] as [number[], number[]][]) {
      const x = randomArray(xs, 3);
      const f = randomArray(fs, 4);
      const b = randomArray([fs[3]], 5);
      const xd = x.data as Float32Array;
      xd[0] = NaN;
      xd[5] = -0;
      (b.data as Float32Array)[1] = -0;
      for (const act of ['relu', 'none'] as const) {
        const before = fusedConvRunCount();
        const fused = await run(x, f, b, act, true);
        expect(fusedConvRunCount(), `${xs} ${act}: fused`).to.equal(before + 1);
        const apart = await run(x, f, b, act, false);
        expect(fusedConvRunCount(), `${xs} ${act}: not fused with the pass off`).to.equal(before + 1);
        expect(float32Bits(fused), `${xs} ${act}`).to.deep.equal(float32Bits(apart));
        expect(fused.some((v) => Number.isNaN(v)), 'the NaN reaches y').to.equal(true);
      }
    }
  });

  it('gives the unfused bits when the activation is not relu (the bias may still fuse) and in NCHW', async () => {
    const x = randomArray([2, 6, 6, 4], 8);
    const f = randomArray([3, 3, 4, 8], 9);
    const b = randomArray([8], 10);
    expect(float32Bits(await run(x, f, b, 'sigmoid', true))).to.deep.equal(float32Bits(await run(x, f, b, 'sigmoid', false)));
    const nchw = randomArray([2, 4, 6, 6], 11);
    expect(float32Bits(await run(nchw, f, b, 'relu', true, 'NCHW'))).to.deep.equal(float32Bits(await run(nchw, f, b, 'relu', false, 'NCHW')));
  });

  it('knows only the epilogues it computes exactly', () => {
    const add = bin('add', arg(0), arg(1));
    expect(convEpilogueKind(add)).to.equal('bias');
    expect(convEpilogueKind(select(bin('lt', add, lit(0)), lit(0), add))).to.equal('relu');
    // operands swapped, −0 in the compare, max instead of select, a sigmoid: not ours
    expect(convEpilogueKind(bin('add', arg(1), arg(0)))).to.equal(null);
    expect(convEpilogueKind(select(bin('lt', add, lit(-0)), lit(0), add))).to.equal(null);
    expect(convEpilogueKind(bin('max', add, lit(0)))).to.equal(null);
    expect(convEpilogueKind(un('sigmoid', add))).to.equal(null);
  });
});
