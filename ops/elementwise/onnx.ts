import type { OnnxExportContext, OnnxFacet, OnnxOpView, OnnxTable, TypesOf } from '../op_def.js';
import { GRADIENT_ONLY, int, onnx, same, scalar } from '../onnx_mapping.js';
import type { MATH_UNARY_OPS } from './math_unary.js';
import type { MATH_BINARY_OPS } from './math_binary.js';
import type { COMPARE_OPS } from './compare.js';

/** ONNX mappings of the elementwise math, comparison and logical ops (opset 17). */

const names = (op: OnnxOpView) => op.inputs.map((v) => v.name);
const out = (op: OnnxOpView) => [op.outputs[0].name];
const isFloat = (op: OnnxOpView) => op.inputs[0].dtype === 'float32';

/** A float-only ONNX op, refused for integer inputs (TF allows a few of these on ints). */
function floatOnly(onnxType: string): OnnxFacet {
  return onnx((ctx, op) => {
    if (!isFloat(op)) ctx.refuse(`ONNX ${onnxType} takes floats; the input is ${op.inputs[0].dtype}`);
    ctx.node(onnxType, names(op), {}, out(op));
  });
}

/** `op`'s result from a small expression over its inputs (`emit` returns the value to name the output). */
function composite(emit: (ctx: OnnxExportContext, op: OnnxOpView, x: string[]) => string): OnnxFacet {
  return onnx((ctx, op) => {
    ctx.node('Identity', [emit(ctx, op, names(op))], {}, out(op));
  });
}

const one = (ctx: OnnxExportContext, op: OnnxOpView) => scalar(ctx, 1, op.inputs[0].dtype);
const zero = (ctx: OnnxExportContext, op: OnnxOpView) => scalar(ctx, 0, op.inputs[0].dtype);

export const MATH_UNARY_ONNX: OnnxTable<TypesOf<typeof MATH_UNARY_OPS>> = {
  Neg: same('Neg'),
  Abs: same('Abs'),
  Exp: floatOnly('Exp'),
  Log: floatOnly('Log'),
  Log1p: composite((ctx, op, [x]) => ctx.node('Log', [ctx.node('Add', [x, one(ctx, op)])[0]])[0]),
  Sqrt: floatOnly('Sqrt'),
  Rsqrt: composite((ctx, _op, [x]) => ctx.node('Reciprocal', [ctx.node('Sqrt', [x])[0]])[0]),
  Square: composite((ctx, _op, [x]) => ctx.node('Mul', [x, x])[0]),
  Reciprocal: floatOnly('Reciprocal'),
  Floor: floatOnly('Floor'),
  Ceil: floatOnly('Ceil'),
  // ONNX Round rounds half to even, as TF does; integers are already round.
  Round: onnx((ctx, op) => ctx.node(isFloat(op) ? 'Round' : 'Identity', names(op), {}, out(op))),
  Sign: same('Sign'),
  Sin: floatOnly('Sin'),
  Cos: floatOnly('Cos'),
  Tanh: floatOnly('Tanh'),
  Sigmoid: floatOnly('Sigmoid'),
  Relu: onnx((ctx, op) => {
    if (isFloat(op)) ctx.node('Relu', names(op), {}, out(op));
    else ctx.node('Max', [op.inputs[0].name, zero(ctx, op)], {}, out(op));
  }),
  SqrtGrad: GRADIENT_ONLY,
  RsqrtGrad: GRADIENT_ONLY,
  ReciprocalGrad: GRADIENT_ONLY,
  TanhGrad: GRADIENT_ONLY,
  SigmoidGrad: GRADIENT_ONLY,
  ReluGrad: GRADIENT_ONLY,
};

export const MATH_BINARY_ONNX: OnnxTable<TypesOf<typeof MATH_BINARY_OPS>> = {
  Add: same('Add'),
  AddV2: same('Add'),
  Sub: same('Sub'),
  Mul: same('Mul'),
  RealDiv: same('Div'),
  // TF floors; ONNX Div truncates integers, and Mod with fmod=0 has the divisor's sign, so
  // (a - mod(a, b)) / b is the floored quotient exactly.
  FloorDiv: composite((ctx, op, [a, b]) =>
    isFloat(op) ? ctx.node('Floor', [ctx.node('Div', [a, b])[0]])[0] : ctx.node('Div', [ctx.node('Sub', [a, ctx.node('Mod', [a, b], { fmod: int(0) })[0]])[0], b])[0],
  ),
  FloorMod: composite((ctx, op, [a, b]) =>
    isFloat(op)
      ? ctx.node('Sub', [a, ctx.node('Mul', [ctx.node('Floor', [ctx.node('Div', [a, b])[0]])[0], b])[0]])[0]
      : ctx.node('Mod', [a, b], { fmod: int(0) })[0],
  ),
  Pow: same('Pow'),
  Maximum: same('Max'),
  Minimum: same('Min'),
  SquaredDifference: composite((ctx, _op, [a, b]) => {
    const d = ctx.node('Sub', [a, b])[0];
    return ctx.node('Mul', [d, d])[0];
  }),
};

export const COMPARE_ONNX: OnnxTable<TypesOf<typeof COMPARE_OPS>> = {
  Equal: same('Equal'),
  NotEqual: composite((ctx, _op, [a, b]) => ctx.node('Not', [ctx.node('Equal', [a, b])[0]])[0]),
  Less: same('Less'),
  LessEqual: same('LessOrEqual'),
  Greater: same('Greater'),
  GreaterEqual: same('GreaterOrEqual'),
  LogicalAnd: same('And'),
  LogicalOr: same('Or'),
  LogicalNot: same('Not'),
  SelectV2: same('Where'),
};
