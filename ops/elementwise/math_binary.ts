import type { OpDef, TypesOf } from '../op_def.js';
import type { Tensor } from '../../graph/ir/index.js';
import type { TensorLike } from '../builder.js';
import { FLOATS, NUMERIC } from '../dtype_sets.js';
import { binaryOp } from './define.js';
import { buildElementwise } from './build.js';
import { bin, x0, x1 } from './scalar_expr.js';

// Gradients: math_binary_grad.ts (they build with ops whose files import this one).

export const Add = binaryOp({ type: 'Add', allowed: NUMERIC, expr: () => bin('add', x0, x1) });
// TF2 graphs use AddV2; same semantics.
export const AddV2 = binaryOp({ type: 'AddV2', allowed: NUMERIC, expr: () => bin('add', x0, x1) });
export const Sub = binaryOp({ type: 'Sub', allowed: NUMERIC, expr: () => bin('sub', x0, x1) });
export const Mul = binaryOp({
  type: 'Mul',
  allowed: NUMERIC,
  expr: () => bin('mul', x0, x1),
});
export const RealDiv = binaryOp({
  type: 'RealDiv',
  allowed: FLOATS,
  expr: () => bin('div', x0, x1),
});
export const FloorDiv = binaryOp({ type: 'FloorDiv', allowed: NUMERIC, expr: () => bin('floorDiv', x0, x1) });
export const FloorMod = binaryOp({
  type: 'FloorMod',
  allowed: NUMERIC,
  expr: () => bin('floorMod', x0, x1),
});
export const Pow = binaryOp({
  type: 'Pow',
  allowed: NUMERIC,
  expr: () => bin('pow', x0, x1),
});
export const Maximum = binaryOp({
  type: 'Maximum',
  allowed: NUMERIC,
  expr: () => bin('max', x0, x1),
});
export const Minimum = binaryOp({
  type: 'Minimum',
  allowed: NUMERIC,
  expr: () => bin('min', x0, x1),
});

/** (x - y)^2, TF's SquaredDifference. */
export const SquaredDifference = binaryOp({
  type: 'SquaredDifference',
  allowed: NUMERIC,
  expr: () => {
    const d = bin('sub', x0, x1);
    return bin('mul', d, d);
  },
});

export const add = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Add, [a, b], name);
export const sub = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Sub, [a, b], name);
export const mul = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Mul, [a, b], name);
/** Float division; integer operands divide by flooring (like tf.js's div and Python's //). */
export const div = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(realOrFloorDiv(a, b), [a, b], name);
export const realDiv = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(RealDiv, [a, b], name);
export const floorDiv = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(FloorDiv, [a, b], name);
export const floorMod = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(FloorMod, [a, b], name);
export const pow = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Pow, [a, b], name);
export const maximum = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Maximum, [a, b], name);
export const minimum = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(Minimum, [a, b], name);

function realOrFloorDiv(a: TensorLike, b: TensorLike) {
  for (const v of [a, b]) {
    const d = (v as { dtype?: unknown }).dtype;
    if (d === 'int32' || d === 'int64') return FloorDiv;
    if (typeof v === 'object' && v !== null && 'toTensor' in v) {
      const t = (v as { toTensor(): Tensor }).toTensor();
      if (t.dtype === 'int32' || t.dtype === 'int64') return FloorDiv;
    }
  }
  return RealDiv;
}

export const squaredDifference = (a: TensorLike, b: TensorLike, name?: string): Tensor => buildElementwise(SquaredDifference, [a, b], name);

export const MATH_BINARY_OPS = [Add, AddV2, Sub, Mul, RealDiv, FloorDiv, FloorMod, Pow, Maximum, Minimum, SquaredDifference] as const satisfies readonly OpDef[];
export type MathBinaryOpType = TypesOf<typeof MATH_BINARY_OPS>;
