import { ACTIVATION_KERNELS } from './activation.js';
import { ARRAY_KERNELS } from './array.js';
import { CONTROL_KERNELS } from './control.js';
import type { CpuKernelTable } from './kernel.js';
import { LEAVES_KERNELS } from './leaves.js';
import { LOSS_KERNELS } from './loss.js';
import { MATMUL_KERNELS } from './matmul.js';
import { NN_KERNELS } from './nn.js';
import { NORMALIZATION_KERNELS } from './normalization.js';
import { OPTIMIZER_KERNELS } from './optimizer.js';
import { RANDOM_KERNELS } from './random.js';
import { REDUCE_KERNELS } from './reduce.js';
import { RESOURCE_KERNELS } from './resource.js';
import { STATE_KERNELS } from './state.js';
import { SUMMARY_KERNELS } from './summary.js';
import { STRING_KERNELS } from './strings.js';
import { IO_KERNELS } from './io.js';
import { STITCH_KERNEL } from './stitch.js';

/**
 * The CPU backend's kernel for every routine an op can lower to, by family. Typed as a mapped type
 * over `RoutineName`: a routine without a kernel here (or an explicit `{ unsupported }`) is a
 * compile error. Elementwise ops need no entry: the backend renders their scalar expressions.
 */
export const CPU_KERNELS: CpuKernelTable = {
  ...ACTIVATION_KERNELS,
  ...ARRAY_KERNELS,
  ...CONTROL_KERNELS,
  ...LEAVES_KERNELS,
  ...LOSS_KERNELS,
  ...MATMUL_KERNELS,
  ...NN_KERNELS,
  ...NORMALIZATION_KERNELS,
  ...OPTIMIZER_KERNELS,
  ...RANDOM_KERNELS,
  ...REDUCE_KERNELS,
  ...STATE_KERNELS,
  ...RESOURCE_KERNELS,
  ...SUMMARY_KERNELS,
  ...STRING_KERNELS,
  ...IO_KERNELS,
  DynamicStitch: STITCH_KERNEL,
};
