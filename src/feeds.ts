import {
  DataArray,
  formatShape,
  Graph,
  InvalidArgumentError,
  isCompatible,
  isFullyDefined,
  NDArray,
  NestedArray,
  NotFoundError,
  sharesBufferWith,
  Tensor,
  TensorGraphError,
} from '../graph/ir/index.js';

/** A value for a feed: an NDArray, a TypedArray (with `{data, shape}` to give it a shape), nested arrays or a scalar (strings for a string tensor). */
export type FeedValue =
  | NDArray
  | NestedArray
  | DataArray
  | Float64Array
  | { data: DataArray | Float64Array | readonly number[]; shape: readonly number[] };

export type FeedKey = Tensor | string | { toTensor(): Tensor };

export type Feeds = Map<FeedKey, FeedValue> | { readonly [name: string]: FeedValue };

/** Resolves a feed key to a tensor of `graph`: 'x:0', or an op name meaning its output 0. */
export function feedTensor(graph: Graph, key: FeedKey): Tensor {
  if (key instanceof Tensor) {
    if (key.graph !== graph) throw new InvalidArgumentError(`Cannot interpret feed key as Tensor: Tensor ${key.name} is not an element of this graph.`);
    return key;
  }
  if (typeof key === 'string') {
    const hint = tensorKeyHint(key);
    if (hint) throw new InvalidArgumentError(`Cannot interpret feed key as Tensor: ${hint}`);
    try {
      if (key.includes(':')) return graph.getTensorByName(key);
      const op = graph.getOperationByName(key);
      if (op.outputs.length === 0) throw new InvalidArgumentError(`Cannot interpret feed key as Tensor: the name '${key}' refers to an Operation with no outputs.`);
      return op.outputs[0];
    } catch (e) {
      if (e instanceof NotFoundError) throw new NotFoundError(`Cannot interpret feed key as Tensor: ${e.message}`);
      throw e;
    }
  }
  return feedTensor(graph, key.toTensor());
}

/** `{ [x]: v }` turns the Tensor x into its printed form; say so, since the name alone looks fine. */
function tensorKeyHint(key: string): string {
  const m = /^Tensor\("([^"]+)", /.exec(key);
  if (!m) return '';
  const op = m[1].replace(/:\d+$/, '');
  return `a Tensor used as a key of a plain object becomes its string '${key}'; key the feeds by name ({ '${m[1]}': value }) or use a Map (new Map([[${op.split('/').pop()}, value]]))`;
}

export function feedEntries(feeds: Feeds | undefined): [FeedKey, FeedValue][] {
  if (!feeds) return [];
  if (feeds instanceof Map) return [...feeds.entries()];
  return Object.entries(feeds);
}

/**
 * Converts a feed value to an NDArray of the tensor's dtype, never sharing the caller's memory
 * (`snapshot` copies a caller's array: a plain clone, or the host backend's staged copy), and
 * checks its shape. TypedArrays and
 * NDArrays must already have the tensor's storage type; JS numbers convert, but a fraction fed to
 * an integer tensor or a non-boolean to a bool tensor is refused rather than truncated.
 */
export function convertFeed(t: Tensor, value: FeedValue, snapshot: (arr: NDArray) => NDArray = (arr) => arr.clone()): NDArray {
  let arr: NDArray;
  try {
    arr = toArray(t, value);
  } catch (e) {
    if (e instanceof TensorGraphError) throw new InvalidArgumentError(`Cannot feed value to tensor '${t.name}': ${e.message}`);
    throw e;
  }
  if (!isCompatible(t.shape, arr.shape)) {
    throw new InvalidArgumentError(`Cannot feed value of shape ${formatShape(arr.shape)} for tensor '${t.name}', which has shape ${formatShape(t.shape)}`);
  }
  // the run reads its own snapshot: the caller may write into its array while the run is queued
  return sharesBufferWith(arr, value) ? snapshot(arr) : arr;
}

function toArray(t: Tensor, value: FeedValue): NDArray {
  const want = t.dtype;
  const storage = (d: string): string => (d === 'int64' ? 'int32' : d);
  if (value instanceof NDArray) {
    if (storage(value.dtype) !== storage(want)) throw dtypeError(t, value.dtype);
    return value.dtype === want ? value : new NDArray(want, value.shape, value.data);
  }
  if (value instanceof Float64Array) return fromFloat64(t, value, feedShape(t, value.length));
  if (ArrayBuffer.isView(value)) {
    const shape = feedShape(t, value.length);
    const got = value instanceof Float32Array ? 'float32' : value instanceof Int32Array ? 'int32' : value instanceof Uint8Array ? 'bool' : (value as ArrayBufferView).constructor.name;
    if (got !== storage(want) && !(value instanceof BigInt64Array && storage(want) === 'int32')) throw dtypeError(t, got);
    return NDArray.from(value, shape, want);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'shape' in value) {
    const data = value.data;
    if (data instanceof Float64Array) return fromFloat64(t, data, value.shape);
    if (ArrayBuffer.isView(data)) return toArray(t, NDArray.from(data, value.shape, data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? (want === 'int64' ? 'int64' : 'int32') : 'bool'));
    return fromNumbers(t, data as readonly number[], value.shape);
  }
  checkLiteral(t, value as NestedArray);
  return NDArray.from(value as NestedArray, undefined, want);
}

/** A flat array of `length` values takes the tensor's shape when that is fully known and fits. */
function feedShape(t: Tensor, length: number): readonly number[] {
  return isFullyDefined(t.shape) && t.shape.reduce((a, b) => a * b, 1) === length ? t.shape : [length];
}

/**
 * JS numbers are float64, and TF1 converts a float64 array fed to a float32 tensor; integer and
 * bool tensors get no silent rounding: the message says which typed array to use.
 */
function fromFloat64(t: Tensor, values: Float64Array, shape: readonly number[]): NDArray {
  if (t.dtype !== 'float32') {
    const use = t.dtype === 'bool' ? 'a Uint8Array' : 'an Int32Array';
    throw new InvalidArgumentError(`Cannot feed a Float64Array (float64) for tensor '${t.name}', which has dtype ${t.dtype}: use ${use}`);
  }
  return NDArray.from(Float32Array.from(values), shape, 'float32');
}

function fromNumbers(t: Tensor, values: readonly number[], shape: readonly number[]): NDArray {
  for (const v of values) checkLiteral(t, v);
  return NDArray.from(values as number[], shape, t.dtype);
}

/** Refuses literals the tensor's dtype cannot hold exactly. */
function checkLiteral(t: Tensor, v: NestedArray): void {
  if (Array.isArray(v)) {
    for (const e of v) checkLiteral(t, e);
    return;
  }
  const want = t.dtype;
  if (typeof v !== (want === 'bool' ? 'boolean' : want === 'string' ? 'string' : 'number')) {
    throw new InvalidArgumentError(`Cannot feed value ${String(v)} to tensor '${t.name}' of dtype ${want}`);
  }
  if ((want === 'int32' || want === 'int64') && !Number.isInteger(v)) {
    throw new InvalidArgumentError(`Cannot feed value ${v} to tensor '${t.name}' of dtype ${want}: not an integer`);
  }
}

function dtypeError(t: Tensor, got: string): InvalidArgumentError {
  return new InvalidArgumentError(`Cannot feed value of dtype ${got} for tensor '${t.name}', which has dtype ${t.dtype}`);
}
