import { Graph, Operation, Tensor } from '../graph/ir/index.js';
import { OptimizeReport, optimizeProgram, OptimizerOptions, passEnabled } from '../graph/passes/manager.js';
import { lowerProgram, Program } from '../graph/passes/program.js';
import { prune } from '../graph/passes/prune.js';
import { cpuEvaluatorWithin, DEFAULT_FOLD_SIZE_LIMIT } from '../runtime/cpu/const_evaluator.js';
import { buildPlan } from '../runtime/plan.js';
import { sessionDevices } from './session_devices.js';
import { programToGraph } from './program_graph.js';
import { feedTensor } from './feeds.js';

export interface OptimizeOptions extends OptimizerOptions {
  /** Tensors (or names) that will be fed, with their shapes when known. */
  readonly feeds?: readonly (Tensor | string)[] | ReadonlyMap<Tensor | string, readonly number[]>;
}

/**
 * Runs the compiler on what `fetches` need without running anything: returns the optimized
 * program, the same as a `tg.Graph` (fused nodes as ops: draw it, export it, diff it) and the report (print it: a table of passes, node counts, fused regions, memory).
 * The graph is not changed.
 */
export function optimize(graph: Graph, fetches: readonly (Tensor | Operation | string)[] | Tensor | Operation, options: OptimizeOptions = {}): { graph: Graph; program: Program; report: OptimizeReport } {
  const list = Array.isArray(fetches) ? fetches : [fetches as Tensor | Operation];
  const tensors: Tensor[] = [];
  const targets: Operation[] = [];
  for (const f of list) {
    if (f instanceof Tensor) tensors.push(f);
    else if (f instanceof Operation) targets.push(f);
    else if (f.includes(':')) tensors.push(graph.getTensorByName(f));
    else targets.push(graph.getOperationByName(f));
  }
  const shapes = new Map<Tensor, readonly number[]>();
  const feeds: Tensor[] = [];
  if (options.feeds instanceof Map) {
    for (const [k, shape] of options.feeds) {
      const t = feedTensor(graph, k);
      feeds.push(t);
      shapes.set(t, shape);
    }
  } else for (const k of (options.feeds ?? []) as readonly (Tensor | string)[]) feeds.push(feedTensor(graph, k));
  const pruned = prune(tensors, targets, feeds);
  const opts: OptimizerOptions = { evaluate: cpuEvaluatorWithin(options.foldSizeLimit ?? DEFAULT_FOLD_SIZE_LIMIT), ...options };
  const { program, report } = optimizeProgram(lowerProgram(pruned.ops, tensors, targets, feeds, shapes), opts);
  report.memory = buildPlan(program, { planMemory: passEnabled('memory', opts), devices: sessionDevices('cpu') }).memory;
  return { graph: programToGraph(program), program, report };
}
