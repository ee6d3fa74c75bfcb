import { InvalidArgumentError, NDArray, Tensor } from '../../graph/ir/index.js';
import { graphOf, int32Literal, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, INTEGERS } from '../dtype_sets.js';
import { intVector } from '../kernel_util.js';
import { defineOp } from '../op_def.js';

export function checkPerm(perm: readonly number[], rank: number): number[] {
  if (perm.length !== rank) throw new InvalidArgumentError(`transpose expects a vector of size ${rank}. But input(1) is a vector of size ${perm.length}`);
  const seen = new Array<boolean>(rank).fill(false);
  const out = perm.map((p) => {
    const q = p < 0 ? p + rank : p;
    if (q < 0 || q >= rank) throw new InvalidArgumentError(`${p} is out of range [0 .. ${rank})`);
    if (seen[q]) throw new InvalidArgumentError(`${p} is duplicated in the permutation`);
    seen[q] = true;
    return q;
  });
  return out;
}

export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export const Transpose = defineOp({
  type: 'Transpose',
  hostInputs: [1],
  infer(inputs) {
    const [x, perm] = inputs;
    checkDType('perm', perm.dtype, INTEGERS);
    if (x.shape === null) return [{ dtype: x.dtype, shape: perm.shape && perm.shape[0] !== null ? new Array<null>(perm.shape[0]).fill(null) : null }];
    if (perm.value === null) return [{ dtype: x.dtype, shape: x.shape.map(() => null) }];
    const p = checkPerm(intVector(perm.value, 'perm'), x.shape.length);
    const s = x.shape;
    return [{ dtype: x.dtype, shape: p.map((i) => s[i]) }];
  },
  lowering: { kind: 'routine', routine: 'Transpose' },
  grad: (op, [g]): (Tensor | null)[] => {
    if (!g) return [null, null];
    const perm = op.inputs[1];
    const pv = perm.op.type === 'Const' ? (perm.op.attrs.value as NDArray) : null;
    if (pv) return [transpose(g, invertPerm(intVector(pv, 'perm'))), null];
    return [makeOp(Transpose, [g, makeOp(InvertPermutation, [perm], {}).outputs[0]], {}).outputs[0], null];
  },
});

export const InvertPermutation = defineOp({
  type: 'InvertPermutation',
  infer: ([x]) => [{ dtype: x.dtype, shape: x.shape }],
  lowering: { kind: 'routine', routine: 'InvertPermutation' },
  grad: 'none',
});

/** Permutes dimensions; without `perm`, reverses them (TF's default). */
export function transpose(x: TensorLike, perm?: readonly number[] | TensorLike, name?: string): Tensor {
  const t = toTensor(x, undefined, graphOf([x]));
  let p: Tensor;
  if (perm === undefined) {
    if (t.rank === null) throw new InvalidArgumentError('transpose without perm needs a tensor of known rank');
    p = toTensor(NDArray.from(Int32Array.from({ length: t.rank }, (_v, i) => t.rank! - 1 - i), [t.rank], 'int32'), 'int32', t.graph);
  } else if (Array.isArray(perm) && perm.every((v) => typeof v === 'number')) {
    p = toTensor(int32Literal(perm as number[], 'transpose: perm'), 'int32', t.graph);
  } else p = toTensor(perm as TensorLike, 'int32', t.graph);
  return makeOp(Transpose, [t, p], {}, { name }).outputs[0];
}
