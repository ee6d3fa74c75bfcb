import onnxProto from 'onnx-proto';
import { UnimplementedError } from '../../graph/ir/index.js';
import type { DType, NDArray, PartialShape } from '../../graph/ir/index.js';
import type { OnnxAttr } from '../../ops/op_def.js';

const { onnx } = onnxProto;

/**
 * The exporter's working form of an ONNX graph: plain nodes and initializers that passes
 * (`cancel_transposes.ts`) rewrite before `toModelProto` encodes them.
 */
export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, OnnxNodeAttr>;
}

/** A node attribute: an op mapping's value, or a subgraph (If's branches, Loop's body) the exporter builds. */
export type OnnxNodeAttr = OnnxAttr | { readonly graph: OnnxGraph };

export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: PartialShape;
}

export interface OnnxGraph {
  /** A subgraph's name (the model's graph takes the producer's). */
  name?: string;
  nodes: OnnxNode[];
  initializers: Map<string, NDArray>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export const ONNX_DTYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  // ONNX has no handle type: export refuses resource ops (freeze first), so this is never written
  resource: onnx.TensorProto.DataType.UNDEFINED,
  string: onnx.TensorProto.DataType.STRING,
};

function rawData(a: NDArray): Uint8Array {
  // string ops refuse ONNX export (their mappings say why), so only a string Const could get here
  if (a.dtype === 'string') throw new UnimplementedError(`ONNX export of a string constant (shape [${a.shape.join(',')}]) is not supported: tensorgraph exports numeric graphs`);
  if (a.dtype === 'int64') {
    const out = new BigInt64Array(a.size);
    for (let i = 0; i < a.size; i++) out[i] = BigInt(a.data[i]);
    return new Uint8Array(out.buffer);
  }
  const d = a.data;
  return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
}

function tensorProto(name: string, a: NDArray): onnxProto.onnx.TensorProto {
  return onnx.TensorProto.create({ name, dims: [...a.shape], dataType: ONNX_DTYPE[a.dtype], rawData: rawData(a) });
}

type DimNamer = (axis: number) => string;

function attrProto(name: string, a: OnnxNodeAttr, dimName: DimNamer): onnxProto.onnx.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('graph' in a) return onnx.AttributeProto.create({ name, type: T.GRAPH, g: graphProto(a.graph, a.graph.name ?? name, dimName) });
  if ('i' in a) return onnx.AttributeProto.create({ name, type: T.INT, i: a.i });
  if ('f' in a) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.f });
  if ('s' in a) return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.s) });
  if ('ints' in a) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...a.ints] });
  return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...a.floats] });
}

/** Unknown dims become symbolic: a leading unknown dim is 'batch', the others 'unk_N'. */
function valueInfo(v: OnnxValueInfo, dimName: (axis: number) => string): onnxProto.onnx.ValueInfoProto {
  const shape = v.shape === null ? undefined : { dim: v.shape.map((d, i) => (d === null ? { dimParam: dimName(i) } : { dimValue: d })) };
  return onnx.ValueInfoProto.create({ name: v.name, type: { tensorType: { elemType: ONNX_DTYPE[v.dtype], shape } } });
}

function graphProto(g: OnnxGraph, graphName: string, dimName: DimNamer): onnxProto.onnx.GraphProto {
  return onnx.GraphProto.create({
    name: graphName,
    node: g.nodes.map((n) =>
      onnx.NodeProto.create({ name: n.name, opType: n.opType, input: n.inputs, output: n.outputs, attribute: Object.entries(n.attrs).map(([k, a]) => attrProto(k, a, dimName)) }),
    ),
    initializer: [...g.initializers].map(([name, a]) => tensorProto(name, a)),
    input: g.inputs.map((v) => valueInfo(v, dimName)),
    output: g.outputs.map((v) => valueInfo(v, dimName)),
  });
}

export function toModelProto(g: OnnxGraph, opset: number, graphName: string): Uint8Array {
  let unknown = 0;
  const dimName = (axis: number) => (axis === 0 ? 'batch' : `unk_${unknown++}`);
  const graph = graphProto(g, graphName, dimName);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tensorgraph',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: opset }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
