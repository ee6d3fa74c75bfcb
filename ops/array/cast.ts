import { DType, Tensor } from '../../graph/ir/index.js';
import { makeOp, TensorLike, toTensor } from '../builder.js';
import { ALL, checkDType } from '../dtype_sets.js';
import { defineOp } from '../op_def.js';
import { cast as castExpr, x0 } from '../elementwise/scalar_expr.js';

type CastAttrs = { DstT: DType; Truncate: boolean };

/** Float to int truncates toward zero; anything to bool is `!= 0`; as TF. */
export const Cast = defineOp<CastAttrs>()({
  type: 'Cast',
  attrDefaults: { Truncate: false },
  infer(inputs, attrs) {
    checkDType('DstT', attrs.DstT, ALL);
    return [{ dtype: attrs.DstT, shape: inputs[0].shape }];
  },
  lowering: { kind: 'elementwise', expr: (attrs) => castExpr(attrs.DstT, x0) },
  grad: (op, [g]) => {
    const src = op.inputs[0].dtype;
    // only float-to-float casts carry a gradient
    if (!g || src !== 'float32' || op.outputs[0].dtype !== 'float32') return [null];
    return [cast(g, src)];
  },
});

export function cast(x: TensorLike, dtype: DType, name?: string): Tensor {
  const t = toTensor(x);
  if (t.dtype === dtype && name === undefined) return t;
  return makeOp(Cast, [t], { DstT: dtype, SrcT: t.dtype }, { name }).outputs[0];
}
