import {
  AttrMap,
  DataArray,
  detachFrom,
  DType,
  formatShape,
  getDefaultGraph,
  Graph,
  InvalidArgumentError,
  isDType,
  NDArray,
  NestedArray,
  Operation,
  PartialShape,
  Tensor,
  TensorGraphError,
} from '../graph/ir/index.js';
import type { InputSpec, OpDef } from './op_def.js';
import { checkArity } from './arity.js';
import { checkAttrs } from './attr_schema.js';

/** Anything that can stand for a tensor: a Variable converts to its read value. */
export interface TensorConvertible {
  toTensor(): Tensor;
}

export type TensorLike = Tensor | TensorConvertible | NDArray | NestedArray | DataArray;

export function isTensorConvertible(x: unknown): x is TensorConvertible {
  return typeof x === 'object' && x !== null && typeof (x as TensorConvertible).toTensor === 'function' && !(x instanceof Tensor);
}

/** The graph the inputs live in, or the default graph when none is a tensor. */
export function graphOf(values: readonly unknown[]): Graph {
  for (const v of values) {
    if (v instanceof Tensor) return v.graph;
    if (isTensorConvertible(v)) return v.toTensor().graph;
  }
  return getDefaultGraph();
}

/** The dtype of the first symbolic value among `values`, used to type literal operands. */
export function dtypeHint(values: readonly unknown[]): DType | undefined {
  for (const v of values) {
    if (v instanceof Tensor) return v.dtype;
    if (isTensorConvertible(v)) return v.toTensor().dtype;
    if (v instanceof NDArray) return v.dtype;
  }
  return undefined;
}

/** Converts a value to a tensor; literals become Const ops (typed by `dtype` when given). */
export function toTensor(value: TensorLike, dtype?: DType, graph?: Graph, name = 'Const'): Tensor {
  if (value instanceof Tensor) {
    if (graph && value.graph !== graph) throw new InvalidArgumentError(`Tensor ${value.name} must be from the same graph as the other inputs.`);
    return value;
  }
  if (isTensorConvertible(value)) return toTensor(value.toTensor(), dtype, graph, name);
  // a Const holds its own copy: the caller may keep writing into the array it passed
  const arr = detachFrom(literalToArray(value, dtype), value);
  return makeConst(arr, name, graph ?? getDefaultGraph());
}

function literalToArray(value: NDArray | NestedArray | DataArray, dtype?: DType): NDArray {
  if (value instanceof NDArray) return dtype && dtype !== value.dtype ? NDArray.from(value, undefined, dtype) : value;
  if (ArrayBuffer.isView(value)) return NDArray.from(value, [value.length], dtype);
  if (dtype && dtype !== 'bool' && dtype !== 'float32') {
    // ints: refuse fractional literals rather than truncating them silently
    const check = (v: NestedArray): void => {
      if (Array.isArray(v)) v.forEach(check);
      else if (typeof v === 'number' && !Number.isInteger(v)) {
        throw new InvalidArgumentError(`Cannot convert ${v} to a tensor of dtype ${dtype}: it is not an integer`);
      }
    };
    check(value);
  }
  return NDArray.from(value, undefined, dtype);
}

/**
 * An int32 scalar or vector from JS literals (shapes, axes, multiples): a value that is not an
 * integer in int32 range is refused naming `what`, never wrapped (Int32Array.from(1e10) would
 * silently give 1410065408).
 */
export function int32Literal(v: number | readonly number[], what: string): NDArray {
  const vals = typeof v === 'number' ? [v] : v;
  vals.forEach((x, i) => {
    if (!Number.isInteger(x) || x > 2147483647 || x < -2147483648) {
      const at = typeof v === 'number' ? '' : ` at index ${i} of [${vals.join(',')}]`;
      throw new InvalidArgumentError(`${what}: ${x}${at} is not an int32 integer`);
    }
  });
  return typeof v === 'number' ? NDArray.scalar(v, 'int32') : NDArray.from(Int32Array.from(vals), [vals.length], 'int32');
}

/** A Const op (its value held in the `value` attr, TF-style). */
export function makeConst(value: NDArray, name: string, graph: Graph): Tensor {
  const op = graph.addOp({
    type: 'Const',
    name,
    inputs: [],
    attrs: { value, dtype: value.dtype },
    outputs: [{ dtype: value.dtype, shape: value.shape }],
  });
  return op.outputs[0];
}

/**
 * The value of a tensor when it can be known without running the graph (TF's constant_value):
 * constants, identities of constants and shapes of fully known tensors.
 */
export function staticValue(t: Tensor): NDArray | null {
  const op = t.op;
  switch (op.type) {
    case 'Const':
      return op.attrs.value as NDArray;
    case 'Identity':
    case 'StopGradient':
      return staticValue(op.inputs[0]);
    case 'Shape': {
      const s = op.inputs[0].shape;
      if (s === null || s.some((d) => d === null)) return null;
      return NDArray.from(Int32Array.from(s as number[]), [s.length], t.dtype);
    }
    case 'Pack': {
      const vals = op.inputs.map(staticValue);
      if (vals.some((v) => v === null || v.rank !== 0) || op.attrs.axis !== 0) return null;
      return NDArray.from(
        Float64ToType(vals.map((v) => (v as NDArray).data[0]), t.dtype),
        [vals.length],
        t.dtype,
      );
    }
    default:
      return null;
  }
}

function Float64ToType(vals: number[], d: DType): DataArray {
  if (d === 'float32') return Float32Array.from(vals);
  if (d === 'bool') return Uint8Array.from(vals);
  return Int32Array.from(vals);
}

/**
 * A 1-D int tensor read as a partial shape (TF's ConstantPartialShape): known elements of a
 * Const, a Shape of a partly known tensor, a Pack of scalars, a ConcatV2 of such pieces; null
 * where nothing is known. Inference reads it for shape operands whose value is not constant.
 */
export function partialShapeValue(t: Tensor): PartialShape {
  const v = staticValue(t);
  if (v !== null) return v.rank === 1 ? Array.from(v.data as ArrayLike<number>, (d) => (d < 0 ? null : d)) : null;
  const op = t.op;
  switch (op.type) {
    case 'Identity':
      return partialShapeValue(op.inputs[0]);
    case 'Shape':
      return op.inputs[0].shape;
    case 'Pack':
      if (op.attrs.axis !== 0 || op.inputs.some((x) => x.rank !== 0)) return null;
      return op.inputs.map((x) => {
        const e = staticValue(x);
        return e === null || e.data[0] < 0 ? null : Number(e.data[0]);
      });
    case 'ConcatV2': {
      const parts = op.inputs.slice(0, -1).map(partialShapeValue);
      return parts.some((p) => p === null) ? null : parts.flatMap((p) => p as (number | null)[]);
    }
    default:
      return t.shape !== null && t.shape.length === 1 && t.shape[0] !== null ? new Array<null>(t.shape[0]).fill(null) : null;
  }
}

export function inputSpecs(inputs: readonly Tensor[]): InputSpec[] {
  return inputs.map((t) => {
    const value = staticValue(t);
    if (value !== null || t.rank !== 1 || (t.dtype !== 'int32' && t.dtype !== 'int64')) return { dtype: t.dtype, shape: t.shape, value };
    return { dtype: t.dtype, shape: t.shape, value, partialShape: partialShapeValue(t) };
  });
}

export interface MakeOpOptions {
  name?: string;
  graph?: Graph;
  controlInputs?: readonly Operation[];
}

/**
 * Creates an op of `def` after inferring its outputs. Inference errors are re-raised naming the op,
 * its type and its input shapes, like TF's "... for 'MatMul' (op: 'MatMul') with input shapes".
 */
export function makeOp(def: OpDef, inputs: readonly Tensor[], attrs: AttrMap, options: MakeOpOptions = {}): Operation {
  const graph = options.graph ?? (inputs.length > 0 ? inputs[0].graph : getDefaultGraph());
  const full: AttrMap = stripUndefined({ ...(def.attrDefaults ?? {}), ...attrs });
  for (const [k, v] of Object.entries(full)) {
    if (k.toLowerCase().endsWith('type') || k === 'dtype' || k === 'T' || k === 'DstT' || k === 'SrcT') {
      if (typeof v === 'string' && !isDType(v)) throw new InvalidArgumentError(`${def.type}: attr '${k}' has unknown dtype '${v}'`);
    }
  }
  const where = `${def.type} '${options.name ?? def.type}'`;
  checkAttrs(def.type, full, where);
  checkArity(def.type, inputs.length, full, where);
  for (const t of inputs) {
    if (t.graph !== graph) {
      throw new InvalidArgumentError(`Tensor ${t.name} must be from the same graph as the other inputs of ${def.type}${options.name ? ` '${options.name}'` : ''}.`);
    }
  }
  const requested = options.name ?? def.type;
  let outputs;
  try {
    outputs = def.infer(inputSpecs(inputs), full, { opName: requested, opType: def.type });
  } catch (e) {
    throw annotateBuildError(e, graph.currentScope + requested, def.type, inputs);
  }
  checkOutputShapes(outputs, graph.currentScope + requested, def.type);
  return graph.addOp({ type: def.type, name: requested, inputs, attrs: full, outputs, controlInputs: options.controlInputs, refInputs: def.refInputs });
}

/**
 * Every dimension an op declares is a non-negative integer or null (unknown): a negative or
 * fractional one (a placeholder of shape [-5,2]) is refused when the graph is built, not when a
 * kernel later tries to allocate it.
 */
function checkOutputShapes(outputs: readonly { shape: PartialShape }[], name: string, type: string): void {
  outputs.forEach((o, i) => {
    const bad = o.shape?.findIndex((d) => d !== null && !(Number.isInteger(d) && d >= 0)) ?? -1;
    if (bad >= 0) {
      throw new InvalidArgumentError(
        `Invalid shape ${formatShape(o.shape)} for output ${i} of '${name}' (op: '${type}'): dimension ${bad} is ${o.shape![bad]}; a dimension must be a non-negative integer, or null when unknown`,
      );
    }
  });
}

/** Own data properties only: a key named `__proto__` stays a key (and is refused), never a prototype. */
function stripUndefined(attrs: { readonly [k: string]: AttrMap[string] | undefined }): AttrMap {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as AttrMap;
}

export function annotateBuildError(e: unknown, name: string, type: string, inputs: readonly { shape: (number | null)[] | null }[]): unknown {
  if (!(e instanceof TensorGraphError)) return e;
  const shapes = inputs.map((t) => formatShape(t.shape)).join(', ');
  const Ctor = e.constructor as new (m: string) => TensorGraphError;
  const err = new Ctor(`${e.message} for '${name}' (op: '${type}') with input shapes: ${shapes}.`);
  return err;
}
