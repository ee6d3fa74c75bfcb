import { DataArray, dataMatches, DType, InvalidArgumentError, isDType, NDArray, sizeOf } from '../../graph/ir/index.js';
import type { ScalarExpr } from '../../ops/elementwise/scalar_expr.js';
import { exprKey } from '../../ops/elementwise/scalar_expr.js';
import { SCALAR_HELPERS } from './render_js.js';
import { renderRounded } from './render_rounded.js';
import type { Transcendentals } from './render_js.js';
import { wasmKernelsOn } from './wasm/kernel_mode.js';
import { wasmElementwise } from './wasm/wasm_elementwise.js';
import { broadcastStrides, collapse } from '../broadcast_layout.js';
import { freshData } from './fresh_data.js';

type LoopFn = (ins: readonly DataArray[], out: DataArray | Float64Array, shape: readonly number[], strides: readonly (readonly number[])[]) => void;

/**
 * Elementwise kernels compiled from scalar expressions: one generated loop nest per (expression,
 * dtypes, collapsed rank, which inputs are scalars), cached. Broadcasting becomes zero strides; dims
 * that are contiguous for every operand are merged first, so same-shape operands run as one flat
 * loop.
 */
const cache = new Map<string, LoopFn>();

/** Below this many elements the JS loop beats copying into wasm memory and back. */
const MIN_WASM = 64;

export function compiledKernelCount(): number {
  return cache.size;
}

/** What the generated loop does with each element: store it, or fold it into an accumulator. */
export type LoopMode = 'store' | 'sum' | 'max' | 'min';

const LOOP_MODES: readonly LoopMode[] = ['store', 'sum', 'max', 'min'];

function generate(expr: ScalarExpr, inTypes: readonly DType[], outType: DType, rank: number, scalar: readonly boolean[], mode: LoopMode, tr: Transcendentals): LoopFn {
  // Everything spliced into the source below is checked to come from a fixed table or to be a
  // small integer; the expression itself is checked by renderJs.
  if (!isDType(outType) || !inTypes.every(isDType) || !LOOP_MODES.includes(mode) || !Number.isSafeInteger(rank) || rank < 0) {
    throw new InvalidArgumentError(`Elementwise kernel codegen: invalid kernel signature (output ${typeof outType}, ${inTypes.length} inputs, rank ${typeof rank})`);
  }
  const n = inTypes.length;
  const valueNames = inTypes.map((_t, i) => `v${i}`);
  const r = renderRounded(expr, inTypes, valueNames, tr === 'f32' ? 'f32' : 'double');
  const castOut = outType === 'bool' && r.dtype !== 'bool' ? `(${r.result}!==0?1:0)` : r.result;
  const src: string[] = [];
  for (let i = 0; i < n; i++) src.push(`const a${i}=ins[${i}];`);
  for (let d = 0; d < rank; d++) src.push(`const n${d}=shape[${d}];`);
  for (let i = 0; i < n; i++) {
    if (scalar[i]) src.push(`const v${i}=a${i}[0];`);
    else for (let d = 0; d < rank; d++) src.push(`const s${i}_${d}=st[${i}][${d}];`);
  }
  src.push(mode === 'store' ? 'let o=0;' : `let acc=${mode === 'sum' ? '0' : mode === 'max' ? '-Infinity' : 'Infinity'};`);
  const live = inTypes.map((_t, i) => i).filter((i) => !scalar[i]);
  for (let d = 0; d < rank; d++) {
    const init = live.map((i) => `p${i}_${d}=${d === 0 ? '0' : `p${i}_${d - 1}`}`).join(',');
    const step = live.map((i) => `p${i}_${d}+=s${i}_${d}`).join(',');
    src.push(`for(let i${d}=0${init ? ',' + init : ''};i${d}<n${d};i${d}++${step ? ',' + step : ''}){`);
  }
  for (const i of live) src.push(`const v${i}=a${i}[p${i}_${rank - 1}];`);
  src.push(...r.lines);
  if (mode === 'store') src.push(`out[o++]=${castOut};`);
  else {
    // each value rounded as the unfused kernel would have stored it, then folded like reduce_kernel
    src.push(`const r=${outType === 'float32' ? `Math.fround(${castOut})` : castOut};`);
    if (mode === 'sum') src.push('acc+=r;');
    else if (mode === 'max') src.push('if(r>acc||r!==r)acc=r;');
    else src.push('if(r<acc||r!==r)acc=r;');
  }
  for (let d = 0; d < rank; d++) src.push('}');
  if (mode !== 'store') src.push('out[0]=acc;');
  const body = src.join('\n');
  // The source is assembled from the checked expression IR only (numbers and fixed operator spellings).
  const factory = new Function('H', `return function elementwise(ins,out,shape,st){\n${body}\n};`) as (h: typeof SCALAR_HELPERS) => LoopFn;
  return factory(SCALAR_HELPERS);
}

/**
 * Evaluates `expr` elementwise over broadcast `inputs` into a new array of `outShape`, or into
 * `into` when the memory plan provides one. `into` may be the data of an input of the output's
 * shape: each element is read before it is written, at the same index, so that is safe.
 */
export function runElementwise(expr: ScalarExpr, inputs: readonly NDArray[], outDType: DType, outShape: readonly number[], into?: DataArray): NDArray {
  const size = sizeOf(outShape);
  // both the wasm region and the JS loop write every element, so a fresh output need not be zeroed
  const out = into && into.length === size && dataMatches(outDType, into) ? into : freshData(outDType, size);
  if (size === 0) return new NDArray(outDType, outShape, out);
  const raw = inputs.map((x) => broadcastStrides(x.shape, outShape));
  const { shape, strides } = collapse(outShape, raw);
  const scalar = strides.map((s) => s.every((v) => v === 0));
  const inTypes = inputs.map((x) => x.dtype);
  const wasm = wasmKernelsOn();
  if (wasm && outDType === 'float32' && size >= MIN_WASM && inTypes.every((t) => t === 'float32')) {
    if (wasmElementwise(expr, inputs.map((x) => x.data), out as Float32Array, shape, strides)) return new NDArray(outDType, outShape, out);
  }
  const tr: Transcendentals = wasm ? 'f32' : 'double';
  const key = `${tr}|${exprKey(expr)}|${inTypes.join(',')}|${outDType}|${shape.length}|${scalar.map((s) => (s ? 1 : 0)).join('')}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = generate(expr, inTypes, outDType, shape.length, scalar, 'store', tr);
    cache.set(key, fn);
  }
  fn(inputs.map((x) => x.data), out, shape, strides);
  return new NDArray(outDType, outShape, out);
}

/**
 * Evaluates `expr` over broadcast `inputs` and folds every element into one value (sum, max or
 * min, in memory order, in double precision like the reduce kernel) without materialising the
 * elementwise result: a fused region whose only reader is a full reduction.
 */
export function reduceElementwise(expr: ScalarExpr, inputs: readonly NDArray[], valueDType: DType, shape: readonly number[], mode: Exclude<LoopMode, 'store'>): number {
  const size = sizeOf(shape);
  if (size === 0) return mode === 'sum' ? 0 : mode === 'max' ? -Infinity : Infinity;
  const raw = inputs.map((x) => broadcastStrides(x.shape, shape));
  const c = collapse(shape, raw);
  const scalar = c.strides.map((st) => st.every((v) => v === 0));
  const inTypes = inputs.map((x) => x.dtype);
  const tr: Transcendentals = wasmKernelsOn() ? 'f32' : 'double';
  const key = `${tr}|${mode}|${exprKey(expr)}|${inTypes.join(',')}|${valueDType}|${c.shape.length}|${scalar.map((b) => (b ? 1 : 0)).join('')}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = generate(expr, inTypes, valueDType, c.shape.length, scalar, mode, tr);
    cache.set(key, fn);
  }
  const acc = new Float64Array(1);
  fn(inputs.map((x) => x.data), acc, c.shape, c.strides);
  return acc[0];
}
