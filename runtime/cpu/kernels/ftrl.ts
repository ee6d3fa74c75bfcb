import { type ApplyFtrlAttrs, FTRL_SIG, FTRL_V2_SIG } from '../../../ops/optimizer/apply_ftrl.js';
import { copyOf, readApplyInputs } from './apply_inputs.js';
import { type CpuKernel, kernel } from './kernel.js';

/**
 * ApplyFtrl / ApplyFtrlV2 (see ops/optimizer/apply_ftrl.ts for the update). Each element is worked
 * in float64 and stored once; with multiply_linear_by_lr TF keeps lr * linear, so the lr factors
 * move from the division onto the gradient and l1.
 */
export function ftrlKernel(v2: boolean): CpuKernel {
  const sig = v2 ? FTRL_V2_SIG : FTRL_SIG;
  return kernel<ApplyFtrlAttrs>((inputs, attrs, _o, ctx) => {
    const values = readApplyInputs(sig, inputs, ctx);
    const [v, accum, linear, grad] = values;
    const [lr, l1, l2] = [values[4], values[5], values[6]].map((x) => x.data[0]);
    const shrinkage = v2 ? values[7].data[0] : 0;
    const power = -values[v2 ? 8 : 7].data[0];
    const nv = copyOf(v);
    const na = copyOf(accum);
    const nl = copyOf(linear);
    const w = nv.data;
    const a = na.data;
    const l = nl.data;
    const g = grad.data;
    const byLr = attrs.multiply_linear_by_lr;
    for (let i = 0; i < w.length; i++) {
      const shrunk = g[i] + 2 * shrinkage * w[i];
      const accumNew = a[i] + g[i] * g[i];
      const sigma = Math.pow(accumNew, power) - Math.pow(a[i], power);
      l[i] += byLr ? shrunk * lr - sigma * w[i] : shrunk - (sigma / lr) * w[i];
      const quadratic = byLr ? Math.pow(accumNew, power) + 2 * l2 * lr : Math.pow(accumNew, power) / lr + 2 * l2;
      const l1Eff = byLr ? l1 * lr : l1;
      w[i] = Math.abs(l[i]) > l1Eff ? (Math.sign(l[i]) * l1Eff - l[i]) / quadratic : 0;
      a[i] = accumNew;
    }
    ctx.variables.write(ctx.refName(1), na);
    ctx.variables.write(ctx.refName(2), nl);
    ctx.variables.write(ctx.refName(0), nv);
    return [nv];
  });
}
