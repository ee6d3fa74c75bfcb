import { NDArray } from '../../graph/ir/index.js';
import type { StagedFeed } from '../backend.js';
import type { WasmHeap } from './wasm/heap.js';

/**
 * Below this many elements a feed is snapshotted as a plain JS copy: the copy is then cheaper than
 * an arena block, and a kernel copying a small operand into the heap costs next to nothing.
 */
export const MIN_STAGED_ELEMENTS = 1024;

/**
 * A feed's snapshot made straight into a block of the wasm heap, so that one copy serves as both
 * the snapshot the run needs (the caller may change its array once `run` has returned) and the
 * operand the wasm kernels read in place (they would otherwise copy a JS array into scratch at
 * every use). The block is the run's: `release` returns it to the arena once the run is over, and
 * the session makes sure nothing outlives it there (a fetch or a variable that shares it is
 * copied first, see Session.runNow).
 */
export function stageInHeap(heap: WasmHeap, value: NDArray): StagedFeed | null {
  const data = value.data;
  if (!(data instanceof Float32Array || data instanceof Int32Array) || data.length < MIN_STAGED_ELEMENTS) return null;
  const arena = heap.arena;
  if (!arena) return null;
  const at = arena.alloc(data.byteLength, `a fed ${value.dtype} array of ${data.length} elements`);
  if (at < 0) return null;
  const view = data instanceof Float32Array ? heap.view32(Float32Array, at, data.length) : heap.view32(Int32Array, at, data.length);
  view.set(data);
  let held = true;
  return {
    value: new NDArray(value.dtype, value.shape, view),
    release: () => {
      if (!held) return;
      held = false;
      arena.free(at);
    },
  };
}
