import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { heapOffset, wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { expectClose, randomArray } from '../../util/oracle.js';

/** x → an unfused elementwise chain (its intermediates die inside the run) → matMul → chain again. */
function model(): { g: tg.Graph; x: tg.Tensor; y: tg.Tensor } {
  const g = new tg.Graph();
  return g.asDefault(() => {
    const x = tg.placeholder('float32', [16, 32], 'x');
    const h = tg.sqrt(tg.add(tg.square(tg.exp(tg.mul(x, 0.5))), 1));
    const w = tg.constant(randomArray([32, 8], 5));
    const z = tg.matMul(tg.nn.relu(tg.mul(h, 2)), w);
    return { g, x, y: tg.sigmoid(tg.add(tg.mul(z, 0.25), 1)) };
  });
}

const unfused = { disable: ['fuse-elementwise', 'fuse-epilogue'] };

describe('runtime/cpu: buffers resident in wasm memory', () => {
  it('reaches a steady state: after the first runs no fresh arena block and no heap growth, every block back between runs, same values as JS arrays', async () => {
    const { g, x, y } = model();
    const backend = new tg.CpuBackend({ kernels: 'wasm' });
    const sess = new tg.Session({ graph: g, backend, optimizer: unfused });
    const off = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', memory: 'off' }), optimizer: unfused });
    const arena = wasmHeap().arena!;
    const xv = randomArray([16, 32], 1);
    const want = (await off.run(y, new Map([[x, xv]]))) as tg.NDArray;
    for (let i = 0; i < 2; i++) await sess.run(y, new Map([[x, xv]]));
    const before = arena.stats();
    for (let i = 0; i < 5; i++) {
      const got = (await sess.run(y, new Map([[x, xv]]))) as tg.NDArray;
      expectClose(got, want, 1e-6, 1e-6);
      expect(backend.resident!.blocksOut).to.equal(0);
    }
    const after = arena.stats();
    expect(after.reusedBlocks).to.be.greaterThan(before.reusedBlocks);
    expect(after.freshBlocks).to.equal(before.freshBlocks);
    expect(after.topBytes).to.equal(before.topBytes);
    sess.close();
    off.close();
  });

  it('a fetch is never an arena block: it keeps its values when the next run reuses the blocks, and a feed is never written', async () => {
    const { g, x, y } = model();
    const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm' }), optimizer: unfused });
    const x1 = randomArray([16, 32], 2);
    const x1copy = x1.clone();
    const first = (await sess.run(y, new Map([[x, x1]]))) as tg.NDArray;
    const kept = Array.from(first.data);
    expect(heapOffset(first.data as Float32Array)).to.equal(-1);
    await sess.run(y, new Map([[x, randomArray([16, 32], 3)]]));
    expect(Array.from(first.data)).to.deep.equal(kept);
    expect(Array.from(x1.data)).to.deep.equal(Array.from(x1copy.data));
    sess.close();
  });

  it('a variable assigned from an elementwise chain keeps its value across heap growth and later runs', async () => {
    const g = new tg.Graph();
    const { v, assign, x, y, init } = g.asDefault(() => {
      const x = tg.placeholder('float32', [64], 'x');
      const v = new tg.Variable(tg.zeros([64]), { name: 'v' });
      // the chain's last value is the variable's new value: it must not be an arena block
      const assign = v.assign(tg.add(tg.mul(tg.exp(tg.mul(x, 0.5)), 3), 1));
      const y = tg.sqrt(tg.add(tg.square(tg.mul(x, 2)), 1));
      return { v, assign, x, y, init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm' }), optimizer: unfused });
    await sess.run(init);
    const xv = randomArray([64], 4);
    await sess.run(assign, new Map([[x, xv]]));
    const value = Array.from(((await sess.run(v.value())) as tg.NDArray).data);
    // grow the heap well past its size, then overwrite every free block with other runs
    const heap = wasmHeap();
    heap.scratch(heap.memory.buffer.byteLength + (8 << 20), 'a growth in a test');
    for (let i = 0; i < 3; i++) await sess.run(y, new Map([[x, randomArray([64], 10 + i)]]));
    expect(Array.from(((await sess.run(v.value())) as tg.NDArray).data)).to.deep.equal(value);
    expect(Array.from(sess.variableValue('v')!.data)).to.deep.equal(value);
    sess.close();
  });

  it('matrix products whose outputs die in the run write them in arena blocks, zeroed for the gemm that accumulates into them', async () => {
    const g = new tg.Graph();
    const { x, y, z } = g.asDefault(() => {
      const x = tg.placeholder('float32', [16, 32], 'x');
      // MatMul -> Relu -> MatMul -> Sigmoid (fetched): the products die in the run (Relu runs in place in the first)
      const h = tg.nn.relu(tg.matMul(x, tg.constant(randomArray([32, 24], 7))));
      const z = tg.matMul(h, tg.constant(randomArray([24, 8], 8)));
      return { x, y: tg.sigmoid(z), z };
    });
    const backend = new tg.CpuBackend({ kernels: 'wasm' });
    const sess = new tg.Session({ graph: g, backend, optimizer: unfused });
    const off = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', memory: 'off' }), optimizer: unfused });
    for (let i = 0; i < 4; i++) {
      const xv = randomArray([16, 32], 20 + i);
      const handed = backend.resident!.blocksHanded;
      // a later run gets the blocks an earlier one wrote: they must be zeroed again
      const got = (await sess.run(y, new Map([[x, xv]]))) as tg.NDArray;
      expect(backend.resident!.blocksHanded - handed).to.equal(2);
      expect(Array.from(got.data)).to.deep.equal(Array.from(((await off.run(y, new Map([[x, xv]]))) as tg.NDArray).data));
    }
    // a fetched product is the caller's array, not a block
    const [zv] = (await sess.run([z], new Map([[x, randomArray([16, 32], 30)]]))) as tg.NDArray[];
    const kept = Array.from(zv.data);
    expect(heapOffset(zv.data as Float32Array)).to.equal(-1);
    await sess.run(y, new Map([[x, randomArray([16, 32], 31)]]));
    expect(Array.from(zv.data)).to.deep.equal(kept);
    expect(backend.resident!.blocksOut).to.equal(0);
    sess.close();
    off.close();
  });

  it('convolutions and max pools whose outputs die in the run write them in arena blocks (im2col, direct and fused paths), the same bits as JS arrays', async () => {
    for (const optimizer of [unfused, {}]) {
      const g = new tg.Graph();
      const { x, y, c1 } = g.asDefault(() => {
        const x = tg.placeholder('float32', [2, 12, 12, 4], 'x');
        // conv (direct: 8 output channels) -> relu -> pool -> conv (im2col: 36 channels) -> pool -> sigmoid (fetched)
        const c1 = tg.nn.conv2d(x, tg.constant(randomArray([3, 3, 4, 8], 40)), { strides: 1, padding: 'SAME' });
        const p1 = tg.nn.maxPool(tg.nn.relu(tg.nn.biasAdd(c1, tg.constant(randomArray([8], 41)))), { ksize: 2, strides: 2, padding: 'VALID' });
        const c2 = tg.nn.conv2d(p1, tg.constant(randomArray([3, 3, 8, 36], 42)), { strides: 1, padding: 'VALID' });
        return { x, y: tg.sigmoid(tg.nn.maxPool(c2, { ksize: 2, strides: 2, padding: 'SAME' })), c1 };
      });
      const backend = new tg.CpuBackend({ kernels: 'wasm' });
      const sess = new tg.Session({ graph: g, backend, optimizer });
      const off = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', memory: 'off' }), optimizer });
      for (let i = 0; i < 3; i++) {
        const xv = randomArray([2, 12, 12, 4], 50 + i);
        const handed = backend.resident!.blocksHanded;
        const got = (await sess.run(y, new Map([[x, xv]]))) as tg.NDArray;
        // both convs and both pools (unfused: the relu and bias add too, in place or not)
        expect(backend.resident!.blocksHanded - handed).to.be.at.least(4);
        expect(Array.from(got.data)).to.deep.equal(Array.from(((await off.run(y, new Map([[x, xv]]))) as tg.NDArray).data));
        expect(backend.resident!.blocksOut).to.equal(0);
      }
      // a fetched conv output is the caller's array, kept when the next run reuses the blocks
      const [cv] = (await sess.run([c1, y], new Map([[x, randomArray([2, 12, 12, 4], 60)]]))) as tg.NDArray[];
      const kept = Array.from(cv.data);
      expect(heapOffset(cv.data as Float32Array)).to.equal(-1);
      await sess.run(y, new Map([[x, randomArray([2, 12, 12, 4], 61)]]));
      expect(Array.from(cv.data)).to.deep.equal(kept);
      sess.close();
      off.close();
    }
  });

  it('the JS kernels give the same values (TG_CPU_KERNELS=js runs this file on them too)', async () => {
    const { g, x, y } = model();
    const xv = randomArray([16, 32], 6);
    const js = (await new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'js' }), optimizer: unfused }).run(y, new Map([[x, xv]]))) as tg.NDArray;
    const auto = (await new tg.Session({ graph: g, optimizer: unfused }).run(y, new Map([[x, xv]]))) as tg.NDArray;
    expectClose(auto, js, 1e-5, 1e-5);
  });
});
