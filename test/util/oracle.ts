import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import * as tg from '../../src/index.js';

let ready: Promise<void> | null = null;

/** The tfjs oracle on its cpu backend (the reference every CPU kernel is checked against). */
export async function oracle(): Promise<typeof tf> {
  if (!ready) {
    ready = (async () => {
      await tf.setBackend('cpu');
      await tf.ready();
    })();
  }
  await ready;
  return tf;
}

/** Deterministic pseudo-random floats in [lo, hi) (a small LCG: tests must not depend on Math.random). */
export function randomData(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

export function randomArray(shape: readonly number[], seed = 1, lo = -1, hi = 1): tg.NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return tg.NDArray.from(randomData(n, seed, lo, hi), shape);
}

export function randomInts(shape: readonly number[], seed: number, lo: number, hi: number): tg.NDArray {
  const f = randomData(shape.reduce((a, b) => a * b, 1), seed, lo, hi);
  return tg.NDArray.from(Int32Array.from(f, (v) => Math.floor(v)), shape, 'int32');
}

/** Our NDArray as a tfjs tensor (bool as tfjs bool, int64 as int32). */
export function toTf(x: tg.NDArray): tf.Tensor {
  const dt = x.dtype === 'bool' ? 'bool' : x.dtype === 'float32' ? 'float32' : 'int32';
  return tf.tensor(x.data, x.shape, dt);
}

/** Asserts same shape and values within tolerance (NaN equals NaN, infinities must match). */
export function expectClose(actual: tg.NDArray, expected: tf.Tensor | tg.NDArray, rtol = 1e-5, atol = 1e-5, what = ''): void {
  const eShape = expected instanceof tg.NDArray ? expected.shape : expected.shape;
  if (actual.dtype === 'string' || (expected instanceof tg.NDArray && expected.dtype === 'string')) {
    // strings compare exactly, as bytes
    expect(actual.dtype, `${what} dtype`).to.equal(expected instanceof tg.NDArray ? expected.dtype : expected.dtype);
    expect(actual.shape, `${what} shape`).to.deep.equal([...eShape]);
    expect(actual.bytes.map((b) => [...b]), `${what} bytes`).to.deep.equal((expected as tg.NDArray).bytes.map((b) => [...b]));
    return;
  }
  const eData = expected instanceof tg.NDArray ? expected.data : expected.dataSync();
  expect(actual.shape, `${what} shape`).to.deep.equal([...eShape]);
  expect(actual.size, `${what} size`).to.equal(eData.length);
  for (let i = 0; i < eData.length; i++) {
    const a = Number(actual.data[i]);
    const e = Number(eData[i]);
    if (Number.isNaN(e)) {
      expect(Number.isNaN(a), `${what} [${i}]: expected NaN, got ${a}`).to.equal(true);
      continue;
    }
    if (!Number.isFinite(e)) {
      expect(a, `${what} [${i}]`).to.equal(e);
      continue;
    }
    const tol = atol + rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= tol)) {
      expect.fail(`${what} element ${i}: got ${a}, expected ${e} (tolerance ${tol})`);
    }
  }
}
