import type { AttrMap, DType, NDArray, Operation, PartialShape, Tensor } from '../graph/ir/index.js';
import type { Lowering } from './lowering.js';

/** What inference knows about an input: its type, and its value when it is a known constant. */
export interface InputSpec {
  readonly dtype: DType;
  readonly shape: PartialShape;
  /** Known at build time for constants; always known at run time. */
  readonly value: NDArray | null;
  /**
   * For a shape operand without a known value: its elements as far as they are known (TF's
   * input_tensors_as_shapes), e.g. [null, 8, 8, 5] for tf.stack([tf.shape(x)[0], 8, 8, 5]).
   */
  readonly partialShape?: PartialShape;
}

export interface OutputSpec {
  dtype: DType;
  shape: PartialShape;
}

/** Output types with every dim known, as kernels receive them at run time. */
export interface ResolvedOutput {
  readonly dtype: DType;
  /** -1 marks a dim only the kernel can know (data-dependent). */
  readonly shape: readonly number[];
  /** Set when not even the rank is known before the kernel runs. */
  readonly unknownRank?: boolean;
}

export interface OpContext {
  readonly opName: string;
  readonly opType: string;
  readonly traceback?: readonly string[];
}

/** Shape and dtype inference: the only place shapes are worked out. Throws InvalidArgumentError. */
export type InferFn<A extends AttrMap> = (inputs: readonly InputSpec[], attrs: A, ctx: OpContext) => OutputSpec[];

/** The session's variable store as stateful kernels see it (reads see this run's writes). */
export interface VariableAccess {
  read(name: string): NDArray | undefined;
  write(name: string, value: NDArray): void;
  /** Removes the variable (DestroyResourceOp); a later read finds it uninitialized. */
  delete(name: string): void;
}

export interface KernelContext extends OpContext {
  readonly variables: VariableAccess;
  /** Name of the variable behind ref input `i` (for Assign and Apply ops). */
  refName(i: number): string;
  /** How many times this session has run this op before: random ops draw a fresh stream per run. */
  readonly runCounter: number;
  /** Session-wide random key used by random ops whose graph and op seeds are both 0. */
  readonly sessionSeed: number;
}

/** Builds the gradient of each input from the gradients of the outputs, in graph ops. */
export type GradFn = (op: Operation, grads: readonly (Tensor | null)[]) => (Tensor | null)[];

/** A family's gradients kept apart from its definitions (they build with other families' ops). */
/**
 * A gradient table (a family's `*_grad.ts`), keyed by the family's op types `T`: a misspelled or
 * foreign key does not compile. Entries are optional because an op may give `grad` in its own
 * definition instead; the registry checks at load that each op has exactly one decision.
 */
export type GradTable<T extends string = string> = { readonly [K in T]?: GradFn | 'none' };

/**
 * An op declared once: TF raw-op name, typed attrs (with defaults), inference and its lowering are
 * required, so forgetting one is a compile error; kernels live with the backends
 * (`runtime/cpu/kernels`). `grad: 'none'` says the op is not differentiable (TF's
 * NotDifferentiable). The WGSL facet is a typed slot its issue fills; the
 * ONNX facet comes from the family's `onnx.ts` table, attached in the registry.
 */
export interface OpDef<A extends AttrMap = AttrMap, T extends string = string> {
  /** TF's raw-op name; `defineOp` keeps it as a literal so the registry's `OpType` union is exact. */
  readonly type: T;
  /** Attr defaults applied when a builder or a file leaves them out. */
  readonly attrDefaults?: Partial<A>;
  readonly infer: InferFn<A>;
  /** How it runs: an elementwise expression or a named routine; backends' kernel tables cover each. */
  readonly lowering: Lowering<A>;
  /**
   * Given here, or in the family's gradient table (a `*_grad.ts` file the registry attaches with
   * `attachGrads`) where the gradient needs builders that import this file: one or the other, which
   * the registry checks at load.
   */
  readonly grad?: GradFn | 'none';
  /** Has effects or gives different values on each run: never folded, deduplicated or reordered. */
  readonly stateful?: boolean;
  /**
   * Inputs the op reads on the host (TF's HostMemory): shapes, axes, perms, paddings, sizes,
   * begin/end/strides, multiples. Inference sees their values at run time and nothing else: every
   * other input is a device buffer of known type. Negative indices count from the end (ConcatV2's
   * axis follows a variadic list).
   */
  readonly hostInputs?: readonly number[];
  /** Inputs that must be produced directly by a variable op (TF ref inputs). */
  readonly refInputs?: readonly number[];
  readonly wgsl?: WgslFacet;
  readonly onnx?: OnnxFacet;
}

/** Filled by the WebGPU issue. */
export interface WgslFacet {
  readonly kind: 'wgsl';
}

/**
 * The ONNX facet: how an op becomes ONNX nodes (`serialization/onnx/export.ts` walks a frozen
 * graph and calls it), or why it cannot appear in an exported inference graph.
 */
export type OnnxFacet =
  | { readonly kind: 'onnx'; export(ctx: OnnxExportContext, op: OnnxOpView): void }
  | { readonly kind: 'onnx-refused'; readonly reason: string };

/** A tensor as the ONNX mapping sees it: its ONNX value name (the TF name, 'x:0'), type, and value when constant. */
export interface OnnxValue {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: PartialShape;
  /** Known when the tensor is a constant (or an identity or static shape of one). */
  readonly value: NDArray | null;
}

/** The op being exported. Its outputs' names are the ONNX value names the mapping must define. */
export interface OnnxOpView {
  readonly name: string;
  readonly type: string;
  readonly attrs: AttrMap;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

/** An ONNX attribute value, typed the way ONNX stores it (an int and a float differ in the file). */
export type OnnxAttr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

/** What a mapping can do: emit nodes and initializers, make names, refuse. */
export interface OnnxExportContext {
  readonly opset: number;
  /**
   * Emits one ONNX node. `outputs` gives the value names to define, or how many fresh names to
   * make (default 1); returns the output names.
   */
  node(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, OnnxAttr>>, outputs?: readonly string[] | number): string[];
  /** A constant initializer holding `value` (named `name`, or a fresh name); returns its name. */
  constant(value: NDArray, name?: string): string;
  /** A 1-D int64 initializer (ONNX's shape, axes, pads, repeats operands). */
  int64s(values: readonly number[]): string;
  /** `name` converted from `from` to `to`: no node when they are the same. */
  cast(name: string, from: DType, to: DType): string;
  /** A value name no other value has. */
  fresh(hint: string): string;
  /** Throws UnimplementedError naming the op and its type. */
  refuse(why: string): never;
}

/**
 * Declares an op, keeping its `type` as a string literal (so the family lists, and through them the
 * registry, know every op type at compile time) and erasing its attr type for the registry while
 * keeping it checked at the definition. Ops with typed attrs are written `defineOp<Attrs>()({...})`:
 * TypeScript cannot take the attrs explicitly and infer the type literal in one call.
 */
export function defineOp<const T extends string>(def: OpDef<AttrMap, T>): OpDef<AttrMap, T>;
export function defineOp<A extends AttrMap>(): <const T extends string>(def: OpDef<A, T>) => OpDef<AttrMap, T>;
export function defineOp(def?: OpDef<AttrMap>): OpDef | ((d: OpDef<AttrMap>) => OpDef) {
  return def ?? ((d: OpDef<AttrMap>) => d);
}

/** The op types of a family list: the union the family's ONNX and gradient tables are keyed by. */
export type TypesOf<L extends readonly OpDef[]> = L[number]['type'];

/** A family's ONNX table: exactly one entry (a mapping or a refusal) per op type of the family. */
export type OnnxTable<T extends string> = { readonly [K in T]: OnnxFacet };
