import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { CpuBackend } from '../../../runtime/cpu/cpu_backend.js';
import { wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { forgetMirror, mirrorOf, mirrorsMade } from '../../../runtime/cpu/wasm/mirrors.js';
import { expectClose, randomArray, randomData } from '../../util/oracle.js';

describe('runtime/cpu/wasm: wasm copies of operands that come back run after run', () => {
  it('copies an array the second time it is seen, with its values, and forgets the copy when the array is to be written', () => {
    const x = randomData(64, 1);
    expect(mirrorOf(x)).to.equal(-1);
    const at = mirrorOf(x);
    expect(at).to.be.at.least(0);
    expect(Array.from(wasmHeap().f32().subarray(at / 4, at / 4 + 64))).to.deep.equal(Array.from(x));
    expect(mirrorOf(x)).to.equal(at);
    forgetMirror(x);
    x[0] = 42;
    expect(mirrorOf(x)).to.equal(-1);
    const again = mirrorOf(x);
    expect(wasmHeap().f32()[again / 4]).to.equal(42);
  });

  it('a pooled JS buffer handed out again and a step\'s out buffer lose their copy (they are about to be written)', () => {
    const backend = new CpuBackend({ kernels: 'wasm' });
    const a = backend.alloc('float32', [8, 8]);
    const data = a.data as Float32Array;
    mirrorOf(data);
    expect(mirrorOf(data)).to.be.at.least(0);
    backend.free(a);
    const b = backend.alloc('float32', [8, 8]);
    expect(b.data).to.equal(data);
    // without the forget in alloc this would be the old copy's offset
    expect(mirrorOf(data)).to.equal(-1);
    backend.endRun();
  });

  it('a dense layer\'s weights are copied once, and the results stay those of the JS kernels', async () => {
    const g = new tg.Graph();
    const { x, y } = g.asDefault(() => {
      const x = tg.placeholder('float32', [32, 64], 'x');
      return { x, y: tg.matMul(x, tg.constant(randomArray([64, 32], 2))) };
    });
    const wasm = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm' }) });
    const js = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'js' }) });
    const before = mirrorsMade();
    for (let i = 0; i < 4; i++) {
      const xv = randomArray([32, 64], 10 + i);
      expectClose((await wasm.run(y, new Map([[x, xv]]))) as tg.NDArray, (await js.run(y, new Map([[x, xv]]))) as tg.NDArray, 1e-5, 1e-5);
    }
    expect(mirrorsMade() - before).to.equal(1);
    wasm.close();
    js.close();
  });
});
