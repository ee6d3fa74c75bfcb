import type { NDArray } from '../ir/index.js';
import type { IdSource, Program, ProgramNode } from './program.js';
import type { LoweringKind } from '../../ops/lowering.js';

/** What a pass hands the manager besides its new program. */
export interface PassResult {
  readonly program: Program;
  /** Regions merged into single nodes: the new node's name and the op types it absorbed. */
  readonly fused?: readonly FusedRegion[];
  /** Nodes replaced by a simpler equivalent (counted apart from plain removals). */
  readonly rewritten?: number;
  /** Set when the pass stopped early because its time budget ran out. */
  readonly stoppedAtBudget?: boolean;
  readonly notes?: readonly string[];
}

export interface FusedRegion {
  readonly node: string;
  readonly kind: string;
  readonly ops: readonly string[];
}

export interface PassContext {
  readonly ids: IdSource;
  /** performance.now() value after which a pass should stop and keep what it has. */
  readonly deadline: number;
  /** Largest number of elements a folded constant may have. */
  readonly foldSizeLimit: number;
  /** Runs one node's kernel on constant inputs (from the runtime); absent, nothing is folded. */
  readonly evaluate?: (node: ProgramNode, inputs: readonly NDArray[]) => NDArray[] | null;
  /** The backend the program is compiled for (absent: any): fusion only builds nodes whose lowering it runs. */
  readonly target?: CompileTarget;
}

/** What a pass may assume about the backend: its name and the lowering kinds it dispatches. */
export interface CompileTarget {
  readonly backend: string;
  readonly lowerings: ReadonlySet<LoweringKind>;
}

/** Whether the target runs a lowering kind (no target: every kind, as every backend today does). */
export function targetRuns(ctx: PassContext, kind: LoweringKind): boolean {
  return (ctx.target ?? ANY_TARGET).lowerings.has(kind);
}

/** Every backend today runs every lowering kind. */
export const ANY_TARGET: CompileTarget = {
  backend: 'any',
  lowerings: new Set<LoweringKind>(['elementwise', 'routine', 'epilogue', 'elementwise-reduce', 'grouped', 'none']),
};

/** A compiler pass: Program → Program, never touching the user's Graph. */
export interface Pass {
  readonly name: string;
  run(program: Program, ctx: PassContext): PassResult;
}
