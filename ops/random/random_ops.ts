import { allocData, DType, InvalidArgumentError, NDArray, sizeOf } from '../../graph/ir/index.js';
import { checkDType, FLOATS, INTEGERS } from '../dtype_sets.js';
import { intVector, scalarOf } from '../kernel_util.js';
import { defineOp, InputSpec, KernelContext, OutputSpec, ResolvedOutput } from '../op_def.js';
import { fillNormal, fillTruncatedNormal, fillUniform, fillUniformInt } from './sampling.js';
import { streamKey } from './seeds.js';

/** TF's attrs of the stateful random ops: the output dtype, the two seeds, the shape's dtype. */
type RandomAttrs = { dtype: DType; seed: number; seed2: number; T: DType };
type RandomIntAttrs = { Tout: DType; seed: number; seed2: number; T: DType };

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

type Fill = (out: Float32Array, key: ReturnType<typeof streamKey>) => void;

/** A float op drawing one value per element: RandomUniform, RandomStandardNormal, TruncatedNormal. */
function floatRandomOp(type: string, fill: Fill) {
  return defineOp<RandomAttrs>({
    type,
    attrDefaults: { dtype: 'float32', seed: 0, seed2: 0, T: 'int32' },
    hostInputs: [0],
    infer([shape], attrs, ctx) {
      checkDType('dtype', attrs.dtype, FLOATS);
      return [{ dtype: attrs.dtype, shape: shapeFromTensor(shape, ctx.opType) }];
    },
    cpu: {
      kind: 'kernel',
      run(_inputs, attrs, [out]: readonly ResolvedOutput[], ctx: KernelContext) {
        const data = allocData(out.dtype, sizeOf(out.shape)) as Float32Array;
        fill(data, streamKey(attrs, ctx));
        return [new NDArray(out.dtype, out.shape, data)];
      },
    },
    grad: 'none',
    stateful: true,
  });
}

/** Uniform floats in [0, 1). */
export const RandomUniform = floatRandomOp('RandomUniform', fillUniform);
/** Standard normals (Box–Muller). */
export const RandomStandardNormal = floatRandomOp('RandomStandardNormal', fillNormal);
/** Standard normals redrawn until within 2 standard deviations. */
export const TruncatedNormal = floatRandomOp('TruncatedNormal', fillTruncatedNormal);

/** Uniform integers in [minval, maxval). */
export const RandomUniformInt = defineOp<RandomIntAttrs>({
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
  cpu: {
    kind: 'kernel',
    run([, lo, hi], attrs, [out], ctx) {
      const data = allocData(out.dtype, sizeOf(out.shape)) as Int32Array;
      fillUniformInt(data, streamKey(attrs, ctx), scalarOf(lo, 'minval'), scalarOf(hi, 'maxval'));
      return [new NDArray(out.dtype, out.shape, data)];
    },
  },
  grad: 'none',
  stateful: true,
});
