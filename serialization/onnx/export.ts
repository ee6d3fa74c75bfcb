import { Graph, InvalidArgumentError, isBackEdge, NDArray, Operation, Tensor, UnimplementedError } from '../../graph/ir/index.js';
import type { DType } from '../../graph/ir/index.js';
import { staticValue } from '../../ops/builder.js';
import type { OnnxAttr, OnnxExportContext, OnnxOpView, OnnxValue } from '../../ops/op_def.js';
import { getOpDef } from '../../ops/registry.js';
import { importGraphDef } from '../import_graph_def.js';
import type { GraphDef } from '../types.js';
import { cancelTransposes } from './cancel_transposes.js';
import { eliminateIdentities, pruneDeadNodes, sortNodes } from './graph_cleanup.js';
import { ONNX_DTYPE, toModelProto } from './ir.js';
import type { OnnxGraph, OnnxNode } from './ir.js';

export interface OnnxExportOptions {
  /** Tensor names that become the model's inputs ('x:0'); usually the placeholders. */
  inputs: readonly string[];
  /** Tensor names that become the model's outputs ('probs:0'). */
  outputs: readonly string[];
  /** ONNX opset of the default domain (17, the only one the mappings are written for). */
  opset?: number;
  /** Leave the NHWC <-> NCHW transpose pairs in place (for tests and debugging). */
  keepTransposes?: boolean;
}

export const ONNX_OPSET = 17;

/**
 * Exports a frozen graph as an ONNX model (opset 17, IR version 8). The exporter knows no op
 * maths: it walks the ops the outputs need, from the inputs on, and lets each op's ONNX facet
 * emit its nodes; TF tensor names stay the ONNX value names.
 */
export function exportModel(source: Graph | GraphDef | Uint8Array, options: OnnxExportOptions): Uint8Array {
  const opset = options.opset ?? ONNX_OPSET;
  if (opset !== ONNX_OPSET) throw new InvalidArgumentError(`ONNX export: opset ${opset} is not supported; the op mappings are written for opset ${ONNX_OPSET}`);
  if (options.outputs.length === 0) throw new InvalidArgumentError('ONNX export: no outputs given');
  const graph = source instanceof Graph ? source : scratchGraph(source);
  const tensor = (name: string, what: string): Tensor => {
    if (!/:\d+$/.test(name)) throw new InvalidArgumentError(`ONNX export: ${what} '${name}' must be a tensor name like '${name}:0'`);
    try {
      return graph.getTensorByName(name);
    } catch {
      throw new InvalidArgumentError(`ONNX export: ${what} '${name}' is not in the graph`);
    }
  };
  const inputs = options.inputs.map((n) => tensor(n, 'input'));
  const outputs = options.outputs.map((n) => tensor(n, 'output'));
  const g: OnnxGraph = {
    nodes: [],
    initializers: new Map(),
    inputs: inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
    outputs: outputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
  };
  const cut = new Set(inputs);
  for (const op of opsNeeded(outputs, cut)) exportOp(op, g, opset);
  const defined = new Set([...g.inputs.map((v) => v.name), ...g.initializers.keys(), ...g.nodes.flatMap((n) => n.outputs)]);
  for (const t of outputs) {
    if (!defined.has(t.name)) throw new UnimplementedError(`ONNX export: output '${t.name}' of ${t.op.type} '${t.op.name}' is not produced by its ONNX mapping`);
  }
  eliminateIdentities(g);
  if (!options.keepTransposes) cancelTransposes(g);
  pruneDeadNodes(g);
  sortNodes(g);
  return toModelProto(g, opset, 'tensorgraph');
}

function scratchGraph(def: GraphDef | Uint8Array): Graph {
  const g = new Graph();
  importGraphDef(def, { graph: g, source: 'ONNX export' });
  return g;
}

/** The ops between `cut` and `outputs`, inputs before consumers (data edges only). */
function opsNeeded(outputs: readonly Tensor[], cut: ReadonlySet<Tensor>): Operation[] {
  const order: Operation[] = [];
  const state = new Map<Operation, 'visiting' | 'done'>();
  const visit = (op: Operation): void => {
    const s = state.get(op);
    if (s === 'done') return;
    if (s === 'visiting') throw new InvalidArgumentError(`ONNX export: the graph has a cycle through '${op.name}'`);
    state.set(op, 'visiting');
    // a while loop's back edge is no dependency: its ops are then refused one by one, each saying why
    op.inputs.forEach((t, i) => !cut.has(t) && !isBackEdge(op, i) && visit(t.op));
    state.set(op, 'done');
    order.push(op);
  };
  for (const t of outputs) if (!cut.has(t)) visit(t.op);
  return order;
}

/** Constants, seen through identities, so a frozen graph's `W/read` gives W's value. */
function valueOf(t: Tensor): NDArray | null {
  if (t.op.type === 'Identity' || t.op.type === 'StopGradient') return valueOf(t.op.inputs[0]);
  return staticValue(t);
}

function exportOp(op: Operation, g: OnnxGraph, opset: number): void {
  const def = getOpDef(op.type);
  const label = `ONNX export of op '${op.name}' (${op.type})`;
  const facet = def.onnx;
  if (!facet) throw new UnimplementedError(`${label} is not supported: no ONNX mapping`);
  if (facet.kind === 'onnx-refused') throw new UnimplementedError(`${label} is not supported: ${facet.reason}`);
  // TF tensor names end in ':N', so these never meet one; op names are unique in the graph.
  let counter = 0;
  const fresh = (hint: string): string => `${op.name}/onnx/${hint}_${counter++}`;
  const ctx: OnnxExportContext = {
    opset,
    node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}, outputs: readonly string[] | number = 1): string[] {
      const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => fresh(opType.toLowerCase())) : [...outputs];
      const node: OnnxNode = { name: fresh(`node_${opType}`), opType, inputs: [...inputs], outputs: outs, attrs: { ...attrs } };
      g.nodes.push(node);
      return outs;
    },
    constant(value: NDArray, name?: string): string {
      const n = name ?? fresh('const');
      g.initializers.set(n, value);
      return n;
    },
    int64s(values: readonly number[]): string {
      return this.constant(new NDArray('int64', [values.length], Int32Array.from(values)));
    },
    cast(name: string, from: DType, to: DType): string {
      if (from === to) return name;
      return this.node('Cast', [name], { to: { i: ONNX_DTYPE[to] } })[0];
    },
    fresh,
    refuse(why: string): never {
      throw new UnimplementedError(`${label} is not supported: ${why}`);
    },
  };
  const view = (t: Tensor): OnnxValue => ({ name: t.name, dtype: t.dtype, shape: t.shape, value: valueOf(t) });
  const opView: OnnxOpView = { name: op.name, type: op.type, attrs: op.attrs, inputs: op.inputs.map(view), outputs: op.outputs.map(view) };
  facet.export(ctx, opView);
}
