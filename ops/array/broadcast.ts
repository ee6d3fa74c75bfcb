import { broadcastShapes, formatShape, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, int32Literal, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp } from '../op_def.js';
import { arg } from '../elementwise/scalar_expr.js';

/** The axes each side of a broadcast must sum its gradient over (TF's BroadcastGradientArgs). */
export function broadcastReductionAxes(s0: readonly number[], s1: readonly number[]): [number[], number[]] {
  const rank = Math.max(s0.length, s1.length);
  const r0: number[] = [];
  const r1: number[] = [];
  for (let i = 0; i < rank; i++) {
    const a = i < rank - s0.length ? 1 : s0[i - (rank - s0.length)];
    const b = i < rank - s1.length ? 1 : s1[i - (rank - s1.length)];
    if (a !== b && a !== 1 && b !== 1) {
      throw new InvalidArgumentError(`Incompatible shapes: ${formatShape(s0)} vs. ${formatShape(s1)}`);
    }
    if (a === 1 && b !== 1) r0.push(i);
    else if (b === 1 && a !== 1) r1.push(i);
    else if (a === 1 && b === 1) {
      r0.push(i);
      r1.push(i);
    }
  }
  return [r0, r1];
}

export const BroadcastGradientArgs = defineOp({
  type: 'BroadcastGradientArgs',
  hostInputs: [0, 1],
  infer(inputs) {
    checkDType('s0', inputs[0].dtype, INTEGERS);
    return [
      { dtype: inputs[0].dtype, shape: [null] },
      { dtype: inputs[0].dtype, shape: [null] },
    ];
  },
  lowering: { kind: 'routine', routine: 'BroadcastGradientArgs' },
  grad: () => [null, null],
});

/** Broadcasts `input` to `shape` (TF's BroadcastTo); an elementwise copy on the CPU. */
export const BroadcastTo = defineOp({
  type: 'BroadcastTo',
  hostInputs: [1],
  infer(inputs, _a, ctx) {
    const [x, s] = inputs;
    checkDType('shape', s.dtype, INTEGERS);
    let target: PartialShape = null;
    if (s.value) target = intVector(s.value, 'BroadcastTo: shape');
    else if (s.shape && s.shape[0] !== null) target = new Array<null>(s.shape[0]).fill(null);
    const b = broadcastShapes(x.shape, target, ctx.opType);
    if (target && b && x.shape && b.length !== target.length) {
      throw new InvalidArgumentError(`Unable to broadcast tensor of shape ${formatShape(x.shape)} to tensor of shape ${formatShape(target)}`);
    }
    return [{ dtype: x.dtype, shape: target && b ? b.map((d, i) => target![i] ?? d) : b }];
  },
  lowering: { kind: 'elementwise', expr: () => arg(0) },
});

export function broadcastGradientArgs(s0: Tensor, s1: Tensor, name?: string): [Tensor, Tensor] {
  const op = makeOp(BroadcastGradientArgs, [s0, s1], {}, { name });
  return [op.outputs[0], op.outputs[1]];
}

export function broadcastTo(x: TensorLike, shape: TensorLike | readonly number[], name?: string): Tensor {
  const g = graphOf([x, shape]);
  const s = Array.isArray(shape) && shape.every((d) => typeof d === 'number')
    ? int32Literal(shape as number[], 'broadcastTo: shape')
    : (shape as TensorLike);
  return makeOp(BroadcastTo, [toTensor(x, undefined, g), toTensor(s, 'int32', g)], {}, { name, graph: g }).outputs[0];
}
