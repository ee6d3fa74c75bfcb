import { allocData, BYTES_PER_ELEMENT, DataArray, DType, dataMatches, isDType } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { formatShape, Shape, sizeOf } from './shape.js';
import { isStringData, StringData, toBytes, utf8Text } from './string_data.js';

/** A nested JS array of numbers, booleans or strings, as users write literals. */
export type NestedArray = number | boolean | string | NestedArray[];

/**
 * A host value: a dtype, a concrete shape and a flat row-major TypedArray. It is what `run`
 * returns and what kernels consume and produce. (DESIGN.md places NDArray in `src/`; it lives here
 * at the bottom of the dependency chain because ops, kernels and Const attrs all need it.)
 */
export class NDArray {
  readonly dtype: DType;
  readonly shape: Shape;
  // exactly one is set: numeric dtypes hold a TypedArray, `string` one byte string per element
  private readonly numeric: DataArray | null;
  private readonly strings: StringData | null;

  /** `data` is a TypedArray for numeric dtypes, an array of Uint8Array (one per element) for `string`. */
  constructor(dtype: DType, shape: readonly number[], data: DataArray | StringData) {
    const n = sizeOf(shape);
    if (dtype === 'string' ? !isStringData(data) : ArrayBuffer.isView(data) ? !dataMatches(dtype, data as DataArray) : true) {
      const what = Array.isArray(data) ? 'an array' : (data as object).constructor.name;
      throw new InvalidArgumentError(`NDArray: data is ${what}, which cannot hold dtype ${dtype}`);
    }
    if (data.length !== n) {
      throw new InvalidArgumentError(
        `NDArray: shape ${formatShape(shape)} needs ${n} elements but the data has ${data.length}`,
      );
    }
    this.dtype = dtype;
    this.shape = [...shape];
    this.numeric = dtype === 'string' ? null : (data as DataArray);
    this.strings = dtype === 'string' ? (data as StringData) : null;
  }

  /** The flat row-major values of a numeric array; a string array has none (read `bytes`). */
  get data(): DataArray {
    if (this.numeric === null) {
      throw new InvalidArgumentError(`A string tensor of shape ${formatShape(this.shape)} has no numeric data: this op or reader takes numbers, not strings`);
    }
    return this.numeric;
  }

  /** The elements of a string array as byte strings (row-major); other dtypes have none. */
  get bytes(): StringData {
    if (this.strings === null) throw new InvalidArgumentError(`A ${this.dtype} tensor holds numbers, not strings (read data)`);
    return this.strings;
  }

  /** A string array from JS strings (UTF-8 encoded) or bytes; the shape defaults to a vector. */
  static fromStrings(values: readonly (string | Uint8Array)[], shape?: readonly number[]): NDArray {
    return new NDArray('string', shape ?? [values.length], values.map(toBytes));
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  /**
   * What holds the values: a numeric array's ArrayBuffer, a string array's element list. Two arrays
   * alias exactly when these are the same object (memory accounting and fetch detaching ask).
   */
  get storage(): object {
    if (this.numeric === null) return this.strings!;
    return blockOfShared(this.numeric) ? this.numeric : this.numeric.buffer;
  }

  /** Bytes the storage takes: the whole ArrayBuffer, or a string array's bytes plus a per-element estimate. */
  get storageBytes(): number {
    if (this.numeric !== null) return blockOfShared(this.numeric) ? this.numeric.byteLength : this.numeric.buffer.byteLength;
    return this.strings!.reduce((n, b) => n + b.length + BYTES_PER_ELEMENT.string, 0);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Zeros, or empty strings for `string` (TF's zero value of DT_STRING). */
  static zeros(dtype: DType, shape: readonly number[]): NDArray {
    if (dtype === 'string') return new NDArray(dtype, shape, Array.from({ length: sizeOf(shape) }, () => new Uint8Array(0)));
    return new NDArray(dtype, shape, allocData(dtype, sizeOf(shape)));
  }

  static scalar(value: number | boolean | string, dtype?: DType): NDArray {
    if (typeof value === 'string' || dtype === 'string') {
      if (typeof value !== 'string' || (dtype ?? 'string') !== 'string') throw new InvalidArgumentError(`Cannot make a ${dtype} scalar from ${JSON.stringify(value)}`);
      return NDArray.fromStrings([value], []);
    }
    const d = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
    const data = allocData(d, 1);
    data[0] = Number(value);
    return new NDArray(d, [], data);
  }

  /**
   * Builds an NDArray from nested arrays, a TypedArray (with a shape), a plain number array with a
   * shape, or a scalar. Without a dtype: booleans give bool, Int32Array gives int32, else float32.
   */
  static from(value: NestedArray | DataArray | NDArray | readonly number[], shape?: readonly number[], dtype?: DType): NDArray {
    if (value instanceof NDArray) {
      if (dtype && dtype !== value.dtype) return castArray(value, dtype);
      return value;
    }
    if (dtype !== undefined && !isDType(dtype)) throw new InvalidArgumentError(`Unknown dtype '${String(dtype)}'`);
    if (dtype === 'string' || (!ArrayBuffer.isView(value) && holdsStrings(value as NestedArray))) return stringsFrom(value as NestedArray, shape, dtype);
    if (ArrayBuffer.isView(value)) {
      const d: DType = dtype ?? (value instanceof Int32Array ? 'int32' : value instanceof Uint8Array ? 'bool' : 'float32');
      const shp = shape ?? [value.length];
      if (sizeOf(shp) !== value.length) {
        throw new InvalidArgumentError(`NDArray.from: shape ${formatShape(shp)} needs ${sizeOf(shp)} elements but the data has ${value.length}`);
      }
      const data = dataMatches(d, value) ? value : convertData(d, value);
      return new NDArray(d, shp, data);
    }
    const { flat, inferred, sawBool } = flatten(value as NestedArray);
    const d: DType = dtype ?? (sawBool ? 'bool' : 'float32');
    const shp = shape ?? inferred;
    if (sizeOf(shp) !== flat.length) {
      if (flat.length === 1 && shape) {
        // a scalar broadcast to a requested shape, as tf.constant(0, shape=[2,3]) does
        const data = allocData(d, sizeOf(shp));
        data.fill(checkValue(d, flat[0]));
        return new NDArray(d, shp, data);
      }
      throw new InvalidArgumentError(`NDArray.from: shape ${formatShape(shp)} needs ${sizeOf(shp)} elements but the value has ${flat.length}`);
    }
    const data = allocData(d, flat.length);
    for (let i = 0; i < flat.length; i++) data[i] = checkValue(d, flat[i]);
    return new NDArray(d, shp, data);
  }

  /** Nested JS arrays (numbers; booleans for bool; UTF-8 decoded strings for string). A scalar gives a number. */
  toArray(): NestedArray {
    const strings = this.strings;
    const data = this.numeric;
    const isBool = this.dtype === 'bool';
    const element = (i: number): NestedArray => (strings !== null ? utf8Text(strings[i]) : isBool ? data![i] !== 0 : data![i]);
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return element(offset);
      const out: NestedArray[] = [];
      const stride = sizeOf(this.shape.slice(dim + 1));
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A deep copy: same dtype and shape, its own buffer. */
  clone(): NDArray {
    if (this.strings !== null) return new NDArray(this.dtype, this.shape, this.strings.map((b) => b.slice()));
    return new NDArray(this.dtype, this.shape, this.data.slice());
  }

  /** The single value of a one-element numeric array. */
  item(): number {
    if (this.size !== 1) throw new InvalidArgumentError(`item() needs exactly one element, the array has shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  toString(): string {
    return `NDArray(${this.dtype}, ${formatShape(this.shape)}, ${JSON.stringify(this.toArray())})`;
  }
}

/**
 * `arr` itself, or a copy of it when it shares memory with `source` (a caller's NDArray,
 * TypedArray or `{data}` object): what the library keeps must not change when the caller later
 * writes into its own array, as TF copies what it is given.
 */
export function detachFrom(arr: NDArray, source: unknown): NDArray {
  return sharesBufferWith(arr, source) ? arr.clone() : arr;
}

/** Whether `arr`'s numbers live in the memory of `source` (a value a caller handed in). */
export function sharesBufferWith(arr: NDArray, source: unknown): boolean {
  const buf = bufferOf(source);
  return buf !== null && arr.data.buffer === buf;
}

function bufferOf(source: unknown): ArrayBufferLike | null {
  // string arrays are built from fresh copies of their elements (toBytes), so they share nothing
  if (source instanceof NDArray) return source.dtype === 'string' ? null : source.data.buffer;
  if (ArrayBuffer.isView(source)) return source.buffer;
  if (typeof source === 'object' && source !== null && 'data' in source) return bufferOf((source as { data: unknown }).data);
  return null;
}

function checkValue(d: DType, v: number): number {
  if (d === 'int32' || d === 'int64') {
    if (!Number.isFinite(v) || v > 2147483647 || v < -2147483648) {
      throw new InvalidArgumentError(`Value ${v} is out of range for dtype ${d} (held as 32-bit integers)`);
    }
  }
  return v;
}

function convertData(d: DType, src: ArrayBufferView): DataArray {
  if (src instanceof BigInt64Array) {
    const out = allocData(d, src.length);
    for (let i = 0; i < src.length; i++) out[i] = checkValue(d, Number(src[i]));
    return out;
  }
  const arr = src as unknown as ArrayLike<number>;
  const out = allocData(d, arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = checkValue(d, arr[i]);
  return out;
}

export function castArray(x: NDArray, dtype: DType): NDArray {
  // TF's Cast has no string kernel either (AsString / StringToNumber are separate ops)
  if (x.dtype === 'string' || dtype === 'string') throw new InvalidArgumentError(`Cast string to ${dtype === 'string' ? x.dtype : dtype} is not supported`);
  const out = allocData(dtype, x.size);
  const src = x.data;
  if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === 'float32') out.set(src);
  else for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
  return new NDArray(dtype, x.shape, out);
}

function flatten(value: NestedArray): { flat: number[]; inferred: number[]; sawBool: boolean } {
  const flat: number[] = [];
  let sawBool = false;
  const inferred: number[] = [];
  let v: NestedArray = value;
  while (Array.isArray(v)) {
    inferred.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const walk = (x: NestedArray, dim: number): void => {
    if (Array.isArray(x)) {
      if (dim >= inferred.length || x.length !== inferred[dim]) {
        throw new InvalidArgumentError(`Ragged nested array: expected ${inferred[dim] ?? 'a scalar'} elements at depth ${dim}, got ${x.length}`);
      }
      for (const e of x) walk(e, dim + 1);
      return;
    }
    if (dim !== inferred.length) throw new InvalidArgumentError(`Ragged nested array: a scalar at depth ${dim}, expected depth ${inferred.length}`);
    if (typeof x === 'boolean') {
      sawBool = true;
      flat.push(x ? 1 : 0);
    } else if (typeof x === 'number') {
      flat.push(x);
    } else if (typeof x === 'string') {
      throw new InvalidArgumentError(`Cannot mix strings and numbers in one tensor value (got ${JSON.stringify(x)})`);
    } else {
      throw new InvalidArgumentError(`Cannot convert ${typeof x} to a tensor value`);
    }
  };
  walk(value, 0);
  return { flat, inferred, sawBool };
}

/** True when the first leaf of a nested literal is a string: the value is a string tensor. */
function holdsStrings(value: NestedArray): boolean {
  let v: NestedArray = value;
  while (Array.isArray(v)) {
    if (v.length === 0) return false;
    v = v[0];
  }
  return typeof v === 'string';
}

/** A string array from a nested literal of strings (or Uint8Arrays), checked for raggedness. */
function stringsFrom(value: NestedArray, shape: readonly number[] | undefined, dtype: DType | undefined): NDArray {
  if (dtype !== undefined && dtype !== 'string') throw new InvalidArgumentError(`Cannot convert strings to dtype ${dtype}`);
  const flat: Uint8Array[] = [];
  const inferred: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    inferred.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const walk = (x: unknown, dim: number): void => {
    if (Array.isArray(x)) {
      if (dim >= inferred.length || x.length !== inferred[dim]) {
        throw new InvalidArgumentError(`Ragged nested array: expected ${inferred[dim] ?? 'a scalar'} elements at depth ${dim}, got ${x.length}`);
      }
      for (const e of x) walk(e, dim + 1);
      return;
    }
    if (dim !== inferred.length) throw new InvalidArgumentError(`Ragged nested array: a scalar at depth ${dim}, expected depth ${inferred.length}`);
    if (typeof x !== 'string' && !(x instanceof Uint8Array)) throw new InvalidArgumentError(`Cannot mix strings and ${typeof x}s in one tensor value`);
    flat.push(toBytes(x));
  };
  walk(value, 0);
  const shp = shape ?? inferred;
  if (sizeOf(shp) !== flat.length) {
    if (flat.length === 1 && shape) return new NDArray('string', shp, Array.from({ length: sizeOf(shp) }, () => flat[0].slice()));
    throw new InvalidArgumentError(`NDArray.from: shape ${formatShape(shp)} needs ${sizeOf(shp)} elements but the value has ${flat.length}`);
  }
  return new NDArray('string', shp, flat);
}

/**
 * A view on part of a SharedArrayBuffer is one block of a shared memory (the CPU backend's wasm
 * arena): it is its own storage, of its own size, not the whole memory's.
 */
function blockOfShared(d: DataArray): boolean {
  return typeof SharedArrayBuffer === 'function' && d.buffer instanceof SharedArrayBuffer && d.byteLength !== d.buffer.byteLength;
}
