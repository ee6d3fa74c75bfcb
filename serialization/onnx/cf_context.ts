import { isBackEdge, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';

/**
 * Where a value of a TF1 control-flow graph lives, as the ONNX exporter needs it: a chain of
 * levels from the root, each a cond branch (live only when `pred` has the value `branch`) or a
 * loop frame. A value with the root chain `[]` is computed once per run. The exporter puts each
 * chain's values into its own ONNX subgraph (If branch, Loop body); outer values are read by name.
 *
 * Worked out from the graph alone, so frozen and imported graphs (no builder records) export
 * too: a cond Switch adds the level (its predicate seen through Identities, so every Switch of one
 * tg.cond, and of every cond on the same predicate, shares it), a cond Merge removes it, an Enter
 * adds its frame and an Exit removes it; any other op lives at the deepest level among its data
 * and control inputs (a branch constant's control edge from the pivot puts it in the branch).
 */
export type Level = { readonly kind: 'branch'; readonly key: string; readonly pred: Tensor; readonly branch: 0 | 1 } | { readonly kind: 'loop'; readonly key: string; readonly frame: string };
export type Chain = readonly Level[];

const SWITCH = new Set(['Switch', 'RefSwitch']);
const MERGE = new Set(['Merge', 'RefMerge']);
const ENTER = new Set(['Enter', 'RefEnter']);
const EXIT = new Set(['Exit', 'RefExit']);

export const isSwitch = (op: Operation): boolean => SWITCH.has(op.type);
export const isMerge = (op: Operation): boolean => MERGE.has(op.type);
export const isEnter = (op: Operation): boolean => ENTER.has(op.type);
export const isExit = (op: Operation): boolean => EXIT.has(op.type);

/** A Merge that heads a loop variable (Enter and NextIteration in), not one that joins cond branches. */
export function isLoopMerge(op: Operation): boolean {
  return isMerge(op) && op.inputs.some((t, i) => isBackEdge(op, i) || isEnter(t.op));
}

/** The predicate a cond Switch reads, seen through Identities (`pred_id`). */
export function canonicalPred(t: Tensor): Tensor {
  let p = t;
  while (p.op.type === 'Identity') p = p.op.inputs[0];
  return p;
}

/** A Switch on a LoopCond splits a loop variable into its body (1) and its Exit (0) sides. */
export function isLoopSwitch(op: Operation): boolean {
  return isSwitch(op) && canonicalPred(op.inputs[1]).op.type === 'LoopCond';
}

export const sameChain = (a: Chain, b: Chain): boolean => a.length === b.length && a.every((l, i) => l.key === b[i].key);
export const isPrefix = (a: Chain, b: Chain): boolean => a.length <= b.length && a.every((l, i) => l.key === b[i].key);

export const describeChain = (c: Chain): string =>
  c.length === 0 ? 'the root' : c.map((l) => (l.kind === 'loop' ? `loop '${l.frame}'` : `the ${l.branch ? 'true' : 'false'} branch of cond on '${l.pred.name}'`)).join(' > ');

function refuse(op: Operation, why: string): never {
  throw new UnimplementedError(`ONNX export of op '${op.name}' (${op.type}) is not supported: ${why}`);
}

/** Memoised chains of ops and tensors; walked on demand (with an explicit stack: loops can be long). */
export class ControlFlowContexts {
  private readonly ops = new Map<Operation, Chain>();

  /** The chain a tensor's value lives in. */
  of(t: Tensor): Chain {
    const op = t.op;
    const c = this.opChain(op);
    if (isSwitch(op)) {
      if (isLoopSwitch(op)) return c;
      const pred = canonicalPred(op.inputs[1]);
      const branch = t.index === 1 ? 1 : 0;
      return [...c, { kind: 'branch', key: `b:${pred.name}:${branch}`, pred, branch }];
    }
    if (isEnter(op)) {
      const frame = String(op.attrs.frame_name ?? '');
      return [...c, { kind: 'loop', key: `l:${frame}`, frame }];
    }
    if (isExit(op)) {
      const last = c[c.length - 1];
      if (!last || last.kind !== 'loop') refuse(op, `its input '${op.inputs[0].name}' is not inside a while loop (it lives in ${describeChain(c)})`);
      return c.slice(0, -1);
    }
    return c;
  }

  /** The chain an op runs in. */
  opChain(op: Operation): Chain {
    const known = this.ops.get(op);
    if (known) return known;
    // visit inputs first without recursion, then compute from them
    const stack: Operation[] = [op];
    const entered = new Set<Operation>();
    while (stack.length > 0) {
      const o = stack[stack.length - 1];
      if (this.ops.has(o)) {
        stack.pop();
        continue;
      }
      const deps = this.deps(o).filter((d) => !this.ops.has(d));
      if (deps.length > 0 && !entered.has(o)) {
        entered.add(o);
        stack.push(...deps);
        continue;
      }
      if (deps.length > 0) refuse(o, 'the graph has a cycle through it that is not a while loop\'s back edge');
      stack.pop();
      this.ops.set(o, this.compute(o));
    }
    return this.ops.get(op)!;
  }

  private deps(op: Operation): Operation[] {
    const out: Operation[] = [];
    op.inputs.forEach((t, i) => !isBackEdge(op, i) && out.push(t.op));
    return [...out, ...op.controlInputs];
  }

  private compute(op: Operation): Chain {
    if (isLoopMerge(op)) {
      const e = op.inputs.find((t) => isEnter(t.op));
      if (!e) refuse(op, 'a loop Merge whose forward input is not an Enter');
      return this.of(e);
    }
    const ins = op.inputs.filter((_t, i) => !isBackEdge(op, i)).map((t) => this.of(t));
    if (isMerge(op)) return this.condMerge(op, ins);
    const all = [...ins, ...op.controlInputs.map((c) => this.opChain(c))];
    let deepest: Chain = [];
    for (const c of all) if (c.length > deepest.length) deepest = c;
    for (const c of all) {
      if (!isPrefix(c, deepest)) refuse(op, `it reads values from ${describeChain(c)} and from ${describeChain(deepest)}, which ONNX If/Loop subgraphs cannot express`);
    }
    return deepest;
  }

  /** Two inputs, one per side of one predicate, under a common chain: the Merge lives in that chain. */
  private condMerge(op: Operation, ins: Chain[]): Chain {
    const [a, b] = ins;
    const why = `this Merge does not join the two branches of one cond (its inputs live in ${ins.map(describeChain).join(' and ')})`;
    if (ins.length !== 2 || a.length === 0 || a.length !== b.length) refuse(op, why);
    const base = a.slice(0, -1);
    const la = a[a.length - 1];
    const lb = b[b.length - 1];
    if (!sameChain(base, b.slice(0, -1)) || la.kind !== 'branch' || lb.kind !== 'branch' || la.pred !== lb.pred || la.branch === lb.branch) refuse(op, why);
    return base;
  }
}
