import { InvalidArgumentError, NDArray, formatShape, sizeOf } from '../../../graph/ir/index.js';
import type { AssignAttrs, VariableAttrs } from '../../../ops/state/variable_ops.js';
import { readVariable } from './variables.js';
import { CpuKernel, kernel } from './kernel.js';

/** AssignAdd / AssignSub: the variable plus or minus the value, written back. */
function updateKernel(type: string, sign: 1 | -1): CpuKernel {
  return kernel<AssignAttrs>(([, value], _a, _o, ctx) => {
    const name = ctx.refName(0);
    const cur = readVariable(ctx, name);
    if (cur.shape.join() !== value.shape.join()) {
      throw new InvalidArgumentError(`${type}: lhs shape= ${formatShape(cur.shape)} rhs shape= ${formatShape(value.shape)} must match`);
    }
    const next = NDArray.zeros(cur.dtype, cur.shape);
    const a = cur.data;
    const b = value.data;
    const o = next.data;
    const n = sizeOf(cur.shape);
    if (cur.dtype === 'float32') for (let i = 0; i < n; i++) o[i] = a[i] + sign * b[i];
    else for (let i = 0; i < n; i++) o[i] = (a[i] + sign * b[i]) | 0;
    ctx.variables.write(name, next);
    return [next];
  });
}

/** The state family's CPU kernels. */
export const STATE_KERNELS = {
  VariableV2: kernel<VariableAttrs>((_i, _a, _o, ctx) => [readVariable(ctx, ctx.opName)]),
  Assign: kernel<AssignAttrs>(([, value], attrs, [out], ctx) => {
    if (attrs.validate_shape && value.shape.join() !== out.shape.join()) {
      throw new InvalidArgumentError(`Assign requires shapes of both tensors to match. lhs shape= ${formatShape(out.shape)} rhs shape= ${formatShape(value.shape)}`);
    }
    ctx.variables.write(ctx.refName(0), value);
    return [value];
  }),
  AssignAdd: updateKernel('AssignAdd', 1),
  AssignSub: updateKernel('AssignSub', -1),
};
