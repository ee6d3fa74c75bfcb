import onnxProto from 'onnx-proto';
import { DataLossError, InvalidArgumentError, ResourceExhaustedError } from '../../../graph/ir/index.js';
import type { DType, PartialShape } from '../../../graph/ir/index.js';
import { checkedDims, dtypeOf } from './host_tensor.js';
import { inlineFunctions } from './functions.js';
import { toInt } from './long.js';
import { resolveOpsets } from './opset.js';
import type { Opsets } from './opset.js';

const { onnx } = onnxProto;

/** A graph input or output: name, element type and shape (symbolic dims are null). */
export interface ValueSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: PartialShape;
}

/** One node after function inlining; inputs keep '' for an omitted optional input. */
export interface ModelNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly onnxProto.onnx.IAttributeProto[];
}

export interface DecodedModel {
  readonly irVersion: number;
  readonly producer: string;
  readonly opsets: Opsets;
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly initializers: ReadonlyMap<string, onnxProto.onnx.ITensorProto>;
  readonly nodes: readonly ModelNode[];
}

/** Files larger than this are refused before decoding (protobuf's own 2 GiB limit). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

function decodeProto(bytes: Uint8Array, source: string): onnxProto.onnx.ModelProto {
  if (bytes.length > MAX_MODEL_BYTES) throw new ResourceExhaustedError(`${source}: ${bytes.length} bytes exceed the 2 GiB protobuf limit`);
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new DataLossError(`${source}: not a valid ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
}

function valueSpec(v: onnxProto.onnx.IValueInfoProto, where: string): ValueSpec {
  const name = v.name ?? '';
  if (name === '') throw new InvalidArgumentError(`${where}: a value has no name`);
  const label = `${where} '${name}'`;
  const tt = v.type?.tensorType;
  if (!tt) throw new InvalidArgumentError(`${label}: only tensor values are supported (no tensor type given)`);
  const dtype = dtypeOf(tt.elemType ?? 0, label);
  if (!tt.shape) return { name, dtype, shape: null };
  const shape = (tt.shape.dim ?? []).map((d) => {
    if (d.dimValue === undefined || d.dimValue === null || d.dimParam) return null;
    const n = toInt(d.dimValue, `${label}: dim`);
    // writers use 0 or -1 for "unknown" as often as dim_param
    return n <= 0 ? null : n;
  });
  checkedDims(shape.map((d) => d ?? 0), label);
  return { name, dtype, shape };
}

/**
 * Decodes an ONNX model and checks what the importer relies on: a graph, known opsets, tensor
 * inputs and outputs, every node input defined earlier (ONNX graphs are topologically sorted),
 * each value defined once. Model-local functions are inlined here, so later stages see only
 * operators of the standard domain (or whatever unknown op the check then names).
 */
export function decodeModel(bytes: Uint8Array, source: string): DecodedModel {
  const m = decodeProto(bytes, source);
  const irVersion = toInt(m.irVersion ?? 0, `${source}: ir_version`);
  if (irVersion < 3) throw new InvalidArgumentError(`${source}: ir_version ${irVersion} is not supported (3 or later needed for opset imports)`);
  const g = m.graph;
  if (!g) throw new InvalidArgumentError(`${source}: the model has no graph`);
  const opsets = resolveOpsets(m.opsetImport ?? [], source);
  const initializers = new Map<string, onnxProto.onnx.ITensorProto>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    if (name === '') throw new InvalidArgumentError(`${source}: an initializer has no name`);
    if (initializers.has(name)) throw new InvalidArgumentError(`${source}: initializer '${name}' is given twice`);
    initializers.set(name, t);
  }
  if ((g.sparseInitializer?.length ?? 0) > 0) throw new InvalidArgumentError(`${source}: sparse initializers are not supported`);
  // before IR 4 initializers were listed among the inputs too; they are not model inputs here
  const inputs = (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map((v) => valueSpec(v, `${source}: input`));
  const outputs = (g.output ?? []).map((v) => valueSpec(v, `${source}: output`));
  const nodes = inlineFunctions(g.node ?? [], m.functions ?? [], source);
  checkDataflow(source, inputs, initializers, nodes, outputs);
  return { irVersion, producer: m.producerName ?? '', opsets, inputs, outputs, initializers, nodes };
}

function checkDataflow(source: string, inputs: readonly ValueSpec[], inits: ReadonlyMap<string, unknown>, nodes: readonly ModelNode[], outputs: readonly ValueSpec[]): void {
  const defined = new Set<string>(inits.keys());
  for (const v of inputs) {
    if (defined.has(v.name)) throw new InvalidArgumentError(`${source}: input '${v.name}' is defined twice`);
    defined.add(v.name);
  }
  for (const n of nodes) {
    const where = `${source}: node '${n.name}' (${n.opType})`;
    for (const i of n.inputs) {
      if (i !== '' && !defined.has(i)) throw new InvalidArgumentError(`${where}: input '${i}' is not defined before the node (the graph must be topologically sorted)`);
    }
    for (const o of n.outputs) {
      if (o === '') continue;
      if (defined.has(o)) throw new InvalidArgumentError(`${where}: output '${o}' is already defined`);
      defined.add(o);
    }
  }
  for (const o of outputs) if (!defined.has(o.name)) throw new InvalidArgumentError(`${source}: output '${o.name}' is not produced by any node`);
}
