import { InternalError, NDArray } from '../../graph/ir/index.js';
import type { DType } from '../../graph/ir/index.js';
import type { PipelineSpec } from './gpu_context.js';
import type { GpuBufferHandle } from './gpu_globals.js';
import { gpuTensor, GpuTensor } from './gpu_tensor.js';
import type { KernelDevice, Launch } from './kernel_device.js';

/**
 * Stands in for every buffer of a recording. It never reaches the device: the recorder binds and
 * launches nothing, it only keeps the launches' keys and sources.
 */
const NO_BUFFER = Object.freeze({ label: 'pipeline recorder (no device memory)' }) as unknown as GpuBufferHandle;

/**
 * A KernelDevice that runs no kernel: kernels called on it with a plan's static types state the
 * pipelines (key and WGSL source) they would launch, which the backend then builds ahead of the
 * first run. Tensors it hands out have types but no memory; uploads keep their host value, so a
 * kernel that looks at an uploaded constant sees it.
 */
export class PipelineRecorder implements KernelDevice {
  private readonly specs = new Map<string, PipelineSpec>();

  /** The distinct pipelines launched so far, in first-launch order. */
  get pipelines(): readonly PipelineSpec[] {
    return [...this.specs.values()];
  }

  alloc(dtype: DType, shape: readonly number[]): GpuTensor {
    return gpuTensor(dtype, shape, NO_BUFFER);
  }

  release(): void {}

  upload(x: NDArray): GpuTensor {
    const t = gpuTensor(x.dtype, x.shape, NO_BUFFER);
    t.hostCopy = x;
    return t;
  }

  read(): Promise<NDArray> {
    return Promise.reject(new InternalError('The pipeline recorder holds no values: a kernel that reads back cannot be recorded'));
  }

  copy(): void {}

  launch(l: Launch): void {
    // as GpuContext.launch: an empty launch builds no pipeline
    if (l.workgroups <= 0 || this.specs.has(l.key)) return;
    this.specs.set(l.key, { key: l.key, source: l.source });
  }
}
