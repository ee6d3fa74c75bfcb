import { formatShape, InvalidArgumentError, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, INTEGERS } from '../dtype_sets.js';
import { defineOp, InputSpec } from '../op_def.js';
import { intOperand, IntOperand, knownInts } from './operands.js';

/** TF's SharedSliceValidation: the output shape of Slice, with -1 sizes meaning "to the end". */
function sliceShape(x: InputSpec, begin: InputSpec, size: InputSpec): PartialShape {
  const bs = begin.shape;
  const ss = size.shape;
  const r = x.shape?.length ?? (bs?.length === 1 ? bs[0] : null) ?? (ss?.length === 1 ? ss[0] : null);
  const vectorOk = (s: PartialShape): boolean => s === null || (s.length === 1 && (r === null || s[0] === null || s[0] === r));
  if (!vectorOk(bs) || !vectorOk(ss)) {
    throw new InvalidArgumentError(`Expected begin and size arguments to be 1-D tensors of size ${r ?? '?'}, but got shapes ${formatShape(bs)} and ${formatShape(ss)} instead.`);
  }
  if (r === null) return null;
  const bv = knownInts(begin, 'begin');
  const sv = knownInts(size, 'size');
  const out: (number | null)[] = [];
  for (let i = 0; i < r; i++) {
    const d = x.shape?.[i] ?? null;
    const b = bv ? bv[i] : null;
    const s = sv ? sv[i] : null;
    if (b !== null && (b < 0 || (d !== null && b > d))) throw new InvalidArgumentError(`Expected begin[${i}] in [0, ${d ?? '?'}], but got ${b}`);
    if (s === null) out.push(null);
    else if (s === -1) out.push(b !== null && d !== null ? d - b : null);
    else {
      if (s < -1 || (b !== null && d !== null && b + s > d)) {
        throw new InvalidArgumentError(`Expected size[${i}] in [0, ${b !== null && d !== null ? d - b : '?'}], but got ${s}`);
      }
      out.push(s);
    }
  }
  return out;
}

export const Slice = defineOp({
  type: 'Slice',
  hostInputs: [1, 2],
  infer(inputs, _a, ctx) {
    const [x, begin, size] = inputs;
    checkDType('begin', begin.dtype, INTEGERS);
    checkSameDType(['begin', 'size'], [begin.dtype, size.dtype], ctx.opType);
    return [{ dtype: x.dtype, shape: sliceShape(x, begin, size) }];
  },
  lowering: { kind: 'routine', routine: 'Slice' },
});

/** Slice over tensors (for gradient code). */
export function sliceTensors(x: Tensor, begin: Tensor, size: Tensor, name?: string): Tensor {
  return makeOp(Slice, [x, begin, size], { Index: begin.dtype }, { name }).outputs[0];
}

/** tf.slice: `size[i]` elements from `begin[i]` on each axis; a size of -1 takes the rest. */
export function slice(x: TensorLike, begin: IntOperand, size: IntOperand, name = 'Slice'): Tensor {
  const g = graphOf([x, begin, size]);
  const t = toTensor(x, undefined, g);
  return sliceTensors(t, intOperand(begin, g, 'begin'), intOperand(size, g, 'size'), name);
}
