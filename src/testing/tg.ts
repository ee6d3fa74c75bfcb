/*
 * The builders the random-graph generator uses, under the names `tg.*` gives them. The generator
 * lives inside the library (tg.testing), so it cannot import the public entry without a cycle;
 * this file re-exports the same functions from where they are defined.
 */
export { Graph, InternalError, InvalidArgumentError, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
export { Session } from '../session.js';
export { RunMetadata } from '../run_metadata.js';
export { OptimizeReport } from '../../graph/passes/manager.js';
export type { OptimizerOptions } from '../../graph/passes/manager.js';
export { placeholder, constant } from '../../ops/leaves/leaves.js';
export { Variable, globalVariables, globalVariablesInitializer } from '../../ops/state/variable.js';
export { add, sub, mul, div, maximum, minimum, squaredDifference } from '../../ops/elementwise/math_binary.js';
export { neg, abs, exp, square, floor, sign, tanh, sigmoid, relu } from '../../ops/elementwise/math_unary.js';
export { greater, where } from '../../ops/elementwise/compare.js';
export { matMul } from '../../ops/matmul/matmul.js';
export { reduceSum, reduceMean, reduceMax, reduceMin } from '../../ops/reduce/reductions.js';
export { randomUniform, randomNormal } from '../../ops/random/random.js';
export { cast } from '../../ops/array/cast.js';
export { reshape, squeeze, expandDims } from '../../ops/array/reshape.js';
export { transpose } from '../../ops/array/transpose.js';
export { broadcastTo } from '../../ops/array/broadcast.js';
export { concat } from '../../ops/array/concat_values.js';
export { slice } from '../../ops/array/slice.js';
export { tile } from '../../ops/array/tile.js';
export { identity, addN, stopGradient } from '../../ops/control/control.js';
export { gradients } from '../../graph/autodiff/gradients.js';
export * as nn from '../nn.js';
export * as train from '../train/index.js';
