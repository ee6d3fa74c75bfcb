import { ControlFlowContext, Graph, isWithin, Operation, Tensor } from '../../graph/ir/index.js';
import { enter, switchOp } from './control_flow.js';

/** Ops that stand alone: they never take a pivot edge (they are fed or hold state). */
const NO_PIVOT = new Set(['Placeholder', 'PlaceholderWithDefault', 'VariableV2', 'VarHandleOp']);

/**
 * Shared by both contexts: captures are made at the context's own level (the enclosing context
 * current, so a capture nested two levels deep is wired through both), outside any
 * controlDependencies scope (the capture belongs to the outside), and cached per tensor.
 */
abstract class ContextBase implements ControlFlowContext {
  abstract readonly kind: 'cond' | 'while';
  private readonly captured = new Map<Tensor, Tensor>();
  /** What captures made: already this context's view of an outside value. */
  private readonly inside = new Set<Tensor>();
  /** [the value in the enclosing context, its captured form here], in capture order (gradients read them). */
  readonly captures: [Tensor, Tensor][] = [];

  constructor(
    readonly graph: Graph,
    readonly outer: ControlFlowContext | null,
  ) {}

  /** The op no-input ops of this context depend on, so they run in it. */
  abstract pivot(): Operation;
  protected abstract wire(t: Tensor): Tensor;

  /**
   * Set while a loop's gradient recomputes its body here: a tensor of the forward body read by a
   * loop nested in it (rebuilt here) stands for its recomputed value.
   */
  substitute: ((t: Tensor) => Tensor | null) | null = null;

  capture(t: Tensor): Tensor {
    if (this.inside.has(t) || isWithin(this.graph.contextOf(t.op), this)) return t;
    const sub = this.substitute?.(t);
    if (sub) return sub;
    let c = this.captured.get(t);
    if (!c) {
      c = this.graph.withControlFlowContext(this.outer, () => this.graph.controlDependencies(null, () => this.wire(t)));
      this.captured.set(t, c);
      this.inside.add(c);
      // the value as the enclosing context sees it (itself captured there when it comes from further out)
      this.captures.push([c.op.inputs[0], c]);
    }
    return c;
  }

  added(op: Operation): void {
    if (NO_PIVOT.has(op.type)) return;
    // An op reading only loop invariants (constant Enters) would be live in the iteration where
    // the loop ends too; the pivot keeps it to iterations that run the body (TF's
    // _MaybeAddControlDependency). Deadness reaches a cond branch's ops through its Switches.
    const free = op.inputs.length === 0 || (this.kind === 'while' && op.controlInputs.length === 0 && op.inputs.every((t) => this.inside.has(t)));
    if (free) op.addControlInputs([this.pivot()]);
  }
}

/** One branch of a tg.cond (TF's CondContext): outside tensors come in through Switch(t, pred). */
export class CondContext extends ContextBase {
  readonly kind = 'cond';
  constructor(
    graph: Graph,
    outer: ControlFlowContext | null,
    readonly pred: Tensor,
    /** Identity of the predicate's own Switch output for this branch: live exactly when it is taken. */
    readonly pivotTensor: Tensor,
    readonly branch: 0 | 1,
  ) {
    super(graph, outer);
  }

  pivot(): Operation {
    return this.pivotTensor.op;
  }

  protected wire(t: Tensor): Tensor {
    return switchOp(t, this.pred, { name: 'Switch' })[this.branch];
  }
}

/** A tg.whileLoop's predicate and body (TF's WhileContext): outside tensors come in through Enter(is_constant). */
export class WhileContext extends ContextBase {
  readonly kind = 'while';
  /** Set by the loop builder: the first Merge while the predicate is built, then the body's first Identity. */
  pivotOp: Operation | null = null;

  constructor(
    graph: Graph,
    outer: ControlFlowContext | null,
    readonly frameName: string,
    readonly parallelIterations: number,
  ) {
    super(graph, outer);
  }

  pivot(): Operation {
    if (!this.pivotOp) throw new Error(`while loop '${this.frameName}': no pivot yet`);
    return this.pivotOp;
  }

  protected wire(t: Tensor): Tensor {
    const e = enter(t, this.frameName, { isConstant: true, parallelIterations: this.parallelIterations, name: 'Enter' });
    // the Enter belongs to the loop (TF's _FixControlInputsAndContext), whatever built it
    this.graph.setContextOf(e.op, this);
    return e;
  }
}
