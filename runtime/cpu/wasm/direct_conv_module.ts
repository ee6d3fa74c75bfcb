import type { FuncBuilder, Local } from './code.js';
import { ModuleBuilder } from './module.js';
import { heapMemoryType } from './memory_type.js';

/** What a direct-conv module is specialised for: immediates in its loads, and its multiply-add. */
export interface DirectConvKey {
  /** Bytes between the input pixels of neighbouring output pixels: sw·c·4. */
  readonly pixStep: number;
  /** Relaxed-SIMD multiply-add, as the gemm uses it (so results match the gemm's bit for bit). */
  readonly fma: boolean;
}

/** Output pixels of one register block (4 pixels × 8 channels: 8 accumulators, as the gemm's 4×8 tile). */
export const PIX = 4;

/**
 * A direct NHWC convolution for few output channels, without a patch matrix:
 *
 * `conv(x, f, y, r0, rows, oh, ow, oc, kh, kxRuns, tapRun, kxSkip, xRow, xImage, xStepY, fGroup)`
 * computes output rows [r0, r0 + rows) (a row = one (image, oy)) of y [n, oh, ow, oc] (oc a
 * multiple of 4) from a zero-padded image at x (no tap reads outside it; `xImage` bytes per image,
 * `xRow` bytes from one output row's input rows to the next's, `xStepY` bytes between the kernel's
 * rows, i.e. dh image rows) and the filter packed by groups of 8 output channels (the last group
 * may be 4 wide): group g at f + g·fGroup, k-major, 32 bytes per tap (k = (ky, kx, ci), the
 * im2col order). `epilogue` 0: y is the conv; 1: y = conv + bias; 2: y = relu(conv + bias), the
 * bias (oc floats) packed by the same groups at `bias` + g·32. A kernel row is `kxRuns` runs of `tapRun` taps whose inputs are consecutive
 * floats, `kxSkip` bytes apart: one run of kw·c taps when undilated, else kw runs of c. Addresses
 * in bytes.
 *
 * For each block of 4 output pixels of a row and each channel group, 4×8 sums are held in eight
 * v128 locals over the whole depth: per tap two filter vectors are loaded and each pixel's input
 * value is splatted once and feeds two multiply-adds, the gemm micro-kernel's inner step with the
 * patch value read straight from the image (the pixels' offsets are immediates, so the module is
 * built per sw·c). A loop over taps, not an unrolled body: the unrolled 5×8-tap rows of LeNet's
 * second conv ran at half the speed (front-end bound). Each sum starts from zero, adds its taps in
 * k order and is then added to a zero C, exactly the im2col gemm's arithmetic for a depth of at
 * most one gemm block (KC): the results are the same bits.
 */
export function buildDirectConvModule(key: DirectConvKey): Uint8Array {
  const m = new ModuleBuilder(heapMemoryType());
  const names = ['x', 'f', 'y', 'r0', 'rows', 'oh', 'ow', 'oc', 'kh', 'kxRuns', 'tapRun', 'kxSkip', 'xRow', 'xImage', 'xStepY', 'fGroup', 'bias', 'epilogue'] as const;
  const { f } = m.func('conv', names.map(() => 'i32' as const));
  const p = Object.fromEntries(names.map((n, i) => [n, f.param(i, 'i32')])) as Record<(typeof names)[number], Local<'i32'>>;
  const [r, ox, oxEnd, g, groups, xPix, xp, xk, fp, ky, kx, t, yPix, yp, img] = Array.from({ length: 15 }, () => f.local('i32'));
  const acc = Array.from({ length: PIX }, () => [f.local('v128'), f.local('v128')]);
  const fv = [f.local('v128'), f.local('v128')];
  const sv = f.local('v128');
  const bv = [f.local('v128'), f.local('v128')];
  const pixStep = key.pixStep;

  /** One block: `pix` pixels from xPix/yPix, channel group `g` of `vecs` vectors. */
  const block = (pix: number, vecs: number): void => {
    for (let q = 0; q < pix; q++) for (let h = 0; h < vecs; h++) f.f32x4([0, 0, 0, 0]).set(acc[q][h]);
    f.get(xPix).set(xp);
    f.get(p.f).get(g).get(p.fGroup).op('i32.mul').op('i32.add').set(fp);
    f.get(p.kh).set(ky);
    f.loop((rowsTop) => {
      f.get(xp).set(xk);
      f.get(p.kxRuns).set(kx);
      f.loop((runsTop) => {
        f.get(p.tapRun).set(t);
        f.loop((tapsTop) => {
          for (let h = 0; h < vecs; h++) f.get(fp).simdMem('v128.load', 16 * h).set(fv[h]);
          for (let q = 0; q < pix; q++) {
            f.get(xk).simdMem('v128.load32_splat', q * pixStep).set(sv);
            for (let h = 0; h < vecs; h++) {
              if (key.fma) f.get(sv).get(fv[h]).get(acc[q][h]).simd('f32x4.relaxed_madd').set(acc[q][h]);
              else f.get(acc[q][h]).get(sv).get(fv[h]).simd('f32x4.mul').simd('f32x4.add').set(acc[q][h]);
            }
          }
          f.get(xk).i32(4).op('i32.add').set(xk);
          f.get(fp).i32(32).op('i32.add').set(fp);
          f.get(t).i32(1).op('i32.sub').tee(t).brIf(tapsTop);
        });
        f.get(xk).get(p.kxSkip).op('i32.add').set(xk);
        f.get(kx).i32(1).op('i32.sub').tee(kx).brIf(runsTop);
      });
      f.get(xp).get(p.xStepY).op('i32.add').set(xp);
      f.get(ky).i32(1).op('i32.sub').tee(ky).brIf(rowsTop);
    });
    // y = 0 + sum: the gemm adds each depth block's sum to C, which starts at zero (−0 becomes +0)
    for (const row of acc.slice(0, pix)) for (const v of row.slice(0, vecs)) f.f32x4([0, 0, 0, 0]).get(v).simd('f32x4.add').set(v);
    // the epilogue, as the elementwise kernel would compute it on y: 1 adds the bias (y + b, in
    // that operand order), 2 then relu's select(v < 0, 0, v), which keeps NaN and −0
    f.get(p.epilogue).if(() => {
      for (let h = 0; h < vecs; h++) f.get(p.bias).get(g).i32(32).op('i32.mul').op('i32.add').simdMem('v128.load', 16 * h).set(bv[h]);
      for (const row of acc.slice(0, pix)) for (let h = 0; h < vecs; h++) f.get(row[h]).get(bv[h]).simd('f32x4.add').set(row[h]);
      f.get(p.epilogue).i32(2).op('i32.eq').if(() => {
        for (const row of acc.slice(0, pix)) {
          for (const v of row.slice(0, vecs)) f.f32x4([0, 0, 0, 0]).get(v).get(v).f32x4([0, 0, 0, 0]).simd('f32x4.lt').simd('v128.bitselect').set(v);
        }
      });
    });
    f.get(yPix).get(g).i32(32).op('i32.mul').op('i32.add').set(yp);
    for (let q = 0; q < pix; q++) {
      for (let h = 0; h < vecs; h++) f.get(yp).get(acc[q][h]).simdMem('v128.store', 16 * h);
      if (q < pix - 1) f.get(yp).get(p.oc).i32(4).op('i32.mul').op('i32.add').set(yp);
    }
  };

  /** Every channel group of the block at xPix/yPix: whole groups of 8, then a last one of 4. */
  const groupsOf = (pix: number): void => {
    f.forRange(g, () => f.i32(0), () => f.get(groups), 1, () => block(pix, 2));
    f.get(p.oc).i32(7).op('i32.and').if(() => block(pix, 1));
  };

  f.get(p.oc).i32(3).op('i32.shr_u').set(groups);
  f.forRange(r, () => f.get(p.r0), () => f.get(p.r0).get(p.rows).op('i32.add'), 1, () => {
    // image r / oh, output row r % oh: its input rows start at image + (r % oh)·xRow
    f.get(r).get(p.oh).op('i32.div_u').set(img);
    f.get(p.x).get(img).get(p.xImage).op('i32.mul').op('i32.add').get(r).get(p.oh).op('i32.rem_u').get(p.xRow).op('i32.mul').op('i32.add').set(xPix);
    f.get(p.y).get(r).get(p.ow).op('i32.mul').get(p.oc).op('i32.mul').i32(4).op('i32.mul').op('i32.add').set(yPix);
    f.get(p.ow).i32(-PIX).op('i32.and').set(oxEnd);
    f.forRange(ox, () => f.i32(0), () => f.get(oxEnd), PIX, () => {
      groupsOf(PIX);
      f.get(xPix).i32(PIX * pixStep).op('i32.add').set(xPix);
      f.get(yPix).get(p.oc).i32(PIX * 4).op('i32.mul').op('i32.add').set(yPix);
    });
    f.forRange(ox, () => f.get(oxEnd), () => f.get(p.ow), 1, () => {
      groupsOf(1);
      f.get(xPix).i32(pixStep).op('i32.add').set(xPix);
      f.get(yPix).get(p.oc).i32(4).op('i32.mul').op('i32.add').set(yPix);
    });
  });
  buildPad(m.func('pad', Array.from({ length: 11 }, () => 'i32' as const)).f);
  return m.bytes();
}

/**
 * `pad(src, srcRow, srcImage, base, dst, dstRow, dstImage, images, rows, rowBytes, zeroBytes)`:
 * zeroes zeroBytes (a multiple of 16) at base, then copies the first `rowBytes` (a multiple of 4)
 * of `rows` rows of each image from src (srcRow bytes between rows, srcImage between images) to dst
 * (the first copied pixel inside base; dstRow, dstImage likewise): the zero-padded image the conv
 * reads.
 */
function buildPad(f: FuncBuilder): void {
  const names = ['src', 'srcRow', 'srcImage', 'base', 'dst', 'dstRow', 'dstImage', 'images', 'rows', 'rowBytes', 'zeroBytes'] as const;
  const p = Object.fromEntries(names.map((n, i) => [n, f.param(i, 'i32')])) as Record<(typeof names)[number], Local<'i32'>>;
  const [i, b, rr, s, d, vecEnd] = Array.from({ length: 6 }, () => f.local('i32'));
  f.forRange(i, () => f.i32(0), () => f.get(p.zeroBytes), 16, () => {
    f.get(p.base).get(i).op('i32.add').f32x4([0, 0, 0, 0]).simdMem('v128.store');
  });
  f.get(p.rowBytes).i32(-16).op('i32.and').set(vecEnd);
  f.forRange(b, () => f.i32(0), () => f.get(p.images), 1, () => {
    f.forRange(rr, () => f.i32(0), () => f.get(p.rows), 1, () => {
      f.get(p.src).get(b).get(p.srcImage).op('i32.mul').op('i32.add').get(rr).get(p.srcRow).op('i32.mul').op('i32.add').set(s);
      f.get(p.dst).get(b).get(p.dstImage).op('i32.mul').op('i32.add').get(rr).get(p.dstRow).op('i32.mul').op('i32.add').set(d);
      f.forRange(i, () => f.i32(0), () => f.get(vecEnd), 16, () => {
        f.get(d).get(i).op('i32.add').get(s).get(i).op('i32.add').simdMem('v128.load').simdMem('v128.store');
      });
      f.forRange(i, () => f.get(vecEnd), () => f.get(p.rowBytes), 4, () => {
        f.get(d).get(i).op('i32.add').get(s).get(i).op('i32.add').mem('f32.load').mem('f32.store');
      });
    });
  });
}
