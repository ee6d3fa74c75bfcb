import { expect } from 'chai';
import { InternalError } from '../../../src/index.js';
import { classBytes, HeapArena } from '../../../runtime/cpu/wasm/arena.js';
import { heapOffset, WasmHeap, wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { heapMemoryType } from '../../../runtime/cpu/wasm/memory_type.js';
import { wasmGemm } from '../../../runtime/cpu/wasm/wasm_gemm.js';
import { ResidentBuffers, residentBuffers } from '../../../runtime/cpu/resident_buffers.js';
import { CpuBackend } from '../../../runtime/cpu/cpu_backend.js';
import { randomData } from '../../util/oracle.js';

/** A memory that only records how far it was asked to grow. */
function fakeMemory(maxBytes: number): { ensure(bytes: number): void; maxBytes: number; grownTo: number } {
  const m = { maxBytes, grownTo: 0, ensure: (bytes: number) => void (m.grownTo = Math.max(m.grownTo, bytes)) };
  return m;
}

describe('runtime/cpu/wasm: the heap arena', () => {
  it('rounds requests to size classes: powers of two up to 64 KiB, then eighths of the next power', () => {
    expect([1, 64, 65, 1000, 65536, 65537, 100000].map(classBytes)).to.deep.equal([64, 64, 128, 1024, 65536, 65536 + 16384, 114688]);
  });

  it('hands a freed block to the next request of its class, and grows only when no free block fits', () => {
    const mem = fakeMemory(1 << 20);
    const arena = new HeapArena(mem);
    const a = arena.alloc(1000, 'a');
    const b = arena.alloc(4000, 'b');
    expect(a % 64).to.equal(0);
    expect(b).to.be.at.least(a + 1024);
    arena.free(a);
    expect(arena.alloc(900, 'c')).to.equal(a);
    const s = arena.stats();
    expect(s).to.include({ freshBlocks: 2, reusedBlocks: 1, liveBlocks: 2 });
    expect(mem.grownTo).to.equal(s.topBytes);
  });

  it('answers -1 past the memory\'s maximum (the caller keeps a JS array), and refuses to free a block it never handed out', () => {
    const arena = new HeapArena(fakeMemory(1 << 16));
    expect(arena.alloc(1 << 17, 'too big')).to.equal(-1);
    expect(arena.alloc(1024, 'fits')).to.be.at.least(0);
    expect(() => arena.free(12345)).to.throw(InternalError, /no block handed out at byte 12345/);
  });

  it('on a plain memory there is no arena: scratch starts at byte 0 and views on it are not buffers', () => {
    const heap = new WasmHeap({ ...heapMemoryType(), shared: false });
    expect(heap.arena).to.equal(null);
    expect(heap.scratch(1 << 20, 'a test')).to.equal(0);
    expect(heap.memory.buffer.byteLength).to.be.at.least(1 << 20);
    expect(residentBuffers(false)).to.equal(null);
  });

  it('on the shared heap the kernels\' scratch is an arena block: it never overlaps a buffer, even when it grows', () => {
    const heap = wasmHeap();
    const arena = heap.arena!;
    expect(arena).to.not.equal(null);
    const block = arena.alloc(4096, 'a buffer');
    const s = heap.scratch(1 << 22, 'a large scratch');
    expect(s + (1 << 22) <= block || s >= block + 4096).to.equal(true);
    arena.free(block);
  });

  it('the gemm reads A and B and accumulates C in place when they are arena views, with the results of the copy path', () => {
    const [m, k, n] = [8, 37, 16];
    const a = randomData(m * k, 1);
    const b = randomData(k * n, 2);
    const c0 = randomData(m * n, 3);
    const host = c0.slice();
    wasmGemm({ data: a, off: 0, rs: k, cs: 1 }, { data: b, off: 0, rs: n, cs: 1 }, host, 0, m, k, n);
    const bufs = residentBuffers()!;
    const [ra, rb, rc] = [bufs.alloc('float32', m * k)!, bufs.alloc('float32', k * n)!, bufs.alloc('float32', m * n)!] as Float32Array[];
    for (const v of [ra, rb, rc]) expect(heapOffset(v)).to.be.at.least(0);
    ra.set(a);
    rb.set(b);
    rc.set(c0);
    // the scratch must not be where the operands are: poison it first
    const heap = wasmHeap();
    const s = heap.scratch(1 << 16, 'poison') / 4;
    heap.f32().fill(NaN, s, s + (1 << 14));
    wasmGemm({ data: ra, off: 0, rs: k, cs: 1 }, { data: rb, off: 0, rs: n, cs: 1 }, rc, 0, m, k, n);
    expect(Array.from(rc)).to.deep.equal(Array.from(host));
    bufs.endRun();
    expect(bufs.blocksOut).to.equal(0);
  });

  it('a buffer that does not fit under 2 GiB of wasm memory is a JS array instead', () => {
    const bufs = new ResidentBuffers(wasmHeap(), new HeapArena(fakeMemory(1 << 16)));
    expect(bufs.alloc('float32', 1 << 20)).to.equal(null);
    expect(bufs.alloc('bool', 16)).to.equal(null);
    const backend = new CpuBackend({ kernels: 'wasm' });
    const small = backend.alloc('float32', [3], true);
    expect(heapOffset(small.data as Float32Array)).to.be.at.least(0);
    // a block is its own storage, of its own size: the memory budget counts blocks, not the heap
    expect(small.storageBytes).to.equal(12);
    expect(small.storage).to.equal(small.data);
    backend.endRun();
    expect(backend.resident!.blocksOut).to.equal(0);
  });

  it('is off with the JS kernels and with memory: \'off\'', () => {
    expect(new CpuBackend({ kernels: 'js' }).resident).to.equal(null);
    expect(new CpuBackend({ kernels: 'wasm', memory: 'off' }).resident).to.equal(null);
    const b = new CpuBackend({ kernels: 'wasm', memory: 'off' }).alloc('float32', [4], true);
    expect(heapOffset(b.data as Float32Array)).to.equal(-1);
  });
});
