import type { NDArray } from '../../../graph/ir/index.js';
import { copyOf } from './apply_inputs.js';

/*
 * The portable JS loops of the dense optimizer updates: each takes the current values and returns
 * fresh arrays with the new ones (var first, then the slots it writes). They compute in double and
 * store float32; wasm_update.ts writes the same statements for f64x2 lanes and must agree bit for
 * bit (test/runtime/wasm/update.test.ts).
 */

export function adagradLoop(v: NDArray, accum: NDArray, grad: NDArray, lr: number, updateSlots: boolean): NDArray[] {
  const nv = copyOf(v);
  const na = copyOf(accum);
  const w = nv.data;
  const a = na.data;
  const g = grad.data;
  for (let i = 0; i < w.length; i++) {
    if (updateSlots) a[i] += g[i] * g[i];
    w[i] -= (g[i] * lr) / Math.sqrt(a[i]);
  }
  return [nv, na];
}

/** Adam with alpha = lr·sqrt(1 - beta2^t)/(1 - beta1^t) worked out by the caller. */
export function adamLoop(vr: NDArray, m: NDArray, v: NDArray, grad: NDArray, s: { alpha: number; b1: number; b2: number; eps: number }, nesterov: boolean): NDArray[] {
  const { alpha, b1, b2, eps } = s;
  const nvar = copyOf(vr);
  const nm = copyOf(m);
  const nv = copyOf(v);
  const w = nvar.data;
  const a = nm.data;
  const b = nv.data;
  const g = grad.data;
  for (let i = 0; i < w.length; i++) {
    a[i] += (g[i] - a[i]) * (1 - b1);
    b[i] += (g[i] * g[i] - b[i]) * (1 - b2);
    const step = nesterov ? g[i] * (1 - b1) + b1 * a[i] : a[i];
    w[i] -= (step * alpha) / (Math.sqrt(b[i]) + eps);
  }
  return [nvar, nm, nv];
}

export function gradientDescentLoop(v: NDArray, delta: NDArray, lr: number): NDArray[] {
  const next = copyOf(v);
  const w = next.data;
  const d = delta.data;
  for (let i = 0; i < w.length; i++) w[i] -= lr * d[i];
  return [next];
}

export function momentumLoop(v: NDArray, accum: NDArray, grad: NDArray, lr: number, mu: number, nesterov: boolean): NDArray[] {
  const nv = copyOf(v);
  const na = copyOf(accum);
  const w = nv.data;
  const a = na.data;
  const g = grad.data;
  for (let i = 0; i < w.length; i++) {
    a[i] = a[i] * mu + g[i];
    w[i] -= nesterov ? g[i] * lr + a[i] * mu * lr : a[i] * lr;
  }
  return [nv, na];
}

export function rmsPropLoop(v: NDArray, ms: NDArray, mom: NDArray, grad: NDArray, s: { lr: number; rho: number; mu: number; eps: number }): NDArray[] {
  const { lr, rho, mu, eps } = s;
  const nv = copyOf(v);
  const nms = copyOf(ms);
  const nmom = copyOf(mom);
  const w = nv.data;
  const sq = nms.data;
  const m = nmom.data;
  const g = grad.data;
  for (let i = 0; i < w.length; i++) {
    sq[i] += (g[i] * g[i] - sq[i]) * (1 - rho);
    m[i] = m[i] * mu + (g[i] * lr) / Math.sqrt(sq[i] + eps);
    w[i] -= m[i];
  }
  return [nv, nms, nmom];
}
