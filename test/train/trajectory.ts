import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { oracle } from '../util/oracle.js';
import { QUAD, quadGrad } from './tf_formulas.js';

/** The optimizer tests' harness: one quadratic minimized step by step, by us, by tfjs and by TF's formulas. */

export type Make = () => tg.train.Optimizer;

/** How the quadratic's variable is made: a TF1 ref variable (default) or a resource variable. */
export interface QuadOptions {
  useResource?: boolean;
}

/** minimize(0.5 * sum(a * (w - c)^2)) from QUAD.start, with a global step. */
export function quadratic(make: Make, options: QuadOptions = {}) {
  const g = new tg.Graph();
  const t = g.asDefault(() => {
    const w = new tg.Variable(tg.constant(QUAD.start), { name: 'w', useResource: options.useResource ?? false });
    const loss = tg.reduceSum(tg.mul(0.5, tg.mul(tg.constant(QUAD.a), tg.square(tg.sub(w, tg.constant(QUAD.c))))));
    const step = tg.train.getOrCreateGlobalStep();
    const opt = make();
    const train = opt.minimize(loss, { globalStep: step });
    return { w, loss, step, opt, train, init: tg.globalVariablesInitializer() };
  });
  return { g, t, sess: new tg.Session({ graph: g }) };
}

export async function trajectory(make: Make, steps: number, after?: (q: ReturnType<typeof quadratic>) => Promise<void>, options: QuadOptions = {}): Promise<number[][]> {
  const q = quadratic(make, options);
  await q.sess.run(q.t.init);
  if (after) await after(q);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    await q.sess.run(q.t.train);
    out.push(Array.from(((await q.sess.run(q.t.w)) as tg.NDArray).data));
  }
  return out;
}

/** The same quadratic minimized by a tfjs optimizer: the trajectory of w. */
export async function tfjsTrajectory(make: (tf: Awaited<ReturnType<typeof oracle>>) => import('@tensorflow/tfjs').Optimizer, steps: number): Promise<number[][]> {
  const tf = await oracle();
  const w = tf.variable(tf.tensor1d(QUAD.start));
  const a = tf.tensor1d(QUAD.a);
  const c = tf.tensor1d(QUAD.c);
  const opt = make(tf);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    opt.minimize(() => tf.sum(tf.mul(0.5, tf.mul(a, tf.square(tf.sub(w, c))))) as import('@tensorflow/tfjs').Scalar);
    out.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return out;
}

/** The TF-formula reference trajectory: `step` advances a state whose `v` is w. */
export function referenceTrajectory<S extends { v: number[] }>(s0: S, step: (s: S, g: number[]) => S, steps: number): number[][] {
  const out: number[][] = [];
  let s = s0;
  for (let k = 0; k < steps; k++) {
    s = step(s, quadGrad(s.v));
    out.push(s.v);
  }
  return out;
}

export function expectTrajectory(actual: number[][], expected: number[][], tol: number, what: string): void {
  expected.forEach((row, k) =>
    row.forEach((e, i) => {
      const a = actual[k][i];
      if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) expect.fail(`${what}: step ${k + 1}, w[${i}] = ${a}, expected ${e} (tolerance ${tol})`);
    }),
  );
}
