import { expect } from 'chai';
import { float32Bits } from '../../support/float32_ulps.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tg from '../../../src/index.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { heapMemoryType } from '../../../runtime/cpu/wasm/memory_type.js';
import { ModuleBuilder } from '../../../runtime/cpu/wasm/module.js';
import {
  kernelWorkerCount,
  runOnThreads,
  setMinWorkPerThreadForTests,
  setSharedMemoryForTests,
  shutdownKernelThreads,
  threadedRunCount,
  threadsSupported,
  withKernelThreads,
} from '../../../runtime/cpu/wasm/threads.js';
import { instantiate, wasmApi } from '../../../runtime/cpu/wasm/wasm_api.js';
import { randomArray } from '../../util/oracle.js';

/** y = a·b on a CPU backend with these threads (fed, so nothing is folded at compile time). */
async function matMul(threads: number | undefined, a: tg.NDArray, b: tg.NDArray): Promise<Float32Array> {
  const g = new tg.Graph();
  const [pa, pb, y] = g.asDefault(() => {
    const pa = tg.placeholder('float32', [...a.shape]);
    const pb = tg.placeholder('float32', [...b.shape]);
    return [pa, pb, tg.matMul(pa, pb)];
  });
  const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', threads }) });
  try {
    return ((await sess.run(y, new Map([[pa, a], [pb, b]]))) as tg.NDArray).data as Float32Array;
  } finally {
    sess.close();
  }
}

describe('runtime/cpu/wasm: the kernel thread pool', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
  });
  afterEach(() => {
    setSharedMemoryForTests(null);
    setMinWorkPerThreadForTests(null);
  });

  it('checks the threads option: a positive integer, with a typed error naming it', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => new tg.CpuBackend({ threads: bad }), String(bad)).to.throw(tg.InvalidArgumentError, `CpuBackend: threads must be a positive integer, got ${bad}`);
      expect(() => new tg.Session({ graph: new tg.Graph(), threads: bad }), String(bad)).to.throw(tg.InvalidArgumentError, 'Session: threads must be a positive integer');
    }
    expect(() => new tg.CpuBackend({ threads: '2' as unknown as number })).to.throw(tg.InvalidArgumentError, 'got string');
    expect(() => new tg.Session({ graph: new tg.Graph(), backend: new tg.CpuBackend(), threads: 2 })).to.throw(tg.InvalidArgumentError, "pass it to the backend's constructor");
    expect(new tg.CpuBackend({ threads: 3 }).threads).to.equal(3);
    // the default is the machine's cores
    expect(new tg.CpuBackend().threads).to.be.at.least(1);
  });

  it('the Session option reaches the CPU backend it makes', async () => {
    setMinWorkPerThreadForTests(1);
    const g = new tg.Graph();
    const [p, y] = g.asDefault(() => {
      const p = tg.placeholder('float32', [33, 40]);
      return [p, tg.matMul(p, p, { transposeB: true })];
    });
    const x = randomArray([33, 40], 4);
    for (const threads of [1, 2]) {
      const before = threadedRunCount();
      const sess = new tg.Session({ graph: g, threads });
      await sess.run(y, new Map([[p, x]]));
      sess.close();
      // (under TG_CPU_KERNELS=js the session's kernels are the JS ones, which do not split)
      const wasmByDefault = new tg.CpuBackend().wasm;
      expect(threadedRunCount() - before, `threads ${threads}`).to.equal(threads > 1 && wasmByDefault ? 1 : 0);
    }
  });

  it('without shared memory runs single-threaded (still SIMD) with the same bits', async () => {
    setMinWorkPerThreadForTests(1);
    const a = randomArray([45, 70], 1);
    const b = randomArray([70, 33], 2);
    const threaded = await matMul(3, a, b);
    setSharedMemoryForTests(false);
    expect(threadsSupported()).to.equal(false);
    const before = threadedRunCount();
    const single = await matMul(3, a, b);
    expect(threadedRunCount()).to.equal(before);
    expect(float32Bits(single)).to.deep.equal(float32Bits(threaded));
  });

  it('one pool serves every backend, grows for more threads, and starts again after a shutdown', async () => {
    setMinWorkPerThreadForTests(1);
    const a = randomArray([40, 40], 3);
    shutdownKernelThreads();
    expect(kernelWorkerCount()).to.equal(0);
    const first = await matMul(2, a, a);
    expect(kernelWorkerCount()).to.equal(1);
    await matMul(2, a, a);
    expect(kernelWorkerCount(), 'a second backend reuses the pool').to.equal(1);
    await matMul(3, a, a);
    expect(kernelWorkerCount(), 'grown for 3 threads').to.equal(2);
    await matMul(2, a, a);
    expect(kernelWorkerCount(), 'a bigger pool serves fewer threads').to.equal(2);
    shutdownKernelThreads();
    expect(kernelWorkerCount()).to.equal(0);
    expect(float32Bits(await matMul(2, a, a))).to.deep.equal(float32Bits(first));
    expect(kernelWorkerCount()).to.equal(1);
  });

  it("a kernel that traps on a worker fails the run with an InternalError naming it; the pool keeps working", () => {
    const m = new ModuleBuilder(heapMemoryType());
    // a load far past the memory's end traps
    const t = m.func('trapHere', ['i32']).f;
    t.get(t.param(0, 'i32')).mem('i32.load').op('drop');
    const trap = instantiate(wasmApi()!, m.bytes(), wasmHeap().memory).exports.trapHere as object;
    const pieces = [[{ fn: trap, args: [0x7ffffff0] }], []];
    withKernelThreads(2, () => {
      expect(() => runOnThreads({ pieces, threads: 2 }, true)).to.throw(tg.InternalError, "kernel worker 1 failed running kernel 'trapHere' (module");
      // on this thread it surfaces as the engine's own trap
      expect(() => withKernelThreads(1, () => runOnThreads({ pieces, threads: 2 }))).to.throw(/out of bounds/);
    });
    const m2 = new ModuleBuilder(heapMemoryType());
    const { f } = m2.func('store42', ['i32']);
    f.get(f.param(0, 'i32')).i32(42).mem('i32.store');
    const store = instantiate(wasmApi()!, m2.bytes(), wasmHeap().memory).exports.store42 as object;
    withKernelThreads(2, () => runOnThreads({ pieces: [[{ fn: store, args: [64] }], []], threads: 2 }, true));
    expect(new Int32Array(wasmHeap().memory.buffer)[16]).to.equal(42);
  });

  it('idle workers do not keep the process alive: a script that used them exits by itself', function () {
    this.timeout(120000);
    const index = fileURLToPath(new URL('../../../src/index.js', import.meta.url));
    const threads = fileURLToPath(new URL('../../../runtime/cpu/wasm/threads.js', import.meta.url));
    const script = `
      const tg = await import(${JSON.stringify(index)});
      const th = await import(${JSON.stringify(threads)});
      const g = new tg.Graph();
      const [p, y] = g.asDefault(() => { const p = tg.placeholder('float32', [256, 256]); return [p, tg.matMul(p, p)]; });
      const sess = new tg.Session({ graph: g, backend: new tg.CpuBackend({ kernels: 'wasm', threads: 2 }) });
      await sess.run(y, new Map([[p, tg.NDArray.from(new Float32Array(65536).fill(1), [256, 256])]]));
      console.log('workers', th.kernelWorkerCount(), 'split', th.threadedRunCount());
    `;
    // a hang would end at the timeout with a signal instead of status 0
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60000 });
    expect(r.stderr).to.equal('');
    expect(r.signal).to.equal(null);
    expect(r.status).to.equal(0);
    expect(r.stdout.trim()).to.equal('workers 1 split 1');
  });
});
