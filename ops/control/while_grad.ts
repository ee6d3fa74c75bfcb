import { ControlFlowContext, InvalidArgumentError, isWithin, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import { makeOp } from '../builder.js';
import { getOpDef } from '../registry.js';
import { zerosLike } from '../array/fill_like.js';
import { greater } from '../elementwise/compare.js';
import { add, sub } from '../elementwise/math_binary.js';
import type { WhileContext } from './contexts.js';
import { CONTROL_FLOW_TYPES, StackPopV2, StackPushV2, StackV2 } from './control_flow.js';
import { toTensor } from '../builder.js';
import { LoopRecord, loopOfContext } from './while_record.js';
import { whileLoop } from './while_loop.js';

/** tf.gradients as the loop gradient calls it for one backward iteration (given by the driver: no import cycle). */
export type InnerGradients = (ys: readonly Tensor[], xs: readonly Tensor[], gradYs: readonly Tensor[]) => (Tensor | null)[];

/** A body op whose outputs are pushed rather than recomputed: it has effects or draws fresh values. */
const isSaved = (op: Operation): boolean => getOpDef(op.type).stateful === true && !CONTROL_FLOW_TYPES.has(op.type);

/**
 * The gradient of a whole tg.whileLoop, as TF1 builds it: a backward while loop that runs as many
 * iterations as the forward one did (its counter) and, in each, takes the gradient of one body
 * iteration. What that needs from the forward iteration is kept on stacks, as TF's
 * StackPushV2/StackPopV2 do: the forward loop pushes the loop variables' values at the start of
 * every iteration (and the outputs of stateful body ops: random draws, assignments), the backward
 * loop pops them in reverse order and recomputes the body's other values from them, then
 * differentiates that recomputation. Tensors the body captured from outside (a weight W) get the
 * sum of their per-iteration gradients.
 *
 * Returns a gradient for each outside tensor the loop reads (the initial values of its loop
 * variables and its captured tensors), one pair per use.
 */
export function whileLoopGradient(rec: LoopRecord, exitGrads: readonly (Tensor | null)[], inner: InnerGradients): [Tensor, Tensor][] {
  const fwd = rec.context;
  const graph = fwd.graph;
  // one tensor may start several loop variables: a pair for each, summed by the driver
  const out: [Tensor, Tensor][] = [];
  const floats = rec.exits.map((x, i) => i > 0 && x.dtype === 'float32');
  if (!exitGrads.some((g, i) => g !== null && floats[i])) return out;

  const body = bodyOps(rec);
  // what one backward iteration needs from its forward one: the loop variables as the iteration
  // began, and what cannot be recomputed (stateful ops' outputs)
  const saved: Tensor[] = [...rec.identities, ...body.flatMap((it) => ('op' in it && isSaved(it.op) ? it.op.outputs : []))];
  const handles = graph.withControlFlowContext(fwd.outer, () =>
    graph.controlDependencies(null, () => saved.map((t) => makeOp(StackV2, [toTensor(-1, 'int32', graph, 'max_size')], { elem_type: t.dtype }, { name: 'stack' }).outputs[0])),
  );
  const pushes = graph.withControlFlowContext(fwd, () => graph.controlDependencies(null, () => saved.map((t, j) => makeOp(StackPushV2, [handles[j], t], {}, { name: 'stack_push' }))));
  // the pushes run every forward iteration: the next iteration waits for them
  for (const n of rec.nexts) n.op.addControlInputs(pushes);

  const captured = fwd.captures.filter(([outside]) => outside.dtype === 'float32');
  const gradVars = rec.exits.map((x, i) => (floats[i] ? exitGrads[i] ?? zerosLike(x) : null));
  const varIdx = gradVars.flatMap((g, i) => (g ? [i] : []));
  const init: Tensor[] = [rec.exits[0], ...varIdx.map((i) => gradVars[i]!), ...captured.map(([t]) => zerosLike(t))];
  // the gradients' shapes are known only when they run: no shape is promised across iterations
  const invariants = init.map((t, k) => (k === 0 ? [] : null));
  const result = whileLoop(
    (k: Tensor) => greater(k, 0),
    (k: Tensor, ...gs: Tensor[]) => {
      const bwd = graph.controlFlowContext as WhileContext;
      const popped = saved.map((t, j) => {
        const v = makeOp(StackPopV2, [handles[j]], { elem_type: t.dtype }, { name: 'stack_pop' }).outputs[0];
        v.setShape(t.shape);
        return v;
      });
      const recomputed = recompute(rec, body, saved, popped, bwd);
      const ys = varIdx.map((i) => recomputed(rec.nexts[i].op.inputs[0]));
      const xs = [...varIdx.map((i) => popped[i]), ...captured.map(([t]) => bwd.capture(t))];
      const grads = inner(ys, xs, gs.slice(0, varIdx.length));
      const nextVars = varIdx.map((i, k2) => grads[k2] ?? zerosLike(popped[i]));
      const acc = captured.map((_c, c) => {
        const g = grads[varIdx.length + c];
        return g ? add(gs[varIdx.length + c], g) : gs[varIdx.length + c];
      });
      return [sub(k, 1), ...nextVars, ...acc];
    },
    init,
    { name: 'while_grad', shapeInvariants: invariants },
  ) as Tensor[];
  varIdx.forEach((i, k) => {
    const g = result[1 + k];
    const x = rec.enters[i].op.inputs[0];
    g.setShape(x.shape);
    out.push([x, g]);
  });
  captured.forEach(([t], c) => {
    const g = result[1 + varIdx.length + c];
    g.setShape(t.shape);
    out.push([t, g]);
  });
  return out;
}

/** A step of the recomputation: one op, or a whole loop nested in the body (rebuilt as a unit). */
type BodyItem = { readonly op: Operation } | { readonly loop: LoopRecord };

/**
 * The forward body's ops that lead to the next values (through data and control edges), in
 * creation order, from the iteration's loop variables and captured tensors. A loop nested in the
 * body is one item, placed at its Exits: its initial values and captures are body values.
 */
function bodyOps(rec: LoopRecord): BodyItem[] {
  const ctx = rec.context;
  const graph = ctx.graph;
  const stop = new Set<Operation>(rec.identities.map((t) => t.op));
  const seen = new Set<Operation>();
  const nested = new Set<LoopRecord>();
  const work = rec.nexts.map((n) => n.op.inputs[0].op);
  while (work.length > 0) {
    const op = work.pop()!;
    if (seen.has(op) || stop.has(op)) continue;
    const flow = graph.contextOf(op);
    if (!isWithin(flow, ctx)) continue; // an outside value (never reached but through a capture)
    if (flow === ctx && (op.type === 'Enter' || op.type === 'RefEnter')) continue; // a capture: read from outside
    const inner = nestedLoop(flow, ctx);
    if (inner) {
      const loop = loopOfContext(inner);
      if (!loop) throw new UnimplementedError(`while loop gradient: '${op.name}' (${op.type}) is in a loop nested in the body that tg.whileLoop did not build`);
      if (!nested.has(loop)) {
        nested.add(loop);
        for (const e of loop.enters) work.push(e.op.inputs[0].op);
        for (const [outside] of loop.context.captures) work.push(outside.op);
      }
      continue;
    }
    seen.add(op);
    if (isSaved(op)) continue; // saved, not recomputed
    for (const t of op.inputs) work.push(t.op);
    for (const c of op.controlInputs) work.push(c);
  }
  const index = new Map(graph.getOperations().map((o, i) => [o, i]));
  const items: [number, BodyItem][] = [...seen].map((op) => [index.get(op)!, { op }]);
  for (const loop of nested) items.push([index.get(loop.exits[0].op)!, { loop }]);
  return items.sort((a, b) => a[0] - b[0]).map(([, it]) => it);
}

/** The while context directly inside `ctx` on `flow`'s chain, when `flow` is in a loop nested in ctx's body. */
function nestedLoop(flow: ControlFlowContext | null, ctx: ControlFlowContext): WhileContext | null {
  let found: WhileContext | null = null;
  for (let c = flow; c !== null && c !== ctx; c = c.outer) if (c.kind === 'while') found = c as WhileContext;
  return found;
}

/**
 * Rebuilds the forward body in the backward loop's frame from the popped values: loop variables
 * and saved stateful outputs come from the stacks, captured tensors are read from outside again
 * (the backward context captures them), everything else is recomputed op by op.
 */
function recompute(rec: LoopRecord, body: readonly BodyItem[], saved: readonly Tensor[], popped: readonly Tensor[], bwd: WhileContext): (t: Tensor) => Tensor {
  const graph = bwd.graph;
  const map = new Map<Tensor, Tensor>();
  saved.forEach((t, j) => map.set(t, popped[j]));
  const opMap = new Map<Operation, Operation>();
  const outsideOf = new Map<Tensor, Tensor>(rec.context.captures.map(([o, e]) => [e, o]));
  const known = (t: Tensor): Tensor | null => {
    const m = map.get(t);
    if (m) return m;
    const o = outsideOf.get(t);
    return o ? bwd.capture(o) : null;
  };
  const value = (t: Tensor): Tensor => {
    const k = known(t);
    if (k) return k;
    if (!isWithin(graph.contextOf(t.op), rec.context)) return bwd.capture(t);
    throw new InvalidArgumentError(`while loop gradient: ${t.name} (${t.op.type}) is read by the body but is neither a loop variable, a capture nor recomputed`);
  };
  // a nested loop rebuilt here reads the forward body's values through bwd: they stand for their recomputed ones
  bwd.substitute = known;
  for (const it of body) {
    if ('loop' in it) {
      const again = it.loop.rebuild(it.loop.enters.slice(1).map((e) => value(e.op.inputs[0])));
      it.loop.exits.forEach((x, k) => map.set(x, again.exits[k]));
      continue;
    }
    const op = it.op;
    if (op.outputs.every((t) => map.has(t))) continue;
    const controls = op.controlInputs.flatMap((c) => (opMap.has(c) ? [opMap.get(c)!] : []));
    const clone = makeOp(getOpDef(op.type), op.inputs.map(value), op.attrs, { name: op.name.split('/').pop(), controlInputs: controls });
    opMap.set(op, clone);
    op.outputs.forEach((t, i) => map.set(t, clone.outputs[i]));
  }
  return value;
}
