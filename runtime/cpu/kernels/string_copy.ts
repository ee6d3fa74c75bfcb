import { NDArray, type StringData } from '../../../graph/ir/index.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';

/** concatChunks for string element lists: for each of `outer` rows, each source's chunk in turn. */
export function concatStringChunks(srcs: readonly StringData[], chunks: readonly number[], outer: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < srcs.length; k++) {
      const c = chunks[k];
      for (let i = 0; i < c; i++) out.push(srcs[k][r * c + i]);
    }
  }
  return out;
}

/**
 * A data-movement op (Tile, ConcatV2, GatherV2, Slice) on strings, as its numeric kernel over
 * element positions: each input becomes an int32 array of the positions of its strings in one
 * list (input 0's first), the numeric kernel moves those into an output of the same shape, and
 * each moved position picks its string. One kernel thus serves both, indexing and error checks
 * included. The byte arrays are shared, not copied: string elements are never written in place.
 */
export function moveStrings(inputs: readonly NDArray[], out: ResolvedOutput, move: (positions: NDArray[], out: ResolvedOutput) => NDArray): NDArray {
  const all: Uint8Array[] = [];
  const positions = inputs.map((x) => {
    const base = all.length;
    for (const s of x.bytes) all.push(s);
    return new NDArray('int32', x.shape, Int32Array.from({ length: x.size }, (_, i) => base + i));
  });
  const moved = move(positions, { ...out, dtype: 'int32' }).data;
  return new NDArray('string', out.shape, Array.from(moved, (p) => all[p]));
}
