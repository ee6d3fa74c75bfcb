import { broadcastShapes, DType } from '../../graph/ir/index.js';
import type { ScalarExpr } from '../elementwise/scalar_expr.js';
import { defineOp, OpDef } from '../op_def.js';

/**
 * A region of elementwise ops fused by the compiler: one scalar expression over the region's
 * outside inputs, run as one broadcasting loop. Composition keeps broadcasting exact: every
 * member's shape broadcasts to the root's, so evaluating all of them at each output element gives
 * what running them one by one gives. The def is built per node (the expression lives in its
 * closure), so it never enters the op registry.
 */
export function fusedElementwiseDef(expr: ScalarExpr, dtype: DType): OpDef {
  return defineOp({
    type: 'FusedElementwise',
    infer(inputs, _a, ctx) {
      let shape = inputs.length > 0 ? inputs[0].shape : [];
      for (let i = 1; i < inputs.length; i++) shape = broadcastShapes(shape, inputs[i].shape, ctx.opType);
      return [{ dtype, shape }];
    },
    lowering: { kind: 'elementwise', expr: () => expr },
    grad: 'none',
  });
}
