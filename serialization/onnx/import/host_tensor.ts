import onnxProto from 'onnx-proto';
import { DataLossError, InvalidArgumentError, NDArray, ResourceExhaustedError, UnimplementedError } from '../../../graph/ir/index.js';
import type { DType } from '../../../graph/ir/index.js';
import { toInt } from './long.js';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/**
 * A constant as the importer holds it before (and often instead of) putting it in the graph:
 * ints keep their full int64 value as float64 numbers, because models use INT64_MAX as "to the
 * end" in Slice and such values only become int32 graph constants when a graph op needs them.
 */
export interface HostTensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** Float32Array for float32, Uint8Array for bool, Float64Array (exact integers) for ints. */
  readonly values: Float32Array | Float64Array | Uint8Array;
}

/** The largest initializer we accept, in elements (1 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 28;

const ONNX_TO_DTYPE = new Map<number, DType>([
  [T.FLOAT, 'float32'],
  [T.INT32, 'int32'],
  [T.INT64, 'int64'],
  [T.BOOL, 'bool'],
]);

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(T).map(([k, v]) => [v as number, k]));

export function onnxTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `type ${t}`;
}

/** Our dtype for an ONNX element type, or UnimplementedError naming where it was met. */
export function dtypeOf(onnxType: number, where: string): DType {
  const d = ONNX_TO_DTYPE.get(onnxType);
  if (d) return d;
  if (!(onnxType in TYPE_NAMES)) throw new InvalidArgumentError(`${where}: unknown ONNX element type ${onnxType}`);
  throw new UnimplementedError(`${where}: ONNX element type ${onnxTypeName(onnxType)} is not supported (tensorgraph has float32, int32, int64 and bool)`);
}

export function checkedDims(dims: readonly unknown[], where: string): number[] {
  let size = 1;
  const out = dims.map((d) => {
    const v = toInt(d, `${where}: dim`);
    if (v < 0) throw new InvalidArgumentError(`${where}: negative dim ${v}`);
    size *= v;
    return v;
  });
  if (size > MAX_ELEMENTS) throw new ResourceExhaustedError(`${where}: ${size} elements (dims [${out.join(', ')}]) exceed the limit of ${MAX_ELEMENTS}`);
  return out;
}

const ELEMENT_BYTES: Record<DType, number> = { float32: 4, int32: 4, int64: 8, bool: 1, resource: 4 , string: 0 };

function fromRaw(raw: Uint8Array, dtype: DType, size: number, where: string): HostTensor['values'] {
  const want = size * ELEMENT_BYTES[dtype];
  if (raw.length !== want) throw new DataLossError(`${where}: raw_data has ${raw.length} bytes, dims need ${want}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case 'float32': {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'int32': {
      const out = new Float64Array(size);
      for (let i = 0; i < size; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'int64': {
      const out = new Float64Array(size);
      for (let i = 0; i < size; i++) out[i] = Number(view.getBigInt64(8 * i, true));
      return out;
    }
    case 'bool':
      return Uint8Array.from(raw, (b) => (b ? 1 : 0));
    case 'resource':
      throw new DataLossError(`${where}: an ONNX tensor cannot hold a resource handle`);
    case 'string':
      // dtypeOf never gives string (ONNX_TO_DTYPE has no STRING): the importer holds numbers only
      throw new UnimplementedError(`${where}: ONNX string tensors are not supported`);
  }
}

function fromFields(p: onnxProto.onnx.ITensorProto, dtype: DType, size: number, where: string): HostTensor['values'] {
  const field = dtype === 'float32' ? p.floatData : dtype === 'int64' ? p.int64Data : p.int32Data;
  const list: readonly unknown[] = field ?? [];
  if (list.length !== size) throw new DataLossError(`${where}: holds ${list.length} values, dims need ${size}`);
  if (dtype === 'float32') return Float32Array.from(list as number[]);
  if (dtype === 'bool') return Uint8Array.from(list as number[], (v) => (v ? 1 : 0));
  return Float64Array.from(list, (v) => toInt(v, where));
}

/** Decodes and checks one TensorProto (an initializer or a Constant's value). */
export function decodeTensor(p: onnxProto.onnx.ITensorProto, where: string): HostTensor {
  if (p.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (p.externalData?.length ?? 0) > 0) {
    throw new UnimplementedError(`${where}: external tensor data is not supported (save the model with its data inside)`);
  }
  if (p.segment) throw new UnimplementedError(`${where}: segmented tensors are not supported`);
  const dtype = dtypeOf(p.dataType ?? 0, where);
  const dims = checkedDims(p.dims ?? [], where);
  const size = dims.reduce((a, b) => a * b, 1);
  const raw = p.rawData && p.rawData.length > 0 ? p.rawData : null;
  const values = raw || size === 0 ? fromRaw(raw ?? new Uint8Array(0), dtype, size, where) : fromFields(p, dtype, size, where);
  return { dtype, dims, values };
}

export function hostTensor(dtype: DType, dims: readonly number[], values: ArrayLike<number>): HostTensor {
  const v = dtype === 'float32' ? Float32Array.from(values) : dtype === 'bool' ? Uint8Array.from(values) : Float64Array.from(values);
  return { dtype, dims: [...dims], values: v };
}

/** The graph value of a host tensor; int64 values outside int32 are refused (held as int32). */
export function toNDArray(h: HostTensor, where: string): NDArray {
  if (h.dtype === 'float32' || h.dtype === 'bool') return NDArray.from(h.values as Float32Array | Uint8Array, [...h.dims], h.dtype);
  const out = new Int32Array(h.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = h.values[i];
    if (v !== (v | 0)) throw new UnimplementedError(`${where}: value ${v} is outside the int32 range tensorgraph holds ${h.dtype} in`);
    out[i] = v;
  }
  return NDArray.from(out, [...h.dims], h.dtype);
}
