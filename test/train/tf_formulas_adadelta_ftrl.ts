/**
 * TF's ApplyAdadelta and ApplyFtrl(V2) written out in plain float64 JS from TF's training_ops
 * documentation, independently of the kernels: the reference the optimizer tests compare with.
 */

export interface AdadeltaState {
  v: number[];
  accum: number[];
  accumUpdate: number[];
}

/** accum = rho accum + (1 - rho) g^2; u = sqrt(accum_update + eps) / sqrt(accum + eps) g; accum_update = rho accum_update + (1 - rho) u^2; var -= lr u. */
export function adadeltaStep(s: AdadeltaState, g: readonly number[], lr: number, rho: number, eps: number): AdadeltaState {
  const accum = s.accum.map((a, i) => rho * a + (1 - rho) * g[i] ** 2);
  const update = g.map((gi, i) => (Math.sqrt(s.accumUpdate[i] + eps) / Math.sqrt(accum[i] + eps)) * gi);
  const accumUpdate = s.accumUpdate.map((u, i) => rho * u + (1 - rho) * update[i] ** 2);
  return { v: s.v.map((w, i) => w - lr * update[i]), accum, accumUpdate };
}

export interface FtrlState {
  v: number[];
  accum: number[];
  linear: number[];
}

export interface FtrlParams {
  lr: number;
  l1: number;
  l2: number;
  lrPower: number;
  l2Shrinkage?: number;
}

/**
 * FTRL-Proximal as TF applies it: the linear term takes the shrunk gradient g + 2 l2_shrinkage var,
 * the accumulator the plain g^2; var is the closed-form minimiser, zero inside the l1 ball.
 */
export function ftrlStep(s: FtrlState, g: readonly number[], p: FtrlParams): FtrlState {
  const shrink = p.l2Shrinkage ?? 0;
  const v: number[] = [];
  const accum: number[] = [];
  const linear: number[] = [];
  s.v.forEach((w, i) => {
    const newAccum = s.accum[i] + g[i] * g[i];
    const sigma = (newAccum ** -p.lrPower - s.accum[i] ** -p.lrPower) / p.lr;
    const lin = s.linear[i] + g[i] + 2 * shrink * w - sigma * w;
    const quadratic = newAccum ** -p.lrPower / p.lr + 2 * p.l2;
    v.push(Math.abs(lin) > p.l1 ? (Math.sign(lin) * p.l1 - lin) / quadratic : 0);
    accum.push(newAccum);
    linear.push(lin);
  });
  return { v, accum, linear };
}
