import { isBackEdge, NDArray, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { canonicalPred, isEnter, isExit, isLoopMerge, isLoopSwitch, sameChain } from './cf_context.js';
import { ONNX_DTYPE } from './ir.js';
import type { OnnxGraph } from './ir.js';
import { valueOf } from './scope.js';
import type { Scope } from './scope.js';

function refuse(op: Operation, why: string): never {
  throw new UnimplementedError(`ONNX export of op '${op.name}' (${op.type}) is not supported: ${why}`);
}

/**
 * A tg.whileLoop (TF1's Enter -> Merge -> Switch(LoopCond) -> body -> NextIteration, Exit) as one
 * ONNX `Loop`. ONNX checks its condition after each body run and takes the first one as an input,
 * where TF checks it before: the predicate's ops are written twice, once before the Loop on the
 * initial values (`cond` input) and once at the end of the body on the next values (`cond_out`).
 * The loop-carried values are the loop's Merges the outputs need; the body reads loop-invariant
 * Enter(is_constant) values as outer-scope names. The Exits become the Loop's outputs. M is the
 * maximumIterations bound when the predicate has tg.whileLoop's shape for it, else empty.
 */
export function exportLoop(scope: Scope, exit: Operation): void {
  const contexts = scope.shared.contexts;
  const sw = exit.inputs[0].op;
  if (!isLoopSwitch(sw) || exit.inputs[0].index !== 0) refuse(exit, `its input '${exit.inputs[0].name}' is not the false side of a Switch on a LoopCond`);
  const loopCond = canonicalPred(sw.inputs[1]).op;
  const chain = contexts.opChain(sw);
  const needed = [...scope.shared.needed];
  const merges = needed.filter((op) => isLoopMerge(op) && sameChain(contexts.opChain(op), chain));
  const switches = needed.filter((op) => isLoopSwitch(op) && sameChain(contexts.opChain(op), chain));
  for (const s of switches) if (canonicalPred(s.inputs[1]).op !== loopCond) refuse(s, `one while loop has two LoopConds ('${loopCond.name}' and '${canonicalPred(s.inputs[1]).op.name}')`);
  const vars = merges.map((m) => {
    const enter = m.inputs.find((t) => isEnter(t.op));
    const next = m.inputs.find((_t, i) => isBackEdge(m, i));
    if (!enter || !next || m.inputs.length !== 2) refuse(m, 'a loop Merge must join one Enter and one NextIteration');
    if (scope.shared.neededTensors.has(m.outputs[1])) refuse(m, 'the value_index of a loop Merge has no ONNX Loop counterpart');
    const own = switches.filter((s) => s.inputs[0] === m.outputs[0]);
    const exits = needed.filter((op) => isExit(op) && own.some((s) => op.inputs[0] === s.outputs[0]));
    return { merge: m, init: enter.op.inputs[0], next: next.op.inputs[0], bodyIn: own.map((s) => s.outputs[1]), exit: exits[0] ?? null, extraExits: exits.slice(1) };
  });
  const fresh = scope.freshFor(loopCond);
  const prefix = (what: string) => `${scope.prefix ? `${scope.prefix}/` : ''}${loopCond.name}/${what}`;
  const inits = vars.map((v) => scope.name(v.init));
  const maxIt = tripBound(loopCond, vars);
  let tripCount = '';
  if (maxIt) {
    const wide = fresh('max_iterations');
    const zero = fresh('zero');
    tripCount = fresh('trip_count');
    scope.graph.nodes.push({ name: fresh('node_Cast'), opType: 'Cast', inputs: [scope.name(maxIt)], outputs: [wide], attrs: { to: { i: ONNX_DTYPE.int64 } } });
    scope.graph.initializers.set(zero, new NDArray('int64', [], Int32Array.of(0)));
    // TF runs no iteration for a negative bound; ONNX's M must not be negative
    scope.graph.nodes.push({ name: fresh('node_Max'), opType: 'Max', inputs: [wide, zero], outputs: [tripCount], attrs: {} });
  }
  // the predicate on the initial values, in this scope's graph
  const before = scope.child(chain, scope.graph, new Map(vars.map((v, i) => [v.merge.outputs[0], inits[i]])), prefix('init'));
  const condInit = before.name(loopCond.inputs[0]);
  const body: OnnxGraph = {
    name: `${loopCond.name}/body`,
    nodes: [],
    initializers: new Map(),
    inputs: [
      { name: fresh('iteration'), dtype: 'int64', shape: [] },
      { name: fresh('cond_in'), dtype: 'bool', shape: [] },
      ...vars.map((v) => ({ name: scope.localName(v.merge.outputs[0]), dtype: v.merge.outputs[0].dtype, shape: null })),
    ],
    outputs: [],
  };
  const bound = new Map<Tensor, string>();
  vars.forEach((v, i) => [v.merge.outputs[0], ...v.bodyIn].forEach((t) => bound.set(t, body.inputs[i + 2].name)));
  const inBody = scope.child(chain, body, bound);
  const nexts = vars.map((v) => inBody.name(v.next));
  const after = inBody.child(chain, body, new Map(vars.map((v, i) => [v.merge.outputs[0], nexts[i]])), prefix('next'));
  const condOut = after.name(loopCond.inputs[0]);
  inBody.output(condOut, loopCond.inputs[0], fresh);
  vars.forEach((v, i) => inBody.output(nexts[i], v.merge.outputs[0], fresh));
  const outputs = vars.map((v) => (v.exit ? scope.define(v.exit.outputs[0]) : fresh('unused_final')));
  scope.graph.nodes.push({ name: fresh('Loop'), opType: 'Loop', inputs: [tripCount, condInit, ...inits], outputs, attrs: { body: { graph: body } } });
  for (const v of vars) {
    if (v.exit) scope.markDone(v.exit);
    // a second Exit of the same variable gives the same value
    for (const x of v.extraExits) {
      scope.graph.nodes.push({ name: fresh('node_Identity'), opType: 'Identity', inputs: [scope.localName(v.exit!.outputs[0])], outputs: [scope.define(x.outputs[0])], attrs: {} });
      scope.markDone(x);
    }
  }
}

interface LoopVar {
  readonly merge: Operation;
  readonly init: Tensor;
  readonly next: Tensor;
  readonly bodyIn: readonly Tensor[];
}

/**
 * The maximumIterations bound when the predicate is tg.whileLoop's `LogicalAnd(Less(counter, M),
 * ...)` over a counter that starts at 0 and steps by 1, read from outside the loop; else null.
 * The predicate keeps the test, so M only tells the runtime the trip count.
 */
function tripBound(loopCond: Operation, vars: readonly LoopVar[]): Tensor | null {
  const and = loopCond.inputs[0].op;
  const less = and.type === 'LogicalAnd' ? and.inputs[0].op : null;
  if (!less || less.type !== 'Less') return null;
  const counter = vars.find((v) => v.merge.outputs[0] === less.inputs[0]);
  const m = less.inputs[1];
  if (!counter || !isEnter(m.op) || m.op.attrs.is_constant !== true) return null;
  const scalar = (t: Tensor, want: number): boolean => {
    const v = valueOf(t);
    return v !== null && v.size === 1 && v.data[0] === want;
  };
  const step = counter.next.op;
  const read = step.inputs[0]?.op.type === 'Identity' ? step.inputs[0].op.inputs[0] : step.inputs[0];
  const steps = (step.type === 'Add' || step.type === 'AddV2') && counter.bodyIn.includes(read) && scalar(step.inputs[1], 1);
  return steps && scalar(counter.init, 0) ? m.op.inputs[0] : null;
}
