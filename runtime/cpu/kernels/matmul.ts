import { InvalidArgumentError, NDArray, formatShape, sizeOf, stridesOf } from '../../../graph/ir/index.js';
import { alloc } from './alloc.js';
import { gemm } from './gemm.js';
import type { BatchMatMulAttrs, MatMulAttrs } from '../../../ops/matmul/matmul.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';
import { kernel } from './kernel.js';

/**
 * Batched product with broadcasting batch dims. Transposed operands are read in place through
 * swapped strides; a batch dim of 1 (or a missing one) repeats its matrix.
 */
function batchMatMul(a: NDArray, b: NDArray, ta: boolean, tb: boolean, resolved: ResolvedOutput): NDArray {
  const outShape = resolved.shape;
  const ra = a.rank;
  const rb = b.rank;
  const [aRows, aCols] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [bRows, bCols] = [b.shape[rb - 2], b.shape[rb - 1]];
  const m = ta ? aCols : aRows;
  const k = ta ? aRows : aCols;
  const n = tb ? bRows : bCols;
  if ((tb ? bCols : bRows) !== k) {
    throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: ${formatShape(a.shape)}, In[1]: ${formatShape(b.shape)}`);
  }
  // the step's own output object: the backend may place it in wasm memory (alloc.ts)
  const out = alloc(resolved);
  const c = out.data as Float32Array | Int32Array;
  const batchShape = outShape.slice(0, -2);
  const nBatch = sizeOf(batchShape);
  const stridesFor = (s: readonly number[]) => {
    const own = stridesOf(s);
    const lead = batchShape.length - s.length;
    return batchShape.map((_d, i) => (i < lead || s[i - lead] === 1 ? 0 : own[i - lead]));
  };
  const sa = stridesFor(a.shape.slice(0, -2));
  const sb = stridesFor(b.shape.slice(0, -2));
  const outStrides = stridesOf(batchShape);
  for (let bi = 0; bi < nBatch; bi++) {
    let ia = 0;
    let ib = 0;
    let rem = bi;
    for (let d = 0; d < batchShape.length; d++) {
      const idx = Math.floor(rem / outStrides[d]);
      rem -= idx * outStrides[d];
      ia += idx * sa[d];
      ib += idx * sb[d];
    }
    const av = { data: a.data, off: ia * aRows * aCols, rs: ta ? 1 : aCols, cs: ta ? aCols : 1 };
    const bv = { data: b.data, off: ib * bRows * bCols, rs: tb ? 1 : bCols, cs: tb ? bCols : 1 };
    gemm(av, bv, c, bi * m * n, m, k, n, 'set');
  }
  return out;
}

/** The matmul family's CPU kernels. */
export const MATMUL_KERNELS = {
  MatMul: kernel<MatMulAttrs>(([a, b], attrs, [out]) => [batchMatMul(a, b, attrs.transpose_a, attrs.transpose_b, out)]),
  BatchMatMulV2: kernel<BatchMatMulAttrs>(([a, b], attrs, [out]) => [batchMatMul(a, b, attrs.adj_x, attrs.adj_y, out)]),
};
