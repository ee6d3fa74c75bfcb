import { formatShape, InvalidArgumentError, NDArray, PartialShape, Tensor } from '../../graph/ir/index.js';
import { graphOf, makeOp, staticValue, TensorLike, toTensor } from '../builder.js';
import { checkDType, checkSameDType, INTEGERS } from '../dtype_sets.js';
import { alloc, intVector } from '../kernel_util.js';
import { defineOp, GradFn, InputSpec } from '../op_def.js';
import { sub } from '../elementwise/math_binary.js';
import { gatherBox } from './block_copy.js';
import { asInt32, intOperand, IntOperand, knownInts, staticShape } from './operands.js';
import { stack } from './pack.js';
import { padTensors } from './pad.js';
import { shape as shapeOp } from './reshape.js';

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

/** d slice = the gradient padded back to the input's shape with zeros. */
const sliceGrad: GradFn = (op, [g]) => {
  if (!g) return [null, null, null];
  const [x, begin] = op.inputs;
  const xs = staticShape(x);
  const ys = staticShape(op.outputs[0]);
  const bv = staticValue(begin);
  let paddings: Tensor;
  if (xs && ys && bv) {
    const b = intVector(bv, 'begin');
    const flat = xs.flatMap((d, i) => [b[i], d - b[i] - ys[i]]);
    paddings = toTensor(NDArray.from(Int32Array.from(flat), [xs.length, 2], 'int32'), 'int32', x.graph);
  } else {
    const before = asInt32(begin);
    const after = sub(sub(shapeOp(x), before), shapeOp(op.outputs[0]));
    paddings = stack([before, after], 1);
  }
  return [padTensors(g, paddings), null, null];
};

export const Slice = defineOp({
  type: 'Slice',
  hostInputs: [1, 2],
  infer(inputs, _a, ctx) {
    const [x, begin, size] = inputs;
    checkDType('begin', begin.dtype, INTEGERS);
    checkSameDType(['begin', 'size'], [begin.dtype, size.dtype], ctx.opType);
    return [{ dtype: x.dtype, shape: sliceShape(x, begin, size) }];
  },
  cpu: {
    kind: 'kernel',
    run([x, begin], _a, [out]) {
      const res = alloc(out);
      gatherBox(x.data, x.shape, intVector(begin, 'begin'), x.shape.map(() => 1), out.shape, res.data);
      return [res];
    },
  },
  grad: sliceGrad,
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
