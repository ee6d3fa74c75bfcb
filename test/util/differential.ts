import * as tg from '../../src/index.js';
import { knownPassNames } from '../../graph/passes/manager.js';
import type { RandomGraph } from './random_graph.js';

/**
 * Differential checks of the compiler: run one random graph under two optimizer settings and
 * compare every fetched value. Independent of mocha; a disagreement comes back as text with a
 * reproducer.
 */

export interface PipelineConfig {
  readonly name: string;
  readonly optimizer: tg.OptimizerOptions;
}

/** Every pass off: the reference every other setting must agree with. */
export const REFERENCE: PipelineConfig = { name: 'all passes off', optimizer: { disable: ['all'] } };
export const DEFAULT: PipelineConfig = { name: 'default pipeline', optimizer: {} };

/** The pass names a user may disable or select (the pipeline's, and 'memory'), each once. */
export function passNames(): string[] {
  return [...new Set(knownPassNames())];
}

/** Each pass alone and each pass disabled. */
export function singlePassConfigs(): PipelineConfig[] {
  const names = passNames();
  return [
    ...names.map((p) => ({ name: `only ${p}`, optimizer: { only: [p] } })),
    ...names.map((p) => ({ name: `all but ${p}`, optimizer: { disable: [p] } })),
  ];
}

/** A random subset of the passes, drawn with `r`. */
export function randomSubsetConfig(r: () => number): PipelineConfig {
  const names = passNames();
  let only = names.filter(() => r() < 0.5);
  if (only.length === 0) only = [names[Math.floor(r() * names.length)]];
  return { name: `only ${only.join(',')}`, optimizer: { only } };
}

/** What one setting gave: the values fetched (forward, gradients, and after training), or the error. */
export type Outcome = { readonly values: readonly tg.NDArray[]; readonly changedBy: ReadonlySet<string> } | { readonly error: string };

/** The passes that changed the program (removed, added, rewrote or fused something). */
function passesThatChanged(report: tg.OptimizeReport | null, into: Set<string>): void {
  for (const p of report?.passes ?? []) if (p.removed || p.added || p.rewritten || p.fused.length) into.add(p.pass);
  if (report?.memory && (report.memory.reusedBuffers || report.memory.inPlaceSteps)) into.add('memory');
}

/** Runs the graph's protocol: initialise, fetch, then (when drawn) two training steps and fetch again with the variables. */
export async function runGraph(g: RandomGraph, config: PipelineConfig): Promise<Outcome> {
  const s = new tg.Session({ graph: g.graph, optimizer: config.optimizer, debug: { verifyPasses: true } });
  try {
    const changedBy = new Set<string>();
    if (g.init) await s.run(g.init);
    const feeds = new Map(g.feeds);
    const values = [...((await s.run([...g.fetches], feeds)) as tg.NDArray[])];
    passesThatChanged(s.lastOptimizeReport, changedBy);
    if (g.train) {
      await s.run(g.train, feeds);
      passesThatChanged(s.lastOptimizeReport, changedBy);
      await s.run(g.train, feeds);
      values.push(...((await s.run([...g.fetches, ...g.variables.map((v) => v.value())], feeds)) as tg.NDArray[]));
    }
    return { values, changedBy };
  } catch (e) {
    return { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  } finally {
    s.close();
  }
}

export interface Tolerance {
  /** Relative to the larger of 1 and the reference tensor's largest magnitude (default 1e-5). */
  readonly rtol?: number;
}

/** Names of the values runGraph returns, in order. */
export function outcomeNames(g: RandomGraph): string[] {
  const names = [...g.fetchNames];
  if (g.train) names.push(...g.fetchNames.map((n) => `${n} after training`), ...g.variables.map((_v, i) => `v${i} after training`));
  return names;
}

/**
 * Null when `got` agrees with `ref`: the same error class, or the same shapes, NaN where NaN,
 * equal infinities, and finite values within float32 reassociation error of the tensor's scale.
 */
export function compareOutcomes(g: RandomGraph, ref: Outcome, got: Outcome, tol: Tolerance = {}): string | null {
  if ('error' in ref || 'error' in got) {
    const a = 'error' in ref ? ref.error.split(':')[0] : 'values';
    const b = 'error' in got ? got.error.split(':')[0] : 'values';
    if (a === b) return null;
    return `reference gave ${'error' in ref ? ref.error : 'values'}; this gave ${'error' in got ? got.error : 'values'}`;
  }
  const names = outcomeNames(g);
  const rtol = tol.rtol ?? 1e-5;
  for (let k = 0; k < ref.values.length; k++) {
    const a = ref.values[k];
    const b = got.values[k];
    const what = names[k] ?? `value ${k}`;
    if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return `${what}: reference ${a.dtype}[${a.shape}], got ${b.dtype}[${b.shape}]`;
    let scale = 1;
    for (const x of a.data) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < a.data.length; i++) {
      const x = a.data[i];
      const y = b.data[i];
      const ok = Number.isNaN(x) ? Number.isNaN(y) : Number.isFinite(x) ? Math.abs(x - y) <= rtol * scale : x === y;
      if (!ok) return `${what}[${i}]: reference ${x}, got ${y} (shape [${a.shape}])`;
    }
  }
  return null;
}

/** Text that rebuilds a failing case: the seed and setting, and the graph as built. */
export function reproducer(g: RandomGraph, config: PipelineConfig, problem: string): string {
  return [
    `compiler disagreement: seed ${g.seed}, setting '${config.name}' ${JSON.stringify(config.optimizer)}`,
    `  ${problem}`,
    `  rerun: TG_FUZZ_SEED=${g.seed} TG_FUZZ_GRAPHS=1${g.options.maxOps ? ` TG_FUZZ_MAX_OPS=${g.options.maxOps}` : ''}${g.options.maxDim ? ` TG_FUZZ_MAX_DIM=${g.options.maxDim}` : ''} npm run fuzz:compiler`,
    '  graph:',
    ...g.listing.map((l) => `    ${l}`),
  ].join('\n');
}
