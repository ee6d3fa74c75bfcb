import { expect } from 'chai';
import { float32Bits } from '../../support/float32_ulps.js';
import { wasmFeatures } from '../../../runtime/cpu/wasm/features.js';
import { KC, setDirectMaxRowsForTests } from '../../../runtime/cpu/wasm/gemm_split.js';
import { heapOffset } from '../../../runtime/cpu/wasm/heap.js';
import { gemmScratchFloats, wasmGemm } from '../../../runtime/cpu/wasm/wasm_gemm.js';
import type { GemmOperand } from '../../../runtime/cpu/wasm/wasm_gemm.js';
import { setMinWorkPerThreadForTests, withKernelThreads } from '../../../runtime/cpu/wasm/threads.js';
import { residentBuffers } from '../../../runtime/cpu/resident_buffers.js';
import { randomData } from '../../util/oracle.js';

const f = Math.fround;

/**
 * The wasm gemm's arithmetic, one float32 operation at a time: for each depth block of KC, a sum
 * from zero in k order of float32 products, then added to C (to +0 in 'set' mode). Any tiling,
 * edge handling or thread split must give exactly these bits (mul+add kernel; relaxed FMA fuses
 * the product, so there the kernel is only checked to stay close).
 */
function reference(a: GemmOperand, b: GemmOperand, c0: Float32Array, m: number, k: number, n: number, set: boolean): Float32Array {
  const C = set ? new Float32Array(m * n) : c0.slice();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let c = C[i * n + j];
      for (let p0 = 0; p0 < k; p0 += KC) {
        let acc = 0;
        for (let p = p0; p < Math.min(k, p0 + KC); p++) acc = f(acc + f(a.data[a.off + i * a.rs + p * a.cs] * b.data[b.off + p * b.rs + j * b.cs]));
        c = f(c + acc);
      }
      C[i * n + j] = c;
    }
  }
  return C;
}

/** The reference's bits; with relaxed FMA (a product not rounded on its own), within float32 error of it. */
function expectGemm(C: Float32Array, want: Float32Array, k: number, what: string): void {
  if (!wasmFeatures().relaxedMadd) {
    expect(float32Bits(C), what).to.deep.equal(float32Bits(want));
    return;
  }
  for (let i = 0; i < C.length; i++) expect(C[i], `${what} [${i}]`).to.be.closeTo(want[i], 1e-4 * k);
}

/** A copy of `x` in wasm memory (a CPU backend arena buffer), so the gemm reads or writes it in place. */
function resident(x: Float32Array): Float32Array {
  const r = residentBuffers()!.alloc('float32', x.length) as Float32Array;
  expect(heapOffset(r), 'an arena buffer').to.be.at.least(0);
  r.set(x);
  return r;
}

describe('runtime/cpu/wasm: the gemm, bit for bit', () => {
  before(function () {
    if (!wasmFeatures().simd) this.skip();
    setMinWorkPerThreadForTests(1);
  });
  after(() => {
    setMinWorkPerThreadForTests(null);
    residentBuffers()?.endRun();
  });

  it('equals float32 k-ordered sums per depth block on odd shapes, every layout, set and add, 1 and 2 threads, in and out of wasm memory', () => {
    const dims = [1, 3, 7, 17, 65, 129];
    const shapes: [number, number, number][] = [[129, 300, 17], [65, 513, 7], [4, 8, 10], [64, 784, 10]];
    for (const m of dims) for (const n of dims) shapes.push([m, dims[(m + n) % dims.length], n]);
    let seed = 5;
    let checked = 0;
    for (const [m, k, n] of shapes) {
      const A = randomData(m * k, seed++);
      const B = randomData(k * n, seed++);
      const C0 = randomData(m * n, seed++);
      for (const [ta, tb, inHeap, set] of [[false, false, false, true], [true, false, true, false], [false, true, false, false], [true, true, true, true], [true, false, false, true], [false, true, true, true]]) {
        const what = `${m}x${k}x${n} ta=${ta} tb=${tb} ${inHeap ? 'resident' : 'host'} ${set ? 'set' : 'add'}`;
        const [Ad, Bd] = inHeap ? [resident(A), resident(B)] : [A, B];
        const a = { data: Ad, off: 0, rs: ta ? 1 : k, cs: ta ? m : 1 };
        const b = { data: Bd, off: 0, rs: tb ? 1 : n, cs: tb ? k : 1 };
        const want = reference(a, b, C0, m, k, n, set);
        // B read in place (few rows, row-major B) or packed, on 1 and 2 threads
        for (const [threads, direct] of [[1, null], [2, null], [1, 0], [2, 0]] as [number, number | null][]) {
          const C = inHeap ? resident(C0) : C0.slice();
          setDirectMaxRowsForTests(direct);
          try {
            withKernelThreads(threads, () => wasmGemm(a, b, C, 0, m, k, n, undefined, set ? 'set' : 'add'));
          } finally {
            setDirectMaxRowsForTests(null);
          }
          expectGemm(C, want, k, `${what} threads=${threads} direct=${direct}`);
          checked++;
        }
      }
      residentBuffers()!.endRun();
    }
    expect(checked).to.equal(shapes.length * 24);
  });

  it('gathers an operand with no unit stride (every other float) row-major, with the same bits', () => {
    const [m, k, n] = [9, 20, 11];
    const A = randomData(2 * m * k, 7);
    const B = randomData(k * n, 8);
    const a = { data: A, off: 1, rs: 2 * k, cs: 2 };
    const b = { data: B, off: 0, rs: n, cs: 1 };
    const C = new Float32Array(m * n);
    wasmGemm(a, b, C, 0, m, k, n, undefined, 'set');
    expectGemm(C, reference(a, b, C, m, k, n, true), k, 'strided A');
  });

  it('writes nothing outside C: neighbours of a C inside a larger array keep their values', () => {
    for (const [m, k, n] of [[5, 9, 11], [17, 300, 3], [8, 16, 8]]) {
      const A = randomData(m * k, 1);
      const B = randomData(k * n, 2);
      const host = new Float32Array(3 + m * n + 5).fill(7);
      wasmGemm({ data: A, off: 0, rs: k, cs: 1 }, { data: B, off: 0, rs: n, cs: 1 }, host, 3, m, k, n, undefined, 'set');
      const heap = resident(new Float32Array(host.length).fill(7));
      wasmGemm({ data: A, off: 0, rs: k, cs: 1 }, { data: B, off: 0, rs: n, cs: 1 }, heap, 3, m, k, n, undefined, 'set');
      for (const C of [host, heap]) {
        expect(Array.from(C.subarray(0, 3)), `${m}x${k}x${n} before`).to.deep.equal([7, 7, 7]);
        expect(Array.from(C.subarray(3 + m * n)), `${m}x${k}x${n} after`).to.deep.equal([7, 7, 7, 7, 7]);
      }
      expect(float32Bits(heap), `${m}x${k}x${n} in place = copied`).to.deep.equal(float32Bits(host));
      residentBuffers()!.endRun();
    }
  });

  it('reads operands in wasm memory in place in either layout: nothing is copied past the scratch reserved for resident A and B', () => {
    for (const [m, k, n, ta, tb] of [[65, 300, 17, true, true], [33, 40, 129, false, true], [300, 64, 24, true, false]] as [number, number, number, boolean, boolean][]) {
      const A = resident(randomData(m * k, 3));
      const B = resident(randomData(k * n, 4));
      const a = { data: A, off: 0, rs: ta ? 1 : k, cs: ta ? m : 1 };
      const b = { data: B, off: 0, rs: tb ? 1 : n, cs: tb ? k : 1 };
      // the reservation for resident A and B (sized for the split that 2 threads make), then
      // sentinels a copy of either would overwrite
      const need = withKernelThreads(2, () => gemmScratchFloats(m, k, n, true, true, false));
      const region = resident(new Float32Array(need + m * k + k * n).fill(12345));
      const C = new Float32Array(m * n);
      withKernelThreads(2, () => wasmGemm(a, b, C, 0, m, k, n, heapOffset(region) / 4, 'set'));
      expect(region.subarray(need).every((v) => v === 12345), `${m}x${k}x${n} ta=${ta} tb=${tb}: written past the reservation`).to.equal(true);
      expectGemm(C, reference(a, b, C, m, k, n, true), k, `${m}x${k}x${n} ta=${ta} tb=${tb}`);
      residentBuffers()!.endRun();
    }
  });
});
