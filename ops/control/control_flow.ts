import { formatShape, InvalidArgumentError, Operation, PartialShape, Tensor } from '../../graph/ir/index.js';
import { makeOp, MakeOpOptions } from '../builder.js';
import { checkSameDType } from '../dtype_sets.js';
import { defineOp, InputSpec, OpDef, OutputSpec } from '../op_def.js';

/**
 * TF1's control-flow primitives (tensorflow/core/ops/control_flow_ops.cc). They never reach a
 * kernel: the control-flow executor (runtime/control_flow/) gives them their meaning (deadness,
 * frames, iterations). Marked stateful so that no pass folds, merges, reorders or fuses across them;
 * their gradients sit in control_flow_grad.ts (they build with other families' ops).
 */

export type EnterAttrs = { frame_name: string; is_constant: boolean; parallel_iterations: number };
export type MergeAttrs = { N: number };

const pass: (x: InputSpec) => OutputSpec = (x) => ({ dtype: x.dtype, shape: x.shape });

function scalarBool(p: InputSpec, what: string): void {
  if (p.dtype !== 'bool') throw new InvalidArgumentError(`${what} must be a bool tensor, got ${p.dtype}`);
  if (p.shape !== null && p.shape.length !== 0) throw new InvalidArgumentError(`${what} must be a scalar, got shape ${formatShape(p.shape)}`);
}

/** The most specific shape all inputs fit: dims that differ become unknown (TF's Merge shape fn). */
export function commonShape(shapes: readonly PartialShape[]): PartialShape {
  let out = shapes[0] ?? null;
  for (const s of shapes.slice(1)) {
    if (out === null || s === null || s.length !== out.length) return null;
    out = out.map((d, i) => (d === s[i] ? d : null));
  }
  return out;
}

function switchDef<const T extends 'Switch' | 'RefSwitch'>(type: T) {
  return defineOp({
    type,
    infer: ([data, pred]) => {
      scalarBool(pred, 'pred');
      return [pass(data), pass(data)];
    },
    lowering: { kind: 'routine', routine: 'Switch' },
    hostInputs: [1],
    stateful: true,
  });
}

function mergeDef<const T extends 'Merge' | 'RefMerge'>(type: T) {
  return defineOp<MergeAttrs>()({
    type,
    infer(inputs, _a, ctx) {
      if (inputs.length === 0) throw new InvalidArgumentError('Merge needs at least one input');
      const dtype = checkSameDType(inputs.map((_i, k) => `inputs[${k}]`), inputs.map((i) => i.dtype), ctx.opType);
      return [{ dtype, shape: commonShape(inputs.map((i) => i.shape)) }, { dtype: 'int32', shape: [] }];
    },
    lowering: { kind: 'routine', routine: 'Merge' },
    stateful: true,
  });
}

function forwardDef<A extends Record<string, string | number | boolean>, const T extends string = string>(type: T, routine: 'Enter' | 'Exit' | 'NextIteration', attrDefaults?: Partial<A>) {
  return defineOp<A>()({ type, attrDefaults, infer: ([x]) => [pass(x)], lowering: { kind: 'routine', routine }, stateful: true });
}

const ENTER_DEFAULTS: Partial<EnterAttrs> = { is_constant: false, parallel_iterations: 10 };

/** Switch(data, pred): data goes to output 1 when pred is true, to output 0 otherwise; the other output is dead. */
export const Switch = switchDef('Switch');
export const RefSwitch = switchDef('RefSwitch');
/** Merge(inputs): the first live input, and its index (value_index). */
export const Merge = mergeDef('Merge');
export const RefMerge = mergeDef('RefMerge');
/** Enter: makes a value visible in the child frame `frame_name` (every iteration when is_constant). */
export const Enter = forwardDef<EnterAttrs, 'Enter'>('Enter', 'Enter', ENTER_DEFAULTS);
export const RefEnter = forwardDef<EnterAttrs, 'RefEnter'>('RefEnter', 'Enter', ENTER_DEFAULTS);
/** Exit: hands a loop's final value to the parent frame. */
export const Exit = forwardDef('Exit', 'Exit');
export const RefExit = forwardDef('RefExit', 'Exit');
/** NextIteration: makes a value available to the next iteration (the Merge it feeds). */
export const NextIteration = forwardDef('NextIteration', 'NextIteration');
export const RefNextIteration = forwardDef('RefNextIteration', 'NextIteration');

/** LoopCond: the loop predicate, a scalar bool, as the loop's Switches read it. */
export const LoopCond = defineOp({
  type: 'LoopCond',
  infer: ([p]) => {
    scalarBool(p, 'input');
    return [pass(p)];
  },
  lowering: { kind: 'routine', routine: 'LoopCond' },
  stateful: true,
  grad: 'none',
});

/** ControlTrigger: a NoOp that runs even when its control inputs are dead (TF uses it in gradients). */
export const ControlTrigger = defineOp({
  type: 'ControlTrigger',
  infer: () => [],
  lowering: { kind: 'routine', routine: 'NoOp' },
  stateful: true,
  grad: 'none',
});

export type StackAttrs = { elem_type: string; stack_name: string };

/**
 * The while-loop gradient's stacks, TF's StackV2 / StackPushV2 / StackPopV2 (tensorflow/core/ops/
 * data_flow_ops.cc). TF's handle is a DT_RESOURCE, a dtype we do not have: ours is an int32 scalar
 * naming the stack in the run (so a training graph with a loop gradient does not load into TF).
 * StackV2 makes an empty stack per run; the forward loop pushes a value each iteration; the
 * backward loop pops them in reverse. The control-flow executor runs them.
 */
export const StackV2 = defineOp<StackAttrs>()({
  type: 'StackV2',
  attrDefaults: { stack_name: '' },
  infer: () => [{ dtype: 'int32', shape: [] }],
  lowering: { kind: 'routine', routine: 'StackV2' },
  hostInputs: [0],
  stateful: true,
  grad: 'none',
});

export const StackPushV2 = defineOp<{ swap_memory: boolean }>()({
  type: 'StackPushV2',
  attrDefaults: { swap_memory: false },
  infer: ([, x]) => [pass(x)],
  lowering: { kind: 'routine', routine: 'StackV2' },
  hostInputs: [0],
  stateful: true,
  grad: 'none',
});

/** The popped value's shape is unknown to the op (TF's too); the builder sets what it knows. */
export const StackPopV2 = defineOp<{ elem_type: string }>()({
  type: 'StackPopV2',
  infer: (_i, attrs) => [{ dtype: attrs.elem_type as OutputSpec['dtype'], shape: null }],
  lowering: { kind: 'routine', routine: 'StackV2' },
  hostInputs: [0],
  stateful: true,
  grad: 'none',
});

export const CONTROL_FLOW_OPS = [
  Switch, RefSwitch, Merge, RefMerge, Enter, RefEnter, Exit, RefExit, NextIteration, RefNextIteration, LoopCond, ControlTrigger, StackV2, StackPushV2, StackPopV2,
] as const satisfies readonly OpDef[];

/** Op types the control-flow executor interprets itself (everything else is dispatched to a kernel). */
export const CONTROL_FLOW_TYPES: ReadonlySet<string> = new Set(CONTROL_FLOW_OPS.map((d) => d.type));

// ---- raw builders (tf.raw_ops style; tg.cond / tg.whileLoop wire them) ----------------------

/** [output_false, output_true]. */
export function switchOp(data: Tensor, pred: Tensor, options: MakeOpOptions = {}): [Tensor, Tensor] {
  const op = makeOp(Switch, [data, pred], {}, { name: 'Switch', ...options });
  return [op.outputs[0], op.outputs[1]];
}

/** [output, value_index]. */
export function merge(inputs: readonly Tensor[], options: MakeOpOptions = {}): [Tensor, Tensor] {
  const op = makeOp(Merge, inputs, { N: inputs.length }, { name: 'Merge', ...options });
  return [op.outputs[0], op.outputs[1]];
}

export function enter(data: Tensor, frameName: string, options: MakeOpOptions & { isConstant?: boolean; parallelIterations?: number } = {}): Tensor {
  const { isConstant, parallelIterations, ...rest } = options;
  return makeOp(Enter, [data], { frame_name: frameName, is_constant: isConstant ?? false, parallel_iterations: parallelIterations ?? 10 }, { name: 'Enter', ...rest }).outputs[0];
}

export function exit(data: Tensor, options: MakeOpOptions = {}): Tensor {
  return makeOp(Exit, [data], {}, { name: 'Exit', ...options }).outputs[0];
}

export function nextIteration(data: Tensor, options: MakeOpOptions = {}): Tensor {
  return makeOp(NextIteration, [data], {}, { name: 'NextIteration', ...options }).outputs[0];
}

export function loopCond(pred: Tensor, options: MakeOpOptions = {}): Tensor {
  return makeOp(LoopCond, [pred], {}, { name: 'LoopCond', ...options }).outputs[0];
}

export function controlTrigger(options: MakeOpOptions = {}): Operation {
  return makeOp(ControlTrigger, [], {}, { name: 'ControlTrigger', ...options });
}
