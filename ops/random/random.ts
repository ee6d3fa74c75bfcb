import { DType, InvalidArgumentError, isInteger, Tensor } from '../../graph/ir/index.js';
import { graphOf, int32Literal, makeOp, TensorLike, toTensor } from '../builder.js';
import type { OpDef } from '../op_def.js';
import { add, mul, sub } from '../elementwise/math_binary.js';
import { RandomStandardNormal, RandomUniform, RandomUniformInt, TruncatedNormal } from './random_ops.js';
import { opSeeds } from './seeds.js';

export type ShapeArg = TensorLike | readonly number[];

export interface RandomUniformOptions {
  minval?: TensorLike;
  /** Required for integer dtypes. */
  maxval?: TensorLike;
  dtype?: DType;
  /** Op-level seed; combines with the graph seed (tg.setRandomSeed) as TF's get_seed. */
  seed?: number;
}

export interface RandomNormalOptions {
  mean?: TensorLike;
  stddev?: TensorLike;
  dtype?: DType;
  seed?: number;
}

function shapeTensor(shape: ShapeArg, graph: ReturnType<typeof graphOf>): Tensor {
  if (Array.isArray(shape) && shape.every((d) => typeof d === 'number')) {
    return toTensor(int32Literal(shape as number[], 'shape'), 'int32', graph, 'shape');
  }
  return toTensor(shape as TensorLike, 'int32', graph, 'shape');
}

/**
 * tf.random_uniform: values in [minval, maxval). Floats are minval + (maxval - minval) · U[0, 1)
 * under the name scope 'random_uniform'; integer dtypes use RandomUniformInt.
 */
export function randomUniform(shape: ShapeArg, options: RandomUniformOptions = {}, name?: string): Tensor {
  const g = graphOf([shape, options.minval, options.maxval]);
  const dtype = options.dtype ?? 'float32';
  return g.nameScope(name ?? 'random_uniform', (scope) => {
    const s = shapeTensor(shape, g);
    if (isInteger(dtype) && options.maxval === undefined) {
      throw new InvalidArgumentError(`Must specify maxval for integer dtype ${dtype}`);
    }
    const lo = toTensor(options.minval ?? 0, dtype, g, 'min');
    const hi = toTensor(options.maxval ?? 1, dtype, g, 'max');
    const [seed, seed2] = opSeeds(g, options.seed);
    if (isInteger(dtype)) {
      return makeOp(RandomUniformInt, [s, lo, hi], { Tout: dtype, seed, seed2, T: s.dtype }, { name: scope, graph: g }).outputs[0];
    }
    const rnd = makeOp(RandomUniform, [s], { dtype, seed, seed2, T: s.dtype }, { graph: g }).outputs[0];
    return add(mul(rnd, sub(hi, lo, 'sub'), 'mul'), lo, scope);
  });
}

/** stddev · raw + mean under `scope`, as TF's random_normal and truncated_normal build it. */
function scaledNormal(def: OpDef, scopeName: string, shape: ShapeArg, options: RandomNormalOptions, name?: string): Tensor {
  const g = graphOf([shape, options.mean, options.stddev]);
  const dtype = options.dtype ?? 'float32';
  return g.nameScope(name ?? scopeName, (scope) => {
    const s = shapeTensor(shape, g);
    const mean = toTensor(options.mean ?? 0, dtype, g, 'mean');
    const stddev = toTensor(options.stddev ?? 1, dtype, g, 'stddev');
    const [seed, seed2] = opSeeds(g, options.seed);
    const rnd = makeOp(def, [s], { dtype, seed, seed2, T: s.dtype }, { graph: g }).outputs[0];
    return add(mul(rnd, stddev, 'mul'), mean, scope);
  });
}

/** tf.random_normal: normal values with the given mean and standard deviation. */
export function randomNormal(shape: ShapeArg, options: RandomNormalOptions = {}, name?: string): Tensor {
  return scaledNormal(RandomStandardNormal, 'random_normal', shape, options, name);
}

/** tf.truncated_normal: normal values, redrawn when more than 2 standard deviations from the mean. */
export function truncatedNormal(shape: ShapeArg, options: RandomNormalOptions = {}, name?: string): Tensor {
  return scaledNormal(TruncatedNormal, 'truncated_normal', shape, options, name);
}
