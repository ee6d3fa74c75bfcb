import { Graph, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
import type { OptimizerOptions } from '../../graph/passes/manager.js';
import { runSingle, SingleRunCase } from './single_run.js';

/**
 * Delta debugging over the nodes of a disagreeing graph. Two moves, each kept only when the
 * smaller graph still disagrees: fetch an earlier value instead (everything downstream of it
 * goes), or cut a node (it becomes a placeholder fed with the value the reference computed for
 * it, and whatever only it needed goes). Greedy to a fixed point: at the end no single move keeps
 * the disagreement, which for the bugs passes make leaves a handful of nodes.
 */

/** A small graph that still disagrees, with what to feed and fetch. */
export interface Reproducer {
  readonly graph: Graph;
  readonly fetches: readonly string[];
  readonly feeds: ReadonlyMap<string, NDArray>;
  /** Ops to run once before the fetch (initialisers of the variables left). */
  readonly init: readonly string[];
  /** Ops in the graph. */
  readonly nodes: number;
  /** One op per line, then the feeds and the fetch. */
  readonly text: string;
}

/** Says how a candidate disagrees, or null when it does not. */
export type Judge = (c: SingleRunCase) => Promise<string | null>;

const UNCUTTABLE = /^(VariableV2|Placeholder|Const|NoOp)$/;

interface Candidate {
  readonly c: SingleRunCase;
  readonly size: number;
}

export interface ShrinkOptions {
  /** Most candidates tried (default 600): shrinking stops there with what it has. */
  readonly maxTrials?: number;
}

/**
 * Shrinks `start` (one fetch that disagrees under `judge`). Reference values for cuts come from
 * one run of the whole case under `reference` (every pass off). Null when the reference run fails.
 */
export async function shrink(start: SingleRunCase, judge: Judge, reference: OptimizerOptions, options: ShrinkOptions = {}): Promise<{ reproducer: Reproducer; detail: string } | null> {
  const g = start.graph;
  const ops = g.getOperations();
  const order = new Map(ops.map((o, i) => [o, i]));
  const cuttable = ancestors(start.fetches.map((t) => t.op), new Set()).filter((o) => !UNCUTTABLE.test(o.type) && o.outputs.length > 0 && !start.feeds.has(o.outputs[0]));
  const ref = await runSingle({ ...start, fetches: cuttable.map((o) => o.outputs[0]) }, reference);
  if ('error' in ref) return null;
  const refValue = new Map<Operation, NDArray>(cuttable.map((o, i) => [o, ref.values[i]]));
  const initOf = initializers(g, start.init);

  const build = (fetch: Tensor, cuts: ReadonlySet<Operation>): Candidate | null => {
    const needed = new Set(ancestors([fetch.op], cuts));
    for (const o of [...needed]) if (o.type === 'VariableV2') for (const a of ancestors(initOf.get(o) ?? [], new Set())) needed.add(a);
    const graph = new Graph();
    graph.seed = g.seed;
    const tensors = new Map<Tensor, Tensor>();
    const copies = new Map<Operation, Operation>();
    const feeds = new Map<Tensor, NDArray>();
    for (const o of [...needed].sort((a, b) => order.get(a)! - order.get(b)!)) {
      if (cuts.has(o)) {
        const v = refValue.get(o)!;
        const p = graph.addOp({ type: 'Placeholder', name: `${o.name}/`, inputs: [], attrs: { dtype: v.dtype, shape: [...v.shape] }, outputs: [{ dtype: v.dtype, shape: [...v.shape] }] });
        copies.set(o, p);
        tensors.set(o.outputs[0], p.outputs[0]);
        feeds.set(p.outputs[0], v);
        continue;
      }
      const inputs: Tensor[] = [];
      for (const t of o.inputs) {
        const m = tensors.get(t);
        if (!m) return null; // a later output of a cut node: a placeholder stands for output 0 only
        inputs.push(m);
      }
      const copy = graph.addOp({
        type: o.type,
        name: `${o.name}/`,
        inputs,
        attrs: o.attrs,
        outputs: o.outputs.map((t) => ({ dtype: t.dtype, shape: t.shape })),
        controlInputs: o.controlInputs.filter((c) => copies.has(c)).map((c) => copies.get(c)!),
      });
      copies.set(o, copy);
      o.outputs.forEach((t, i) => tensors.set(t, copy.outputs[i]));
      const fed = start.feeds.get(o.outputs[0]);
      if (fed) feeds.set(copy.outputs[0], fed);
    }
    const init = [...needed].filter((o) => o.type === 'VariableV2').flatMap((v) => initOf.get(v) ?? []).map((o) => copies.get(o)!);
    return { c: { graph, fetches: [tensors.get(fetch)!], feeds, init }, size: graph.numOps };
  };

  let fetch = start.fetches[0];
  let cuts = new Set<Operation>();
  let current = build(fetch, cuts);
  let detail = current ? await judge(current.c) : null;
  if (!current || !detail) return null;
  let trials = 0;
  const maxTrials = options.maxTrials ?? 600;
  const accept = async (cand: Candidate | null): Promise<boolean> => {
    if (!cand || cand.size >= current!.size || trials >= maxTrials) return false;
    trials++;
    const d = await judge(cand.c);
    if (!d) return false;
    current = cand;
    detail = d;
    return true;
  };
  improve: for (;;) {
    const live = ancestors([fetch.op], cuts).filter((o) => !cuts.has(o));
    // an earlier fetch, smallest first: the first that still disagrees is nearly the smallest
    const earlier = live
      .filter((o) => o !== fetch.op && o.outputs.length > 0 && !UNCUTTABLE.test(o.type))
      .map((o) => ({ o, n: ancestors([o], cuts).length }))
      .sort((a, b) => a.n - b.n);
    for (const { o } of earlier) {
      if (await accept(build(o.outputs[0], cuts))) {
        fetch = o.outputs[0];
        continue improve;
      }
    }
    // a cut, largest gain first
    const cutsToTry = live
      .filter((o) => o !== fetch.op && refValue.has(o))
      .map((o) => ({ o, n: ancestors([o], cuts).length }))
      .sort((a, b) => b.n - a.n);
    for (const { o } of cutsToTry) {
      const more = new Set([...cuts, o]);
      if (await accept(build(fetch, more))) {
        cuts = more;
        continue improve;
      }
    }
    break;
  }
  return { reproducer: describe(current.c), detail };
}

/** `ops` and everything they need (data and control), not looking past `stops`, in graph order. */
function ancestors(ops: readonly Operation[], stops: ReadonlySet<Operation>): Operation[] {
  const seen = new Set<Operation>();
  const stack = [...ops];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    if (stops.has(o)) continue;
    for (const t of o.inputs) stack.push(t.op);
    for (const c of o.controlInputs) stack.push(c);
  }
  return [...seen];
}

/** For each variable, the init ops that assign its initial value. */
function initializers(g: Graph, init: readonly Operation[]): Map<Operation, Operation[]> {
  const out = new Map<Operation, Operation[]>();
  const candidates = [...init, ...init.flatMap((o) => o.controlInputs)];
  for (const o of candidates) {
    if (!o.type.startsWith('Assign') || o.inputs[0]?.op.type !== 'VariableV2') continue;
    const v = o.inputs[0].op;
    out.set(v, [...(out.get(v) ?? []), o]);
  }
  for (const o of g.getOperations()) {
    if (o.type !== 'VariableV2' || out.has(o)) continue;
    if (g.hasOperation(`${o.name}/Assign`)) out.set(o, [g.getOperationByName(`${o.name}/Assign`)]);
  }
  return out;
}

const MAX_SHOWN = 12;

function values(a: NDArray): string {
  const xs = Array.from(a.data as ArrayLike<number>).slice(0, MAX_SHOWN).map((x) => String(x));
  return `${a.dtype}[${a.shape.join(',')}] [${xs.join(', ')}${a.data.length > MAX_SHOWN ? ', …' : ''}]`;
}

function describe(c: SingleRunCase): Reproducer {
  const lines: string[] = [];
  for (const o of c.graph.getOperations()) {
    const ins = [...o.inputs.map((t) => t.name), ...o.controlInputs.map((x) => `^${x.name}`)];
    const out = o.outputs.map((t) => `${t.dtype}[${t.shape === null ? '?' : t.shape.map((d) => d ?? '?').join(',')}]`).join(', ');
    const attrs = Object.entries(o.attrs)
      .filter(([k]) => k !== 'dtype' && k !== 'T' && k !== 'shape')
      .map(([k, v]) => `${k}=${v instanceof NDArray ? values(v) : JSON.stringify(v)}`);
    lines.push(`${o.name} = ${o.type}(${ins.join(', ')}) -> ${out}${attrs.length ? `  {${attrs.join(', ')}}` : ''}`);
  }
  for (const [t, v] of c.feeds) lines.push(`feed ${t.name} = ${values(v)}`);
  if (c.init.length) lines.push(`init: ${c.init.map((o) => o.name).join(', ')}`);
  lines.push(`fetch ${c.fetches.map((t) => t.name).join(', ')}`);
  return {
    graph: c.graph,
    fetches: c.fetches.map((t) => t.name),
    feeds: new Map([...c.feeds].map(([t, v]) => [t.name, v])),
    init: c.init.map((o) => o.name),
    nodes: c.graph.numOps,
    text: lines.join('\n'),
  };
}
