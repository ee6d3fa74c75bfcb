import type { Graph, Operation, Tensor } from '../../graph/ir/index.js';
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
}

const loops = new WeakMap<Operation, LoopRecord>();

export function recordLoop(_graph: Graph, rec: LoopRecord): void {
  for (const x of rec.exits) loops.set(x.op, rec);
  for (const e of rec.enters) loops.set(e.op, rec);
}

/** The loop an Exit or Enter belongs to, when tg.whileLoop built it. */
export function loopOf(op: Operation): LoopRecord | null {
  return loops.get(op) ?? null;
}
