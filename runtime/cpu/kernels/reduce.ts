import { InvalidArgumentError, NDArray, allocData, normalizeAxis, sizeOf } from '../../../graph/ir/index.js';
import { scalarOf } from '../../../ops/kernel_util.js';
import { type ScanAttrs, type ScanKind, scanAxis } from '../../../ops/reduce/cumulative.js';
import { reductionAxes } from '../../../ops/reduce/reduce_ops.js';
import { ReduceKind, argReduce, reduceArray } from './reduce_kernel.js';
import { CpuKernel, kernel } from './kernel.js';

/**
 * Running sum or product along `axis`, as [outer, len, inner] with the inner run as the unit-stride
 * loop. Floats accumulate in float64; ints wrap at 32 bits like TF.
 */
function scanArray(x: NDArray, axis: number, kind: ScanKind, exclusive: boolean, reverse: boolean): NDArray {
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const src = x.data;
  const dst = allocData(x.dtype, x.size);
  const isInt = x.dtype !== 'float32';
  const init = kind === 'sum' ? 0 : 1;
  const acc = isInt ? new Int32Array(inner) : new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(init);
    for (let s = 0; s < len; s++) {
      const r = reverse ? len - 1 - s : s;
      const row = (o * len + r) * inner;
      for (let i = 0; i < inner; i++) {
        const v = src[row + i];
        const a = acc[i];
        const next = kind === 'sum' ? (isInt ? (a + v) | 0 : a + v) : isInt ? Math.imul(a, v) : a * v;
        dst[row + i] = exclusive ? a : next;
        acc[i] = next;
      }
    }
  }
  return new NDArray(x.dtype, x.shape, dst);
}

function reduceKernel(kind: ReduceKind): CpuKernel {
  return kernel(([x, axes], _attrs, [out]) => {
      return [reduceArray(x, reductionAxes(axes, x.rank), kind, out.dtype, out.shape)];
    });
}

function argKernel(type: string, wantMax: boolean): CpuKernel {
  return kernel(([x, dim], _attrs, [out]) => {
      const axis = normalizeAxis(dim.data[0], x.rank, type);
      if (x.shape[axis] === 0) throw new InvalidArgumentError(`Reduction axis ${axis} is empty in shape [${x.shape.join(',')}]`);
      return [argReduce(x, axis, wantMax, out.dtype, out.shape)];
    });
}

function scanKernel(kind: ScanKind): CpuKernel {
  return kernel<ScanAttrs>(([x, axis], attrs) => {
      const a = scanAxis(scalarOf(axis, 'ScanOp: axis'), x.rank);
      return [scanArray(x, a, kind, attrs.exclusive, attrs.reverse)];
    });
}

/** The reduce family's CPU kernels. */
export const REDUCE_KERNELS = {
  Sum: reduceKernel('sum'),
  Mean: reduceKernel('mean'),
  Max: reduceKernel('max'),
  Min: reduceKernel('min'),
  Prod: reduceKernel('prod'),
  ArgMax: argKernel('ArgMax', true),
  ArgMin: argKernel('ArgMin', false),
  Cumsum: scanKernel('sum'),
  Cumprod: scanKernel('prod'),
};
