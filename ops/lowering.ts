import type { AttrMap } from '../graph/ir/index.js';
import type { ScalarExpr } from './elementwise/scalar_expr.js';
import type { OpDef } from './op_def.js';

/**
 * The named routines ops lower to when they are not elementwise: one per op type that needs its own
 * kernel (gemm, conv2d and its backprops, pooling, reductions, gather/scatter, ...). The routine's
 * parameters are the op's typed attrs plus the resolved output types. Each backend's kernel table
 * is a mapped type over this list, so a routine without a kernel (or an explicit `unsupported`)
 * does not compile.
 */
export const ROUTINES = [
  'AddN', 'ApplyAdadelta', 'ApplyAdagrad', 'ApplyAdam', 'ApplyFtrl', 'ApplyFtrlV2', 'ApplyGradientDescent',
  'ApplyMomentum', 'ApplyRMSProp',
  'ArgMax', 'ArgMin', 'Assign', 'AssignAdd', 'AssignAddVariableOp', 'AssignSub', 'AssignSubVariableOp',
  'AssignVariableOp', 'AvgPool', 'AvgPoolGrad',
  'BatchMatMulV2', 'BiasAdd', 'BiasAddGrad', 'BroadcastGradientArgs', 'CheckNumerics', 'ConcatV2',
  'Const', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Cumprod', 'Cumsum',
  'DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropFilter', 'DestroyResourceOp',
  'DepthwiseConv2dNativeBackpropInput', 'DynamicStitch', 'Enter', 'Exit', 'ExpandDims', 'Fill', 'FusedBatchNormGradV3',
  'FusedBatchNormV3', 'GatherV2', 'HistogramSummary', 'Identity', 'InTopKV2', 'InvertPermutation', 'L2Loss',
  'LRN', 'LRNGrad', 'LogSoftmax', 'LoopCond', 'MatMul', 'Max', 'MaxPool', 'MaxPoolGrad', 'MaxPoolGradGrad',
  'Mean', 'Merge', 'MergeSummary', 'MergeV2Checkpoints', 'Min', 'NextIteration', 'NoOp', 'OneHot', 'OnesLike', 'Pack', 'Pad', 'PadV2',
  'Placeholder', 'PlaceholderWithDefault', 'Prod', 'RandomStandardNormal', 'RandomUniform',
  'RandomUniformInt', 'Range', 'Rank', 'ReadVariableOp', 'Reshape', 'Restore', 'RestoreV2', 'ResourceApplyAdadelta', 'ResourceApplyAdagrad', 'ResourceApplyAdam',
  'ResourceApplyFtrl', 'ResourceApplyFtrlV2', 'ResourceApplyGradientDescent', 'ResourceApplyMomentum', 'ResourceApplyRMSProp', 'ResourceGather', 'SaveV2', 'ScalarSummary', 'Shape', 'ShardedFilename', 'ShardedFilespec', 'Size', 'Slice',
  'Softmax', 'SoftmaxCrossEntropyWithLogits', 'SparseSoftmaxCrossEntropyWithLogits', 'Split',
  'SplitV', 'Squeeze', 'StackV2', 'StopGradient', 'StridedSlice', 'StridedSliceGrad', 'StringJoin', 'Sum', 'Switch', 'Tile',
  'TopKV2', 'Transpose', 'TruncatedNormal', 'Unpack', 'UnsortedSegmentSum', 'VarHandleOp', 'VarIsInitializedOp', 'VariableV2', 'ZerosLike',
] as const;

export type RoutineName = (typeof ROUTINES)[number];

/** A member of a grouped update node: its def, attrs, name, and where its inputs/outputs start. */
export interface GroupMember {
  readonly def: OpDef;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly inputStart: number;
  readonly inputCount: number;
  readonly outputStart: number;
  readonly outputCount: number;
}

/**
 * How an op runs, as every backend reads it:
 * - `elementwise`: a scalar expression over the inputs, which each backend renders (JS loops,
 *   WGSL) and fusion composes;
 * - `routine`: a named routine from `ROUTINES` with the op's attrs as parameters;
 * - `epilogue`: a routine (MatMul, Conv2D) whose single output an elementwise expression rewrites
 *   in the same dispatch (arg 0 is the routine's output, args 1.. the inputs after `arity`);
 * - `elementwise-reduce`: an elementwise expression folded into a full reduction without storing it;
 * - `grouped`: several ops' routines run as one dispatch (optimizer updates of one step);
 * - `none`: never dispatched (a feed's node: its slot is filled from the run's feeds).
 * The last three are built only by the compiler's fusion passes.
 */
export type Lowering<A extends AttrMap> =
  | { readonly kind: 'elementwise'; readonly expr: (attrs: A) => ScalarExpr }
  | { readonly kind: 'routine'; readonly routine: RoutineName }
  | { readonly kind: 'epilogue'; readonly routine: 'MatMul' | 'Conv2D'; readonly arity: number; readonly epilogue: ScalarExpr }
  | { readonly kind: 'elementwise-reduce'; readonly expr: ScalarExpr; readonly reduction: 'sum' | 'mean' | 'max' | 'min' }
  | { readonly kind: 'grouped'; readonly members: readonly GroupMember[] }
  | { readonly kind: 'none'; readonly reason: string };

export type LoweringKind = Lowering<AttrMap>['kind'];

/** The scalar expression of an elementwise op node, or null: what fusion and memory planning ask. */
export function elementwiseExpr(def: { readonly lowering: Lowering<AttrMap> }, attrs: AttrMap): ScalarExpr | null {
  return def.lowering.kind === 'elementwise' ? def.lowering.expr(attrs) : null;
}
