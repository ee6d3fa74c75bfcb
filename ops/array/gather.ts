import { DType, formatShape, InvalidArgumentError, PartialShape, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { graphOf, makeOp, staticValue, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { alloc, scalarOf } from '../kernel_util.js';
import { defineOp, GradFn } from '../op_def.js';
import { add, floorMod } from '../elementwise/math_binary.js';
import { concatTensors } from './concat.js';
import { indexText } from './index_error.js';
import { asInt32, checkedAxis, int32Const, intOperand, IntOperand, prodOf, shapeTensor, unknownDims } from './operands.js';
import { range } from './range.js';
import { rank, shape as shapeOp } from './reshape.js';
import { unsortedSegmentSum } from './segment_sum.js';
import { transpose } from './transpose.js';

type GatherAttrs = { batch_dims: number; Taxis?: DType; Tindices?: DType; Tparams?: DType };

const axisError = (axis: number, r: number): string => `Expected axis in the range [${-r}, ${r}), but got ${axis}`;

/** params[:axis] + indices + params[axis+1:]. */
function gatherShape(params: PartialShape, indices: PartialShape, axis: number | null): PartialShape {
  if (params === null) return null;
  if (params.length === 0) throw new InvalidArgumentError('params must be at least 1 dimensional');
  if (axis === null) return indices === null ? null : unknownDims(params.length + indices.length - 1);
  const a = checkedAxis(axis, params.length, axisError(axis, params.length));
  if (indices === null) return null;
  return [...params.slice(0, a), ...indices, ...params.slice(a + 1)];
}

/**
 * d params: the gradient rows scatter-added back to the rows they were gathered from. Along axis a
 * the gradient's indices dims are moved to the front, summed by index, and the result moved back.
 */
const gatherGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null, null];
  const [params, indices, axisT] = op.inputs;
  const av = staticValue(axisT);
  const pr = params.rank;
  const ir = indices.rank;
  if (av !== null && pr !== null && ir !== null) {
    const a = checkedAxis(av.data[0], pr, axisError(av.data[0], pr));
    const n = params.shape![a];
    const numSegments = n !== null ? int32Const(n, params.graph) : gatherTensors(shapeTensor(params), int32Const(a, params.graph));
    if (a === 0) return [unsortedSegmentSum(g, indices, numSegments), null, null];
    const outRank = pr + ir - 1;
    const inPerm = [...seq(a, a + ir), ...seq(0, a), ...seq(a + ir, outRank)];
    const summed = unsortedSegmentSum(transpose(g, inPerm), indices, numSegments);
    return [transpose(summed, [...seq(1, a + 1), 0, ...seq(a + 1, pr)]), null, null];
  }
  // ranks or axis known only at run time: the same permutations built from Range and ConcatV2
  const rp = rank(params);
  const a = floorMod(asInt32(axisT), rp);
  const aPlusR = add(a, rank(indices));
  const zero = int32Const([0], params.graph);
  const inPerm = concatTensors([range(a, aPlusR), range(0, a), range(aPlusR, rank(g))], int32Const(0, params.graph));
  const numSegments = gatherTensors(shapeOp(params), a);
  const summed = unsortedSegmentSum(transpose(g, inPerm), indices, numSegments);
  const outPerm = concatTensors([range(1, add(a, 1)), zero, range(add(a, 1), rp)], int32Const(0, params.graph));
  return [transpose(summed, outPerm), null, null];
};

function seq(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_v, i) => from + i);
}

export const GatherV2 = defineOp<GatherAttrs>({
  type: 'GatherV2',
  hostInputs: [2],
  attrDefaults: { batch_dims: 0 },
  infer(inputs, attrs) {
    const [params, indices, axis] = inputs;
    if (attrs.batch_dims !== 0) throw new UnimplementedError(`GatherV2: batch_dims = ${attrs.batch_dims} is not supported; only batch_dims = 0`);
    checkDType('indices', indices.dtype, INTEGERS);
    checkDType('axis', axis.dtype, INTEGERS);
    if (axis.shape !== null && axis.shape.length !== 0) throw new InvalidArgumentError(`axis must be scalar, but got shape ${formatShape(axis.shape)}`);
    const av = axis.value ? scalarOf(axis.value, 'axis') : null;
    return [{ dtype: params.dtype, shape: gatherShape(params.shape, indices.shape, av) }];
  },
  cpu: {
    kind: 'kernel',
    run([params, indices, axis], _a, [out]) {
      const a = checkedAxis(scalarOf(axis, 'axis'), params.rank, axisError(axis.data[0], params.rank));
      const limit = params.shape[a];
      const idx = indices.data;
      // every index is checked before anything is read
      for (let i = 0; i < idx.length; i++) {
        const v = idx[i];
        if (v < 0 || v >= limit) throw new InvalidArgumentError(`indices${indexText(indices.shape, i)} = ${v} is not in [0, ${limit})`);
      }
      const res = alloc(out);
      const outer = prodOf(params.shape, 0, a);
      const inner = prodOf(params.shape, a + 1);
      const src = params.data;
      const dst = res.data;
      const n = idx.length;
      let o = 0;
      for (let r = 0; r < outer; r++) {
        const rowBase = r * limit;
        for (let j = 0; j < n; j++) {
          const s = (rowBase + idx[j]) * inner;
          for (let k = 0; k < inner; k++) dst[o++] = src[s + k];
        }
      }
      return [res];
    },
  },
  grad: gatherGrad,
});

/** GatherV2 over tensors (for gradient code). */
export function gatherTensors(params: Tensor, indices: Tensor, axis?: Tensor, name?: string): Tensor {
  const a = axis ?? int32Const(0, params.graph);
  return makeOp(GatherV2, [params, indices, a], { batch_dims: 0, Tparams: params.dtype, Tindices: indices.dtype, Taxis: a.dtype }, { name }).outputs[0];
}

/** tf.gather: slices of `params` along `axis` picked by `indices` (any shape); out-of-range indices are an error. */
export function gather(params: TensorLike, indices: IntOperand, axis: IntOperand = 0, name = 'GatherV2'): Tensor {
  const g = graphOf([params, indices, axis]);
  const p = toTensor(params, undefined, g);
  return gatherTensors(p, intOperand(indices, g, 'indices'), intOperand(axis, g, 'axis'), name);
}
