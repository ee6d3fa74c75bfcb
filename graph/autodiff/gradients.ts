import {
  ControlFlowContext,
  formatShape,
  InvalidArgumentError,
  isCompatible,
  InternalError,
  Operation,
  Tensor,
} from '../ir/index.js';
import { addN } from '../../ops/control/control.js';
import { fill } from '../../ops/array/fill_like.js';
import { shape } from '../../ops/array/reshape.js';
import { getOpDef } from '../../ops/registry.js';
import { toTensor, TensorLike } from '../../ops/builder.js';
import { NDArray } from '../ir/index.js';
import { loopOf, LoopRecord } from '../../ops/control/while_record.js';
import { whileLoopGradient } from '../../ops/control/while_grad.js';

type Differentiable = Tensor | { toTensor(): Tensor; ref?: Tensor };

/** The tensor gradients are taken with respect to: a Variable's ref output, so all reads count. */
function sourceTensor(x: Differentiable): Tensor {
  if (x instanceof Tensor) return x;
  return x.ref ?? x.toTensor();
}

// a resource handle carries its variable's gradient (ReadVariableOp's gradient flows to it, as in TF)
const canCarryGradient = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'resource';

/** The op is in a while loop opened below `here` (differentiated as a whole loop, not op by op). */
function insideLoop(flow: ControlFlowContext | null, here: ControlFlowContext | null): boolean {
  for (let c = flow; c !== null && c !== here; c = c.outer) if (c.kind === 'while') return true;
  return false;
}

/**
 * Symbolic gradients, TF1's tf.gradients: the sum over all paths of d(sum ys)/dx, built as graph
 * ops under the `gradients/` name scope. Unconnected xs get null; StopGradient and ops declared
 * not differentiable cut paths; integer and bool tensors carry no gradient.
 */
export function gradients(
  ys: Tensor | readonly Tensor[],
  xs: Differentiable | readonly Differentiable[],
  gradYs?: TensorLike | null | readonly (TensorLike | null)[],
  options: { stopGradients?: readonly Tensor[]; name?: string } = {},
): (Tensor | null)[] {
  const yList = Array.isArray(ys) ? [...(ys as Tensor[])] : [ys as Tensor];
  const xList = (Array.isArray(xs) ? (xs as Differentiable[]) : [xs as Differentiable]).map(sourceTensor);
  if (yList.length === 0) return xList.map(() => null);
  const graph = yList[0].graph;
  for (const t of [...yList, ...xList]) {
    if (t.graph !== graph) throw new InvalidArgumentError(`gradients: ${t.name} is not an element of the graph of ${yList[0].name}`);
  }
  const gyList = gradYs === undefined || gradYs === null ? yList.map(() => null) : Array.isArray(gradYs) ? [...gradYs] : [gradYs as TensorLike];
  if (gyList.length !== yList.length) {
    throw new InvalidArgumentError(`gradients: got ${gyList.length} grad_ys for ${yList.length} ys`);
  }
  const stops = new Set((options.stopGradients ?? []).map((t) => t.op));

  // ops on a path from some x to some y
  const fromX = new Set<Operation>();
  const work = xList.map((x) => x.op);
  const xOps = new Set(work);
  while (work.length > 0) {
    const op = work.pop()!;
    if (fromX.has(op)) continue;
    fromX.add(op);
    for (const out of op.outputs) for (const c of out.consumers()) if (!fromX.has(c)) work.push(c);
  }
  const between = new Set<Operation>();
  const back = yList.map((y) => y.op).filter((op) => fromX.has(op));
  while (back.length > 0) {
    const op = back.pop()!;
    if (between.has(op)) continue;
    between.add(op);
    if (xOps.has(op) && !yList.some((y) => y.op === op)) continue;
    for (const t of op.inputs) if (fromX.has(t.op) && !between.has(t.op)) back.push(t.op);
  }

  return graph.nameScope(options.name ?? 'gradients', () => {
    const partials = new Map<Tensor, Tensor[]>();
    const addPartial = (t: Tensor, g: Tensor): void => {
      const list = partials.get(t);
      if (list) list.push(g);
      else partials.set(t, [g]);
    };
    yList.forEach((y, i) => {
      const gy = gyList[i];
      let g: Tensor;
      if (gy === null || gy === undefined) {
        g = fill(shape(y), NDArray.scalar(1, y.dtype), `grad_ys_${i}`);
      } else {
        g = toTensor(gy, y.dtype, graph);
        if (g.dtype !== y.dtype) throw new InvalidArgumentError(`gradients: grad_ys[${i}] has dtype ${g.dtype}, but ys[${i}] has dtype ${y.dtype}`);
        if (!isCompatible(y.shape, g.shape)) {
          throw new InvalidArgumentError(`gradients: grad_ys[${i}] has shape ${formatShape(g.shape)}, incompatible with ys[${i}] of shape ${formatShape(y.shape)}`);
        }
      }
      addPartial(y, g);
    });
    const summed = new Map<Tensor, Tensor | null>();
    const total = (t: Tensor): Tensor | null => {
      if (summed.has(t)) return summed.get(t)!;
      const list = partials.get(t);
      const g = !list || list.length === 0 ? null : list.length === 1 ? list[0] : addN(list);
      summed.set(t, g);
      return g;
    };

    // creation order is topological for data edges; walk it backwards
    const ordered = graph.getOperations().filter((op) => between.has(op)).reverse();
    const here = graph.controlFlowContext;
    const loopsDone = new Set<LoopRecord>();
    for (const op of ordered) {
      if (stops.has(op)) continue;
      // A tg.whileLoop is differentiated as a whole when the walk reaches its Exits (all their
      // consumers were created after them, so their gradients are complete): a backward loop
      // (ops/control/while_grad.ts). Its inner ops are then not visited one by one.
      const loop = loopOf(op);
      if (loop && (op.type === 'Exit' || op.type === 'RefExit')) {
        if (loopsDone.has(loop)) continue;
        loopsDone.add(loop);
        const grads = whileLoopGradient(loop, loop.exits.map(total), (ys, xs, gys) => gradients(ys, xs, gys, { name: 'body_grad' }));
        for (const [t, g] of grads) if (canCarryGradient(t) && fromX.has(t.op)) addPartial(t, g);
        continue;
      }
      if (insideLoop(graph.contextOf(op), here)) continue;
      // nothing upstream of this op leads back to an x
      if (!op.inputs.some((t) => fromX.has(t.op))) continue;
      const outGrads = op.outputs.map(total);
      if (outGrads.every((g) => g === null)) continue;
      const def = getOpDef(op.type);
      if (def.grad === 'none') continue;
      const gradFn = def.grad;
      if (!gradFn) throw new InternalError(`Op type '${op.type}' has no gradient decision (the registry checks this at load)`);
      // An op of a cond branch gets its gradient built in that branch again (TF re-enters the
      // context): gradient ops with no inputs then depend on the branch's pivot, so they are dead,
      // like the rest of the branch's gradient, when the branch was not taken.
      const flow = graph.contextOf(op);
      const inBranch = flow !== null && flow.kind === 'cond';
      const inGrads = graph.nameScope(`${op.name}_grad`, () => (inBranch ? graph.withControlFlowContext(flow, () => gradFn(op, outGrads)) : gradFn(op, outGrads)));
      if (inGrads.length !== op.inputs.length) {
        throw new InternalError(`Gradient function for '${op.name}' (${op.type}) returned ${inGrads.length} gradients, expected ${op.inputs.length}`);
      }
      op.inputs.forEach((t, i) => {
        const g = inGrads[i];
        if (g && canCarryGradient(t) && fromX.has(t.op)) addPartial(t, g);
      });
    }
    return xList.map((x) => (canCarryGradient(x) ? total(x) : null));
  });
}
