import { Graph, InvalidArgumentError, Operation, Tensor } from '../../graph/ir/index.js';
import { importGraphDef } from '../import_graph_def.js';
import type { GraphDef } from '../types.js';
import { cancelTransposes } from './cancel_transposes.js';
import { eliminateIdentities, pruneDeadNodes, sortNodes } from './graph_cleanup.js';
import { ControlFlowContexts } from './cf_context.js';
import { exportCond } from './cond_export.js';
import { toModelProto } from './ir.js';
import type { OnnxGraph } from './ir.js';
import { exportLoop } from './loop_export.js';
import { Scope } from './scope.js';
import type { ExportState } from './scope.js';

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
  const { ops, tensors } = neededBy(outputs, cut);
  const shared: ExportState = { opset, contexts: new ControlFlowContexts(), cut, needed: ops, neededTensors: tensors, structured: { cond: exportCond, loop: exportLoop } };
  const root = new Scope(shared, [], g, null, new Map(inputs.map((t) => [t, t.name])), '');
  for (const t of outputs) {
    const n = root.name(t);
    // a model output that is also an input, or a value the mapping named differently
    if (n !== t.name) g.nodes.push({ name: `${t.op.name}/onnx/output_${t.index}`, opType: 'Identity', inputs: [n], outputs: [t.name], attrs: {} });
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

/**
 * The ops (and tensors) between `cut` and `outputs` through data edges, a while loop's back edges
 * included: which of a cond's Merges and a loop's variables the export keeps.
 */
function neededBy(outputs: readonly Tensor[], cut: ReadonlySet<Tensor>): { ops: Set<Operation>; tensors: Set<Tensor> } {
  const ops = new Set<Operation>();
  const tensors = new Set<Tensor>(outputs);
  const stack = outputs.filter((t) => !cut.has(t)).map((t) => t.op);
  while (stack.length > 0) {
    const op = stack.pop()!;
    if (ops.has(op)) continue;
    ops.add(op);
    for (const t of op.inputs) {
      tensors.add(t);
      if (!cut.has(t)) stack.push(t.op);
    }
  }
  return { ops, tensors };
}
