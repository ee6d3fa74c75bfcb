import type { AttrMap, DType, Graph, Tensor } from '../../../graph/ir/index.js';
import type { NodeAttrs } from './attributes.js';
import type { HostTensor } from './host_tensor.js';
import type { ModelNode } from './model.js';

/** What a node's input or output is while importing: a graph tensor, or a constant held on the host. */
export type Value = Tensor | HostTensor;

/**
 * What an operator handler sees of the node it imports. Handlers compose existing graph ops;
 * they read constant operands (shapes, axes, pads) through `host`/`ints`, which refuse with the
 * operand named when the value is only known at run time.
 */
export interface NodeContext {
  readonly node: ModelNode;
  /** The model's opset of the node's domain. */
  readonly opset: number;
  readonly graph: Graph;
  readonly attrs: NodeAttrs;
  /** "node 'n' (Type, opset 13)", for error messages. */
  readonly where: string;
  /** How many outputs the node names (handlers may skip producing unnamed trailing ones). */
  readonly outputCount: number;
  /** Whether output `i` is named (used) in the model. */
  wantsOutput(i: number): boolean;
  /** Whether optional input `i` is given (present and not ''). */
  has(i: number): boolean;
  /** Input `i` as a graph tensor; a constant becomes a Const (or, when importing trainable, a Variable). */
  input(i: number, opts?: { trainable?: boolean }): Tensor;
  /** Input `i` as it is held: a tensor, or a host constant (what pass-through ops return). */
  value(i: number): Value;
  /** Input `i`'s value when it is known while importing (an initializer, a Constant, a static shape). */
  host(i: number): HostTensor | null;
  /** Input `i` as integers known now, or an UnimplementedError naming it as `what`. */
  ints(i: number, what: string): number[];
  /** Creates a registered op and returns its outputs. */
  op(type: string, inputs: readonly Tensor[], attrs?: AttrMap): Tensor[];
  /** A Const of `dtype`. */
  constant(values: ArrayLike<number>, dtype: DType, dims: readonly number[]): Tensor;
  /** UnimplementedError naming the node, its type, domain and opset, and `why`. */
  refuse(why: string): never;
  /** InvalidArgumentError naming the node, for a node that breaks the ONNX spec. */
  invalid(why: string): never;
}

export type Handler = (ctx: NodeContext) => readonly (Value | undefined)[];

/** Handlers of one operator keyed by the opset version each applies from. */
export type VersionedHandlers = Readonly<Record<number, Handler>>;

/** A family's operators, keyed by ONNX op type. */
export type OpTable = Readonly<Record<string, VersionedHandlers>>;
