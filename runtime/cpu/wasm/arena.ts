import { InternalError } from '../../../graph/ir/index.js';

/** What the arena needs of the memory under it: grow to a byte size, and its most bytes. */
export interface ArenaMemory {
  ensure(bytes: number, what: string): void;
  readonly maxBytes: number;
}

/** Counters for tests and profiles: a steady state makes no fresh blocks and does not grow `topBytes`. */
export interface ArenaStats {
  /** Blocks carved from the top of the memory (the memory may have grown for them). */
  readonly freshBlocks: number;
  /** Blocks handed out again from a free list. */
  readonly reusedBlocks: number;
  readonly liveBlocks: number;
  readonly liveBytes: number;
  /** The first byte never handed out: everything the arena has ever used. */
  readonly topBytes: number;
}

/** Blocks start on 64-byte boundaries (a cache line; v128 loads of any block are aligned). */
const ALIGN = 64;
/** Up to this size a class is a power of two; above, an eighth of the next power (≤ 12.5% slack). */
const POW2_LIMIT = 1 << 16;

/**
 * The size class of a request in bytes: the same shapes in every run land in the same classes, so
 * the second run of a plan finds every block it needs on a free list.
 */
export function classBytes(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const pow = 2 ** Math.ceil(Math.log2(bytes));
  if (pow <= POW2_LIMIT) return pow;
  const step = pow / 8;
  return Math.ceil(bytes / step) * step;
}

/**
 * A size-classed block allocator over one WebAssembly memory: blocks are carved from the top, and a
 * freed block goes on its class's free list for the next request of that class (blocks are neither
 * split nor merged: a plan asks for the same sizes every run). Offsets are bytes. The memory only
 * grows, and only when no free block fits.
 */
export class HeapArena {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  // class bytes of each block now handed out, by offset
  private readonly live = new Map<number, number>();
  private fresh = 0;
  private reused = 0;
  private liveBytes = 0;

  constructor(
    private readonly memory: ArenaMemory,
    base = ALIGN,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** A block of at least `bytes`; -1 when it would not fit under the memory's maximum. */
  alloc(bytes: number, what: string): number {
    const size = classBytes(Math.max(bytes, 1));
    const list = this.freeLists.get(size);
    let at = list?.pop();
    if (at !== undefined) this.reused++;
    else {
      if (this.top + size > this.memory.maxBytes) return -1;
      this.memory.ensure(this.top + size, what);
      at = this.top;
      this.top += size;
      this.fresh++;
    }
    this.live.set(at, size);
    this.liveBytes += size;
    return at;
  }

  /** Returns a block to its free list; a block not handed out is a bug in the caller. */
  free(at: number): void {
    const size = this.live.get(at);
    if (size === undefined) throw new InternalError(`wasm arena: no block handed out at byte ${at}`);
    this.live.delete(at);
    this.liveBytes -= size;
    const list = this.freeLists.get(size);
    if (list) list.push(at);
    else this.freeLists.set(size, [at]);
  }

  /** Bytes of the block at `at` (its class), or -1 when none is handed out there. */
  blockBytes(at: number): number {
    return this.live.get(at) ?? -1;
  }

  stats(): ArenaStats {
    return { freshBlocks: this.fresh, reusedBlocks: this.reused, liveBlocks: this.live.size, liveBytes: this.liveBytes, topBytes: this.top };
  }
}
