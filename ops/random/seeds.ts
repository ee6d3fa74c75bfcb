import type { Graph } from '../../graph/ir/index.js';

const MAXINT32 = 2147483647;

/** TF's _truncate_seed: seeds live in [0, 2^31 - 1). */
const truncate = (s: number): number => ((Math.trunc(s) % MAXINT32) + MAXINT32) % MAXINT32;

/**
 * The (seed, seed2) attrs of a new random op: the graph's get_seed rules, then TF's truncation and
 * its rule that an explicit (0, 0) becomes (0, 2^31 - 1), since (0, 0) is reserved for "unseeded".
 */
export function opSeeds(graph: Graph, opSeed: number | undefined): [number, number] {
  const seeded = graph.seed !== null || (opSeed !== undefined && opSeed !== null);
  const [s1, s2] = graph.randomSeeds(opSeed);
  if (!seeded) return [0, 0];
  const seeds: [number, number] = [truncate(s1), truncate(s2)];
  return seeds[0] === 0 && seeds[1] === 0 ? [0, MAXINT32] : seeds;
}
