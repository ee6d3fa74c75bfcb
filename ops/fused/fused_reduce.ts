import { broadcastShapes, DType } from '../../graph/ir/index.js';
import type { ScalarExpr } from '../elementwise/scalar_expr.js';
import { defineOp, OpDef } from '../op_def.js';

/**
 * A fused elementwise region reduced over all its elements in the same loop (a loss such as
 * mean((y - t)^2)): the region's values are never stored. Built by the compiler per node.
 */
export function fusedReduceDef(expr: ScalarExpr, reduction: 'sum' | 'mean' | 'max' | 'min', dtype: DType, keepDims: boolean): OpDef {
  return defineOp({
    type: '_FusedReduce',
    infer(inputs, _a, ctx) {
      let shape = inputs.length > 0 ? inputs[0].shape : [];
      for (let i = 1; i < inputs.length; i++) shape = broadcastShapes(shape, inputs[i].shape, ctx.opType);
      if (!keepDims) return [{ dtype, shape: [] }];
      return [{ dtype, shape: shape === null ? null : shape.map(() => 1) }];
    },
    lowering: { kind: 'elementwise-reduce', expr, reduction },
    grad: 'none',
  });
}
