import { expect } from 'chai';
import { arg, bin, lit } from '../../../ops/elementwise/scalar_expr.js';
import { uninitializedFloat32 } from '../../../platform/uninitialized.js';
import { runElementwise } from '../../../runtime/cpu/elementwise_kernel.js';
import { withWasmKernels } from '../../../runtime/cpu/wasm/kernel_mode.js';
import * as tg from '../../../src/index.js';

/**
 * A large float32 elementwise output starts as uninitialized memory (platform/uninitialized.ts):
 * correct only because the wasm region's copy-out and the JS loop write every element, padded
 * rows and split pieces included.
 */
describe('runtime/cpu: large elementwise outputs are written in full', () => {
  it('uninitializedFloat32 gives an array that owns its whole (unshared) buffer', () => {
    for (const n of [0, 1, 5, 1 << 16, (1 << 18) + 3]) {
      const a = uninitializedFloat32(n);
      expect(a.length).to.equal(n);
      expect(a.byteOffset).to.equal(0);
      expect(a.buffer.byteLength).to.equal(4 * n);
      expect(a.buffer).to.be.instanceOf(ArrayBuffer);
    }
  });

  it('every element equals the JS kernel value on the wasm path and the JS path (flat, padded rows, a bias row), over memory dirtied before', () => {
    // values never 0 or NaN, so a missed element (stale or zero) cannot pass for a written one
    const e = bin('add', bin('mul', bin('max', arg(0), arg(1)), lit(1.5)), lit(1000));
    for (const [shape, bShape] of [[[40001], [40001]], [[300, 333], [300, 333]], [[257, 129], [129]]] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tg.NDArray.from(Float32Array.from({ length: size }, (_v, i) => Math.sin(i) * 7), [...shape]);
      const b = tg.NDArray.from(Float32Array.from({ length: bShape.reduce((p, q) => p * q, 1) }, (_v, i) => Math.cos(i) * 3), [...bShape]);
      const want = withWasmKernels(false, () => runElementwise(e, [x, b], 'float32', shape)).data;
      for (const wasm of [true, false]) {
        for (let k = 0; k < 3; k++) uninitializedFloat32(size).fill(NaN);
        const got = withWasmKernels(wasm, () => runElementwise(e, [x, b], 'float32', shape)).data;
        let bad = 0;
        for (let i = 0; i < size; i++) if (!Object.is(got[i], want[i])) bad++;
        expect(bad, `[${shape}] ${wasm ? 'wasm' : 'js'}: elements differing`).to.equal(0);
      }
    }
  });
});
