import { ARRAY_GPU_KERNELS } from './array.js';
import { ARRAY_INDEX_GPU_KERNELS } from './array_index.js';
import { CHECK_NUMERICS_GPU_KERNEL } from './check_numerics.js';
import { DYNAMIC_STITCH_GPU_KERNEL } from './dynamic_stitch.js';
import { CONV_GPU_KERNELS } from './conv.js';
import { RANDOM_GPU_KERNELS } from './random.js';
import type { GpuKernelTable, Unsupported } from './kernel.js';
import { MATMUL_GPU_KERNELS } from './matmul.js';
import { NN_EXTRA_GPU_KERNELS } from './nn_extra.js';
import { NORMALIZATION_GPU_KERNELS } from './normalization.js';
import { REDUCE_GPU_KERNELS } from './reduce.js';
import { SOFTMAX_GPU_KERNELS } from './softmax.js';
import { STATE_GPU_KERNELS } from './state.js';

const notYet = (what: string): Unsupported => ({ unsupported: `no WebGPU kernel for ${what} yet; with allowSoftPlacement it runs on the CPU` });
const hostOnly = (why: string): Unsupported => ({ unsupported: why });

/**
 * The WebGPU backend's entry for every routine, typed over `RoutineName`: a routine added to
 * ROUTINES without an entry here does not compile. An `unsupported` entry is refused at plan time;
 * with `allowSoftPlacement` the op runs on the CPU and `sess.lastPlacement` says so.
 */
export const WEBGPU_KERNELS: GpuKernelTable = {
  ...ARRAY_GPU_KERNELS,
  ...ARRAY_INDEX_GPU_KERNELS,
  ...CONV_GPU_KERNELS,
  ...RANDOM_GPU_KERNELS,
  ...MATMUL_GPU_KERNELS,
  ...NN_EXTRA_GPU_KERNELS,
  ...NORMALIZATION_GPU_KERNELS,
  ...REDUCE_GPU_KERNELS,
  ...SOFTMAX_GPU_KERNELS,
  ...STATE_GPU_KERNELS,
  // summaries live on the host: their results are read there
  InvertPermutation: hostOnly('permutation arithmetic runs on the host (its input is read there)'),
  CheckNumerics: CHECK_NUMERICS_GPU_KERNEL,
  HistogramSummary: hostOnly('summaries are built on the host'),
  ScalarSummary: hostOnly('summaries are built on the host'),
  MergeSummary: hostOnly('summaries are built on the host'),
  Placeholder: hostOnly('placeholders are fed on the host'),
  // strings live in host memory (placement puts these on the CPU whatever the device)
  StringJoin: hostOnly('strings live in host memory'),
  ShardedFilename: hostOnly('strings live in host memory'),
  ShardedFilespec: hostOnly('strings live in host memory'),
  SaveV2: hostOnly('checkpoint files are written on the host'),
  RestoreV2: hostOnly('checkpoint files are read on the host'),
  Restore: hostOnly('checkpoint files are read on the host'),
  MergeV2Checkpoints: hostOnly('checkpoint files are written on the host'),
  // TF1 control flow is scheduled by the host's dataflow executor (runtime/control_flow/), which
  // holds host values only
  Switch: notYet('Switch (control flow runs on the host executor)'),
  Merge: notYet('Merge (control flow runs on the host executor)'),
  Enter: notYet('Enter (control flow runs on the host executor)'),
  Exit: notYet('Exit (control flow runs on the host executor)'),
  NextIteration: notYet('NextIteration (control flow runs on the host executor)'),
  LoopCond: notYet('LoopCond (control flow runs on the host executor)'),
  StackV2: notYet('the while-loop gradient stacks (control flow runs on the host executor)'),
  // resource variables live in the session's host store for now
  VarHandleOp: notYet('VarHandleOp (resource variables)'),
  ReadVariableOp: notYet('ReadVariableOp (resource variables)'),
  AssignVariableOp: notYet('AssignVariableOp (resource variables)'),
  AssignAddVariableOp: notYet('AssignAddVariableOp (resource variables)'),
  AssignSubVariableOp: notYet('AssignSubVariableOp (resource variables)'),
  VarIsInitializedOp: notYet('VarIsInitializedOp (resource variables)'),
  DestroyResourceOp: notYet('DestroyResourceOp (resource variables)'),
  ResourceGather: notYet('ResourceGather (resource variables)'),
  ResourceApplyGradientDescent: notYet('ResourceApplyGradientDescent (resource variables)'),
  ResourceApplyMomentum: notYet('ResourceApplyMomentum (resource variables)'),
  ResourceApplyAdagrad: notYet('ResourceApplyAdagrad (resource variables)'),
  ResourceApplyRMSProp: notYet('ResourceApplyRMSProp (resource variables)'),
  ResourceApplyAdam: notYet('ResourceApplyAdam (resource variables)'),
  ResourceApplyAdadelta: notYet('ResourceApplyAdadelta (resource variables)'),
  ResourceApplyFtrl: notYet('ResourceApplyFtrl (resource variables)'),
  ResourceApplyFtrlV2: notYet('ResourceApplyFtrlV2 (resource variables)'),
  DynamicStitch: DYNAMIC_STITCH_GPU_KERNEL,
};
