import { expect } from 'chai';
import onnxProto from 'onnx-proto';
import * as tg from '../../../src/index.js';
import { expectClose, runOrt } from '../onnx/helpers.js';
import type { Feeds } from '../onnx/helpers.js';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export type Attr = { i: number } | { f: number } | { s: string } | { ints: readonly number[] } | { floats: readonly number[] } | { t: tg.NDArray };

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, Attr>>;
  name?: string;
  domain?: string;
}

export interface ValueSpec {
  name: string;
  dtype: tg.DType;
  /** null dims are symbolic ('N'). */
  shape: readonly (number | null)[] | null;
}

export interface ModelSpec {
  opset: number;
  nodes: readonly NodeSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  initializers?: Readonly<Record<string, tg.NDArray>>;
  functions?: readonly onnxProto.onnx.IFunctionProto[];
  extraOpsets?: readonly { domain: string; version: number }[];
}

const ELEM: Record<tg.DType, number> = { float32: T.FLOAT, int32: T.INT32, int64: T.INT64, bool: T.BOOL, resource: T.UNDEFINED , string: T.STRING };

/** int64 values as written in the file, for arrays holding values outside int32 (INT64_MAX in Slice). */
const WIDE = new WeakMap<tg.NDArray, readonly number[]>();

export function tensorProto(name: string, a: tg.NDArray): onnxProto.onnx.ITensorProto {
  const wide = WIDE.get(a);
  if (wide) return { name, dims: [...a.shape], dataType: T.INT64, int64Data: [...wide] };
  const data = a.data as ArrayLike<number>;
  if (a.dtype === 'float32') return { name, dims: [...a.shape], dataType: T.FLOAT, floatData: Array.from(data) };
  if (a.dtype === 'int64') return { name, dims: [...a.shape], dataType: T.INT64, int64Data: Array.from(data) };
  return { name, dims: [...a.shape], dataType: ELEM[a.dtype], int32Data: Array.from(data) };
}

function attrProto(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  if ('i' in a) return { name, type: AT.INT, i: a.i };
  if ('f' in a) return { name, type: AT.FLOAT, f: a.f };
  if ('s' in a) return { name, type: AT.STRING, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: AT.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: AT.FLOATS, floats: [...a.floats] };
  return { name, type: AT.TENSOR, t: tensorProto('', a.t) };
}

function valueInfo(v: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const shape = v.shape === null ? undefined : { dim: v.shape.map((d) => (d === null ? { dimParam: 'N' } : { dimValue: d })) };
  return { name: v.name, type: { tensorType: { elemType: ELEM[v.dtype], shape } } };
}

/** Encodes a model built in a test. */
export function makeModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: spec.opset >= 21 ? 10 : spec.opset >= 15 ? 8 : 7,
    producerName: 'tensorgraph-test',
    opsetImport: [{ domain: '', version: spec.opset }, ...(spec.extraOpsets ?? [])],
    graph: {
      name: 'test',
      node: spec.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs ?? {}).map(([k, a]) => attrProto(k, a)),
      })),
      initializer: Object.entries(spec.initializers ?? {}).map(([k, a]) => tensorProto(k, a)),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
    functions: spec.functions ? [...spec.functions] : [],
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A model of one node over inputs `x0, x1, ...` (null: an omitted optional input) with outputs
 * `y, y1, ...`; inputs listed in `consts` become initializers instead of model inputs.
 */
export function singleOp(
  op: string,
  opset: number,
  inputs: readonly (tg.NDArray | null)[],
  attrs: Readonly<Record<string, Attr>> = {},
  opts: { consts?: readonly number[]; outputs?: number; outDtype?: tg.DType } = {},
): { model: Uint8Array; feeds: Feeds } {
  const feeds: Feeds = {};
  const initializers: Record<string, tg.NDArray> = {};
  const specs: ValueSpec[] = [];
  const names = inputs.map((a, i) => {
    if (a === null) return '';
    const n = `x${i}`;
    if (opts.consts?.includes(i)) initializers[n] = a;
    else {
      feeds[n] = a;
      specs.push({ name: n, dtype: a.dtype, shape: [...a.shape] });
    }
    return n;
  });
  const outs = Array.from({ length: opts.outputs ?? 1 }, (_v, i) => (i === 0 ? 'y' : `y${i}`));
  const first = inputs.find((a) => a !== null);
  const model = makeModel({
    opset,
    nodes: [{ op, inputs: names, outputs: outs, attrs }],
    inputs: specs,
    outputs: outs.map((n) => ({ name: n, dtype: opts.outDtype ?? first?.dtype ?? 'float32', shape: null })),
    initializers,
  });
  return { model, feeds };
}

/**
 * Runs `model` in ONNX Runtime and, imported, in a tensorgraph Session on each feed, and checks
 * every output agrees. Returns the import for further checks.
 */
export async function checkImport(model: Uint8Array, feeds: Feeds | Feeds[], tol = 1e-5): Promise<tg.onnx.OnnxImportResult> {
  const imported = await tg.onnx.importModel(model);
  const decoded = onnx.ModelProto.decode(model);
  const outNames = (decoded.graph?.output ?? []).map((o) => o.name as string);
  const inNames = (decoded.graph?.input ?? []).map((o) => o.name as string).filter((n) => !(decoded.graph?.initializer ?? []).some((t) => t.name === n));
  const sess = new tg.Session({ graph: imported.graph });
  if (imported.variables.length > 0) await sess.run(imported.variables.map((v) => v.initializer));
  for (const f of Array.isArray(feeds) ? feeds : [feeds]) {
    const want = await runOrt(model, f, outNames);
    const tgFeeds = new Map<tg.Tensor, tg.NDArray>(inNames.map((n, i) => [imported.inputs[i], f[n]]));
    const got = (await sess.run(imported.outputs, tgFeeds)) as tg.NDArray[];
    outNames.forEach((n, i) => {
      expect(got[i].dtype, `${n}: dtype`).to.equal(want[i].type);
      expectClose(want[i], got[i], n, tol);
    });
  }
  return imported;
}

export const f32 = (shape: readonly number[], seed = 1, lo = -1, hi = 1): tg.NDArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed * 9301 + 49297;
  for (let i = 0; i < n; i++) {
    s = (s * 9301 + 49297) % 233280;
    data[i] = lo + ((hi - lo) * s) / 233280;
  }
  return tg.NDArray.from(data, [...shape]);
};

/** An int64 array; values outside int32 reach the file exactly (the in-memory copy is clamped). */
export const i64 = (values: readonly number[], shape: readonly number[] = [values.length]): tg.NDArray => {
  const a = tg.NDArray.from(Int32Array.from(values, (v) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v))), [...shape], 'int64');
  if (values.some((v) => v !== (v | 0))) WIDE.set(a, values);
  return a;
};
