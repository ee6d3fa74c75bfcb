import type { Geometry } from '../../../ops/nn/conv_params.js';
import { buildDirectConvModule } from './direct_conv_module.js';
import type { DirectConvKey } from './direct_conv_module.js';
import { wasmFeatures } from './features.js';
import { KC } from './gemm_split.js';
import { heapKernelExports, heapOffset, wasmHeap } from './heap.js';
import type { KernelCall } from './thread_pool.js';
import { runOnThreads, splitFor, splitRange } from './threads.js';

type Fn = (...args: number[]) => void;
interface DirectConvExports {
  readonly conv: Fn;
  readonly pad: Fn;
}

/** Most output channels the direct conv takes: its filter (K·oc floats) stays in L1 beside the image rows. */
const MAX_OC = 32;

/**
 * Whether an ungrouped conv goes to the direct kernel: output channels a multiple of 4 and few
 * (the im2col gemm's 8-column tiles waste most of their lanes on them, and its patch matrix is
 * 25× the image for a 5×5 kernel on one channel), and a depth within one gemm block, where the
 * direct kernel's sums are the gemm's bit for bit.
 */
export function directConvFits(g: Geometry, oc: number): boolean {
  const K = g.kh * g.kw * g.c;
  return oc > 0 && oc % 4 === 0 && oc <= MAX_OC && K > 0 && K <= KC;
}

const modules = new Map<string, DirectConvExports>();

function kernels(key: DirectConvKey): DirectConvExports {
  const id = `${key.pixStep},${key.fma}`;
  const have = modules.get(id);
  if (have) return have;
  const ex = heapKernelExports(() => buildDirectConvModule(key), 'JS convolution');
  const made = { conv: ex.conv as Fn, pad: ex.pad as Fn };
  modules.set(id, made);
  return made;
}

const round4 = (v: number): number => Math.ceil(v / 4) * 4;

/** A bias (oc floats) added to the conv's result in the kernel, then relu when `relu`. */
export interface ConvEpilogue {
  readonly bias: Float32Array;
  readonly relu: boolean;
}

/** The image where a direct kernel reads it (float offsets): origin, row and image strides, and the scratch after it. */
export interface ImageInHeap {
  readonly xAt: number;
  readonly rowFloats: number;
  readonly imageFloats: number;
  /** The first float of scratch after the image, `more` floats long. */
  readonly free: number;
}

/**
 * Places an NHWC image for the direct kernels: read in place when it is in wasm memory and needs
 * no padding, else copied into scratch and laid out zero-padded to exactly the rows and columns
 * the windows cover (so the kernels have no bounds to test).
 */
export function imageInHeap(x: Float32Array, g: Geometry, more: number, what: string): ImageInHeap {
  const hp = (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1;
  const wp = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  const padded = g.pt > 0 || g.pl > 0 || hp > g.h || wp > g.w;
  const resident = heapOffset(x);
  const xCopy = resident >= 0 ? 0 : round4(x.length);
  const xPad = padded ? round4(g.n * hp * wp * g.c) : 0;
  const heap = wasmHeap();
  const s = heap.scratch((xCopy + xPad + more) * 4, what) / 4;
  const xAt = resident >= 0 ? resident / 4 : s;
  if (resident < 0) heap.f32().set(x, s);
  const rowFloats = g.w * g.c;
  const imageFloats = g.h * rowFloats;
  if (!padded) return { xAt, rowFloats, imageFloats, free: s + xCopy };
  const base = s + xCopy;
  const rows = Math.max(0, Math.min(g.h, hp - g.pt));
  const cols = Math.max(0, Math.min(g.w, wp - g.pl));
  kernels({ pixStep: g.sw * g.c * 4, fma: wasmFeatures().relaxedMadd }).pad(xAt * 4, rowFloats * 4, imageFloats * 4, base * 4, (base + (g.pt * wp + g.pl) * g.c) * 4, wp * g.c * 4, hp * wp * g.c * 4, g.n, rows, cols * g.c * 4, xPad * 4);
  return { xAt: base, rowFloats: wp * g.c, imageFloats: hp * wp * g.c, free: base + xPad };
}

/**
 * y[n, oh, ow, oc] = conv(x, f) by the direct kernel (direct_conv_module.ts), for a conv that
 * `directConvFits`. The image is read in place when it is in wasm memory and needs no padding,
 * else laid out zero-padded in scratch (so the kernel has no bounds to test); the filter is packed
 * by groups of 8 channels; y is written in place when it is in wasm memory. An `epilogue` (bias,
 * relu) is applied as each block is stored, with the elementwise kernel's arithmetic. Output rows are split
 * over the threads (each row's sums are the same on any thread).
 */
export function wasmDirectConv2d(x: Float32Array, f: Float32Array, g: Geometry, oc: number, y: Float32Array, epilogue?: ConvEpilogue): void {
  const K = g.kh * g.kw * g.c;
  const ex = kernels({ pixStep: g.sw * g.c * 4, fma: wasmFeatures().relaxedMadd });
  const yResident = heapOffset(y);
  const groups = Math.ceil(oc / 8);
  const fFloats = groups * K * 8 + (epilogue ? groups * 8 : 0);
  const yFloats = yResident >= 0 ? 0 : round4(y.length);
  const heap = wasmHeap();
  const img = imageInHeap(x, g, fFloats + yFloats, `Conv2D over [${g.n},${g.h},${g.w},${g.c}]`);
  const { xAt, rowFloats, imageFloats } = img;
  const F = heap.f32();
  const fAt = img.free;
  for (let gi = 0; gi < groups; gi++) {
    const width = Math.min(8, oc - gi * 8);
    for (let k = 0; k < K; k++) for (let j = 0; j < width; j++) F[fAt + (gi * K + k) * 8 + j] = f[k * oc + gi * 8 + j];
  }
  const bAt = fAt + groups * K * 8;
  if (epilogue) {
    F.fill(0, bAt, bAt + groups * 8);
    F.set(epilogue.bias.subarray(0, oc), bAt);
  }
  const yAt = yResident >= 0 ? yResident / 4 : fAt + fFloats;
  const rows = g.n * g.oh;
  // a kernel row's taps: one run of kw·c consecutive floats when undilated, else kw runs of c
  const runs = g.dw === 1 ? [1, g.kw * g.c, 0] : [g.kw, g.c, (g.dw - 1) * g.c * 4];
  const args = [xAt * 4, fAt * 4, yAt * 4, 0, rows, g.oh, g.ow, oc, g.kh, ...runs, g.sh * rowFloats * 4, imageFloats * 4, g.dh * rowFloats * 4, K * 32, bAt * 4, epilogue ? (epilogue.relu ? 2 : 1) : 0];
  const { threads, pieces } = splitFor(rows * g.ow * K * oc, rows);
  const lists: KernelCall[][] = [];
  for (let t = 0; t < pieces; t++) {
    const [r0, r1] = splitRange(rows, pieces, t);
    const a = args.slice();
    a[3] = r0;
    a[4] = r1 - r0;
    lists.push([{ fn: ex.conv, args: a }]);
  }
  runOnThreads({ pieces: lists, threads });
  if (yResident < 0) y.set(heap.f32().subarray(yAt, yAt + y.length));
}
