import type { OptimizerOptions } from '../../graph/passes/manager.js';
import type { Pass } from '../../graph/passes/pass.js';
import { PIPELINE } from '../../graph/passes/pipeline.js';
import { Session } from '../session.js';
import { compareOutcomes, Outcome, runGraph } from './differential.js';
import { loadModelCase, ModelInput } from './model_case.js';
import { randomGraph, RandomGraph } from './random_graph.js';
import type { OpFamily } from './random_graph_steps.js';
import { Reproducer, shrink } from './shrink.js';
import { compareSingle, runSingle, SingleRunCase } from './single_run.js';

/**
 * tg.testing.checkPass: evidence that a pass preserves behaviour. Each random graph (and each
 * model file) runs under two pairs of settings: the pipeline plus the pass against the pipeline
 * without it, and the pass alone against every pass off (the pipeline can hide a bug by fusing
 * away what the pass would break). A disagreement comes back with a reproducer shrunk to the
 * fewest nodes that still disagree.
 */

export interface CheckPassOptions {
  /** Random graphs to try (default 200). */
  readonly graphs?: number;
  /** First seed (default 1); graph k uses seed + k. */
  readonly seed?: number;
  /** Model files: paths (Node; .pb, .pbtxt, .meta, .onnx), GraphDef or MetaGraphDef bytes, GraphDefs, `{ onnx: bytes }`. */
  readonly models?: readonly ModelInput[];
  /** Fetch the gradients of each random graph's loss too (default true). */
  readonly gradients?: boolean;
  /** Largest number of ops drawn per random graph (default 12). */
  readonly maxOps?: number;
  /** Draw only ops of these families (default all): aim the graphs at what the pass rewrites. */
  readonly ops?: readonly OpFamily[];
  /** Stop after this many disagreements (default 5): each is shrunk, which takes a while. */
  readonly maxDisagreements?: number;
  /** Relative tolerance of the comparison (default 1e-5 of each tensor's scale). */
  readonly rtol?: number;
  /** Backends to run on (default ['cpu']); one that cannot start is an error, never a silent pass. */
  readonly backends?: readonly ('cpu' | 'webgpu')[];
}

export interface Disagreement {
  /** Which graph, which pair of settings and what differed first. */
  readonly detail: string;
  /** The smallest graph found that still disagrees (null when only the training protocol showed it). */
  readonly reproducer: Reproducer | null;
  /** The random graph as it was built, one op per line (for models, the file). */
  readonly original: string;
}

export interface CheckPassReport {
  readonly pass: string;
  /** Graphs tried: random graphs plus model files. */
  readonly graphs: number;
  readonly disagreements: readonly Disagreement[];
  /** Kernels run by the forward fetches of every graph, and the milliseconds those runs took. */
  readonly withPass: { readonly kernels: number; readonly millis: number };
  readonly withoutPass: { readonly kernels: number; readonly millis: number };
  /** Graphs whose runs raised the same error both ways (compared by error class). */
  readonly bothFailed: number;
}

interface Pair {
  readonly name: string;
  readonly backend: 'cpu' | 'webgpu';
  readonly without: OptimizerOptions;
  readonly with: OptimizerOptions;
}

/** The two pairs of settings; a pass of the pipeline itself is switched by name. */
function pairsFor(pass: Pass, backend: 'cpu' | 'webgpu'): Pair[] {
  const builtIn = PIPELINE.some((s) => s.passes.includes(pass));
  const on = backend === 'cpu' ? '' : ` on ${backend}`;
  if (builtIn) {
    return [
      { name: `pipeline with '${pass.name}' vs without${on}`, backend, without: { disable: [pass.name] }, with: {} },
      { name: `'${pass.name}' alone vs every pass off${on}`, backend, without: { disable: ['all'] }, with: { only: [pass.name] } },
    ];
  }
  return [
    { name: `pipeline + '${pass.name}' vs pipeline${on}`, backend, without: {}, with: { passes: [pass] } },
    { name: `'${pass.name}' alone vs every pass off${on}`, backend, without: { disable: ['all'] }, with: { passes: [pass], only: [pass.name] } },
  ];
}

const REFERENCE: OptimizerOptions = { disable: ['all'] };

export async function checkPass(pass: Pass, options: CheckPassOptions = {}): Promise<CheckPassReport> {
  const backends = options.backends ?? ['cpu'];
  for (const backend of backends) new Session({ backend }).close(); // throws, naming the backend, when it cannot start
  const pairs = backends.flatMap((b) => pairsFor(pass, b));
  const count = options.graphs ?? 200;
  const first = options.seed ?? 1;
  const tol = { rtol: options.rtol };
  const maxDisagreements = options.maxDisagreements ?? 5;
  const disagreements: Disagreement[] = [];
  const withPass = { kernels: 0, millis: 0 };
  const withoutPass = { kernels: 0, millis: 0 };
  let bothFailed = 0;
  const tally = (into: { kernels: number; millis: number }, o: { kernels?: number; millis?: number } | { error: string }): void => {
    if ('error' in o) return;
    into.kernels += o.kernels ?? 0;
    into.millis += o.millis ?? 0;
  };

  for (let k = 0; k < count && disagreements.length < maxDisagreements; k++) {
    const g = randomGraph(first + k, { stateful: true, gradients: options.gradients, maxOps: options.maxOps, ops: options.ops });
    for (const pair of pairs) {
      const a: Outcome = await runGraph(g, { name: `without (${pair.name})`, optimizer: pair.without, backend: pair.backend });
      const b: Outcome = await runGraph(g, { name: `with (${pair.name})`, optimizer: pair.with, backend: pair.backend });
      if (pair === pairs[0]) {
        tally(withoutPass, a);
        tally(withPass, b);
        if ('error' in a && 'error' in b) bothFailed++;
      }
      const problem = compareOutcomes(g, a, b, tol);
      if (problem) {
        disagreements.push(await explainRandom(g, pair, problem, tol));
        break;
      }
    }
  }
  let graphs = count;
  for (const input of options.models ?? []) {
    if (disagreements.length >= maxDisagreements) break;
    const { name, c } = await loadModelCase(input);
    graphs++;
    for (const pair of pairs) {
      const a = await runSingle(c, pair.without, pair.backend);
      const b = await runSingle(c, pair.with, pair.backend);
      if (pair === pairs[0]) {
        tally(withoutPass, a);
        tally(withPass, b);
      }
      const problem = compareSingle(c, a, b, tol);
      if (problem) {
        disagreements.push(await explainCase(c, pair, `model ${name}, ${pair.name}: ${problem}`, `model ${name}`, tol));
        break;
      }
    }
  }
  return { pass: pass.name, graphs, disagreements, withPass, withoutPass, bothFailed };
}

/** A random graph disagreed: find one fetch that disagrees in a single run and shrink it. */
async function explainRandom(g: RandomGraph, pair: Pair, problem: string, tol: { rtol?: number }): Promise<Disagreement> {
  const detail = `seed ${g.seed}, ${pair.name}: ${problem}`;
  const original = g.listing.join('\n');
  const c: SingleRunCase = { graph: g.graph, fetches: g.fetches, feeds: g.feeds, init: g.init ? [g.init] : [] };
  const found = await explainCase(c, pair, detail, original, tol);
  return found.reproducer ? found : { ...found, detail: `${detail} (no single fetch disagrees in one run, only after training steps; not shrunk)` };
}

/** Shrinks the first fetch of `c` that disagrees on its own. */
async function explainCase(c: SingleRunCase, pair: Pair, detail: string, original: string, tol: { rtol?: number }): Promise<Disagreement> {
  const judge = async (x: SingleRunCase): Promise<string | null> => compareSingle(x, await runSingle(x, pair.without, pair.backend), await runSingle(x, pair.with, pair.backend), tol);
  for (const t of c.fetches) {
    const one = { ...c, fetches: [t] };
    const shrunk = await shrink(one, judge, REFERENCE);
    if (shrunk) return { detail: `${detail}\n  shrunk: ${shrunk.detail}`, reproducer: shrunk.reproducer, original };
  }
  return { detail, reproducer: null, original };
}

/** Printable summary of a report (graphs, kernels and time each way, each disagreement's reproducer). */
export function formatCheckPassReport(r: CheckPassReport): string {
  const lines = [
    `checkPass '${r.pass}': ${r.graphs} graphs, ${r.disagreements.length} disagreements`,
    `  with the pass: ${r.withPass.kernels} kernels, ${r.withPass.millis.toFixed(1)} ms; without: ${r.withoutPass.kernels} kernels, ${r.withoutPass.millis.toFixed(1)} ms`,
  ];
  for (const d of r.disagreements) {
    lines.push('', d.detail);
    if (d.reproducer) lines.push(`  reproducer (${d.reproducer.nodes} nodes):`, ...d.reproducer.text.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
