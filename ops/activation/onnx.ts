import type { OnnxTable, TypesOf } from '../op_def.js';
import { float, GRADIENT_ONLY, int, onnx, same, scalar } from '../onnx_mapping.js';
import type { ACTIVATION_OPS } from './index.js';

// TF's SELU constants (scale 1.0507..., alpha 1.6732...).
const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

export const ACTIVATION_ONNX: OnnxTable<TypesOf<typeof ACTIVATION_OPS>> = {
  Relu6: onnx((ctx, op) => {
    const dt = op.inputs[0].dtype;
    ctx.node('Clip', [op.inputs[0].name, scalar(ctx, 0, dt), scalar(ctx, 6, dt)], {}, [op.outputs[0].name]);
  }),
  LeakyRelu: same('LeakyRelu', (op) => ({ alpha: float(op.attrs.alpha as number) })),
  Elu: same('Elu', () => ({ alpha: float(1) })),
  Selu: same('Selu', () => ({ alpha: float(SELU_ALPHA), gamma: float(SELU_GAMMA) })),
  Softplus: same('Softplus'),
  Softsign: same('Softsign'),
  Erf: same('Erf'),
  // opset 13+: softmax along one axis, TF's last
  Softmax: same('Softmax', () => ({ axis: int(-1) })),
  LogSoftmax: same('LogSoftmax', () => ({ axis: int(-1) })),
  Relu6Grad: GRADIENT_ONLY,
  LeakyReluGrad: GRADIENT_ONLY,
  EluGrad: GRADIENT_ONLY,
  SeluGrad: GRADIENT_ONLY,
  SoftplusGrad: GRADIENT_ONLY,
  SoftsignGrad: GRADIENT_ONLY,
};
