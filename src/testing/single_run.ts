import { Graph, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
import type { OptimizerOptions } from '../../graph/passes/manager.js';
import { RunMetadata } from '../run_metadata.js';
import { Session } from '../session.js';
import { compareValues, Tolerance } from './differential.js';

/**
 * A differential case in its simplest protocol: initialise, then fetch once. Shrinking and model
 * files use it (the random graphs' training protocol is in differential.ts).
 */
export interface SingleRunCase {
  readonly graph: Graph;
  readonly fetches: readonly Tensor[];
  readonly feeds: ReadonlyMap<Tensor, NDArray>;
  /** Ops run once before the fetch (variable initialisers). */
  readonly init: readonly Operation[];
}

export type SingleRunOutcome = { readonly values: readonly NDArray[]; readonly kernels: number; readonly millis: number } | { readonly error: string };

export async function runSingle(c: SingleRunCase, optimizer: OptimizerOptions, backend?: 'cpu' | 'webgpu'): Promise<SingleRunOutcome> {
  const s = new Session({ graph: c.graph, optimizer, backend, debug: { verifyPasses: true } });
  try {
    if (c.init.length > 0) await s.run([...c.init]);
    const t0 = performance.now();
    const metadata = new RunMetadata();
    const values = (await s.run([...c.fetches], new Map(c.feeds), { runMetadata: metadata })) as NDArray[];
    const millis = performance.now() - t0;
    const kernels = metadata.stepStats[0]?.nodeStats.length ?? 0;
    return { values, kernels, millis };
  } catch (e) {
    return { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  } finally {
    s.close();
  }
}

/** Null when both settings agree on the case (the same error class, or values within tolerance). */
export function compareSingle(c: SingleRunCase, a: SingleRunOutcome, b: SingleRunOutcome, tol: Tolerance = {}): string | null {
  if ('error' in a || 'error' in b) {
    const x = 'error' in a ? a.error.split(':')[0] : 'values';
    const y = 'error' in b ? b.error.split(':')[0] : 'values';
    if (x === y) return null;
    return `without the pass: ${'error' in a ? a.error : 'values'}; with it: ${'error' in b ? b.error : 'values'}`;
  }
  return compareValues(c.fetches.map((t) => t.name), a.values, b.values, tol);
}
