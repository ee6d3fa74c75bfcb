import type { DType, NDArray } from '../../graph/ir/index.js';
import type { GpuTensor } from './gpu_tensor.js';

/** One compute launch: a cached pipeline, its storage bindings in order, u32 parameter words. */
export interface Launch {
  /** The pipeline cache key: identifies the generated source completely. */
  readonly key: string;
  /** Builds the WGSL source (called once per key). */
  readonly source: () => string;
  readonly inputs: readonly GpuTensor[];
  readonly outputs: readonly GpuTensor[];
  /** u32 words the shader reads as `P(i)` (a uniform array): sizes, strides, bit-cast floats. */
  readonly params?: readonly number[];
  /** Workgroups to launch; spread over x and y when over the per-dimension limit. */
  readonly workgroups: number;
}

/**
 * What a WebGPU kernel may do with its device: the run's GpuContext implements it, and so does the
 * PipelineRecorder, which runs a kernel on a plan's static types to learn its pipelines before the
 * first run (the same kernel code states the keys, so they cannot drift from the launch's).
 */
export interface KernelDevice {
  alloc(dtype: DType, shape: readonly number[], what: string): GpuTensor;
  release(t: GpuTensor): void;
  upload(x: NDArray, what: string): GpuTensor;
  read(t: GpuTensor): Promise<NDArray>;
  copy(src: GpuTensor, dst: GpuTensor, words: number): void;
  launch(l: Launch): void;
}
