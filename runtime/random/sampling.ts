import { InternalError } from '../../graph/ir/index.js';
import { philox4x32 } from './philox.js';

/**
 * How random ops turn Philox blocks into values. Element i of the k-th run of an op is a pure
 * function of (key, k, i): it is lane i % 4 of the block with counter (floor(i / 4), k, t, 0) under
 * the op's key, with t = 0 except for redraws. Another backend reproduces a tensor by evaluating
 * exactly this, in any order.
 */
export interface StreamKey {
  readonly k0: number;
  readonly k1: number;
  /** The run index: how many times this session ran the op before. */
  readonly run: number;
}

/** TF's Uint32ToFloat: the low 23 bits as a mantissa, giving a float32 in [0, 1). */
export function uint32ToUnit(x: number): number {
  return (x & 0x7fffff) * 1.1920928955078125e-7;
}

/** Calls `use(block, words)` for each 4-lane block that covers elements [0, n). */
function eachBlock(n: number, key: StreamKey, attempt: number, use: (block: number, words: Uint32Array) => void): void {
  const words = new Uint32Array(4);
  const blocks = Math.ceil(n / 4);
  for (let b = 0; b < blocks; b++) {
    philox4x32(b, key.run, attempt, 0, key.k0, key.k1, words);
    use(b, words);
  }
}

export function fillUniform(out: Float32Array, key: StreamKey): void {
  const n = out.length;
  eachBlock(n, key, 0, (b, w) => {
    for (let j = 0, i = b * 4; j < 4 && i < n; j++, i++) out[i] = uint32ToUnit(w[j]);
  });
}

/** TF's RandomUniformInt: lo + (bits mod (hi - lo)), with the range as an unsigned 32-bit value. */
export function fillUniformInt(out: Int32Array, key: StreamKey, lo: number, hi: number): void {
  const n = out.length;
  const range = (hi - lo) >>> 0;
  eachBlock(n, key, 0, (b, w) => {
    for (let j = 0, i = b * 4; j < 4 && i < n; j++, i++) out[i] = (lo + (w[j] % range)) | 0;
  });
}

const TWO_PI = 2 * Math.PI;

/** Box–Muller on lanes (0, 1) and (2, 3) of a block: four standard normals, as TF's BoxMullerFloat. */
function normalsOf(w: Uint32Array, z: Float64Array): void {
  for (let p = 0; p < 4; p += 2) {
    const u1 = Math.max(uint32ToUnit(w[p]), 1e-7);
    const v1 = TWO_PI * uint32ToUnit(w[p + 1]);
    const r = Math.sqrt(-2 * Math.log(u1));
    z[p] = Math.sin(v1) * r;
    z[p + 1] = Math.cos(v1) * r;
  }
}

export function fillNormal(out: Float32Array, key: StreamKey): void {
  const n = out.length;
  const z = new Float64Array(4);
  eachBlock(n, key, 0, (b, w) => {
    normalsOf(w, z);
    for (let j = 0, i = b * 4; j < 4 && i < n; j++, i++) out[i] = z[j];
  });
}

/** Redraws per element before giving up; each one fails with probability 0.0455. */
const MAX_ATTEMPTS = 256;

/**
 * Standard normals with every value beyond 2 standard deviations redrawn, as TF's TruncatedNormal.
 * An element whose draw is rejected takes its own lane from the blocks with attempt counter 1, 2, …
 * so its value never depends on other elements or on the size of the tensor.
 */
export function fillTruncatedNormal(out: Float32Array, key: StreamKey): void {
  const n = out.length;
  const z = new Float64Array(4);
  const words = new Uint32Array(4);
  const redraw = new Float64Array(4);
  eachBlock(n, key, 0, (b, w) => {
    normalsOf(w, z);
    for (let j = 0, i = b * 4; j < 4 && i < n; j++, i++) {
      // judged after rounding to float32, so no stored value reaches ±2
      let v = Math.fround(z[j]);
      for (let t = 1; !(Math.abs(v) < 2); t++) {
        if (t >= MAX_ATTEMPTS) throw new InternalError(`TruncatedNormal: no sample within 2 standard deviations after ${MAX_ATTEMPTS} draws`);
        philox4x32(b, key.run, t, 0, key.k0, key.k1, words);
        normalsOf(words, redraw);
        v = Math.fround(redraw[j]);
      }
      out[i] = v;
    }
  });
}
