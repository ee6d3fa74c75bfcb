import { ARRAY_GPU_KERNELS } from './array.js';
import { ARRAY_INDEX_GPU_KERNELS } from './array_index.js';
import { CONV_GPU_KERNELS } from './conv.js';
import { RANDOM_GPU_KERNELS } from './random.js';
import type { GpuKernelTable, Unsupported } from './kernel.js';
import { MATMUL_GPU_KERNELS } from './matmul.js';
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
  ...NORMALIZATION_GPU_KERNELS,
  ...REDUCE_GPU_KERNELS,
  ...SOFTMAX_GPU_KERNELS,
  ...STATE_GPU_KERNELS,
  // summaries live on the host: their results are read there
  InvertPermutation: hostOnly('permutation arithmetic runs on the host (its input is read there)'),
  CheckNumerics: notYet('CheckNumerics (reads its input back to report the first NaN)'),
  HistogramSummary: hostOnly('summaries are built on the host'),
  ScalarSummary: hostOnly('summaries are built on the host'),
  MergeSummary: hostOnly('summaries are built on the host'),
  Placeholder: hostOnly('placeholders are fed on the host'),
  // not written yet (issue 13, item 4)
  LRN: notYet('LRN'),
  LRNGrad: notYet('LRNGrad'),
};
