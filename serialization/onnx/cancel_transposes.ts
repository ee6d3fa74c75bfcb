import { NDArray, transposeArray } from '../../graph/ir/index.js';
import { consumers, isGraphOutput, reads, renameUses, subgraphs } from './graph_cleanup.js';
import type { OnnxGraph, OnnxNode } from './ir.js';

/**
 * Removes the layout transposes NHWC ops bring (Transpose to NCHW, op, Transpose back): a
 * Transpose is pushed down through elementwise ops whose other operands are constants (which are
 * permuted to match) or the same Transpose, and two Transposes that compose to the identity
 * cancel. A chain conv -> relu -> conv keeps only the transposes at its two ends.
 */

/** Elementwise ops (per-element, broadcasting) a Transpose commutes with. */
const ELEMENTWISE = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Abs', 'Neg', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos',
  'Erf', 'Elu', 'Selu', 'LeakyRelu', 'Softplus', 'Softsign', 'Clip', 'Cast', 'Not', 'Identity',
  'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow', 'Mod', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Sum',
]);

const MAX_STEPS = 10_000;

const permOf = (n: OnnxNode): readonly number[] => {
  const a = n.attrs.perm;
  return a && 'ints' in a ? a.ints : [];
};
const isIdentityPerm = (p: readonly number[]) => p.every((v, i) => v === i);
const inverse = (p: readonly number[]) => {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  return inv;
};

export function cancelTransposes(g: OnnxGraph): void {
  let fresh = 0;
  const newName = (base: string) => `${base}/transposed_${fresh++}`;
  for (let step = 0; step < MAX_STEPS && rewriteOnce(g, newName); step++);
  // an If branch or Loop body is a graph of its own: its outputs are what must keep their layout
  for (const n of g.nodes) subgraphs(n).forEach(cancelTransposes);
}

/** Applies the first rewrite that matches; false when none does. */
function rewriteOnce(g: OnnxGraph, newName: (base: string) => string): boolean {
  const producer = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const readers = consumers(g);
  for (const t of g.nodes) {
    if (t.opType !== 'Transpose' || permOf(t).length === 0) continue;
    const perm = permOf(t);
    const [x] = t.inputs;
    const [y] = t.outputs;
    // Transpose(Transpose(x)): cancel to x, or merge into one.
    const p = producer.get(x);
    if (p && p.opType === 'Transpose' && permOf(p).length === perm.length) {
      const composed = perm.map((k) => permOf(p)[k]);
      t.inputs = [p.inputs[0]];
      if (isIdentityPerm(composed)) {
        if (isGraphOutput(g, y)) {
          t.opType = 'Identity';
          t.attrs = {};
        } else {
          renameUses(g, y, p.inputs[0]);
          g.nodes.splice(g.nodes.indexOf(t), 1);
        }
      } else t.attrs = { perm: { ints: composed } };
      removeIfUnused(g, p);
      return true;
    }
    // U(Transpose(x), consts) -> Transpose(U(x, permuted consts))
    const users = readers.get(y) ?? [];
    if (users.length !== 1 || isGraphOutput(g, y)) continue;
    const u = users[0];
    if (!ELEMENTWISE.has(u.opType) || u.outputs.length !== 1) continue;
    const rewritten = u.inputs.map((v) => operandBeforeTranspose(g, v, y, x, perm, producer, newName));
    if (rewritten.some((v) => v === null)) continue;
    u.inputs = rewritten as string[];
    const out = u.outputs[0];
    const inner = newName(out);
    u.outputs = [inner];
    t.inputs = [inner];
    t.outputs = [out];
    // keep the Transpose after U in the node list (sortNodes fixes the final order)
    g.nodes.splice(g.nodes.indexOf(t), 1);
    g.nodes.splice(g.nodes.indexOf(u) + 1, 0, t);
    return true;
  }
  return false;
}

/** What operand `v` of U becomes when U runs before the Transpose: null when it cannot. */
function operandBeforeTranspose(
  g: OnnxGraph,
  v: string,
  y: string,
  x: string,
  perm: readonly number[],
  producer: ReadonlyMap<string, OnnxNode>,
  newName: (base: string) => string,
): string | null {
  if (v === y) return x;
  if (v === '') return v;
  const c = g.initializers.get(v);
  if (c) {
    if (c.rank === 0) return v;
    if (c.rank > perm.length) return null;
    const full = new NDArray(c.dtype, [...new Array<number>(perm.length - c.rank).fill(1), ...c.shape], c.data);
    const name = newName(v);
    g.initializers.set(name, transposeArray(full, inverse(perm)));
    return name;
  }
  const p = producer.get(v);
  if (p && p.opType === 'Transpose' && permOf(p).join() === perm.join()) return p.inputs[0];
  return null;
}

function removeIfUnused(g: OnnxGraph, n: OnnxNode): void {
  if (n.outputs.some((o) => isGraphOutput(g, o) || g.nodes.some((m) => reads(m).includes(o)))) return;
  g.nodes.splice(g.nodes.indexOf(n), 1);
}
