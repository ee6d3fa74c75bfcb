import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/** Which of the three arrays accumulates, and which two are multiplied: by their offset kind. */
type Role = 'out' | 'in' | 'filter';

/** The three depthwise kernels (channel multiplier 1): the accumulated array and the two factors. */
export const DEPTHWISE_FUNCS = {
  depthwise: { acc: 'out', a: 'in', b: 'filter' },
  depthwiseBackpropInput: { acc: 'in', a: 'out', b: 'filter' },
  depthwiseBackpropFilter: { acc: 'filter', a: 'in', b: 'out' },
} as const satisfies Record<string, { acc: Role; a: Role; b: Role }>;

const NAMES = ['a', 'b', 'acc', 'n', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'dh', 'dw', 'pt', 'pl'] as const;

/**
 * Depthwise convolution with channel multiplier 1 on NHWC float32, and both backprops:
 * `name(a, b, acc, n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl)` walks every in-bounds
 * (output pixel, tap) in the JS kernel's order (depthwise_kernel.ts) and does acc += a·b per
 * channel, each product and sum in double and rounded to float32 on store, in f64x2 lanes over
 * channel pairs (an odd last channel alone): the JS kernel's values bit for bit. acc must be zero
 * on entry. Addresses in bytes.
 */
export function buildDepthwiseModule(): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  for (const [name, roles] of Object.entries(DEPTHWISE_FUNCS)) build(m, name, roles);
  return m.bytes();
}

function build(m: ModuleBuilder, name: string, roles: { acc: Role; a: Role; b: Role }): void {
  const { f } = m.func(name, NAMES.map(() => 'i32' as const));
  const p = Object.fromEntries(NAMES.map((nm, i) => [nm, f.param(i, 'i32')])) as Record<(typeof NAMES)[number], ReturnType<typeof f.param<'i32'>>>;
  const [bt, oy, ox, ky, kx, iy, ix, ci, cb, pairs, out, inp, filt, pa, pb, pacc] = Array.from({ length: 16 }, () => f.local('i32'));
  const offset = { out, in: inp, filter: filt };
  const step = (wide: boolean) => {
    const load = wide ? 'v128.load64_zero' : 'v128.load32_zero';
    f.get(pacc).get(ci).op('i32.add');
    f.get(pa).get(ci).op('i32.add').simdMem(load).simd('f64x2.promote_low_f32x4');
    f.get(pb).get(ci).op('i32.add').simdMem(load).simd('f64x2.promote_low_f32x4').simd('f64x2.mul');
    f.get(pacc).get(ci).op('i32.add').simdMem(load).simd('f64x2.promote_low_f32x4').simd('f64x2.add');
    f.simd('f32x4.demote_f64x2_zero').simdMemLane(wide ? 'v128.store64_lane' : 'v128.store32_lane', 0);
  };
  f.get(p.c).i32(2).op('i32.shl').set(cb);
  f.get(p.c).i32(-2).op('i32.and').i32(2).op('i32.shl').set(pairs);
  f.forRange(bt, () => f.i32(0), () => f.get(p.n), 1, () => {
    f.forRange(oy, () => f.i32(0), () => f.get(p.oh), 1, () => {
      f.forRange(ox, () => f.i32(0), () => f.get(p.ow), 1, () => {
        f.get(bt).get(p.oh).op('i32.mul').get(oy).op('i32.add').get(p.ow).op('i32.mul').get(ox).op('i32.add').get(cb).op('i32.mul').set(out);
        f.forRange(ky, () => f.i32(0), () => f.get(p.kh), 1, () => {
          f.get(oy).get(p.sh).op('i32.mul').get(p.pt).op('i32.sub').get(ky).get(p.dh).op('i32.mul').op('i32.add').set(iy);
          // 0 <= iy < h, as one unsigned compare
          f.get(iy).get(p.h).op('i32.lt_u').if(() => {
            f.forRange(kx, () => f.i32(0), () => f.get(p.kw), 1, () => {
              f.get(ox).get(p.sw).op('i32.mul').get(p.pl).op('i32.sub').get(kx).get(p.dw).op('i32.mul').op('i32.add').set(ix);
              f.get(ix).get(p.w).op('i32.lt_u').if(() => {
                f.get(bt).get(p.h).op('i32.mul').get(iy).op('i32.add').get(p.w).op('i32.mul').get(ix).op('i32.add').get(cb).op('i32.mul').set(inp);
                f.get(ky).get(p.kw).op('i32.mul').get(kx).op('i32.add').get(cb).op('i32.mul').set(filt);
                f.get(p.a).get(offset[roles.a]).op('i32.add').set(pa);
                f.get(p.b).get(offset[roles.b]).op('i32.add').set(pb);
                f.get(p.acc).get(offset[roles.acc]).op('i32.add').set(pacc);
                f.forRange(ci, () => f.i32(0), () => f.get(pairs), 8, () => step(true));
                f.get(pairs).get(cb).op('i32.lt_s').if(() => {
                  f.get(pairs).set(ci);
                  step(false);
                });
              });
            });
          });
        });
      });
    });
  });
}
