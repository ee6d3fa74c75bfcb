/**
 * tensorgraph: the one import users need (`import * as tg from 'tensorgraph'`).
 */
import { installTensorMethods } from './tensor_methods.js';
export type { TensorMethods } from './tensor_methods.js';
import { installGraphMethods } from './graph_util.js';
import {
  getDefaultGraph,
  Graph,
  Operation,
  Tensor,
} from '../graph/ir/index.js';

installTensorMethods();
installGraphMethods();

// graph IR
export {
  Graph,
  Operation,
  Tensor,
  getDefaultGraph,
  resetDefaultGraph,
  GraphKeys,
  NDArray,
  verifyGraph,
  formatShape,
} from '../graph/ir/index.js';
export type { DType, Shape, PartialShape, NestedArray, DataArray, AttrValue, AttrMap } from '../graph/ir/index.js';
export * as errors from './errors.js';
export {
  TensorGraphError,
  InvalidArgumentError,
  NotFoundError,
  FailedPreconditionError,
  UnimplementedError,
  InternalError,
  OutOfRangeError,
  DataLossError,
  AlreadyExistsError,
  ResourceExhaustedError,
  CancelledError,
  UnknownError,
  AbortedError,
  UnavailableError,
  PermissionDeniedError,
  DeadlineExceededError,
  ErrorCode,
} from '../graph/ir/index.js';

// sessions
export { Session } from './session.js';
export { optimize } from './optimize.js';
export type { OptimizeOptions } from './optimize.js';
export { OptimizeReport } from '../graph/passes/manager.js';
export type { OptimizerOptions, PassReport } from '../graph/passes/manager.js';
export type { Pass, PassContext, PassResult } from '../graph/passes/pass.js';
export type { Program, ProgramNode, ProgramValue } from '../graph/passes/program.js';
export type { SessionOptions, RunOptions, FeedShapes } from './session.js';
export type { PrecompileReport } from '../runtime/backend.js';
export type { Fetch, Fetches, FetchResult } from './fetches.js';
export type { Feeds, FeedValue, FeedKey } from './feeds.js';
export { RunMetadata } from './run_metadata.js';
export { NullBackend } from '../runtime/null/null_backend.js';
export { CpuBackend } from '../runtime/cpu/cpu_backend.js';
export type { CpuBackendOptions } from '../runtime/cpu/cpu_backend.js';
export type { CpuKernelMode } from '../runtime/cpu/wasm/kernel_mode.js';
export type { NullBuffer, NullEvent, NullBackendOptions } from '../runtime/null/null_backend.js';
export type { Backend, DeviceBuffer, Dispatch, KernelChoice } from '../runtime/backend.js';
export type { PlacementEntry } from '../runtime/placement.js';
export type { LoweringKind } from '../ops/lowering.js';
export type { StepStat } from './run_metadata.js';
export type { TensorLike } from '../ops/builder.js';

// leaves and state
export { placeholder, placeholderWithDefault, constant } from '../ops/leaves/leaves.js';
export type { ConstantOptions } from '../ops/leaves/leaves.js';
export { Variable, globalVariables, trainableVariables, variablesInitializer, globalVariablesInitializer } from '../ops/state/variable.js';
export type { VariableOptions } from '../ops/state/variable.js';

// math
export { add, sub, mul, div, realDiv, floorDiv, floorMod, pow, maximum, minimum } from '../ops/elementwise/math_binary.js';
export {
  neg, abs, exp, log, log1p, sqrt, rsqrt, square, reciprocal, floor, ceil, round, sign, sin, cos, tanh, sigmoid, relu,
} from '../ops/elementwise/math_unary.js';
export { equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, logicalNot, where } from '../ops/elementwise/compare.js';
export { matMul } from '../ops/matmul/matmul.js';
export type { MatMulOptions } from '../ops/matmul/matmul.js';
export { reduceSum, reduceMean, reduceMax, reduceMin, reduceProd, argMax, argMin } from '../ops/reduce/reductions.js';
export { cumsum, cumprod } from '../ops/reduce/cumulative.js';
export type { ScanOptions } from '../ops/reduce/cumulative.js';

// random
export { randomUniform, randomNormal, truncatedNormal } from '../ops/random/random.js';
export type { RandomUniformOptions, RandomNormalOptions } from '../ops/random/random.js';

// arrays
export { cast } from '../ops/array/cast.js';
export { reshape, shape, size, rank, squeeze, expandDims } from '../ops/array/reshape.js';
export { transpose } from '../ops/array/transpose.js';
export { fill, zeros, ones, zerosLike, onesLike } from '../ops/array/fill_like.js';
export { range } from '../ops/array/range.js';
export { broadcastTo } from '../ops/array/broadcast.js';
export { concat } from '../ops/array/concat_values.js';
export { stack, unstack } from '../ops/array/pack.js';
export { dynamicStitch } from '../ops/array/dynamic_stitch.js';
export { stringJoin, shardedFilename } from '../ops/strings/index.js';
export { saveV2, restoreV2, mergeV2Checkpoints } from '../ops/io/index.js';
export { split } from '../ops/array/split.js';
export { slice } from '../ops/array/slice.js';
export { stridedSlice } from '../ops/array/strided_slice.js';
export type { StridedSliceOptions } from '../ops/array/strided_slice.js';
export { gather } from '../ops/array/gather.js';
export { unsortedSegmentSum } from '../ops/array/segment_sum.js';
export { pad } from '../ops/array/pad.js';
export { tile } from '../ops/array/tile.js';
export { oneHot } from '../ops/array/one_hot.js';
export type { OneHotOptions } from '../ops/array/one_hot.js';
export type { IntOperand } from '../ops/array/operands.js';
export { identity, stopGradient, noOp, group, addN } from '../ops/control/control.js';
export { cond, caseOp as case, caseOp } from '../ops/control/cond.js';
export type { CondOptions, CaseOptions } from '../ops/control/cond.js';
export { whileLoop } from '../ops/control/while_loop.js';
export type { WhileLoopOptions, LoopTensors } from '../ops/control/while_loop.js';
export type { TensorStructure } from '../ops/control/nest.js';

// neural networks and losses
export * as nn from './nn.js';
export * as losses from './losses.js';
export { squaredDifference } from '../ops/elementwise/math_binary.js';

// variables the TF1 way
export { variableScope, getVariable, getVariableScope, AUTO_REUSE } from './variable_scope.js';
export type { VariableScopeOptions, GetVariableOptions, Regularizer, Reuse } from './variable_scope.js';
export {
  zerosInitializer,
  onesInitializer,
  constantInitializer,
  truncatedNormalInitializer,
  randomNormalInitializer,
  randomUniformInitializer,
  varianceScalingInitializer,
  glorotUniformInitializer,
  glorotNormalInitializer,
  heNormalInitializer,
  heUniformInitializer,
  xavierInitializer,
} from './initializers.js';
export type { Initializer, VarianceScalingOptions } from './initializers.js';
export { l1Regularizer, l2Regularizer } from './regularizers.js';
export * as layers from './layers/index.js';
export { argScope, addArgScope } from './layers/arg_scope.js';
export * as slim from './slim/index.js';

// tools
export * as tools from './tools/index.js';
export * as testing from './testing/index.js';
export * as passes from './passes.js';
export * as debugging from './debugging.js';
export * as summary from './summary.js';

// gradients and training
export { gradients } from '../graph/autodiff/gradients.js';
export * as train from './train/index.js';
export * as metrics from './metrics.js';
export * as image from './image/index.js';
export { localVariables, localVariablesInitializer } from './local_variables.js';

// files
export * as graphUtil from './graph_util.js';
export * as savedModel from './saved_model.js';
export * as onnx from '../serialization/onnx/index.js';
export { importGraphDef } from '../serialization/import_graph_def.js';
export type { ImportGraphDefOptions } from '../serialization/import_graph_def.js';
export type { GraphDef, NodeDef, MetaGraphDef, SignatureDef } from '../serialization/types.js';
export { clipByValue, clipByNorm, clipByGlobalNorm, globalNorm } from './train/clip.js';

/** Runs `fn` inside name scope `name` of the default graph and returns its value. */
export function nameScope<T>(name: string, fn: (scope: string) => T): T {
  return getDefaultGraph().nameScope(name, fn);
}

/** Ops created inside `fn` run after `deps` (tensors, ops or variables). */
export function controlDependencies<T>(deps: readonly (Tensor | Operation | { toTensor(): Tensor })[], fn: () => T): T {
  const ops = deps.map((d) => (d instanceof Operation ? d : d instanceof Tensor ? d.op : d.toTensor().op));
  const graph = ops[0]?.graph ?? getDefaultGraph();
  return graph.controlDependencies(ops, fn);
}

/** Records a device for ops created inside `fn` (placement hint, as tf.device). */
export function device<T>(name: string, fn: () => T): T {
  return getDefaultGraph().device(name, fn);
}

/** Sets the graph-level random seed of the default graph (TF's tf.set_random_seed). */
export function setRandomSeed(seed: number): void {
  getDefaultGraph().seed = seed;
}

export type { Graph as GraphType };
