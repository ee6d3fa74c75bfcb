import { formatShape, Graph, GraphKeys, NDArray, Operation, PartialShape } from '../../graph/ir/index.js';

/** One row of `summary`: a top-level name scope (a layer) or a scope-less op. */
export interface SummaryRow {
  /** The scope (`conv1`) or the op's name. */
  readonly name: string;
  /** The compute op types inside, in creation order (`Conv2D+BiasAdd+Relu+MaxPool`). */
  readonly ops: string;
  /** The shape of the row's output: the last compute op's first output. */
  readonly outputShape: PartialShape;
  /** Elements of the variables (or, in a frozen graph, of the float constants) in the row. */
  readonly params: number;
}

export interface ModelSummary {
  readonly rows: readonly SummaryRow[];
  readonly totalParams: number;
  /** Parameters of variables in TRAINABLE_VARIABLES (0 when the graph has no such collection). */
  readonly trainableParams: number;
  /** Ops left out of the rows: gradients and optimizer updates. */
  readonly hiddenOps: number;
  /** The table as text (what the VGG16 example prints). */
  readonly text: string;
}

/** Op types that carry state or plumbing rather than the layer's computation. */
const PLUMBING = new Set(['VariableV2', 'Variable', 'VarHandleOp', 'Const', 'Assign', 'Identity', 'NoOp', 'ReadVariableOp', 'AssignVariableOp']);
const VARIABLE = new Set(['VariableV2', 'Variable', 'VarHandleOp']);

const elements = (shape: PartialShape): number => (shape ?? []).reduce<number>((p, d) => p * (d ?? 0), 1);

/**
 * A Keras-like table of a graph (model.summary()): one row per top-level name scope, with the op
 * types it computes, its output shape and its parameter count, then the totals. Scopes that only
 * train (`gradients`, optimizer updates and their slots) are counted but not listed, so a training
 * graph prints the same rows as its inference graph. Works on built and imported graphs alike; a
 * frozen graph's weights are its float constants.
 */
export function summary(graph: Graph): ModelSummary {
  const ops = graph.getOperations();
  const frozen = !ops.some((o) => VARIABLE.has(o.type));
  const groups = new Map<string, Operation[]>();
  for (const op of ops) {
    const key = op.name.includes('/') ? op.name.slice(0, op.name.indexOf('/')) : op.name;
    const list = groups.get(key);
    if (list) list.push(op);
    else groups.set(key, [op]);
  }
  const init = initializerOps(ops);
  const groupOf = (o: Operation): string => (o.name.includes('/') ? o.name.slice(0, o.name.indexOf('/')) : o.name);
  const training = new Set<string>();
  for (const [name, members] of groups) {
    if (name === 'gradients' || members.some((o) => o.type.startsWith('Apply') || o.type.startsWith('ResourceApply'))) training.add(name);
  }
  // state only training reads (Adam's beta1_power): every consumer outside its scope trains
  for (const [name, members] of groups) {
    if (training.has(name) || !members.some((o) => VARIABLE.has(o.type))) continue;
    const outside = members.flatMap((o) => o.outputs.flatMap((t) => graph.consumersOf(t))).filter((c) => groupOf(c) !== name);
    if (outside.length > 0 && outside.every((c) => training.has(groupOf(c)))) training.add(name);
  }
  const trainable = new Set(graph.getCollection<{ op?: Operation }>(GraphKeys.TRAINABLE_VARIABLES).map((v) => v.op?.name));
  const rows: (SummaryRow & { depth: number })[] = [];
  const depth = depths(ops);
  let hiddenOps = 0;
  let totalParams = 0;
  let trainableParams = 0;
  for (const [name, members] of groups) {
    const compute = members.filter((o) => !PLUMBING.has(o.type) && !init.has(o));
    let params = 0;
    for (const o of members) {
      if (frozen ? isWeightConst(o) : VARIABLE.has(o.type)) {
        const n = elements(o.outputs[0]?.shape ?? null);
        params += n;
        if (trainable.has(o.name)) trainableParams += n;
      }
    }
    // optimizer slots live in the layer's scope in some graphs: they are state, not parameters
    const slots = members.filter((o) => VARIABLE.has(o.type) && /\/(Adam|Adam_1|Momentum|RMSProp|RMSProp_1|Adagrad|Adadelta|Adadelta_1|Ftrl|Ftrl_1)$/.test(o.name));
    const slotParams = slots.reduce((a, o) => a + elements(o.outputs[0]?.shape ?? null), 0);
    if (training.has(name) || (compute.length === 0 && params === 0 && members.every((o) => o.type !== 'Placeholder'))) {
      hiddenOps += members.length;
      continue;
    }
    params -= slotParams;
    totalParams += params;
    const last = compute.length > 0 ? compute[compute.length - 1] : members[members.length - 1];
    const types = compute.length > 0 ? [...new Set(compute.map((o) => o.type))].join('+') : [...new Set(members.map((o) => o.type))].join('+');
    rows.push({ name, ops: types, outputShape: last.outputs[0]?.shape ?? null, params, depth: depth.get(last) ?? 0 });
  }
  // data-flow order (an imported graph lists ops in file order, not layer order); sort is stable
  const sorted = rows.sort((a, b) => a.depth - b.depth).map(({ depth: _d, ...r }) => r);
  return { rows: sorted, totalParams, trainableParams, hiddenOps, text: formatSummary(sorted, totalParams, trainableParams, hiddenOps) };
}

/** Longest path from a source to each op (ops come in creation order, inputs first). */
function depths(ops: readonly Operation[]): Map<Operation, number> {
  const d = new Map<Operation, number>();
  for (const o of ops) {
    let k = 0;
    for (const t of o.inputs) k = Math.max(k, (d.get(t.op) ?? 0) + 1);
    d.set(o, k);
  }
  return d;
}

/** The ops that compute variables' initial values (what `Assign` writes into a variable). */
function initializerOps(ops: readonly Operation[]): Set<Operation> {
  const out = new Set<Operation>();
  const stack = ops.filter((o) => o.type === 'Assign' && o.name.endsWith('/Assign') && VARIABLE.has(o.inputs[0]?.op.type ?? '')).map((o) => o.inputs[1]?.op).filter((o): o is Operation => o !== undefined);
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (out.has(o) || VARIABLE.has(o.type) || o.type === 'Placeholder') continue;
    out.add(o);
    for (const t of o.inputs) stack.push(t.op);
  }
  return out;
}

function isWeightConst(op: Operation): boolean {
  if (op.type !== 'Const') return false;
  const v = op.attrs.value;
  return v instanceof NDArray && v.dtype === 'float32' && v.size > 1;
}

const MAX_OPS_WIDTH = 32;

function formatSummary(rows: readonly SummaryRow[], total: number, trainable: number, hidden: number): string {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const cells = rows.map((r) => [r.name, r.ops.length > MAX_OPS_WIDTH ? `${r.ops.slice(0, MAX_OPS_WIDTH - 1)}…` : r.ops, formatShape(r.outputShape), fmt(r.params)]);
  const head = ['Scope / op', 'Ops', 'Output shape', 'Param #'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]): string => c.map((s, i) => (i === 3 ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '='.repeat(widths.reduce((a, w) => a + w, 0) + 6);
  const out = [rule, line(head), rule, ...cells.map(line), rule, `Total params: ${fmt(total)}`];
  if (trainable > 0) out.push(`Trainable params: ${fmt(trainable)}`, `Non-trainable params: ${fmt(total - trainable)}`);
  if (hidden > 0) out.push(`(${fmt(hidden)} ops not listed: gradients, optimizer updates, constants outside any layer)`);
  return out.join('\n');
}
