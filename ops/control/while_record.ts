import type { Operation, Tensor } from '../../graph/ir/index.js';
import type { WhileContext } from './contexts.js';

/** The pieces of one loop built by tg.whileLoop, kept for its gradient. */
export interface LoopRecord {
  readonly context: WhileContext;
  readonly enters: readonly Tensor[];
  readonly merges: readonly Tensor[];
  readonly switches: readonly (readonly [Tensor, Tensor])[];
  readonly identities: readonly Tensor[];
  readonly nexts: readonly Tensor[];
  readonly exits: readonly Tensor[];
  readonly pred: Tensor;
  /**
   * Builds the same loop again (its cond and body called anew) from new initial values, flat and
   * without the counter, in the current context: how a loop nested in another loop's body is
   * recomputed in that loop's backward pass. Returns the new loop's record.
   */
  readonly rebuild: (initial: readonly Tensor[]) => LoopRecord;
}

const loops = new WeakMap<Operation, LoopRecord>();
const byContext = new WeakMap<WhileContext, LoopRecord>();

export function recordLoop(rec: LoopRecord): void {
  for (const x of rec.exits) loops.set(x.op, rec);
  for (const e of rec.enters) loops.set(e.op, rec);
  byContext.set(rec.context, rec);
}

/** The loop a while context belongs to. */
export function loopOfContext(ctx: WhileContext): LoopRecord | null {
  return byContext.get(ctx) ?? null;
}

/** The loop an Exit or Enter belongs to, when tg.whileLoop built it. */
export function loopOf(op: Operation): LoopRecord | null {
  return loops.get(op) ?? null;
}
