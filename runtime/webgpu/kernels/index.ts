import { ARRAY_GPU_KERNELS } from './array.js';
import type { GpuKernelTable, Unsupported } from './kernel.js';
import { MATMUL_GPU_KERNELS } from './matmul.js';
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
  ...MATMUL_GPU_KERNELS,
  ...REDUCE_GPU_KERNELS,
  ...SOFTMAX_GPU_KERNELS,
  ...STATE_GPU_KERNELS,
  // shape arithmetic and summaries live on the host: their results are read there
  BroadcastGradientArgs: hostOnly('shape arithmetic runs on the host (its inputs and outputs are shapes)'),
  InvertPermutation: hostOnly('permutation arithmetic runs on the host'),
  Range: notYet('Range'),
  CheckNumerics: notYet('CheckNumerics (reads its input back to report the first NaN)'),
  HistogramSummary: hostOnly('summaries are built on the host'),
  ScalarSummary: hostOnly('summaries are built on the host'),
  MergeSummary: hostOnly('summaries are built on the host'),
  Placeholder: hostOnly('placeholders are fed on the host'),
  // not written yet (issue 13, item 4): convolutions, pooling, normalization, gathers, random ops
  AvgPool: notYet('AvgPool'),
  AvgPoolGrad: notYet('AvgPoolGrad'),
  MaxPool: notYet('MaxPool'),
  MaxPoolGrad: notYet('MaxPoolGrad'),
  MaxPoolGradGrad: notYet('MaxPoolGradGrad'),
  Conv2D: notYet('Conv2D'),
  Conv2DBackpropFilter: notYet('Conv2DBackpropFilter'),
  Conv2DBackpropInput: notYet('Conv2DBackpropInput'),
  DepthwiseConv2dNative: notYet('DepthwiseConv2dNative'),
  DepthwiseConv2dNativeBackpropFilter: notYet('DepthwiseConv2dNativeBackpropFilter'),
  DepthwiseConv2dNativeBackpropInput: notYet('DepthwiseConv2dNativeBackpropInput'),
  FusedBatchNormV3: notYet('FusedBatchNormV3'),
  FusedBatchNormGradV3: notYet('FusedBatchNormGradV3'),
  LRN: notYet('LRN'),
  LRNGrad: notYet('LRNGrad'),
  Cumsum: notYet('Cumsum'),
  Cumprod: notYet('Cumprod'),
  ConcatV2: notYet('ConcatV2'),
  Pack: notYet('Pack'),
  Unpack: notYet('Unpack'),
  Split: notYet('Split'),
  SplitV: notYet('SplitV'),
  Slice: notYet('Slice'),
  StridedSlice: notYet('StridedSlice'),
  StridedSliceGrad: notYet('StridedSliceGrad'),
  Pad: notYet('Pad'),
  PadV2: notYet('PadV2'),
  Tile: notYet('Tile'),
  GatherV2: notYet('GatherV2'),
  OneHot: notYet('OneHot'),
  UnsortedSegmentSum: notYet('UnsortedSegmentSum'),
  RandomStandardNormal: notYet('RandomStandardNormal (the counter-based generator in WGSL)'),
  RandomUniform: notYet('RandomUniform (the counter-based generator in WGSL)'),
  RandomUniformInt: notYet('RandomUniformInt (the counter-based generator in WGSL)'),
  TruncatedNormal: notYet('TruncatedNormal (the counter-based generator in WGSL)'),
};
