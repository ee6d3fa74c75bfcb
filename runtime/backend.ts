import type { AttrMap, DType, NDArray } from '../graph/ir/index.js';
import type { LoweringKind } from '../ops/lowering.js';
import type { KernelContext, OpContext, OpDef, ResolvedOutput, VariableAccess } from '../ops/op_def.js';

/**
 * A value on a device. Its type is known without reading it back, so inference and the executor's
 * checks never touch device memory. The CPU backend's buffers are NDArrays (host TypedArrays).
 */
export interface DeviceBuffer {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * Variables a device keeps between runs (a backend whose buffers are not host arrays). The session
 * keeps host values too; a device write makes the host value stale until it is read back.
 */
export interface DeviceVariables {
  /** The variable's newest value is on the device (the host value is stale or absent). */
  has(name: string): boolean;
  /** The names `has` is true for. */
  newerOnDevice(): string[];
  /**
   * The variable's value on the device for a step that reads it through a ref (TF1: when the step
   * runs): this run's write, the device copy, or an upload of the host value; undefined when it has
   * none (the step then fails on its input as on the CPU).
   */
  valueFor(name: string, host: VariableAccess, opName: string): DeviceBuffer | undefined;
  /** Reads the device value back (the host value then mirrors it). */
  readBack(name: string): Promise<NDArray | undefined>;
  /** The host value replaced the device one (a restore, a CPU-side write). */
  drop(name: string): void;
  /** The run succeeded: its device writes become the variables' values. */
  commit(): void;
  /** The run failed: its device writes are dropped. */
  discard(): void;
  /** Variables whose only value was lost with the device (the session forgets them). */
  takeLost(): string[];
}

/** What a backend would launch for an op, or why it cannot run it. */
export type KernelChoice = { readonly kernel: string } | { readonly unsupported: string };

/** The dtypes of a node's inputs and outputs, for a backend whose kernels exist only for some. */
export interface NodeDTypes {
  readonly inputs: readonly DType[];
  readonly outputs: readonly DType[];
}

/** One kernel launch, as the executor hands it to the backend of the step's device. */
export interface Dispatch<B extends DeviceBuffer> {
  readonly def: OpDef;
  readonly attrs: AttrMap;
  /** The name `kernelFor` gave at plan time. */
  readonly kernel: string;
  /**
   * Device inputs in op order. `null` at ref inputs (the variable is named by `ctx.refName`) and,
   * on a backend whose buffers are not host arrays, at host-memory inputs (read those in `host`).
   */
  readonly inputs: readonly (B | null)[];
  /** Host values of the op's host-memory inputs (`OpDef.hostInputs`), `null` elsewhere. */
  readonly host: readonly (NDArray | null)[];
  /** Output types, resolved by the op's inference (-1: a dim only the kernel can know). */
  readonly outputs: readonly ResolvedOutput[];
  readonly ctx: KernelContext;
  /** A buffer of the single output's type that the memory plan lets an elementwise kernel fill. */
  readonly out?: B;
  /**
   * The step's one output is run-scoped (PlanStep.ownedOutput: it dies within the run, unseen
   * outside it), so the backend may make it a buffer it takes back when the run ends.
   */
  readonly runScoped?: boolean;
}

/** A value's type known when the plan is built (every dim static). */
export interface StaticType {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * A plan step whose types are all known before any run (runtime/precompile.ts builds them): what a
 * backend needs to build the step's kernels ahead of time.
 */
export interface StaticStep {
  readonly def: OpDef;
  readonly attrs: AttrMap;
  /** The name `kernelFor` gave at plan time. */
  readonly kernel: string;
  readonly ctx: OpContext;
  /** Each input's type; at a ref input, its variable's type. */
  readonly inputs: readonly StaticType[];
  /** The variable behind each ref input, null elsewhere. */
  readonly refs: readonly (string | null)[];
  /** Constant values of host-memory inputs, null elsewhere. */
  readonly host: readonly (NDArray | null)[];
  readonly outputs: readonly ResolvedOutput[];
}

/** What `Backend.precompile` did for one plan. */
export interface PrecompileReport {
  /** Steps whose kernels were stated from their static types. */
  readonly steps: number;
  /** Steps it could not state (unknown dims, a kernel that must see values): they compile at launch. */
  readonly deferred: number;
  /** Distinct kernels (pipelines) the steps need, and how many of those were built now. */
  readonly kernels: number;
  readonly built: number;
}

/**
 * An execution device over its own buffer handles. The executor allocates, uploads, dispatches,
 * reads back and frees through this interface only; values come to the host for fetches,
 * host-memory inputs and the plan's explicit copy steps. `runtime/null/` is the smallest example.
 */
export interface Backend<B extends DeviceBuffer = DeviceBuffer> {
  /** The session option that selects it: 'cpu', 'null'. */
  readonly name: string;
  /** TF's full device name, e.g. '/device:CPU:0'. */
  readonly device: string;
  /** TF's device type, matched by `tg.device` pins: 'CPU', 'GPU', 'NULL'. */
  readonly deviceType: string;
  /** Its buffers are host NDArrays: host values need no copy to or from it. */
  readonly hostResident: boolean;
  /** The lowering kinds it dispatches: the compiler builds no fused node of another kind for it. */
  readonly lowerings: ReadonlySet<LoweringKind>;
  /** Decided at plan time, once per node: the kernel to launch, or an explicit refusal. */
  kernelFor(def: OpDef, nodeType: string, dtypes?: NodeDTypes): KernelChoice;
  /**
   * A buffer for a value of this type (the contents are undefined). `runScoped`: the plan proved
   * the value dies within the run unseen outside it (PlanStep.ownedOutput), so the backend may take
   * the buffer back when the run ends even if it is never freed.
   */
  alloc(dtype: DType, shape: readonly number[], runScoped?: boolean): B;
  /** Whether `b` is a buffer the backend takes back at the end of the run (see alloc). */
  isRunScoped?(b: B): boolean;
  upload(x: NDArray): B;
  read(b: B): Promise<NDArray>;
  /** The executor is done with `b` and nothing else holds it: its memory may be reused. */
  free(b: B): void;
  dispatch(d: Dispatch<B>): B[] | Promise<B[]>;
  /** A run ended: memory kept for reuse within it may go. */
  endRun(): void;
  /**
   * After a run, before `endRun`: values that left the session's variables during it (replaced,
   * deleted, or written by a run that failed); nothing reads them any more, and a fetch that shared
   * one's storage was copied. A backend that made their storage may take it back, except storage in
   * `kept` (a variable still holds it). Optional.
   */
  retireVariableValues?(values: readonly NDArray[], kept: ReadonlySet<object>): void;
  /**
   * Builds ahead of the first run the kernels that `steps` (this device's steps of a new plan, those
   * with static types) will launch, so the run itself compiles nothing; optional (a device whose
   * kernels need no compiling has none). `unknown` counts the plan's steps left out.
   */
  precompile?(steps: readonly StaticStep[], unknown: number): Promise<PrecompileReport>;
  /** Readies the device before a run (an adapter is acquired asynchronously); optional. */
  prepare?(): Promise<void>;
  /**
   * The session that made this backend was closed: device memory and the device itself go (a
   * WebGPU device is destroyed). Optional; a backend passed in by the user is never closed for it.
   */
  close?(): void;
  /** Variables this device keeps between runs, when it keeps them. */
  readonly residentVariables?: DeviceVariables;
  /**
   * The host backend's snapshot of a fed value for one run, in its own memory (the CPU backend: a
   * block of the wasm heap that its kernels read in place), or null for a plain copy. Optional.
   */
  stageFeed?(value: NDArray): StagedFeed | null;
}

/** A feed's snapshot held for one run; `release` (called once the run is over) gives its memory back. */
export interface StagedFeed {
  readonly value: NDArray;
  release(): void;
}
