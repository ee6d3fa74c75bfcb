import { AttrMap, broadcastShapes, DType } from '../../graph/ir/index.js';
import { checkDType, checkSameDType } from '../dtype_sets.js';
import { defineOp, GradFn, OpDef } from '../op_def.js';
import type { ScalarExpr } from './scalar_expr.js';

interface ElementwiseSpec<A extends AttrMap, T extends string> {
  type: T;
  /** Names of the inputs, for TF-style messages ('x', 'y'). */
  inputNames: readonly string[];
  allowed: readonly DType[];
  /** Output dtype: the inputs' common dtype unless given (comparisons give bool). */
  outDType?: DType;
  expr: (attrs: A) => ScalarExpr;
  /** Omitted when the family's gradient table gives it. */
  grad?: GradFn | 'none';
  attrDefaults?: Partial<A>;
}

/**
 * An elementwise op with TF broadcasting over all its inputs, which must share a dtype. Its CPU
 * facet is its scalar expression.
 */
export function elementwiseOp<A extends AttrMap = AttrMap, const T extends string = string>(spec: ElementwiseSpec<A, T>): OpDef<AttrMap, T> {
  return defineOp<A>()({
    type: spec.type,
    attrDefaults: spec.attrDefaults,
    infer(inputs, _attrs, ctx) {
      const names = spec.inputNames;
      const dt = checkSameDType(names, inputs.map((i) => i.dtype), ctx.opType);
      checkDType(names[0], dt, spec.allowed);
      let shape = inputs[0].shape;
      for (let i = 1; i < inputs.length; i++) shape = broadcastShapes(shape, inputs[i].shape, ctx.opType);
      return [{ dtype: spec.outDType ?? dt, shape }];
    },
    lowering: { kind: 'elementwise', expr: spec.expr },
    grad: spec.grad,
  });
}

export const unaryOp = <A extends AttrMap = AttrMap, const T extends string = string>(s: Omit<ElementwiseSpec<A, T>, 'inputNames'>): OpDef<AttrMap, T> =>
  elementwiseOp<A, T>({ ...s, inputNames: ['x'] });

export const binaryOp = <A extends AttrMap = AttrMap, const T extends string = string>(s: Omit<ElementwiseSpec<A, T>, 'inputNames'>): OpDef<AttrMap, T> =>
  elementwiseOp<A, T>({ ...s, inputNames: ['x', 'y'] });
