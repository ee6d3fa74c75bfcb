import { isBackEdge, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { canonicalPred, isEnter, isExit, isLoopMerge, isLoopSwitch, sameChain } from './cf_context.js';
import type { OnnxGraph } from './ir.js';
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
 * Enter(is_constant) values as outer-scope names. M is left empty: a maximumIterations bound is
 * part of the predicate, as TF1 builds it. The Exits become the Loop's outputs.
 */
export function exportLoop(scope: Scope, exit: Operation): void {
  const contexts = scope.shared.contexts;
  const sw = exit.inputs[0].op;
  if (!isLoopSwitch(sw) || exit.inputs[0].index !== 0) refuse(exit, `its input '${exit.inputs[0].name}' is not the false side of a Switch on a LoopCond`);
  const loopCond = canonicalPred(sw.inputs[1]).op;
  const chain = contexts.opChain(sw);
  const needed = scope.neededOnly(scope.shared.needed);
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
  scope.graph.nodes.push({ name: fresh('Loop'), opType: 'Loop', inputs: ['', condInit, ...inits], outputs, attrs: { body: { graph: body } } });
  for (const v of vars) {
    if (v.exit) scope.markDone(v.exit);
    // a second Exit of the same variable gives the same value
    for (const x of v.extraExits) {
      scope.graph.nodes.push({ name: fresh('node_Identity'), opType: 'Identity', inputs: [scope.localName(v.exit!.outputs[0])], outputs: [scope.define(x.outputs[0])], attrs: {} });
      scope.markDone(x);
    }
  }
}
