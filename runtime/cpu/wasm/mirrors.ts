import type { DataArray } from '../../../graph/ir/index.js';
import { wasmHeap } from './heap.js';

interface Mirror {
  readonly at: number;
  readonly token: object;
}

const seen = new WeakSet<DataArray>();
const mirrors = new WeakMap<DataArray, Mirror>();
// a mirror's block goes back to the arena once its array is garbage
const registry = new FinalizationRegistry<number>((at) => wasmHeap().arena?.free(at));
let made = 0;

/**
 * The byte offset of a copy in wasm memory of a read-only float32 operand that comes back run after
 * run — a dense layer's weights or a conv filter held by the plan (constants are copied into the
 * graph, feeds are snapshotted, variables are replaced rather than written) — or -1: no arena
 * (plain memory), the first sighting (a value seen once, like a feed or a new variable value, is
 * never copied twice), or no room. Arrays the CPU backend may write in place (pooled or in-place
 * outputs) are forgotten by `forgetMirror` before each such write.
 */
export function mirrorOf(x: Float32Array): number {
  const m = mirrors.get(x);
  if (m) return m.at;
  const heap = wasmHeap();
  if (!heap.arena || heap.offsetOf(x) >= 0) return -1;
  if (!seen.has(x)) {
    seen.add(x);
    return -1;
  }
  const at = heap.arena.alloc(x.byteLength, `a copy in wasm memory of ${x.length} floats`);
  if (at < 0) return -1;
  heap.f32().set(x, at / 4);
  const token = {};
  mirrors.set(x, { at, token });
  registry.register(x, at, token);
  made++;
  return at;
}

/** `x` is about to be written: a copy of its old values must not be read again. */
export function forgetMirror(x: DataArray): void {
  seen.delete(x);
  const m = mirrors.get(x);
  if (!m) return;
  mirrors.delete(x);
  registry.unregister(m.token);
  wasmHeap().arena?.free(m.at);
}

/** Mirrors made so far in this process (tests). */
export function mirrorsMade(): number {
  return made;
}
