import type { Operation } from './operation.js';
import type { Tensor } from './tensor.js';

/**
 * A TF1 control-flow context (a cond branch or a while loop body) as the graph sees it while ops
 * are built inside one. The graph calls it for every new op: inputs created outside the context
 * are captured (a cond wires them through Switch, a loop through Enter), and ops left without any
 * input get a control edge from the context's pivot, so they run in the branch or iteration
 * rather than once at the top level. The contexts themselves live with the control ops
 * (`ops/control/`); the graph only keeps the stack and which context built each op.
 */
export interface ControlFlowContext {
  readonly kind: 'cond' | 'while';
  /** The context this one was opened in (null at the top level). */
  readonly outer: ControlFlowContext | null;
  /** The tensor ops of this context read for `t`: `t` itself when it was made inside. */
  capture(t: Tensor): Tensor;
  /** Called once for each op built while this context is current, after its inputs were captured. */
  added(op: Operation): void;
}

/** Whether `inner` is `outer` or nested in it. */
export function isWithin(inner: ControlFlowContext | null, outer: ControlFlowContext | null): boolean {
  if (outer === null) return true;
  for (let c = inner; c !== null; c = c.outer) if (c === outer) return true;
  return false;
}

/**
 * Input `i` of `op` is a loop's back edge: a NextIteration feeding a Merge. Cycle checks and
 * topological orders skip these edges, as TF's executor does; everything else sees a DAG.
 */
export function isBackEdge(op: Operation, i: number): boolean {
  const src = op.inputs[i]?.op.type;
  return (op.type === 'Merge' || op.type === 'RefMerge') && (src === 'NextIteration' || src === 'RefNextIteration');
}
