import { ARRAY_GPU_KERNELS } from './array.js';
import { ARRAY_INDEX_GPU_KERNELS } from './array_index.js';
import { CHECK_NUMERICS_GPU_KERNEL } from './check_numerics.js';
import { CONTROL_FLOW_GPU_KERNELS } from './control_flow.js';
import { DYNAMIC_STITCH_GPU_KERNEL } from './dynamic_stitch.js';
import { CONV_GPU_KERNELS } from './conv.js';
import { RANDOM_GPU_KERNELS } from './random.js';
import type { GpuKernelTable, Unsupported } from './kernel.js';
import { MATMUL_GPU_KERNELS } from './matmul.js';
import { NN_EXTRA_GPU_KERNELS } from './nn_extra.js';
import { NORMALIZATION_GPU_KERNELS } from './normalization.js';
import { REDUCE_GPU_KERNELS } from './reduce.js';
import { RESOURCE_GPU_KERNELS } from './resource.js';
import { SOFTMAX_GPU_KERNELS } from './softmax.js';
import { STATE_GPU_KERNELS } from './state.js';

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
  // TF1 control flow: the control-flow executor moves device buffers (kernels/control_flow.ts)
  ...CONTROL_FLOW_GPU_KERNELS,
  // resource variables live in the device's resident store (kernels/resource.ts)
  ...RESOURCE_GPU_KERNELS,
  DynamicStitch: DYNAMIC_STITCH_GPU_KERNEL,
};
