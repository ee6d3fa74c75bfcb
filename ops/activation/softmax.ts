import { DType, InvalidArgumentError } from '../../graph/ir/index.js';
import { checkDType, FLOATS } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';

const inferRows = (opType: string) =>
  (inputs: readonly { dtype: DType; shape: (number | null)[] | null }[]) => {
    const [x] = inputs;
    checkDType('logits', x.dtype, FLOATS);
    if (x.shape !== null && x.shape.length < 1) throw new InvalidArgumentError(`${opType}: logits must have >= 1 dimension, got []`);
    return [{ dtype: x.dtype, shape: x.shape }];
  };

// Gradients: grads.ts.

export const Softmax = defineOp({
  type: 'Softmax',
  infer: inferRows('Softmax'),
  lowering: { kind: 'routine', routine: 'Softmax' },
});

export const LogSoftmax = defineOp({
  type: 'LogSoftmax',
  infer: inferRows('LogSoftmax'),
  lowering: { kind: 'routine', routine: 'LogSoftmax' },
});
