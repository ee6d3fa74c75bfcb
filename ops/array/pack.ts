import { formatShape, InvalidArgumentError, mergeShapes, PartialShape, Tensor } from '../../graph/ir/index.js';
import { dtypeHint, graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkSameDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';
import { zerosLike } from './fill_like.js';
import { checkedAxis } from './operands.js';

export type PackAttrs = { N: number; axis: number };
export type UnpackAttrs = { num: number; axis: number };

export const packAxisError = (axis: number, r: number): string => `axis = ${axis} not in [${-r}, ${r})`;

/** Stacks N same-shaped tensors along a new axis (TF's Pack). */
export const Pack = defineOp<PackAttrs>()({
  type: 'Pack',
  attrDefaults: { axis: 0 },
  infer(inputs, attrs, ctx) {
    if (inputs.length === 0) throw new InvalidArgumentError('Pack needs at least one value');
    if (attrs.N !== undefined && attrs.N !== inputs.length) throw new InvalidArgumentError(`Pack: attr N = ${attrs.N}, but ${inputs.length} values were given`);
    const dt = checkSameDType(inputs.map((_v, i) => `values[${i}]`), inputs.map((v) => v.dtype), ctx.opType);
    let merged: PartialShape = inputs[0].shape;
    for (let i = 1; i < inputs.length; i++) {
      try {
        merged = mergeShapes(merged, inputs[i].shape, 'Pack');
      } catch {
        throw new InvalidArgumentError(`Shapes of all inputs must match: values[0].shape = ${formatShape(inputs[0].shape)} != values[${i}].shape = ${formatShape(inputs[i].shape)}`);
      }
    }
    if (merged === null) return [{ dtype: dt, shape: null }];
    const r = merged.length + 1;
    const a = checkedAxis(attrs.axis, r, packAxisError(attrs.axis, r));
    const out = [...merged];
    out.splice(a, 0, inputs.length);
    return [{ dtype: dt, shape: out }];
  },
  lowering: { kind: 'routine', routine: 'Pack' },
  grad: (op, [g]) => (g ? unstack(g, op.attrs.axis as number, undefined, op.inputs.length) : op.inputs.map(() => null)),
});

/** Splits a tensor into `num` tensors along `axis`, dropping that axis (TF's Unpack). */
export const Unpack = defineOp<UnpackAttrs>()({
  type: 'Unpack',
  attrDefaults: { axis: 0 },
  infer(inputs, attrs) {
    const x = inputs[0];
    const n = attrs.num;
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`Value for attr 'num' of ${n} must be at least minimum 0`);
    if (x.shape === null) return new Array(n).fill(0).map(() => ({ dtype: x.dtype, shape: null }));
    const r = x.shape.length;
    const a = checkedAxis(attrs.axis, r, packAxisError(attrs.axis, r));
    const d = x.shape[a];
    if (d !== null && d !== n) throw new InvalidArgumentError(`Input shape axis ${a} must equal ${n}, got shape ${formatShape(x.shape)}`);
    const shape = x.shape.filter((_d, i) => i !== a);
    return new Array(n).fill(0).map(() => ({ dtype: x.dtype, shape }));
  },
  lowering: { kind: 'routine', routine: 'Unpack' },
  grad: (op, grads) => [stack(grads.map((g, i) => g ?? zerosLike(op.outputs[i])), op.attrs.axis as number)],
});

/** tf.stack: joins same-shaped tensors along a new axis. */
export function stack(values: readonly TensorLike[], axis = 0, name = 'stack'): Tensor {
  if (values.length === 0) throw new InvalidArgumentError('stack needs at least one value');
  const g = graphOf(values);
  const hint = dtypeHint(values);
  const ts = values.map((v) => toTensor(v, hint, g));
  return makeOp(Pack, ts, { N: ts.length, axis }, { name, graph: g }).outputs[0];
}

/** tf.unstack: the slices of `x` along `axis`; their number comes from the static shape unless `num` is given. */
export function unstack(x: TensorLike, axis = 0, name = 'unstack', num?: number): Tensor[] {
  const t = toTensor(x);
  let n = num;
  if (n === undefined) {
    const s = t.shape;
    if (s === null) throw new InvalidArgumentError(`Cannot infer argument \`num\` from shape ${formatShape(s)}`);
    const a = checkedAxis(axis, s.length, `axis = ${axis} not in [${-s.length}, ${s.length})`);
    const d = s[a];
    if (d === null) throw new InvalidArgumentError(`Cannot infer argument \`num\` from shape ${formatShape(s)}`);
    n = d;
  }
  return [...makeOp(Unpack, [t], { num: n, axis }, { name }).outputs];
}
