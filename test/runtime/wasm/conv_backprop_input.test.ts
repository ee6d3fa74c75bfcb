import { expect } from 'chai';
import type { Geometry } from '../../../ops/nn/conv_params.js';
import { conv2dBackpropInputNHWC } from '../../../runtime/cpu/kernels/conv2d_kernel.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { withWasmKernels } from '../../../runtime/cpu/wasm/kernel_mode.js';
import { wasmConv2dBackpropInput } from '../../../runtime/cpu/wasm/wasm_conv.js';
import { randomData } from '../../util/oracle.js';
import { windowGeometry } from '../../support/window_geometry.js';

/** Geometry of a conv with TF's SAME/VALID output size and padding before. */
function geom(n: number, h: number, w: number, c: number, kh: number, kw: number, s: number, d: number, same: boolean): Geometry {
  return windowGeometry(n, h, w, c, kh, kw, s, d, same);
}

describe('runtime/cpu/wasm: Conv2DBackpropInput through the wasm gemm and col2im', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });

  it('agrees with the JS kernel: channels 1, 3, 4, 5, 8 (v128 and scalar adds), odd oc, strides, dilations, SAME and VALID, several chunks', () => {
    const cases: [Geometry, number][] = [
      [geom(2, 9, 11, 1, 5, 5, 1, 1, true), 8],
      [geom(1, 13, 7, 3, 3, 3, 2, 1, true), 5],
      [geom(3, 10, 10, 8, 3, 2, 1, 2, false), 17],
      [geom(2, 8, 9, 5, 4, 4, 3, 1, true), 3],
      [geom(1, 6, 6, 4, 1, 1, 1, 1, false), 1],
      // 200·28·28 output pixels of K = 25·6: more than one chunk of patch rows
      [geom(200, 28, 28, 6, 5, 5, 1, 1, true), 16],
    ];
    let seed = 7;
    for (const [g, oc] of cases) {
      const dy = randomData(g.n * g.oh * g.ow * oc, seed++);
      const f = randomData(g.kh * g.kw * g.c * oc, seed++);
      const js = withWasmKernels(false, () => conv2dBackpropInputNHWC(dy, f, g, g.c, oc));
      const wasm = new Float32Array(js.length);
      wasmConv2dBackpropInput(dy, f, g, oc, wasm);
      const what = `dy [${g.n},${g.oh},${g.ow},${oc}] into [${g.n},${g.h},${g.w},${g.c}] k ${g.kh}x${g.kw} s ${g.sh} d ${g.dh}`;
      let worst = 0;
      for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(wasm[i] - js[i]) / (1 + Math.abs(js[i])));
      expect(worst, what).to.be.below(1e-5);
      // the dispatching kernel takes the wasm path and gives the same numbers
      const viaKernel = withWasmKernels(true, () => conv2dBackpropInputNHWC(dy, f, g, g.c, oc));
      expect(Array.from(viaKernel), what).to.deep.equal(Array.from(wasm));
    }
  });
});
