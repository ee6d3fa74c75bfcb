import { allocData, DType, InvalidArgumentError, NDArray, PartialShape, sizeOf } from '../graph/ir/index.js';
import { fromTfDType, TF_DTYPE, tfElementSize } from './dtypes.js';
import type { TensorProtoObj, TensorShapeObj } from './types.js';

/** Largest tensor a file may describe without carrying its bytes (a broadcast scalar, zeros). */
export const MAX_FILLED_ELEMENTS = 1 << 26;
/** Largest rank a file may declare. */
export const MAX_RANK = 64;

export function shapeToProto(shape: PartialShape): TensorShapeObj {
  if (shape === null) return { unknown_rank: true };
  return { dim: shape.map((d) => ({ size: d === null ? -1 : d })) };
}

/** A partial shape from a TensorShapeProto: -1 dims are unknown; negative or huge dims refused. */
export function shapeFromProto(s: TensorShapeObj | null | undefined, where: string): PartialShape {
  if (!s) return [];
  if (s.unknown_rank) return null;
  const dims = s.dim ?? [];
  if (dims.length > MAX_RANK) throw new InvalidArgumentError(`${where}: shape has rank ${dims.length}, more than ${MAX_RANK}`);
  return dims.map((d) => {
    const v = Number(d.size ?? 0);
    if (v === -1) return null;
    if (!Number.isSafeInteger(v) || v < -1) throw new InvalidArgumentError(`${where}: shape has an invalid dimension ${v}`);
    return v;
  });
}

export function fullShapeFromProto(s: TensorShapeObj | null | undefined, where: string): number[] {
  const shape = shapeFromProto(s, where);
  if (shape === null || shape.some((d) => d === null)) throw new InvalidArgumentError(`${where}: a tensor needs a fully defined shape`);
  const dims = shape as number[];
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`${where}: shape ${JSON.stringify(dims)} has too many elements`);
  }
  return dims;
}

/** Little-endian bytes of an array in TF's layout (int64 sign-extended from our int32 storage). */
export function arrayToBytes(a: NDArray): Uint8Array {
  // TF never writes strings as tensor_content: TensorProto has string_val, bundles their own layout
  if (a.dtype === 'string') throw new InvalidArgumentError(`A string tensor (shape ${JSON.stringify(a.shape)}) has no fixed-size byte layout`);
  const n = a.size;
  const out = new Uint8Array(n * tfElementSize(a.dtype));
  const dv = new DataView(out.buffer);
  const d = a.data;
  if (a.dtype === 'float32') for (let i = 0; i < n; i++) dv.setFloat32(i * 4, d[i], true);
  else if (a.dtype === 'int32') for (let i = 0; i < n; i++) dv.setInt32(i * 4, d[i], true);
  else if (a.dtype === 'int64') for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(d[i]), true);
  else for (let i = 0; i < n; i++) out[i] = d[i] ? 1 : 0;
  return out;
}

/** Decodes TF little-endian tensor bytes; the caller has checked the length. */
export function arrayFromBytes(dtype: DType, shape: readonly number[], bytes: Uint8Array, where: string): NDArray {
  if (dtype === 'string') throw new InvalidArgumentError(`${where}: a DT_STRING tensor cannot be given as tensor_content (TF writes string_val)`);
  const n = sizeOf(shape);
  const size = tfElementSize(dtype);
  if (bytes.length !== n * size) {
    throw new InvalidArgumentError(`${where}: ${bytes.length} bytes of data for a ${dtype} tensor of shape ${JSON.stringify(shape)}, which needs ${n * size}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = allocData(dtype, n);
  if (dtype === 'float32') for (let i = 0; i < n; i++) data[i] = dv.getFloat32(i * 4, true);
  else if (dtype === 'int32') for (let i = 0; i < n; i++) data[i] = dv.getInt32(i * 4, true);
  else if (dtype === 'int64') {
    for (let i = 0; i < n; i++) {
      const v = dv.getBigInt64(i * 8, true);
      if (v > 2147483647n || v < -2147483648n) throw new InvalidArgumentError(`${where}: int64 value ${v} is outside the int32 range tensorgraph holds int64 in`);
      data[i] = Number(v);
    }
  } else for (let i = 0; i < n; i++) data[i] = bytes[i] !== 0 ? 1 : 0;
  return new NDArray(dtype, shape, data);
}

export function tensorToProto(a: NDArray): TensorProtoObj {
  if (a.dtype === 'string') return { dtype: TF_DTYPE.string, tensor_shape: shapeToProto(a.shape), string_val: a.bytes.map((b) => b.slice()) };
  return { dtype: TF_DTYPE[a.dtype], tensor_shape: shapeToProto(a.shape), tensor_content: arrayToBytes(a) };
}

/** An NDArray from a TensorProto: raw content, or repeated values (one value fills the tensor). */
export function tensorFromProto(t: TensorProtoObj, where: string): NDArray {
  const dtype = fromTfDType(t.dtype ?? 0, where);
  const shape = fullShapeFromProto(t.tensor_shape, where);
  const n = sizeOf(shape);
  if (dtype === 'string') return stringsFromProto(t, shape, n, where);
  if (t.tensor_content && t.tensor_content.length > 0) return arrayFromBytes(dtype, shape, t.tensor_content, where);
  const vals: readonly (number | boolean)[] =
    dtype === 'float32' ? t.float_val ?? [] : dtype === 'bool' ? t.bool_val ?? [] : dtype === 'int64' ? t.int64_val ?? [] : t.int_val ?? [];
  if (vals.length > n) throw new InvalidArgumentError(`${where}: ${vals.length} values for a tensor of shape ${JSON.stringify(shape)}`);
  if (vals.length < n && n > MAX_FILLED_ELEMENTS) {
    throw new InvalidArgumentError(`${where}: tensor of shape ${JSON.stringify(shape)} is too large to fill from ${vals.length} values`);
  }
  const data = allocData(dtype, n);
  for (let i = 0; i < vals.length; i++) data[i] = Number(vals[i]);
  if (vals.length > 0 && vals.length < n) data.fill(data[vals.length - 1], vals.length);
  if (dtype !== 'float32' && dtype !== 'bool') {
    for (let i = 0; i < vals.length; i++) {
      const v = Number(vals[i]);
      if (!Number.isInteger(v) || v > 2147483647 || v < -2147483648) throw new InvalidArgumentError(`${where}: value ${v} does not fit tensorgraph's 32-bit integer storage`);
    }
  }
  return new NDArray(dtype, shape, data);
}

/**
 * A DT_STRING TensorProto: `tensor_content` in TF's string-list encoding (what
 * `AsProtoTensorContent` writes: varint32 lengths, then the bytes), or `string_val`, one value per
 * element or one repeated (TF's fill rule).
 */
function stringsFromProto(t: TensorProtoObj, shape: readonly number[], n: number, where: string): NDArray {
  if (t.tensor_content && t.tensor_content.length > 0) return new NDArray('string', shape, decodeStringList(t.tensor_content, n, where));
  const vals = t.string_val ?? [];
  if (vals.length > n) throw new InvalidArgumentError(`${where}: ${vals.length} strings for a tensor of shape ${JSON.stringify(shape)}`);
  if (vals.length < n && n > MAX_FILLED_ELEMENTS) {
    throw new InvalidArgumentError(`${where}: string tensor of shape ${JSON.stringify(shape)} is too large to fill from ${vals.length} values`);
  }
  const empty = new Uint8Array(0);
  const last = vals.length > 0 ? vals[vals.length - 1] : empty;
  const data: Uint8Array[] = [];
  for (let i = 0; i < n; i++) data.push((i < vals.length ? vals[i] : last).slice());
  return new NDArray('string', shape, data);
}

/** TF's EncodeStringList layout: `n` varint32 lengths, then the strings' bytes; every length checked against what is left. */
function decodeStringList(bytes: Uint8Array, n: number, where: string): Uint8Array[] {
  if (n > bytes.length) throw new InvalidArgumentError(`${where}: ${n} strings cannot fit in ${bytes.length} bytes of tensor_content`);
  const lengths: number[] = [];
  let pos = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= bytes.length || shift > 28) throw new InvalidArgumentError(`${where}: tensor_content: the length of string ${i} is truncated or not a varint32`);
      const b = bytes[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    total += v;
    lengths.push(v);
  }
  if (pos + total !== bytes.length) throw new InvalidArgumentError(`${where}: tensor_content: the string lengths add up to ${total} bytes, ${bytes.length - pos} follow them`);
  return lengths.map((len) => bytes.slice(pos, (pos += len)));
}
