import { Graph, Operation, Tensor } from '../../graph/ir/index.js';
import type { Program, ProgramNode, ProgramValue } from '../../graph/passes/program.js';

/** Op names a Graph accepts: a program's synthetic names may hold other characters. */
const cleanName = (s: string): string => s.replace(/[^A-Za-z0-9_.\-/>]/g, '_').replace(/^[^A-Za-z0-9.]/, 'n').replace(/\/+$/, '') || 'node';

/**
 * The optimised program as a tg.Graph, to draw it or write it as a GraphDef (`tensorgraph optimize
 * --out`): one op per program node with its type, attrs, device and output types, in program order.
 * Feeds become Placeholders named after the fed tensor's op. A node standing for several user ops
 * (a fused region, grouped updates) lists them in a `_fused_ops` attr. Fused node types such as
 * FusedElementwise keep their computation in the compiler's closures, so the resulting GraphDef
 * documents the program; it is not meant to be imported and run again.
 */
export function programToGraph(program: Program): Graph {
  const graph = new Graph();
  const made = new Map<ProgramNode, Operation>();
  const tensorOf = (v: ProgramValue): Tensor => add(v.node).outputs[v.index];
  const feedNames = new Map(program.feeds.map((f) => [f.value.node, f.tensor.op.name] as const));
  function add(n: ProgramNode): Operation {
    const have = made.get(n);
    if (have) return have;
    const feed = feedNames.get(n);
    const inputs = n.inputs.map(tensorOf);
    const controlInputs = n.controlInputs.map(add);
    const attrs = { ...n.attrs };
    const members = n.origin.filter((o) => o.name !== n.name || o.type !== n.type);
    if (n.origin.length > 1 || members.length > 0) attrs._fused_ops = n.origin.map((o) => `${o.name} (${o.type})`);
    const device = n.origin[0]?.device ?? '';
    const build = (): Operation =>
      graph.addOp({
        type: feed !== undefined ? 'Placeholder' : n.type,
        name: cleanName(feed ?? n.name),
        inputs,
        controlInputs,
        attrs: feed !== undefined ? { dtype: n.outputs[0].dtype, shape: n.outputs[0].shape } : attrs,
        outputs: n.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })),
      });
    const op = device ? graph.device(device, build) : build();
    made.set(n, op);
    return op;
  }
  for (const n of program.nodes) add(n);
  return graph;
}
