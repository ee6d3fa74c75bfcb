import { DType, InvalidArgumentError } from '../../graph/ir/index.js';
import { checkDType, FLOATS, INTEGERS } from '../dtype_sets.js';
import { intVector, scalarOf } from '../kernel_util.js';
import { defineOp, InputSpec, OutputSpec } from '../op_def.js';

/** TF's attrs of the stateful random ops: the output dtype, the two seeds, the shape's dtype. */
export type RandomAttrs = { dtype: DType; seed: number; seed2: number; T: DType };
export type RandomIntAttrs = { Tout: DType; seed: number; seed2: number; T: DType };

/** The output shape named by a 1-D shape tensor: its value when known, else only its length. */
function shapeFromTensor(shape: InputSpec, opType: string): OutputSpec['shape'] {
  checkDType('shape', shape.dtype, INTEGERS);
  if (shape.shape !== null && shape.shape.length !== 1) {
    throw new InvalidArgumentError(`${opType}: shape must be a vector, got a tensor of shape [${shape.shape.join(',')}]`);
  }
  if (shape.value !== null) {
    const dims = intVector(shape.value, `${opType}: shape`);
    if (dims.some((d) => d < 0)) throw new InvalidArgumentError(`${opType}: shape dims must be non-negative, got [${dims.join(',')}]`);
    return dims;
  }
  const n = shape.shape?.[0];
  return n === null || n === undefined ? null : new Array<null>(n).fill(null);
}

/** A float op drawing one value per element: RandomUniform, RandomStandardNormal, TruncatedNormal. */
function floatRandomOp(type: 'RandomUniform' | 'RandomStandardNormal' | 'TruncatedNormal') {
  return defineOp<RandomAttrs>()({
    type,
    attrDefaults: { dtype: 'float32', seed: 0, seed2: 0, T: 'int32' },
    hostInputs: [0],
    infer([shape], attrs, ctx) {
      checkDType('dtype', attrs.dtype, FLOATS);
      return [{ dtype: attrs.dtype, shape: shapeFromTensor(shape, ctx.opType) }];
    },
    lowering: { kind: 'routine', routine: type },
    grad: 'none',
    stateful: true,
  });
}

/** Uniform floats in [0, 1). */
export const RandomUniform = floatRandomOp('RandomUniform');
/** Standard normals (Box–Muller). */
export const RandomStandardNormal = floatRandomOp('RandomStandardNormal');
/** Standard normals redrawn until within 2 standard deviations. */
export const TruncatedNormal = floatRandomOp('TruncatedNormal');

/** Uniform integers in [minval, maxval). */
export const RandomUniformInt = defineOp<RandomIntAttrs>()({
  type: 'RandomUniformInt',
  hostInputs: [0, 1, 2],
  attrDefaults: { seed: 0, seed2: 0, T: 'int32' },
  infer([shape, lo, hi], attrs, ctx) {
    checkDType('Tout', attrs.Tout, INTEGERS);
    for (const [what, v] of [['minval', lo], ['maxval', hi]] as const) {
      if (v.dtype !== attrs.Tout) throw new InvalidArgumentError(`${ctx.opType}: ${what} has type ${v.dtype}, expected ${attrs.Tout}`);
      if (v.shape !== null && v.shape.length !== 0) throw new InvalidArgumentError(`${ctx.opType}: ${what} must be 0-D, got shape [${v.shape.join(',')}]`);
    }
    if (lo.value !== null && hi.value !== null && !(scalarOf(lo.value, 'minval') < scalarOf(hi.value, 'maxval'))) {
      throw new InvalidArgumentError(`Need minval < maxval: ${lo.value.data[0]} >= ${hi.value.data[0]}`);
    }
    return [{ dtype: attrs.Tout, shape: shapeFromTensor(shape, ctx.opType) }];
  },
  lowering: { kind: 'routine', routine: 'RandomUniformInt' },
  grad: 'none',
  stateful: true,
});
