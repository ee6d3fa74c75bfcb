import { allocData, InvalidArgumentError, NDArray, sizeOf, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp, OpDef } from '../op_def.js';

type ScanAttrs = { exclusive: boolean; reverse: boolean };
type ScanKind = 'sum' | 'prod';

/** The scan axis, normalised, with TF's ScanOp message for one out of range. */
function scanAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(`ScanOp: Expected scan axis in the range [${-rank}, ${rank}), but got ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Running sum or product along `axis`, as [outer, len, inner] with the inner run as the unit-stride
 * loop. Floats accumulate in float64; ints wrap at 32 bits like TF.
 */
export function scanArray(x: NDArray, axis: number, kind: ScanKind, exclusive: boolean, reverse: boolean): NDArray {
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

function scanOp(type: string, kind: ScanKind): OpDef {
  return defineOp<ScanAttrs>({
    type,
    attrDefaults: { exclusive: false, reverse: false },
    hostInputs: [1],
    infer(inputs) {
      const [x, axis] = inputs;
      checkDType('x', x.dtype, NUMERIC);
      checkDType('axis', axis.dtype, INTEGERS);
      if (axis.shape !== null && axis.shape.length !== 0) {
        throw new InvalidArgumentError(`ScanOp: axis must be a scalar, not a tensor of shape [${axis.shape.join(',')}]`);
      }
      if (x.shape !== null && axis.value !== null) scanAxis(axis.value.data[0], x.shape.length);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
    cpu: {
      kind: 'kernel',
      run([x, axis], attrs) {
        const a = scanAxis(scalarOf(axis, 'ScanOp: axis'), x.rank);
        return [scanArray(x, a, kind, attrs.exclusive, attrs.reverse)];
      },
    },
  });
}

// Gradients: cumulative_grad.ts.
export const Cumsum = scanOp('Cumsum', 'sum');
export const Cumprod = scanOp('Cumprod', 'prod');

export interface ScanOptions {
  /** Leave each element out of its own running total (the first output is 0 or 1). */
  exclusive?: boolean;
  /** Run from the end of the axis towards its start. */
  reverse?: boolean;
}

function scanBuilder(def: OpDef) {
  return (x: TensorLike, axis: number | TensorLike = 0, options: ScanOptions = {}, name?: string): Tensor => {
    const g = graphOf([x, axis]);
    const t = toTensor(x, undefined, g);
    const a = typeof axis === 'number' ? toTensor(NDArray.scalar(axis, 'int32'), 'int32', g) : toTensor(axis, 'int32', g);
    return makeOp(def, [t, a], { exclusive: options.exclusive ?? false, reverse: options.reverse ?? false }, { name, graph: g }).outputs[0];
  };
}

/** tf.cumsum(x, axis=0, exclusive=False, reverse=False). */
export const cumsum = scanBuilder(Cumsum);
/** tf.cumprod(x, axis=0, exclusive=False, reverse=False). */
export const cumprod = scanBuilder(Cumprod);
