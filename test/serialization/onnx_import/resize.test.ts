import * as tg from '../../../src/index.js';
import type { Attr } from './helpers.js';
import { checkImport, f32, i64, singleOp } from './helpers.js';

type Attrs = Record<string, Attr>;

describe('ONNX import: Resize and Upsample (as interpolation matrices)', () => {
  const x = f32([1, 2, 4, 5], 1);
  const up = tg.NDArray.from([1, 1, 2, 1.5], [4]);
  const down = tg.NDArray.from([1, 1, 0.5, 0.6], [4]);
  const transforms = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];
  for (const mode of ['nearest', 'linear', 'cubic']) {
    for (const ct of transforms) {
      for (const [label, scales] of [['up', up], ['down', down]] as const) {
        it(`Resize opset 13 ${mode} ${ct} ${label}`, async () => {
          const attrs: Attrs = { mode: { s: mode }, coordinate_transformation_mode: { s: ct } };
          const { model, feeds } = singleOp('Resize', 13, [x, null, scales], attrs, { consts: [2] });
          await checkImport(model, feeds, 1e-5);
        });
      }
    }
  }
  for (const nm of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
    it(`Resize nearest_mode ${nm}, given sizes (opset 11)`, async () => {
      const { model, feeds } = singleOp('Resize', 11, [x, tg.NDArray.from([], [0]), tg.NDArray.from([], [0]), i64([1, 2, 7, 3])], { mode: { s: 'nearest' }, nearest_mode: { s: nm } }, { consts: [1, 2, 3] });
      await checkImport(model, feeds, 1e-5);
    });
  }
  it('Resize cubic with exclude_outside and cubic_coeff_a (opset 18), half_pixel_symmetric (19)', async () => {
    const a = singleOp('Resize', 18, [x, null, up], { mode: { s: 'cubic' }, exclude_outside: { i: 1 }, cubic_coeff_a: { f: -0.5 } }, { consts: [2] });
    await checkImport(a.model, a.feeds, 1e-5);
    const b = singleOp('Resize', 19, [x, null, up], { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'half_pixel_symmetric' } }, { consts: [2] });
    await checkImport(b.model, b.feeds, 1e-5);
  });
  it('Resize-10 and Upsample (opset 7 attribute, opset 9 input)', async () => {
    for (const mode of ['nearest', 'linear']) {
      const r10 = singleOp('Resize', 10, [x, up], { mode: { s: mode } }, { consts: [1] });
      await checkImport(r10.model, r10.feeds, 1e-5);
      const u9 = singleOp('Upsample', 9, [x, tg.NDArray.from([1, 1, 2, 3], [4])], { mode: { s: mode } }, { consts: [1] });
      await checkImport(u9.model, u9.feeds, 1e-5);
    }
    const u7 = singleOp('Upsample', 7, [x], { mode: { s: 'nearest' }, scales: { floats: [1, 1, 2, 2] } });
    await checkImport(u7.model, u7.feeds, 1e-5);
  });
});
