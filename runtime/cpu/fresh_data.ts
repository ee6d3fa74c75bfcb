import { allocData } from '../../graph/ir/index.js';
import type { DataArray, DType } from '../../graph/ir/index.js';
import { uninitializedFloat32 } from '../../platform/uninitialized.js';

/** From this many elements a fresh float32 buffer skips zeroing: it would be fresh mmap pages. */
export const UNINITIALIZED_FROM = 1 << 15;

/**
 * A new buffer whose contents are undefined (as `Backend.alloc` promises, and as a pooled buffer's
 * are): for a caller that writes every element before anything reads one. A large float32 one is
 * not zeroed (see platform/uninitialized.ts); the rest come from allocData.
 */
export function freshData(dtype: DType, size: number): DataArray {
  return dtype === 'float32' && size >= UNINITIALIZED_FROM ? uninitializedFloat32(size) : allocData(dtype, size);
}
