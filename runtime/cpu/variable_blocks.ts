import type { DataArray, NDArray } from '../../graph/ir/index.js';
import type { HeapArena } from './wasm/arena.js';
import { wasmHeap } from './wasm/heap.js';
import type { WasmHeap } from './wasm/heap.js';

interface Block {
  readonly at: number;
  readonly token: object;
}

/**
 * Arena blocks that hold variables' float32 values: the optimizer updates write a variable's new
 * value (and its slots') into one, so the next step's kernels read the weights where they lie and
 * the next update reads them without copying in. A value is still replaced, never written in place
 * (the old value stays intact for the steps of the run that read it, and a failed run leaves it the
 * variable's value), so a block is only ever read once made.
 *
 * A block is not run-scoped: it lives as long as some variable holds its value. The session hands
 * back the values that left its variable store in a run (`retire`, after the run: nothing of the run
 * reads them any more, and fetches that shared one were copied), and a block goes back to the arena
 * unless another variable still holds it (`Assign(v2, v1)` shares a value). Values that leave the
 * store outside a run (a closed session, a restore) are never handed back: their blocks go when the
 * view is garbage, through a finalization registry, as mirrors' do.
 */
export class VariableBlocks {
  private readonly blocks = new WeakMap<DataArray, Block>();
  private readonly registry: FinalizationRegistry<number>;
  private made = 0;
  private live = 0;

  constructor(
    private readonly heap: WasmHeap,
    private readonly arena: HeapArena,
  ) {
    this.registry = new FinalizationRegistry<number>((at) => {
      this.live--;
      arena.free(at);
    });
  }

  /** A view on a fresh block for a variable's value of `size` floats, or null (no room: past 2 GiB). */
  alloc(size: number): Float32Array | null {
    if (size === 0) return null;
    const at = this.arena.alloc(size * 4, `a variable's value of ${size} floats`);
    if (at < 0) return null;
    const view = this.heap.view32(Float32Array, at, size);
    const token = {};
    this.blocks.set(view, { at, token });
    this.registry.register(view, at, token);
    this.made++;
    this.live++;
    return view;
  }

  holds(data: DataArray): boolean {
    return this.blocks.has(data);
  }

  /**
   * `values` left the variable store during a run (replaced, deleted, or written by a run that
   * failed) and the run is over: their blocks go back to the arena, except those whose storage is
   * in `kept` (values some variable still holds).
   */
  retire(values: Iterable<NDArray>, kept: ReadonlySet<object>): void {
    for (const v of values) {
      if (v.dtype === 'string') continue;
      const b = this.blocks.get(v.data);
      if (!b || kept.has(v.storage)) continue;
      this.blocks.delete(v.data);
      this.registry.unregister(b.token);
      this.arena.free(b.at);
      this.live--;
    }
  }

  /** Blocks made so far and blocks held now (tests: a steady state makes none and holds a fixed number). */
  stats(): { made: number; live: number } {
    return { made: this.made, live: this.live };
  }
}

let shared: VariableBlocks | null | undefined;

/** The process's variable blocks (one heap, one arena), or null where the heap has no arena. */
export function variableBlocks(): VariableBlocks | null {
  if (shared === undefined) {
    const heap = wasmHeap();
    shared = heap.arena ? new VariableBlocks(heap, heap.arena) : null;
  }
  return shared;
}

let current: VariableBlocks | null = null;

/**
 * Where the kernel now running may put a variable's new value: set by a CPU backend whose buffers
 * live in wasm memory around each dispatch; null (JS arrays) otherwise.
 */
export function variableBlocksNow(): VariableBlocks | null {
  return current;
}

/** Runs a synchronous kernel call with `blocks` as the place for new variable values. */
export function withVariableBlocks<T>(blocks: VariableBlocks | null, fn: () => T): T {
  const before = current;
  current = blocks;
  try {
    return fn();
  } finally {
    current = before;
  }
}
