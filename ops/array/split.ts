import { DType, formatShape, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { scalarOf } from '../kernel_util.js';
import { defineOp, InputSpec } from '../op_def.js';
import { checkedAxis, intOperand, IntOperand, knownInts, unknownDims } from './operands.js';

export type SplitAttrs = { num_split: number; T?: DType };
export type SplitVAttrs = { num_split: number; T?: DType; Tlen: DType };

const splitDimError = (d: number, r: number): string => `-input rank(-${r}) <= split_dim < input rank (${r}), but got ${d}`;

function checkNumSplit(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`Value for attr 'num_split' of ${n} must be at least minimum 1`);
}

function checkScalarDim(dim: InputSpec): void {
  checkDType('split_dim', dim.dtype, INTEGERS);
  if (dim.shape !== null && dim.shape.length !== 0) throw new InvalidArgumentError(`split_dim must be a scalar, but got shape ${formatShape(dim.shape)}`);
}

/** The input shape with the split axis replaced by each output's size. */
function withAxisSizes(shape: readonly (number | null)[], axis: number, sizes: readonly (number | null)[]): PartialShape[] {
  return sizes.map((s) => shape.map((d, i) => (i === axis ? s : d)));
}

/** Even split (TF's Split): the axis must divide by num_split. */
function splitShapes(value: InputSpec, dim: InputSpec, n: number): PartialShape[] {
  const s = value.shape;
  if (s === null || dim.value === null) return new Array<PartialShape>(n).fill(unknownDims(s?.length));
  const d = scalarOf(dim.value, 'split_dim');
  const a = checkedAxis(d, s.length, splitDimError(d, s.length));
  const size = s[a];
  if (size !== null && size % n !== 0) {
    throw new InvalidArgumentError(`Number of ways to split should evenly divide the split dimension, but got split_dim ${a} (size = ${size}) and num_split ${n}`);
  }
  return withAxisSizes(s, a, new Array<number | null>(n).fill(size === null ? null : size / n));
}

/** Split by sizes (TF's SplitV): one size may be -1, meaning what is left. */
function splitVShapes(value: InputSpec, sizes: InputSpec, dim: InputSpec, n: number): PartialShape[] {
  const ss = sizes.shape;
  if (ss !== null && (ss.length !== 1 || (ss[0] !== null && ss[0] !== n))) {
    throw new InvalidArgumentError(`size of the split_tensor must be 1-D and have the same elements as outputs got ${ss.length} -D and ${ss.length === 1 ? ss[0] : ss.reduce((p, q) => (p ?? 0) * (q ?? 0), 1)} elements`);
  }
  const s = value.shape;
  if (s === null || dim.value === null) return new Array<PartialShape>(n).fill(unknownDims(s?.length));
  const d = scalarOf(dim.value, 'split_dim');
  const a = checkedAxis(d, s.length, splitDimError(d, s.length));
  const sv = knownInts(sizes, 'size_splits');
  if (sv === null) return withAxisSizes(s, a, new Array<null>(n).fill(null));
  let negAt = -1;
  let determined = 0;
  sv.forEach((v, i) => {
    if (v === -1) {
      if (negAt >= 0) throw new InvalidArgumentError('There can only be one -1 in the input.');
      negAt = i;
    } else if (v < 0) {
      throw new InvalidArgumentError(`Split size at index ${i} must be >= 0. Got: ${v}`);
    } else determined += v;
  });
  const total = s[a];
  const out: (number | null)[] = [...sv];
  if (total === null) {
    if (negAt >= 0) out[negAt] = null;
  } else {
    if ((negAt < 0 && determined !== total) || (negAt >= 0 && determined > total)) {
      throw new InvalidArgumentError(
        `Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: ${determined}`,
      );
    }
    if (negAt >= 0) out[negAt] = total - determined;
  }
  return withAxisSizes(s, a, out);
}

export const Split = defineOp<SplitAttrs>()({
  type: 'Split',
  hostInputs: [0],
  infer(inputs, attrs) {
    const [dim, value] = inputs;
    checkNumSplit(attrs.num_split);
    checkScalarDim(dim);
    return splitShapes(value, dim, attrs.num_split).map((shape) => ({ dtype: value.dtype, shape }));
  },
  lowering: { kind: 'routine', routine: 'Split' },
});

export const SplitV = defineOp<SplitVAttrs>()({
  type: 'SplitV',
  hostInputs: [1, 2],
  attrDefaults: { Tlen: 'int32' },
  infer(inputs, attrs) {
    const [value, sizes, dim] = inputs;
    checkNumSplit(attrs.num_split);
    checkDType('size_splits', sizes.dtype, INTEGERS);
    checkScalarDim(dim);
    return splitVShapes(value, sizes, dim, attrs.num_split).map((shape) => ({ dtype: value.dtype, shape }));
  },
  lowering: { kind: 'routine', routine: 'SplitV' },
});

/** SplitV over tensors (for gradient code). */
export function splitV(value: Tensor, sizes: Tensor, axis: Tensor, num: number, name?: string): Tensor[] {
  return [...makeOp(SplitV, [value, sizes, axis], { num_split: num, Tlen: sizes.dtype }, { name }).outputs];
}

/**
 * tf.split: a number splits `x` evenly into that many parts along `axis` (TF's Split); a list or
 * vector tensor gives the sizes of the parts, one of which may be -1 (TF's SplitV).
 */
export function split(x: TensorLike, numOrSizes: number | IntOperand, axis: IntOperand = 0, name = 'split'): Tensor[] {
  const g = graphOf([x, numOrSizes, axis]);
  const t = toTensor(x, undefined, g);
  const a = intOperand(axis, g, 'split_dim');
  if (typeof numOrSizes === 'number') {
    return [...makeOp(Split, [a, t], { num_split: numOrSizes }, { name, graph: g }).outputs];
  }
  const sizes = intOperand(numOrSizes, g, 'size_splits');
  const n = sizes.shape?.length === 1 ? sizes.shape[0] : null;
  if (n === null) throw new InvalidArgumentError(`Cannot infer argument \`num\` from shape ${formatShape(sizes.shape)}`);
  return [...makeOp(SplitV, [t, sizes, a], { num_split: n, Tlen: sizes.dtype }, { name, graph: g }).outputs];
}
