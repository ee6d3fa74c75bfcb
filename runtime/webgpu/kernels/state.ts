import { InvalidArgumentError, formatShape } from '../../../graph/ir/index.js';
import type { ConstAttrs } from '../../../ops/leaves/leaves.js';
import { ADADELTA_SIG } from '../../../ops/optimizer/apply_adadelta.js';
import { ADAGRAD_SIG } from '../../../ops/optimizer/apply_adagrad.js';
import { ADAM_SIG } from '../../../ops/optimizer/apply_adam.js';
import { FTRL_SIG, FTRL_V2_SIG } from '../../../ops/optimizer/apply_ftrl.js';
import type { ApplySignature } from '../../../ops/optimizer/apply_checks.js';
import { GRADIENT_DESCENT_SIG } from '../../../ops/optimizer/apply_gradient_descent.js';
import { MOMENTUM_SIG } from '../../../ops/optimizer/apply_momentum.js';
import { RMS_PROP_SIG } from '../../../ops/optimizer/apply_rms_prop.js';
import type { GpuTensor } from '../gpu_tensor.js';
import type { GpuKernel, GpuKernelArgs } from './kernel.js';
import { need } from './kernel.js';
import { groups, shader } from './shader.js';

/** A device copy of `x` (Assign keeps no alias of a run's buffer in the variable store). */
function copyTensor(a: GpuKernelArgs, x: GpuTensor): GpuTensor {
  const t = a.gpu.alloc(x.dtype, x.shape, `a copy for '${a.ctx.opName}'`);
  a.gpu.copy(x, t, x.size);
  return t;
}

/**
 * An optimizer update as one launch: a thread per element reads every operand (`x_<name>`: the
 * ref inputs from the device's variable store, scalars at element 0) and writes the new value of
 * each ref input (`out<k>` for the k-th ref), which become the variables' pending values. As on the
 * CPU, the update writes new buffers, so a failed run leaves every variable as it was.
 */
function applyKernel(sig: ApplySignature, body: (attrs: GpuKernelArgs['attrs']) => string): GpuKernel {
  return (a) => {
    const values = sig.names.map((_n, i) => (sig.refs.includes(i) ? a.variables.read(a.ctx.refName(i), a.ctx.variables, a.ctx.opName) : need(a, i)));
    const v = values[0];
    values.forEach((x, i) => {
      if (sig.scalars.includes(i) ? x.shape.length !== 0 : i > 0 && x.shape.join() !== v.shape.join()) {
        throw new InvalidArgumentError(`'${a.ctx.opName}' (${a.ctx.opType}): ${sig.names[i]} has shape ${formatShape(x.shape)}; ${sig.scalars.includes(i) ? 'it must be a scalar' : `var has shape ${formatShape(v.shape)}`}`);
      }
    });
    const outs = sig.refs.map((i) => a.gpu.alloc(values[i].dtype, values[i].shape, `the new value of '${a.ctx.refName(i)}'`));
    const code = body(a.attrs);
    const source = (): string => {
      const lines = ['  if (gid >= P(0u)) { return; }'];
      sig.names.forEach((n, i) => lines.push(`  let x_${n} = in${i}[${sig.scalars.includes(i) ? '0u' : 'gid'}];`));
      lines.push(code);
      return shader(values.map((x) => x.dtype), outs.map((x) => x.dtype), 1, lines.join('\n'));
    };
    a.gpu.launch({ key: `apply|${a.ctx.opType}|${code}`, source, inputs: values, outputs: outs, params: [v.size], workgroups: groups(v.size) });
    sig.refs.forEach((i, k) => a.variables.write(a.ctx.refName(i), outs[k]));
    return [outs[0]];
  };
}

/**
 * ApplyFtrl / ApplyFtrlV2 as one launch (TF's update, as runtime/cpu/kernels/ftrl.ts works it in
 * float64; here in float32). With multiply_linear_by_lr TF keeps lr * linear, so the lr factors
 * move from the division onto the gradient and l1.
 */
function ftrlBody(v2: boolean): (attrs: GpuKernelArgs['attrs']) => string {
  return (attrs) => {
    const byLr = attrs.multiply_linear_by_lr === true;
    return `
  let shrunk = x_grad${v2 ? ' + 2.0f * x_l2_shrinkage * x_var' : ''};
  let acc = x_accum + x_grad * x_grad;
  let p_new = pow(acc, -x_lr_power);
  let sigma = p_new - pow(x_accum, -x_lr_power);
  let lin = x_linear + ${byLr ? 'shrunk * x_lr - sigma * x_var' : 'shrunk - sigma / x_lr * x_var'};
  let quad = ${byLr ? 'p_new + 2.0f * x_l2 * x_lr' : 'p_new / x_lr + 2.0f * x_l2'};
  let l1e = ${byLr ? 'x_l1 * x_lr' : 'x_l1'};
  out1[gid] = acc;
  out2[gid] = lin;
  out0[gid] = select(0.0f, (sign(lin) * l1e - lin) / quad, abs(lin) > l1e);`;
  };
}

/** AssignAdd / AssignSub: the variable plus or minus the value. */
function updateKernel(sign: '+' | '-'): GpuKernel {
  return (a) => {
    const name = a.ctx.refName(0);
    const cur = a.variables.read(name, a.ctx.variables, a.ctx.opName);
    const value = need(a, 1);
    if (cur.shape.join() !== value.shape.join()) throw new InvalidArgumentError(`${a.ctx.opType}: lhs shape= ${formatShape(cur.shape)} rhs shape= ${formatShape(value.shape)} must match`);
    const out = a.gpu.alloc(cur.dtype, cur.shape, `the new value of '${name}'`);
    const source = (): string => shader([cur.dtype, value.dtype], [cur.dtype], 1, `  if (gid >= P(0u)) { return; }\n  out0[gid] = in0[gid] ${sign} in1[gid];`);
    a.gpu.launch({ key: `assign${sign}|${cur.dtype}`, source, inputs: [cur, value], outputs: [out], params: [cur.size], workgroups: groups(cur.size) });
    a.variables.write(name, out);
    return [out];
  };
}

/** The state, leaves and optimizer families' WebGPU kernels. */
export const STATE_GPU_KERNELS = {
  VariableV2: ((a) => [a.variables.read(a.ctx.opName, a.ctx.variables, a.ctx.opName)]) as GpuKernel,
  Assign: ((a) => {
    const value = need(a, 1);
    const out = a.outputs[0];
    if (a.attrs.validate_shape !== false && value.shape.join() !== out.shape.join()) {
      throw new InvalidArgumentError(`Assign requires shapes of both tensors to match. lhs shape= ${formatShape(out.shape)} rhs shape= ${formatShape(value.shape)}`);
    }
    const t = copyTensor(a, value);
    a.variables.write(a.ctx.refName(0), t);
    return [t];
  }) as GpuKernel,
  AssignAdd: updateKernel('+'),
  AssignSub: updateKernel('-'),
  Const: ((a) => [a.constant((a.attrs as unknown as ConstAttrs).value)]) as GpuKernel,
  ApplyGradientDescent: applyKernel(GRADIENT_DESCENT_SIG, () => '  out0[gid] = x_var - x_alpha * x_delta;'),
  ApplyMomentum: applyKernel(MOMENTUM_SIG, (attrs) =>
    `  let acc = x_accum * x_momentum + x_grad;\n  out1[gid] = acc;\n  out0[gid] = x_var - ${attrs.use_nesterov === true ? '(x_grad * x_lr + acc * x_momentum * x_lr)' : 'acc * x_lr'};`,
  ),
  ApplyAdagrad: applyKernel(ADAGRAD_SIG, (attrs) =>
    `  let acc = ${attrs.update_slots === false ? 'x_accum' : 'x_accum + x_grad * x_grad'};\n  out1[gid] = acc;\n  out0[gid] = x_var - x_grad * x_lr / sqrt(acc);`,
  ),
  ApplyAdam: applyKernel(ADAM_SIG, (attrs) => `
  let alpha = x_lr * sqrt(1.0f - x_beta2_power) / (1.0f - x_beta1_power);
  let m = x_m + (x_grad - x_m) * (1.0f - x_beta1);
  let v = x_v + (x_grad * x_grad - x_v) * (1.0f - x_beta2);
  let stp = ${attrs.use_nesterov === true ? 'x_grad * (1.0f - x_beta1) + x_beta1 * m' : 'm'};
  out1[gid] = m;
  out2[gid] = v;
  out0[gid] = x_var - stp * alpha / (sqrt(v) + x_epsilon);`),
  ApplyAdadelta: applyKernel(ADADELTA_SIG, () => `
  let a = x_accum * x_rho + x_grad * x_grad * (1.0f - x_rho);
  let upd = sqrt(x_accum_update + x_epsilon) / sqrt(a + x_epsilon) * x_grad;
  out1[gid] = a;
  out2[gid] = x_accum_update * x_rho + upd * upd * (1.0f - x_rho);
  out0[gid] = x_var - upd * x_lr;`),
  ApplyFtrl: applyKernel(FTRL_SIG, ftrlBody(false)),
  ApplyFtrlV2: applyKernel(FTRL_V2_SIG, ftrlBody(true)),
  ApplyRMSProp: applyKernel(RMS_PROP_SIG, () => `
  let s = x_ms + (x_grad * x_grad - x_ms) * (1.0f - x_rho);
  let m = x_mom * x_momentum + x_grad * x_lr / sqrt(s + x_epsilon);
  out1[gid] = s;
  out2[gid] = m;
  out0[gid] = x_var - m;`),
};
