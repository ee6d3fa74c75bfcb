import { DType, UnimplementedError } from '../../graph/ir/index.js';

/**
 * How tensor dtypes live in WGSL storage: float32 → f32, int32 → i32, bool → u32 holding 0 or 1
 * (WGSL's bool has no storage layout). int64 → i32: WGSL has no 64-bit integers, and the runtime
 * already holds int64 as int32 on the host (`graph/ir/dtype.ts`: values outside int32 range are
 * refused at the boundary), so the device computes exactly what the CPU computes.
 */
export type WgslScalar = 'f32' | 'i32' | 'u32';

export function wgslStorageType(d: DType): WgslScalar {
  switch (d) {
    case 'float32':
      return 'f32';
    case 'int32':
    case 'int64':
      return 'i32';
    case 'bool':
      return 'u32';
    default:
      throw new UnimplementedError(`WebGPU has no storage type for dtype ${d} (WGSL has no 64-bit integers and no strings)`);
  }
}

/** The dtypes a WebGPU buffer can hold. */
export function gpuDType(d: DType): boolean {
  return d === 'float32' || d === 'int32' || d === 'int64' || d === 'bool';
}

/** Every dtype is stored in 4-byte words on the device (bool included). */
export const GPU_WORD_BYTES = 4;
