import type { AttrMap, NDArray } from '../../../graph/ir/index.js';
import type { ScalarExpr } from '../../../ops/elementwise/scalar_expr.js';
import type { Conv2DAttrs } from '../../../ops/nn/conv2d.js';
import { convParams, geometry, nhwcShape } from '../../../ops/nn/conv_params.js';
import type { ResolvedOutput } from '../../../ops/op_def.js';
import { wasmKernelsOn } from '../wasm/kernel_mode.js';
import { directConvFits, wasmDirectConv2d } from '../wasm/wasm_direct_conv.js';
import { alloc } from './alloc.js';

const isArg = (e: ScalarExpr, i: number): boolean => e.k === 'arg' && e.i === i;
const isZero = (e: ScalarExpr): boolean => e.k === 'const' && Object.is(e.v, 0) && (e.dtype === null || e.dtype === 'float32');
/** add(arg 0, arg 1): the conv's result plus the bias, in that operand order. */
const isBiasAdd = (e: ScalarExpr): boolean => e.k === 'bin' && e.f === 'add' && isArg(e.a, 0) && isArg(e.b, 1);

/**
 * Which epilogue the direct conv can apply as it stores: `bias` for y + b, `relu` for Relu's
 * select(v < 0, 0, v) of it (ops/elementwise/math_unary.ts), null for anything else (the
 * elementwise kernel runs it after the conv).
 */
export function convEpilogueKind(e: ScalarExpr): 'bias' | 'relu' | null {
  if (isBiasAdd(e)) return 'bias';
  if (e.k !== 'select' || !isZero(e.a) || !isBiasAdd(e.b)) return null;
  const c = e.c;
  return c.k === 'bin' && c.f === 'lt' && isBiasAdd(c.a) && isZero(c.b) ? 'relu' : null;
}

let fusedRuns = 0;

/** How many _FusedConv2D steps ran their epilogue inside the direct conv (tests check it did). */
export function fusedConvRunCount(): number {
  return fusedRuns;
}

/**
 * `_FusedConv2D` (Conv2D + BiasAdd [+ Relu]) in one pass of the direct wasm conv when it fits:
 * NHWC float32, ungrouped, a per-channel bias, an epilogue `convEpilogueKind` knows and a shape
 * `directConvFits` takes; the same bits as the conv followed by the elementwise epilogue, without
 * a second pass over y. Null when it does not fit (the caller runs the two steps).
 */
export function fusedConv2D(inputs: readonly NDArray[], attrs: AttrMap, out: ResolvedOutput, epilogue: ScalarExpr): NDArray | null {
  if (!wasmKernelsOn() || inputs.length !== 3) return null;
  const kind = convEpilogueKind(epilogue);
  const [x, f, b] = inputs;
  if (kind === null || x.dtype !== 'float32' || f.dtype !== 'float32' || b.dtype !== 'float32' || out.dtype !== 'float32') return null;
  const p = convParams(attrs as unknown as Conv2DAttrs, '_FusedConv2D');
  if (p.format !== 'NHWC' || x.rank !== 4 || f.rank !== 4 || out.shape.length !== 4) return null;
  const [kh, kw, cg, oc] = f.shape;
  if (cg !== x.shape[3] || b.rank !== 1 || b.shape[0] !== oc) return null;
  const ys = nhwcShape(out.shape, p.format);
  const g = geometry(x.shape, kh, kw, ys[1], ys[2], p);
  if (g.n * g.oh * g.ow === 0 || !directConvFits(g, oc)) return null;
  const y = alloc(out);
  wasmDirectConv2d(x.data as Float32Array, f.data as Float32Array, g, oc, y.data as Float32Array, { bias: b.data as Float32Array, relu: kind === 'relu' });
  fusedRuns++;
  return y;
}
