import type { DType } from '../../../../graph/ir/index.js';
import type { NodeContext, OpTable, Value } from '../context.js';
import { dtypeOf, hostTensor } from '../host_tensor.js';
import type { HostTensor } from '../host_tensor.js';
import { always, cast, scalar } from './util.js';

/** Constants, casts, Range and inference-only Dropout. */

function constantOp(ctx: NodeContext): Value[] {
  const a = ctx.attrs;
  const t = a.tensor('value');
  if (t) return [t];
  const f = a.float('value_float');
  if (f !== undefined) return [hostTensor('float32', [], [f])];
  const fs = a.floats('value_floats');
  if (fs) return [hostTensor('float32', [fs.length], fs)];
  const i = a.int('value_int');
  if (i !== undefined) return [hostTensor('int64', [], [i])];
  const is = a.ints('value_ints');
  if (is) return [hostTensor('int64', [is.length], is)];
  if (a.has('sparse_value')) return ctx.refuse('sparse constants are not mapped');
  if (a.has('value_string') || a.has('value_strings')) return ctx.refuse('string constants are not mapped');
  return ctx.invalid('has no value attribute');
}

/** ONNX casts to bool test != 0 and float-to-int truncates toward zero, as TF's Cast does. */
function castHost(h: HostTensor, to: DType): HostTensor {
  const conv = (v: number): number => (to === 'bool' ? (v !== 0 ? 1 : 0) : to === 'float32' ? v : Math.trunc(v));
  return hostTensor(to, h.dims, Array.from(h.values, conv));
}

function castOp(ctx: NodeContext): Value[] {
  const toAttr = ctx.attrs.int('to');
  if (toAttr === undefined) return ctx.invalid("attribute 'to' is required");
  const to = dtypeOf(toAttr, `ONNX import of ${ctx.where}: attribute 'to'`);
  const h = ctx.host(0);
  if (h && h.values.length <= 64) return [castHost(h, to)];
  const x = ctx.input(0);
  return [x.dtype === to ? ctx.op('Identity', [x])[0] : cast(ctx, x, to)];
}

function constantOfShape(ctx: NodeContext): Value[] {
  const v = ctx.attrs.tensor('value') ?? hostTensor('float32', [1], [0]);
  if (v.values.length !== 1) ctx.invalid("attribute 'value' must hold one element");
  const h = ctx.host(0);
  if (h) {
    const dims = ctx.ints(0, 'shape');
    if (dims.some((d) => d < 0)) ctx.invalid(`shape [${dims.join(', ')}] has a negative dim`);
    const size = dims.reduce((a, b) => a * b, 1);
    if (size <= 64) return [hostTensor(v.dtype, dims, Array(size).fill(v.values[0]))];
  }
  return ctx.op('Fill', [cast(ctx, ctx.input(0, { trainable: false }), 'int32'), scalar(ctx, v.values[0], v.dtype)]);
}

function rangeOp(ctx: NodeContext): Value[] {
  const [s, l, d] = [ctx.host(0), ctx.host(1), ctx.host(2)];
  if (s && l && d && s.dtype !== 'float32') {
    const [a, b, c] = [s.values[0], l.values[0], d.values[0]];
    if (c === 0) ctx.invalid('delta is 0');
    const n = Math.max(0, Math.ceil((b - a) / c));
    if (n <= 4096) return [hostTensor(s.dtype, [n], Array.from({ length: n }, (_v, i) => a + i * c))];
  }
  return ctx.op('Range', [ctx.input(0), ctx.input(1), ctx.input(2)]);
}

function dropout(ctx: NodeContext): Value[] {
  // opset 12 moved `ratio` and `training_mode` to inputs; training must be off (or unknown-false)
  if (ctx.opset >= 12 && ctx.has(2)) {
    const t = ctx.host(2);
    if (!t || t.values[0] !== 0) ctx.refuse('training_mode must be a constant false (tensorgraph imports inference graphs)');
  }
  if (ctx.opset < 7 && ctx.attrs.int('is_test', 0) === 0) ctx.refuse('is_test=0 (training dropout) is not mapped');
  const x = ctx.value(0);
  if (!ctx.wantsOutput(1)) return [x];
  const t = ctx.input(0);
  const shape = ctx.op('Shape', [t], { out_type: 'int32' })[0];
  return [x, ctx.op('Fill', [shape, scalar(ctx, 1, 'bool')])[0]];
}

export const MISC_IMPORTS: OpTable = {
  Constant: always(constantOp),
  Cast: always(castOp),
  ConstantOfShape: { 9: constantOfShape },
  Range: { 11: rangeOp },
  Dropout: always(dropout),
};
