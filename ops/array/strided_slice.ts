import { DType, formatShape, InvalidArgumentError, isCompatible, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, INTEGERS } from '../dtype_sets.js';
import { defineOp, InputSpec, OpContext } from '../op_def.js';
import { onesLike } from './fill_like.js';
import { int32Const, intOperand, IntOperand, knownInts, shapeTensor, unknownDims } from './operands.js';
import { checkSliceOperandShapes, DenseSlice, NO_MASKS, resolveStridedSlice, StridedSliceMasks } from './strided_slice_spec.js';

export type StridedSliceAttrs = StridedSliceMasks & { Index?: DType };

const MASK_DEFAULTS: Partial<StridedSliceAttrs> = { ...NO_MASKS };

function checkIndexOperands(begin: InputSpec, end: InputSpec, strides: InputSpec, ctx: OpContext): void {
  const dt = checkSameDType(['begin', 'end', 'strides'], [begin.dtype, end.dtype, strides.dtype], ctx.opType);
  checkDType('Index', dt, INTEGERS);
  checkSliceOperandShapes(begin.shape, end.shape, strides.shape);
}

/**
 * The slice as far as build-time knowledge allows. As TF's shape function: without the input's
 * rank or the strides' values nothing is known; unknown begin or end leave sizes unknown.
 */
function resolveSpec(input: PartialShape, begin: InputSpec, end: InputSpec, strides: InputSpec, attrs: StridedSliceAttrs): DenseSlice | null {
  const sv = knownInts(strides, 'strides');
  if (input === null || sv === null) return null;
  return resolveStridedSlice(input, knownInts(begin, 'begin'), knownInts(end, 'end'), sv, attrs);
}

export const StridedSlice = defineOp<StridedSliceAttrs>()({
  type: 'StridedSlice',
  hostInputs: [1, 2, 3],
  attrDefaults: MASK_DEFAULTS,
  infer(inputs, attrs, ctx) {
    const [x, begin, end, strides] = inputs;
    checkIndexOperands(begin, end, strides, ctx);
    const spec = resolveSpec(x.shape, begin, end, strides, attrs);
    return [{ dtype: x.dtype, shape: spec ? spec.final : null }];
  },
  lowering: { kind: 'routine', routine: 'StridedSlice' },
  grad: (op, [g]) => {
    if (!g) return [null, null, null, null];
    const [x, begin, end, strides] = op.inputs;
    return [stridedSliceGrad(shapeTensor(x), begin, end, strides, g, op.attrs as unknown as StridedSliceMasks), null, null, null];
  },
});

/** The gradient of StridedSlice: `dy` written into zeros of the input's shape at the sliced places. */
export const StridedSliceGrad = defineOp<StridedSliceAttrs>()({
  type: 'StridedSliceGrad',
  hostInputs: [0, 1, 2, 3],
  attrDefaults: MASK_DEFAULTS,
  infer(inputs, attrs, ctx) {
    const [shape, begin, end, strides, dy] = inputs;
    checkIndexOperands(begin, end, strides, ctx);
    checkDType('shape', shape.dtype, INTEGERS);
    if (shape.shape !== null && shape.shape.length !== 1) throw new InvalidArgumentError(`shape must be a vector, got shape ${formatShape(shape.shape)}`);
    const sv = knownInts(shape, 'shape');
    if (sv === null) return [{ dtype: dy.dtype, shape: unknownDims(shape.shape?.[0]) }];
    const spec = resolveSpec(sv, begin, end, strides, attrs);
    if (spec && !isCompatible(spec.final, dy.shape)) {
      throw new InvalidArgumentError(`shape of dy was ${formatShape(dy.shape)} instead of ${formatShape(spec.final)}`);
    }
    return [{ dtype: dy.dtype, shape: sv }];
  },
  lowering: { kind: 'routine', routine: 'StridedSliceGrad' },
  grad: (op, grads) => {
    const g = grads[0];
    const [, begin, end, strides] = op.inputs;
    return [null, null, null, null, g && stridedSliceTensors(g, begin, end, strides, op.attrs as unknown as StridedSliceMasks)];
  },
});

export interface StridedSliceOptions {
  beginMask?: number;
  endMask?: number;
  ellipsisMask?: number;
  newAxisMask?: number;
  shrinkAxisMask?: number;
}

function maskAttrs(o: StridedSliceOptions | StridedSliceMasks): StridedSliceMasks {
  if ('begin_mask' in o) return { begin_mask: o.begin_mask, end_mask: o.end_mask, ellipsis_mask: o.ellipsis_mask, new_axis_mask: o.new_axis_mask, shrink_axis_mask: o.shrink_axis_mask };
  return {
    begin_mask: o.beginMask ?? 0,
    end_mask: o.endMask ?? 0,
    ellipsis_mask: o.ellipsisMask ?? 0,
    new_axis_mask: o.newAxisMask ?? 0,
    shrink_axis_mask: o.shrinkAxisMask ?? 0,
  };
}

/** StridedSlice over tensors (for gradient code). */
export function stridedSliceTensors(x: Tensor, begin: Tensor, end: Tensor, strides: Tensor, masks: StridedSliceMasks, name?: string): Tensor {
  return makeOp(StridedSlice, [x, begin, end, strides], { ...maskAttrs(masks), Index: begin.dtype }, { name }).outputs[0];
}

/** StridedSliceGrad over tensors. */
export function stridedSliceGrad(shape: Tensor, begin: Tensor, end: Tensor, strides: Tensor, dy: Tensor, masks: StridedSliceMasks, name?: string): Tensor {
  return makeOp(StridedSliceGrad, [shape, begin, end, strides, dy], { ...maskAttrs(masks), Index: begin.dtype }, { name }).outputs[0];
}

/**
 * tf.strided_slice: `x[begin:end:strides]` per axis with TF's masks (bit i of beginMask/endMask
 * ignores begin[i]/end[i], ellipsisMask marks `...`, newAxisMask inserts an axis, shrinkAxisMask
 * takes one index and drops the axis). Strides default to ones.
 */
export function stridedSlice(
  x: TensorLike,
  begin: IntOperand,
  end: IntOperand,
  strides?: IntOperand,
  options: StridedSliceOptions = {},
  name = 'strided_slice',
): Tensor {
  const g = graphOf([x, begin, end, strides]);
  const t = toTensor(x, undefined, g);
  const b = intOperand(begin, g, 'begin');
  const e = intOperand(end, g, 'end');
  let s: Tensor;
  if (strides !== undefined) s = intOperand(strides, g, 'strides');
  else if (b.shape?.length === 1 && b.shape[0] !== null) s = int32Const(new Array<number>(b.shape[0]).fill(1), g, 'strides');
  else s = onesLike(b);
  return stridedSliceTensors(t, b, e, s, maskAttrs(options), name);
}

/** StridedSliceGrad from JS values (mostly for tests and imported graphs). */
export function stridedSliceGradOf(shape: IntOperand, begin: IntOperand, end: IntOperand, strides: IntOperand, dy: TensorLike, options: StridedSliceOptions = {}, name?: string): Tensor {
  const g = graphOf([shape, begin, end, strides, dy]);
  const ints = [shape, begin, end, strides].map((v) => intOperand(v, g));
  return stridedSliceGrad(ints[0], ints[1], ints[2], ints[3], toTensor(dy, undefined, g), maskAttrs(options), name);
}
