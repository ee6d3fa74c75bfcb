import type { KernelContext } from '../../ops/op_def.js';
import type { StreamKey } from './sampling.js';

/** FNV-1a of a string, so unseeded ops in one session draw different streams. */
function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The Philox key of one run of a random op: (seed, seed2) when seeded; else a per-session random
 * word and the op's name, so unseeded results differ between sessions, as in TF.
 */
export function streamKey(attrs: { seed: number; seed2: number }, ctx: KernelContext): StreamKey {
  if (attrs.seed === 0 && attrs.seed2 === 0) return { k0: ctx.sessionSeed >>> 0, k1: hashName(ctx.opName), run: ctx.runCounter };
  return { k0: attrs.seed >>> 0, k1: attrs.seed2 >>> 0, run: ctx.runCounter };
}
