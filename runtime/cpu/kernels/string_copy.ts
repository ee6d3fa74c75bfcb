import type { StringData } from '../../../graph/ir/index.js';

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
