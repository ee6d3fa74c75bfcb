import type { AttrMap } from '../../graph/ir/index.js';
import { InvalidArgumentError, NDArray, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS, NUMERIC } from '../dtype_sets.js';
import { defineOp, OpDef } from '../op_def.js';

export type ScanAttrs = { exclusive: boolean; reverse: boolean };
export type ScanKind = 'sum' | 'prod';

/** The scan axis, normalised, with TF's ScanOp message for one out of range. */
export function scanAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(`ScanOp: Expected scan axis in the range [${-rank}, ${rank}), but got ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

function scanOp<T extends 'Cumsum' | 'Cumprod'>(type: T): OpDef<AttrMap, T> {
  return defineOp<ScanAttrs>()({
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
    lowering: { kind: 'routine', routine: type },
  });
}

// Gradients: cumulative_grad.ts.
export const Cumsum = scanOp('Cumsum');
export const Cumprod = scanOp('Cumprod');

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
