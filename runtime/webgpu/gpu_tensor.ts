import type { DType, NDArray } from '../../graph/ir/index.js';
import type { DeviceBuffer } from '../backend.js';
import type { GpuBufferHandle } from './gpu_globals.js';

/**
 * A value on the WebGPU device: its type, its element count, and the storage buffer holding it
 * (4-byte words for every dtype; the buffer may be larger, from the pool's size class).
 * `owner` says who frees it: a run's pool ('run'), the session's variable store or constant cache.
 */
export interface GpuTensor extends DeviceBuffer {
  readonly buffer: GpuBufferHandle;
  readonly size: number;
  owner: 'run' | 'variable' | 'constant';
  /**
   * The host value a small tensor was uploaded from (shapes, axes, scalars). Device tensors are
   * never written after they are made, so reading this one back needs no trip to the device: a
   * shape computed on the device side and read as a host-memory input costs no sync.
   */
  hostCopy?: NDArray;
}

export function gpuTensor(dtype: DType, shape: readonly number[], buffer: GpuBufferHandle): GpuTensor {
  let size = 1;
  for (const d of shape) size *= d;
  return { dtype, shape: [...shape], buffer, size, owner: 'run' };
}
