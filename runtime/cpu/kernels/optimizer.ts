import { ADADELTA_SIG, type ApplyAdadeltaAttrs } from '../../../ops/optimizer/apply_adadelta.js';
import { ADAGRAD_SIG, type ApplyAdagradAttrs } from '../../../ops/optimizer/apply_adagrad.js';
import { ADAM_SIG, type ApplyAdamAttrs } from '../../../ops/optimizer/apply_adam.js';
import { type ApplyMomentumAttrs, MOMENTUM_SIG } from '../../../ops/optimizer/apply_momentum.js';
import { type ApplyRMSPropAttrs, RMS_PROP_SIG } from '../../../ops/optimizer/apply_rms_prop.js';
import { GRADIENT_DESCENT_SIG } from '../../../ops/optimizer/apply_gradient_descent.js';
import { NDArray } from '../../../graph/ir/index.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { wasmUpdate } from '../wasm/wasm_update.js';
import { variableBlocksNow } from '../variable_blocks.js';
import type { UpdateName } from '../wasm/wasm_update.js';
import { copyOf, readApplyInputs } from './apply_inputs.js';
import { adagradLoop, adamLoop, gradientDescentLoop, momentumLoop, rmsPropLoop } from './update_loops.js';
import { ftrlKernel } from './ftrl.js';
import { CpuKernel, kernel } from './kernel.js';

/**
 * The update in wasm (wasm_update.ts: the loops of update_loops.ts in f64x2 lanes, bit for bit)
 * when the backend's kernels are wasm and the operands float32: the written arrays' new values,
 * shaped like var, in variable blocks where the backend keeps its buffers in wasm memory (the next
 * step's kernels and update read them in place); null runs the JS loop.
 */
function inWasm(name: UpdateName, values: readonly NDArray[], scalars: readonly number[]): NDArray[] | null {
  if (!wasmKernelsOn()) return null;
  const blocks = variableBlocksNow();
  const out = wasmUpdate(name, values.map((x) => x.data), scalars, blocks ? (n) => blocks.alloc(n) : undefined);
  return out && out.map((d) => new NDArray(values[0].dtype, values[0].shape, d));
}

/** The dense Apply* kernels (they write the variables through ctx and return var's new value). */
const APPLY = {
  ApplyAdadelta: kernel<ApplyAdadeltaAttrs>((inputs, _a, _o, ctx) => {
    const [v, accum, accumUpdate, lrIn, rhoIn, epsIn, grad] = readApplyInputs(ADADELTA_SIG, inputs, ctx);
    const [lr, rho, eps] = [lrIn, rhoIn, epsIn].map((x) => x.data[0]);
    const nv = copyOf(v);
    const na = copyOf(accum);
    const nu = copyOf(accumUpdate);
    const w = nv.data;
    const a = na.data;
    const u = nu.data;
    const g = grad.data;
    for (let i = 0; i < w.length; i++) {
      a[i] = a[i] * rho + g[i] * g[i] * (1 - rho);
      const update = (Math.sqrt(u[i] + eps) / Math.sqrt(a[i] + eps)) * g[i];
      u[i] = u[i] * rho + update * update * (1 - rho);
      w[i] -= update * lr;
    }
    ctx.variables.write(ctx.refName(1), na);
    ctx.variables.write(ctx.refName(2), nu);
    ctx.variables.write(ctx.refName(0), nv);
    return [nv];
  }),
  ApplyFtrl: ftrlKernel(false),
  ApplyFtrlV2: ftrlKernel(true),
  ApplyAdagrad: kernel<ApplyAdagradAttrs>((inputs, attrs, _o, ctx) => {
    const [v, accum, lrIn, grad] = readApplyInputs(ADAGRAD_SIG, inputs, ctx);
    const lr = lrIn.data[0];
    const [nv, na] = inWasm(attrs.update_slots ? 'adagrad' : 'adagradNoSlots', [v, accum, grad], [lr]) ?? adagradLoop(v, accum, grad, lr, attrs.update_slots);
    if (attrs.update_slots) ctx.variables.write(ctx.refName(1), na);
    ctx.variables.write(ctx.refName(0), nv);
    return [nv];
  }),
  ApplyAdam: kernel<ApplyAdamAttrs>((inputs, attrs, _o, ctx) => {
    const [vr, m, v, b1pIn, b2pIn, lrIn, b1In, b2In, epsIn, grad] = readApplyInputs(ADAM_SIG, inputs, ctx);
    const [b1p, b2p, lr, b1, b2, eps] = [b1pIn, b2pIn, lrIn, b1In, b2In, epsIn].map((x) => x.data[0]);
    const alpha = (lr * Math.sqrt(1 - b2p)) / (1 - b1p);
    const name = attrs.use_nesterov ? 'adamNesterov' : 'adam';
    const [nvar, nm, nv] = inWasm(name, [vr, m, v, grad], [alpha, 1 - b1, 1 - b2, b1, eps]) ?? adamLoop(vr, m, v, grad, { alpha, b1, b2, eps }, attrs.use_nesterov);
    ctx.variables.write(ctx.refName(1), nm);
    ctx.variables.write(ctx.refName(2), nv);
    ctx.variables.write(ctx.refName(0), nvar);
    return [nvar];
  }),
  ApplyGradientDescent: kernel((inputs, _a, _o, ctx) => {
    const [v, alpha, delta] = readApplyInputs(GRADIENT_DESCENT_SIG, inputs, ctx);
    const lr = alpha.data[0];
    const [next] = inWasm('gradientDescent', [v, delta], [lr]) ?? gradientDescentLoop(v, delta, lr);
    ctx.variables.write(ctx.refName(0), next);
    return [next];
  }),
  ApplyMomentum: kernel<ApplyMomentumAttrs>((inputs, attrs, _o, ctx) => {
    const [v, accum, lrIn, grad, momIn] = readApplyInputs(MOMENTUM_SIG, inputs, ctx);
    const lr = lrIn.data[0];
    const mu = momIn.data[0];
    const name = attrs.use_nesterov ? 'momentumNesterov' : 'momentum';
    const [nv, na] = inWasm(name, [v, accum, grad], [lr, mu]) ?? momentumLoop(v, accum, grad, lr, mu, attrs.use_nesterov);
    ctx.variables.write(ctx.refName(1), na);
    ctx.variables.write(ctx.refName(0), nv);
    return [nv];
  }),
  ApplyRMSProp: kernel<ApplyRMSPropAttrs>((inputs, _a, _o, ctx) => {
    const [v, ms, mom, lrIn, rhoIn, momentumIn, epsIn, grad] = readApplyInputs(RMS_PROP_SIG, inputs, ctx);
    const [lr, rho, mu, eps] = [lrIn, rhoIn, momentumIn, epsIn].map((x) => x.data[0]);
    const [nv, nms, nmom] = inWasm('rmsProp', [v, ms, mom, grad], [lr, 1 - rho, mu, eps]) ?? rmsPropLoop(v, ms, mom, grad, { lr, rho, mu, eps });
    ctx.variables.write(ctx.refName(1), nms);
    ctx.variables.write(ctx.refName(2), nmom);
    ctx.variables.write(ctx.refName(0), nv);
    return [nv];
  }),
};

/** ResourceApply*: the same update through handles (the plan names the variables), no output. */
function resourceApply(dense: CpuKernel): CpuKernel {
  return (inputs, attrs, outputs, ctx) => {
    dense(inputs, attrs, outputs, ctx);
    return [];
  };
}

/** The optimizer family's CPU kernels. */
export const OPTIMIZER_KERNELS = {
  ...APPLY,
  ResourceApplyAdadelta: resourceApply(APPLY.ApplyAdadelta),
  ResourceApplyAdagrad: resourceApply(APPLY.ApplyAdagrad),
  ResourceApplyAdam: resourceApply(APPLY.ApplyAdam),
  ResourceApplyFtrl: resourceApply(APPLY.ApplyFtrl),
  ResourceApplyFtrlV2: resourceApply(APPLY.ApplyFtrlV2),
  ResourceApplyGradientDescent: resourceApply(APPLY.ApplyGradientDescent),
  ResourceApplyMomentum: resourceApply(APPLY.ApplyMomentum),
  ResourceApplyRMSProp: resourceApply(APPLY.ApplyRMSProp),
};
