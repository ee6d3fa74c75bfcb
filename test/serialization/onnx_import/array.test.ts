import * as tg from '../../../src/index.js';
import type { Attr } from './helpers.js';
import { checkImport, f32, i64, makeModel, singleOp } from './helpers.js';

type Attrs = Record<string, Attr>;
const BIG = 2 ** 62;

describe('ONNX import: shape and array operators', () => {
  const x = f32([2, 3, 4], 1);
  it('Reshape with 0 and -1 (opset 5 and 14), and allowzero', async () => {
    for (const opset of [7, 14]) {
      const { model, feeds } = singleOp('Reshape', opset, [x, i64([0, -1])], {}, { consts: [1] });
      await checkImport(model, feeds);
    }
    const z = singleOp('Reshape', 14, [x, i64([4, 0, 2])], { allowzero: { i: 0 } }, { consts: [1] });
    await checkImport(z.model, z.feeds);
  });
  it('Reshape to a run-time shape with a copied 0 dim', async () => {
    const { model, feeds } = singleOp('Reshape', 13, [x, i64([0, 12])]);
    await checkImport(model, feeds);
  });
  it('Transpose with and without perm', async () => {
    for (const attrs of [{}, { perm: { ints: [1, 0, 2] } }] as Attrs[]) {
      const { model, feeds } = singleOp('Transpose', 13, [x], attrs);
      await checkImport(model, feeds);
    }
  });
  it('Squeeze and Unsqueeze with axes as attribute (opset 11) and input (opset 13)', async () => {
    const s = f32([2, 1, 3, 1]);
    await checkImport(...Object.values(singleOp('Squeeze', 11, [s], { axes: { ints: [1, -1] } })) as [Uint8Array, never]);
    await checkImport(...Object.values(singleOp('Squeeze', 13, [s, i64([-1])], {}, { consts: [1] })) as [Uint8Array, never]);
    await checkImport(...Object.values(singleOp('Squeeze', 13, [s])) as [Uint8Array, never]);
    await checkImport(...Object.values(singleOp('Unsqueeze', 11, [x], { axes: { ints: [0, 4] } })) as [Uint8Array, never]);
    await checkImport(...Object.values(singleOp('Unsqueeze', 13, [x, i64([-1, 1])], {}, { consts: [1] })) as [Uint8Array, never]);
  });
  for (const axis of [0, 1, 2, 3, -1]) {
    it(`Flatten axis ${axis}`, async () => {
      const { model, feeds } = singleOp('Flatten', 13, [x], { axis: { i: axis } });
      await checkImport(model, feeds);
    });
  }
  it('Flatten with a symbolic batch dim', async () => {
    const model = makeModel({ opset: 13, nodes: [{ op: 'Flatten', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3, 4] }], outputs: [{ name: 'y', dtype: 'float32', shape: [null, 12] }] });
    await checkImport(model, [{ x }, { x: f32([5, 3, 4], 2) }]);
  });
  it('Concat (also negative axis) and Shape (opset 15 start/end), Size', async () => {
    const c = singleOp('Concat', 13, [x, f32([2, 3, 2], 2)], { axis: { i: -1 } });
    await checkImport(c.model, c.feeds);
    const s = singleOp('Shape', 15, [x], { start: { i: 1 }, end: { i: -0 + 3 } }, { outDtype: 'int64' });
    await checkImport(s.model, s.feeds);
    const z = singleOp('Size', 13, [x], {}, { outDtype: 'int64' });
    await checkImport(z.model, z.feeds);
  });
  it('Shape -> Gather -> Unsqueeze -> Concat -> Reshape with a symbolic batch (PyTorch view(x.size(0), -1))', async () => {
    const model = makeModel({
      opset: 13,
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: { i: 0 } } },
        { op: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: { i: 0 } } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3, 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [null, 12] }],
      initializers: { zero: i64([0], []), ax: i64([0]), minus1: i64([-1]) },
    });
    await checkImport(model, [{ x }, { x: f32([3, 3, 4], 3) }]);
  });
  const sliceCases: [string, number[], number[], number[] | null, number[] | null][] = [
    ['simple', [0, 1], [2, 3], [0, 1], null],
    ['negative and INT64_MAX', [-1, 1], [BIG, -1], [1, 2], null],
    ['steps', [0, 3], [BIG, 0], [0, 2], [2, -2]],
    ['reverse to start with INT64_MIN', [-1], [-BIG], [2], [-1]],
    ['clamped out of range', [1, -100], [100, 2], [0, 1], null],
  ];
  for (const [label, starts, ends, axes, steps] of sliceCases) {
    it(`Slice ${label} (opset 13)`, async () => {
      const ins = [x, i64(starts), i64(ends), axes ? i64(axes) : null, steps ? i64(steps) : null];
      const { model, feeds } = singleOp('Slice', 13, ins, {}, { consts: [1, 2, 3, 4] });
      await checkImport(model, feeds);
    });
  }
  it('Slice with attributes (opset 9)', async () => {
    const { model, feeds } = singleOp('Slice', 9, [x], { starts: { ints: [1, 0] }, ends: { ints: [3, 2] }, axes: { ints: [2, 0] } });
    await checkImport(model, feeds);
  });
  it('Gather with negative indices, on axis 0 and 1, constant and fed indices', async () => {
    const c = singleOp('Gather', 13, [x, i64([-1, 0, 2], [3])], { axis: { i: 1 } }, { consts: [1] });
    await checkImport(c.model, c.feeds);
    const f = singleOp('Gather', 11, [x, i64([1, -2, 0, 1], [2, 2])], { axis: { i: 0 } });
    await checkImport(f.model, f.feeds);
  });
  it('Split: equal (attribute-less), split attribute (opset 11), split input (13), num_outputs (18, uneven)', async () => {
    const a = singleOp('Split', 11, [f32([6, 2])], { axis: { i: 0 } }, { outputs: 3 });
    await checkImport(a.model, a.feeds);
    const b = singleOp('Split', 11, [f32([2, 7])], { axis: { i: 1 }, split: { ints: [3, 4] } }, { outputs: 2 });
    await checkImport(b.model, b.feeds);
    const c = singleOp('Split', 13, [f32([2, 7]), i64([2, 5])], { axis: { i: -1 } }, { outputs: 2, consts: [1] });
    await checkImport(c.model, c.feeds);
    const d = singleOp('Split', 18, [f32([7, 2])], { num_outputs: { i: 3 } }, { outputs: 3 });
    await checkImport(d.model, d.feeds);
  });
  for (const mode of ['constant', 'reflect', 'edge']) {
    it(`Pad mode ${mode} (opset 11 and 2), with negative pads`, async () => {
      const p = singleOp('Pad', 13, [x, i64([0, 1, 2, 1, 0, 1]), tg.NDArray.scalar(0.5)], { mode: { s: mode } }, { consts: [1, 2] });
      await checkImport(p.model, p.feeds);
      const old = singleOp('Pad', 7, [x], { mode: { s: mode }, pads: { ints: [1, 0, 2, 0, 2, 1] }, value: { f: -1 } });
      await checkImport(old.model, old.feeds);
      if (mode === 'constant') {
        const neg = singleOp('Pad', 13, [x, i64([0, -1, 2, 1, 0, -1])], {}, { consts: [1] });
        await checkImport(neg.model, neg.feeds);
      }
    });
  }
  it('Pad with axes (opset 18)', async () => {
    const { model, feeds } = singleOp('Pad', 18, [x, i64([1, 2, 0, 1]), null, i64([0, -1])], {}, { consts: [1, 3] });
    await checkImport(model, feeds);
  });
  it('Tile, Expand (both directions), Where', async () => {
    const t = singleOp('Tile', 13, [x, i64([1, 2, 3])], {}, { consts: [1] });
    await checkImport(t.model, t.feeds);
    const e = singleOp('Expand', 13, [f32([3, 1]), i64([2, 1, 4])], {}, { consts: [1] });
    await checkImport(e.model, e.feeds);
    const ef = singleOp('Expand', 8, [f32([3, 1]), i64([2, 1, 4])]);
    await checkImport(ef.model, ef.feeds);
    const w = singleOp('Where', 16, [tg.NDArray.from([1, 0, 1, 0], [4], 'bool'), f32([3, 4]), f32([4], 2)], {}, { outDtype: 'float32' });
    await checkImport(w.model, w.feeds);
  });
  it('Cast between float32, int32, int64 and bool', async () => {
    const v = tg.NDArray.from([-2.7, -0.5, 0, 0.5, 1.9, 3], [6]);
    for (const [to, dt] of [[6, 'int32'], [7, 'int64'], [9, 'bool'], [1, 'float32']] as const) {
      const { model, feeds } = singleOp('Cast', 13, [v], { to: { i: to } }, { outDtype: dt });
      await checkImport(model, feeds);
    }
  });
  it('OneHot (opset 11, negative indices, axis 0 and -1)', async () => {
    for (const axis of [-1, 0]) {
      const { model, feeds } = singleOp('OneHot', 11, [i64([0, 2, -1, 1]), i64([3], []), tg.NDArray.from([-1, 5], [2])], { axis: { i: axis } }, { consts: [1, 2], outDtype: 'float32' });
      await checkImport(model, feeds);
    }
  });
  it('CumSum (exclusive, reverse)', async () => {
    for (const [e, r] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const { model, feeds } = singleOp('CumSum', 14, [x, i64([1], [])], { exclusive: { i: e }, reverse: { i: r } }, { consts: [1] });
      await checkImport(model, feeds, 1e-5);
    }
  });
  it('Constant (tensor, value_float, value_ints), ConstantOfShape, Range, Dropout (inference)', async () => {
    const model = makeModel({
      opset: 13,
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['c'], attrs: { value: { t: f32([3, 4], 9) } } },
        { op: 'Constant', inputs: [], outputs: ['k'], attrs: { value_float: { f: 2 } } },
        { op: 'Constant', inputs: [], outputs: ['s'], attrs: { value_ints: { ints: [2, 3, 4] } } },
        { op: 'ConstantOfShape', inputs: ['s'], outputs: ['ones'], attrs: { value: { t: tg.NDArray.from([1.5], [1]) } } },
        { op: 'Mul', inputs: ['x', 'c'], outputs: ['m'] },
        { op: 'Mul', inputs: ['m', 'k'], outputs: ['m2'] },
        { op: 'Add', inputs: ['m2', 'ones'], outputs: ['a'] },
        { op: 'Dropout', inputs: ['a', 'ratio'], outputs: ['y'] },
        { op: 'Range', inputs: ['r0', 'r1', 'r2'], outputs: ['r'] },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: null }, { name: 'r', dtype: 'int64', shape: null }],
      initializers: { ratio: tg.NDArray.scalar(0.5), r0: i64([1], []), r1: i64([10], []), r2: i64([3], []) },
    });
    await checkImport(model, { x });
  });
});
