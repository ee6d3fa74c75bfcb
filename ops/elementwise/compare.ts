import { broadcastShapes, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { ALL, BOOLS, NUMERIC, checkSameDType } from '../dtype_sets.js';
import { defineOp, type OpDef, type TypesOf } from '../op_def.js';
import { binaryOp, unaryOp } from './define.js';
import { buildElementwise } from './build.js';
import { bin, select, un, x0, x1, x2 } from './scalar_expr.js';

const cmp = <const T extends string>(type: T, f: 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne', allowed = NUMERIC) =>
  binaryOp({ type, allowed, outDType: 'bool', expr: () => bin(f, x0, x1), grad: 'none' });

export const Equal = cmp('Equal', 'eq', ALL);
export const NotEqual = cmp('NotEqual', 'ne', ALL);
export const Less = cmp('Less', 'lt');
export const LessEqual = cmp('LessEqual', 'le');
export const Greater = cmp('Greater', 'gt');
export const GreaterEqual = cmp('GreaterEqual', 'ge');
export const LogicalAnd = binaryOp({ type: 'LogicalAnd', allowed: BOOLS, expr: () => bin('and', x0, x1), grad: 'none' });
export const LogicalOr = binaryOp({ type: 'LogicalOr', allowed: BOOLS, expr: () => bin('or', x0, x1), grad: 'none' });
export const LogicalNot = unaryOp({ type: 'LogicalNot', allowed: BOOLS, expr: () => un('not', x0), grad: 'none' });

/** TF2's broadcasting select: where(condition, x, y). Gradient: compare_grad.ts. */
export const SelectV2 = defineOp({
  type: 'SelectV2',
  infer(inputs, _attrs, ctx) {
    const [c, x, y] = inputs;
    if (c.dtype !== 'bool') throw new InvalidArgumentError(`Value passed to parameter 'condition' has DataType ${c.dtype} not in list of allowed values: bool`);
    const dt = checkSameDType(['t', 'e'], [x.dtype, y.dtype], ctx.opType);
    const shape = broadcastShapes(broadcastShapes(c.shape, x.shape, ctx.opType), y.shape, ctx.opType);
    return [{ dtype: dt, shape }];
  },
  lowering: { kind: 'elementwise', expr: () => select(x0, x1, x2) },
});

export const equal = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Equal, [a, b], name);
export const notEqual = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(NotEqual, [a, b], name);
export const less = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Less, [a, b], name);
export const lessEqual = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(LessEqual, [a, b], name);
export const greater = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Greater, [a, b], name);
export const greaterEqual = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(GreaterEqual, [a, b], name);
export const logicalAnd = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(LogicalAnd, [a, b], name);
export const logicalOr = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(LogicalOr, [a, b], name);
export const logicalNot = (a: TensorLike, name?: string): Tensor => buildElementwise(LogicalNot, [a], name);

/** where(condition, x, y): literals among x and y take the other branch's dtype. */
export function where(condition: TensorLike, x: TensorLike, y: TensorLike, name?: string): Tensor {
  const g = graphOf([condition, x, y]);
  const hint = dtypeHint([x, y]);
  const c = toTensor(condition, 'bool', g);
  return makeOp(SelectV2, [c, toTensor(x, hint, g), toTensor(y, hint, g)], {}, { name, graph: g }).outputs[0];
}

export const COMPARE_OPS = [Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, LogicalAnd, LogicalOr, LogicalNot, SelectV2] as const satisfies readonly OpDef[];
export type CompareOpType = TypesOf<typeof COMPARE_OPS>;
