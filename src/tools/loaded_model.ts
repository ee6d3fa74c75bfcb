import { Graph, InvalidArgumentError, NDArray, Operation, Tensor } from '../../graph/ir/index.js';
import { importGraphDef } from '../../serialization/import_graph_def.js';
import type { GraphDef } from '../../serialization/types.js';

/*
 * A model's graph with what to feed and fetch, worked out from the GraphDef alone (no file IO, so
 * tg.testing can use it in a browser too): the CLI's commands and checkPass's model files.
 */

/** A model opened for the CLI's `time`, `draw` and `optimize` (and checkPass): its graph and what to feed and fetch. */
export interface LoadedModel {
  readonly path: string;
  readonly graph: Graph;
  readonly def: GraphDef;
  /** Placeholders. */
  readonly inputs: readonly Tensor[];
  /** Output 0 of every op nothing consumes that computes a value (not an update or a saver op). */
  readonly outputs: readonly Tensor[];
  /** The training op of a .meta (`train_op` collection, or an op that applies gradients), if any. */
  readonly trainOp: Operation | null;
  /** Ops that give the variables their initial values (run once before timing). */
  readonly initOps: readonly Operation[];
}

const NOT_OUTPUTS = /^(NoOp|Assign\w*|Apply\w*|ResourceApply\w*|SaveV2|RestoreV2|MergeV2Checkpoints|ScalarSummary|HistogramSummary|MergeSummary)$/;

/** Imports `def` into a new graph and finds its inputs, outputs, training op and initialisers. */
export function modelFromGraphDef(def: GraphDef, path: string): LoadedModel {
  const graph = new Graph();
  importGraphDef(def, { graph, source: path });
  const ops = graph.getOperations();
  const consumed = new Set<Operation>();
  for (const op of ops) {
    for (const t of op.inputs) consumed.add(t.op);
    for (const c of op.controlInputs) consumed.add(c);
  }
  const inputs = ops.filter((o) => o.type === 'Placeholder').map((o) => o.outputs[0]);
  const training = (o: Operation): boolean => o.name.startsWith('gradients/') || /^(Apply|ResourceApply)/.test(o.type);
  const outputs = ops.filter((o) => !consumed.has(o) && o.outputs.length > 0 && !NOT_OUTPUTS.test(o.type) && !training(o) && o.type !== 'Placeholder' && o.type !== 'Const').map((o) => o.outputs[0]);
  const applies = ops.filter((o) => /^(Apply|ResourceApply)/.test(o.type));
  // the op that groups the updates (minimize's NoOp or AssignAdd on the global step) is a sink
  const trainOp = applies.length === 0 ? null : (ops.find((o) => !consumed.has(o) && (o.type === 'NoOp' || o.type === 'AssignAdd') && dependsOnAll(o, applies)) ?? null);
  // a ref variable's W/Assign, or a resource variable's (AssignVariableOp on its VarHandleOp)
  const initOps = ops.filter((o) => (o.type === 'Assign' || o.type === 'AssignVariableOp') && /^Var/.test(o.inputs[0]?.op.type ?? '') && o.name === `${o.inputs[0].op.name}/Assign`);
  return { path, graph, def, inputs, outputs, trainOp, initOps };
}

function dependsOnAll(root: Operation, wanted: readonly Operation[]): boolean {
  const seen = new Set<Operation>();
  const stack = [root];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const t of o.inputs) stack.push(t.op);
    for (const c of o.controlInputs) stack.push(c);
  }
  return wanted.every((w) => seen.has(w));
}

/** `--feeds images=32x784,labels=32` → shapes by placeholder name; unknown dims default to 1. */
export function feedShapes(model: LoadedModel, spec: string | undefined): Map<Tensor, number[]> {
  const given = new Map<string, number[]>();
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([^=]+)=(\d+(?:x\d+)*|scalar)$/.exec(part);
    if (!m) throw new InvalidArgumentError(`--feeds: '${part}' is not name=shape (e.g. images=32x784, or name=scalar)`);
    given.set(m[1].replace(/:0$/, ''), m[2] === 'scalar' ? [] : m[2].split('x').map(Number));
  }
  const out = new Map<Tensor, number[]>();
  for (const t of model.inputs) {
    const shape = given.get(t.op.name) ?? (t.shape === null ? null : t.shape.map((d) => d ?? 1));
    if (shape === null) throw new InvalidArgumentError(`--feeds: placeholder '${t.op.name}' has an unknown rank; give its shape (--feeds ${t.op.name}=1x28x28x1)`);
    if (t.shape !== null && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== null && d !== shape[i]))) {
      throw new InvalidArgumentError(`--feeds: shape [${shape.join(',')}] for '${t.op.name}' does not fit its declared shape [${t.shape.map((d) => d ?? '?').join(',')}]`);
    }
    out.set(t, shape);
    given.delete(t.op.name);
  }
  for (const name of given.keys()) throw new InvalidArgumentError(`--feeds: '${name}' is not a placeholder of ${model.path} (placeholders: ${model.inputs.map((t) => t.op.name).join(', ') || 'none'})`);
  return out;
}

/** Seeded feed values: floats uniform in [0, 1), integers 0 (a valid class label and index). */
export function syntheticFeeds(shapes: ReadonlyMap<Tensor, readonly number[]>): Map<Tensor, NDArray> {
  let s = 12345;
  const next = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Map<Tensor, NDArray>();
  for (const [t, shape] of shapes) {
    const size = shape.reduce((p, d) => p * d, 1);
    if (t.dtype === 'float32') out.set(t, new NDArray('float32', shape, Float32Array.from({ length: size }, next)));
    else if (t.dtype === 'bool') out.set(t, new NDArray('bool', shape, new Uint8Array(size)));
    else out.set(t, new NDArray(t.dtype, shape, new Int32Array(size)));
  }
  return out;
}
