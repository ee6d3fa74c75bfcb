import type { ScalarExpr } from '../elementwise/scalar_expr.js';
import { MatMul } from '../matmul/matmul.js';
import { Conv2D } from '../nn/conv2d.js';
import { defineOp, OpDef } from '../op_def.js';

/**
 * A two-input kernel followed, in the same kernel call, by an elementwise epilogue (bias,
 * activation, residual add, ...) applied to its output buffer. Inputs are the kernel's two, then
 * the epilogue's other operands; arg 0 of the epilogue is the kernel's output.
 */
function fusedKernelDef(type: string, base: OpDef, routine: 'MatMul' | 'Conv2D', epilogue: ScalarExpr): OpDef {
  return defineOp({
    type,
    infer: (inputs, attrs, ctx) => base.infer(inputs.slice(0, 2), attrs, ctx),
    lowering: { kind: 'epilogue', routine, arity: 2, epilogue },
    grad: 'none',
  });
}

/** TF's `_FusedMatMul`, generalised to any elementwise epilogue. */
export const fusedMatMulDef = (epilogue: ScalarExpr): OpDef => fusedKernelDef('_FusedMatMul', MatMul, 'MatMul', epilogue);

/** TF's `_FusedConv2D`: Conv2D with its bias and activation in the same call. */
export const fusedConv2DDef = (epilogue: ScalarExpr): OpDef => fusedKernelDef('_FusedConv2D', Conv2D, 'Conv2D', epilogue);
