import { formatShape, InvalidArgumentError, Operation, Tensor, mergeShapes, getDefaultGraph } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkSameDType, NUMERIC, checkDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

export const Identity = defineOp({
  type: 'Identity',
  infer: ([x]) => [{ dtype: x.dtype, shape: x.shape }],
  lowering: { kind: 'routine', routine: 'Identity' },
  grad: (_op, [g]) => [g],
});

/** Forward identity; the gradient stops here (null). */
export const StopGradient = defineOp({
  type: 'StopGradient',
  infer: ([x]) => [{ dtype: x.dtype, shape: x.shape }],
  lowering: { kind: 'routine', routine: 'StopGradient' },
  grad: () => [null],
});

export const NoOp = defineOp({
  type: 'NoOp',
  infer: () => [],
  lowering: { kind: 'routine', routine: 'NoOp' },
  grad: 'none',
});

/** Sum of N same-shaped tensors in one kernel. */
export const AddN = defineOp({
  type: 'AddN',
  infer(inputs, _a, ctx) {
    if (inputs.length === 0) throw new InvalidArgumentError('AddN needs at least one input');
    const dt = checkSameDType(inputs.map((_i, k) => `inputs[${k}]`), inputs.map((i) => i.dtype), ctx.opType);
    checkDType('inputs', dt, NUMERIC);
    let shape = inputs[0].shape;
    for (let i = 1; i < inputs.length; i++) {
      try {
        shape = mergeShapes(shape, inputs[i].shape, 'AddN');
      } catch {
        throw new InvalidArgumentError(`AddN: all inputs must have the same shape, got ${inputs.map((x) => formatShape(x.shape)).join(', ')}`);
      }
    }
    return [{ dtype: dt, shape }];
  },
  lowering: { kind: 'routine', routine: 'AddN' },
  grad: (op, [g]) => op.inputs.map(() => g),
});

export function identity(x: TensorLike, name?: string): Tensor {
  return makeOp(Identity, [toTensor(x)], {}, { name }).outputs[0];
}

export function stopGradient(x: TensorLike, name?: string): Tensor {
  return makeOp(StopGradient, [toTensor(x)], {}, { name }).outputs[0];
}

export function noOp(name?: string): Operation {
  return makeOp(NoOp, [], {}, { name, graph: getDefaultGraph() });
}

/** An op that runs all of `inputs` (tensors or ops) and produces nothing (TF's tf.group). */
export function group(inputs: readonly (Tensor | Operation | { toTensor(): Tensor })[], name = 'group_deps'): Operation {
  const ops = inputs.map((i) => (i instanceof Operation ? i : i instanceof Tensor ? i.op : i.toTensor().op));
  const graph = ops.length > 0 ? ops[0].graph : getDefaultGraph();
  return makeOp(NoOp, [], {}, { name, graph, controlInputs: ops });
}

export function addN(inputs: readonly TensorLike[], name?: string): Tensor {
  if (inputs.length === 0) throw new InvalidArgumentError('addN needs at least one input');
  const g = graphOf(inputs);
  const hint = dtypeHint(inputs);
  const ts = inputs.map((i) => toTensor(i, hint, g));
  if (ts.length === 1) return ts[0];
  return makeOp(AddN, ts, { N: ts.length }, { name, graph: g }).outputs[0];
}

