import { expect } from 'chai';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { geometry, windowedOutputSize } from '../../../ops/nn/conv_params.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { wasmConv2d } from '../../../runtime/cpu/wasm/wasm_conv.js';
import { directConvFits, wasmDirectConv2d } from '../../../runtime/cpu/wasm/wasm_direct_conv.js';
import { setMinWorkPerThreadForTests, threadedRunCount, withKernelThreads } from '../../../runtime/cpu/wasm/threads.js';
import { randomData } from '../../util/oracle.js';

/** The bits of a float array, so that equal means bit for bit (NaN payloads and −0 included). */
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** NHWC geometry with its own strides and dilations per axis, by the ops' rules (conv_params.ts). */
function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: [number, number], d: [number, number], same: boolean): Geometry {
  const padding = same ? 'SAME' : 'VALID';
  const oh = windowedOutputSize(h, kh, d[0], s[0], padding, 0, 0)!;
  const ow = windowedOutputSize(w, kw, d[1], s[1], padding, 0, 0)!;
  return geometry([n, h, w, c], kh, kw, oh, ow, { format: 'NHWC', padding, strideH: s[0], strideW: s[1], dilationH: d[0], dilationW: d[1], explicit: [0, 0, 0, 0] });
}

const label = (g: Geometry, oc: number): string => `[${g.n},${g.h},${g.w},${g.c}] k ${g.kh}x${g.kw} s ${g.sh},${g.sw} d ${g.dh},${g.dw} pad ${g.pt},${g.pl} oc ${oc}`;

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

  // LeNet's two convs, odd widths (the one-pixel tail), a last group of 4 channels, strides and
  // dilations per axis, VALID windows that leave input rows and columns unread, batch 1 and more
  const cases: [Geometry, number][] = [
    [geom(3, 28, 28, 1, 5, 5, [1, 1], [1, 1], true), 8],
    [geom(2, 14, 14, 8, 5, 5, [1, 1], [1, 1], true), 16],
    [geom(1, 9, 11, 3, 3, 3, [1, 1], [1, 1], true), 4],
    [geom(2, 13, 7, 3, 3, 3, [2, 1], [1, 1], true), 12],
    [geom(3, 10, 10, 8, 3, 2, [1, 1], [2, 2], false), 20],
    [geom(2, 12, 13, 5, 4, 3, [3, 2], [1, 3], true), 32],
    [geom(1, 11, 9, 2, 2, 2, [2, 3], [1, 1], false), 8],
    [geom(2, 7, 6, 1, 1, 1, [1, 1], [1, 1], false), 4],
    [geom(1, 5, 5, 64, 2, 2, [1, 1], [1, 1], true), 8],
  ];

  it('gives the im2col gemm\'s bits: odd shapes, SAME and VALID, strides and dilations per axis', () => {
    let seed = 5;
    for (const [g, oc] of cases) {
      expect(directConvFits(g, oc), label(g, oc)).to.equal(true);
      const x = randomData(g.n * g.h * g.w * g.c, seed++);
      const f = randomData(g.kh * g.kw * g.c * oc, seed++);
      expect(bits(direct(x, f, g, oc)), label(g, oc)).to.deep.equal(bits(viaGemm(x, f, g, oc)));
    }
  });

  it('keeps the gemm\'s NaN, ±Inf and −0: a padded tap times an infinite weight is NaN, a −0 sum is +0', () => {
    const g = geom(2, 6, 7, 3, 3, 3, [1, 1], [1, 1], true);
    const oc = 8;
    const x = randomData(g.n * g.h * g.w * g.c, 91);
    const f = randomData(g.kh * g.kw * g.c * oc, 92);
    for (let i = 0; i < x.length; i += 11) x[i] = [NaN, Infinity, -Infinity, -0][(i / 11) % 4];
    f[0] = Infinity;
    f[9] = -0;
    const zeros = new Float32Array(x.length).fill(-0);
    for (const [xi, what] of [[x, 'specials'], [zeros, '−0 image']] as const) {
      const want = viaGemm(xi, f, g, oc);
      expect(bits(direct(xi, f, g, oc)), what).to.deep.equal(bits(want));
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
        const one = withKernelThreads(1, () => direct(x, f, g, oc));
        for (const t of [2, 3]) {
          const before = threadedRunCount();
          const many = withKernelThreads(t, () => direct(x, f, g, oc));
          if (g.n * g.oh > 1) expect(threadedRunCount(), `${label(g, oc)}: ${t} threads split nothing`).to.be.greaterThan(before);
          expect(bits(many), `${label(g, oc)}: ${t} threads`).to.deep.equal(bits(one));
        }
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
      const g = geom(2, 9, 10, 4, 3, 3, [1, 1], [1, 1], same);
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
        expect(bits(yr), `same=${same}`).to.deep.equal(bits(viaGemm(x, f, g, oc)));
        expect(bits(xr), `same=${same}: the image is unchanged`).to.deep.equal(bits(x));
      } finally {
        arena.free(xAt);
        arena.free(yAt);
      }
    }
  });

  it('leaves to the im2col gemm what it cannot match or would waste: channels not a multiple of 4, many channels, depth past a gemm block', () => {
    expect(directConvFits(geom(1, 8, 8, 3, 3, 3, [1, 1], [1, 1], true), 6)).to.equal(false);
    expect(directConvFits(geom(1, 8, 8, 3, 3, 3, [1, 1], [1, 1], true), 64)).to.equal(false);
    expect(directConvFits(geom(1, 8, 8, 32, 3, 3, [1, 1], [1, 1], true), 8)).to.equal(false);
  });
});
