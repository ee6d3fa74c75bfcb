import { Enter, Merge, RefEnter, RefMerge, StackPopV2, StackPushV2, StackV2 } from '../../ops/control/control_flow.js';
import * as tg from '../../src/index.js';
import { makeOp } from '../../ops/builder.js';
import { getOpDef } from '../../ops/registry.js';
import type { OpDef } from '../../ops/op_def.js';
import { tfOpDef } from '../../serialization/tf_op_attrs.js';

/**
 * One instance of each registered op type, for the GraphDef round-trip test and the TF attr test.
 * Instances are found generically: input lists drawn from a small pool of
 * tensors, tried until the op's own inference accepts one. An op added later is covered
 * automatically; if none of the templates fits it, add one to TEMPLATES (or an EXAMPLE). A
 * template must have as many inputs as TF's op def (tf_op_attrs.ts) says, and only TF's attrs
 * are passed.
 */
export type Token = 'f' | 'fs' | 'i2' | 'iperm' | 'is' | 'iz' | 'b' | 'bs' | 'v' | 'x4' | 'c' | 'lab' | 'h';

const TEMPLATES: Token[][] = [
  [], ['f'], ['i2'], ['b'], ['is'], ['fs'], ['bs'], ['f', 'bs'],
  ['f', 'f'], ['f', 'i2'], ['f', 'iperm'], ['f', 'is'], ['b', 'b'], ['i2', 'i2'], ['i2', 'fs'], ['f', 'lab'], ['v', 'f'], ['i2', 'is'],
  ['b', 'f', 'f'], ['fs', 'fs', 'fs'], ['is', 'is', 'is'], ['f', 'f', 'f'], ['i2', 'iz', 'is'],
  ['v', 'fs', 'f'], ['v', 'v', 'fs', 'f'], ['v', 'v', 'fs', 'f', 'fs'],
  ['x4', 'c', 'c', 'c', 'c'], ['x4', 'x4', 'c', 'c', 'c', 'c'],
  ['v', 'v', 'v', 'fs', 'fs', 'fs', 'fs', 'f'], ['v', 'v', 'v', 'fs', 'fs', 'fs', 'fs', 'fs', 'fs', 'f'],
  ['v', 'v', 'v', 'fs', 'fs', 'fs', 'f'], ['v', 'v', 'v', 'f', 'fs', 'fs', 'fs', 'fs'], ['v', 'v', 'v', 'f', 'fs', 'fs', 'fs', 'fs', 'fs'],
  // resource handles: reads, updates, gathers and the ResourceApply* ops
  ['h'], ['h', 'f'], ['h', 'i2'], ['h', 'fs', 'f'], ['h', 'h', 'fs', 'f'], ['h', 'h', 'fs', 'f', 'fs'],
  ['h', 'h', 'h', 'fs', 'fs', 'fs', 'fs', 'f'], ['h', 'h', 'h', 'fs', 'fs', 'fs', 'fs', 'fs', 'fs', 'f'],
  ['h', 'h', 'h', 'fs', 'fs', 'fs', 'f'], ['h', 'h', 'h', 'f', 'fs', 'fs', 'fs', 'fs'], ['h', 'h', 'h', 'f', 'fs', 'fs', 'fs', 'fs', 'fs'],
];

const ATTR_OPTIONS: tg.AttrMap[] = [
  {},
  { dtype: 'float32', shape: [2, 2], value: tg.NDArray.from([[1, 2], [3, 4]]) },
  { DstT: 'int32', Tout: 'int32', dtype: 'float32', output_type: 'int32' },
];

export function pool(g: tg.Graph): Record<Token, tg.Tensor> {
  return g.asDefault(() => {
    const v = new tg.Variable(tg.NDArray.from([[1, 2], [3, 4]]), { name: 'v' });
    const h = new tg.Variable(tg.NDArray.from([[1, 2], [3, 4]]), { name: 'h', useResource: true });
    return {
      h: h.ref,
      f: tg.constant([[1, 2], [3, 4]], { name: 'f' }),
      fs: tg.constant(0.5, { name: 'fs' }),
      i2: tg.constant([2, 2], { dtype: 'int32', name: 'i2' }),
      iperm: tg.constant([1, 0], { dtype: 'int32', name: 'iperm' }),
      is: tg.constant(1, { dtype: 'int32', name: 'is' }),
      iz: tg.constant(0, { dtype: 'int32', name: 'iz' }),
      b: tg.constant([[true, false], [false, true]], { name: 'b' }),
      bs: tg.constant(true, { name: 'bs' }),
      v: v.ref,
      x4: tg.constant(tg.NDArray.from(new Float32Array(8).map((_, i) => i), [1, 2, 2, 2]), { name: 'x4' }),
      c: tg.constant([1, 2], { name: 'c' }),
      lab: tg.constant([0, 1], { dtype: 'int32', name: 'lab' }),
    };
  });
}

/** Ops whose inputs no generic template fits, built through their public builders instead. */
const EXAMPLES: Record<string, (p: Record<Token, tg.Tensor>) => tg.Tensor | tg.Tensor[]> = {
  Unpack: (p) => tg.unstack(p.f),
  Split: (p) => tg.split(p.f, 2, 1),
  SplitV: (p) => tg.split(p.f, [1, 1], 0),
  Slice: (p) => tg.slice(p.f, [0, 1], [2, 1]),
  StridedSlice: (p) => tg.stridedSlice(p.f, [0, 0], [2, 2], [1, 2], { shrinkAxisMask: 1 }),
  StridedSliceGrad: (p) => tg.gradients(tg.reduceSum(tg.stridedSlice(p.f, [1], [2])), [p.f])[0]!,
  GatherV2: (p) => tg.gather(p.f, [1, 0], 1),
  InTopKV2: (p) => tg.nn.inTopK(p.f, p.lab, 1),
  Pad: (p) => tg.pad(p.f, [[1, 0], [0, 2]]),
  PadV2: (p) => tg.pad(p.f, [[1, 0], [0, 2]], 3),
  OneHot: (p) => tg.oneHot(p.lab, 3, { axis: 0 }),
  Conv2D: (p) => tg.nn.conv2d(p.x4, tg.ones([2, 2, 2, 3]), { strides: 1, padding: 'SAME', dilations: [1, 1] }),
  Conv2DBackpropInput: (p) => tg.nn.conv2dTranspose(p.x4, tg.ones([2, 2, 3, 2]), [1, 3, 3, 3], { strides: 1, padding: 'VALID' }),
  Conv2DBackpropFilter: (p) => tg.nn.conv2dBackpropFilter(p.x4, [1, 1, 2, 2], p.x4, { strides: 1, padding: 'SAME' }),
  DepthwiseConv2dNative: (p) => tg.nn.depthwiseConv2d(p.x4, tg.ones([2, 2, 2, 2]), { strides: 1, padding: 'SAME' }),
  DepthwiseConv2dNativeBackpropInput: (p) => tg.nn.depthwiseConv2dBackpropInput([1, 2, 2, 2], tg.ones([1, 1, 2, 1]), p.x4, { strides: 1, padding: 'SAME' }),
  DepthwiseConv2dNativeBackpropFilter: (p) => tg.nn.depthwiseConv2dBackpropFilter(p.x4, [1, 1, 2, 1], p.x4, { strides: 1, padding: 'SAME' }),
  MaxPool: (p) => tg.nn.maxPool(p.x4, { ksize: 2, strides: 1, padding: 'SAME' }),
  MaxPoolGrad: (p) => tg.gradients(tg.reduceSum(tg.nn.maxPool(p.x4, { ksize: 2, strides: 1, padding: 'VALID' })), [p.x4])[0]!,
  MaxPoolGradGrad: (p) => {
    const d = tg.gradients(tg.reduceSum(tg.nn.maxPool(p.x4, { ksize: 2, strides: 1, padding: 'VALID' })), [p.x4])[0]!;
    return tg.gradients(tg.reduceSum(tg.mul(d, d)), [p.x4])[0]!;
  },
  AvgPool: (p) => tg.nn.avgPool(p.x4, { ksize: 2, strides: 1, padding: 'VALID' }),
  AvgPoolGrad: (p) => tg.nn.avgPoolGrad([1, 2, 2, 2], tg.ones([1, 1, 1, 2]), { ksize: 2, strides: 1, padding: 'VALID' }),
  AddN: (p) => tg.addN([p.f, p.f]),
  // summary ops take the tag as an attr (no string dtype): TF's arity is not theirs
  ScalarSummary: (p) => tg.summary.scalar('the_scalar_summary', p.fs),
  HistogramSummary: (p) => tg.summary.histogram('the_histogram_summary', p.f),
  MergeSummary: (p) => tg.summary.merge([tg.summary.scalar('the_merged_a', p.fs), tg.summary.histogram('the_merged_b', p.f)]),
  Cast: (p) => tg.cast(p.f, 'int32'),
  ConcatV2: (p) => tg.concat([p.f, p.f], 1),
  Pack: (p) => tg.stack([p.f, p.f], 1),
  Range: () => tg.range(0, 5, 2),
  Tile: (p) => tg.tile(p.f, [2, 1]),
  UnsortedSegmentSum: (p) => tg.unsortedSegmentSum(p.f, [1, 0], 2),
  BiasAdd: (p) => tg.nn.biasAdd(p.x4, p.c),
  LRN: (p) => tg.nn.localResponseNormalization(p.x4, { depthRadius: 1 }),
  // control flow: Merge holds its input count (as AddN), Enter needs its frame
  Merge: (p) => makeOp(Merge, [p.f, p.f], { N: 2 }, { name: 'the_Merge' }).outputs[0],
  RefMerge: (p) => makeOp(RefMerge, [p.f, p.f], { N: 2 }, { name: 'the_RefMerge' }).outputs[0],
  Enter: (p) => makeOp(Enter, [p.f], { frame_name: 'the_frame' }, { name: 'the_Enter' }).outputs[0],
  RefEnter: (p) => makeOp(RefEnter, [p.f], { frame_name: 'the_frame' }, { name: 'the_RefEnter' }).outputs[0],
  // the while-loop gradient's stacks: a handle comes from StackV2
  StackV2: (p) => makeOp(StackV2, [p.is], { elem_type: 'float32' }, { name: 'the_StackV2' }).outputs[0],
  StackPushV2: (p) => makeOp(StackPushV2, [makeOp(StackV2, [p.is], { elem_type: 'float32' }).outputs[0], p.f], {}, { name: 'the_StackPushV2' }).outputs[0],
  StackPopV2: (p) => makeOp(StackPopV2, [makeOp(StackV2, [p.is], { elem_type: 'float32' }).outputs[0]], { elem_type: 'float32' }, { name: 'the_StackPopV2' }).outputs[0],
  LRNGrad: (p) => tg.gradients(tg.reduceSum(tg.nn.localResponseNormalization(p.x4, { depthRadius: 1 })), [p.x4])[0]!,
  // strings, the Saver's ops (stateful: built for export, never run here), stitching, V1 variables
  StringJoin: () => tg.stringJoin([tg.constant(['a', 'b']), 'c'], '/'),
  ShardedFilename: () => tg.shardedFilename('model', 0, 2),
  ShardedFilespec: () => makeOp(getOpDef('ShardedFilespec'), [tg.constant('model'), tg.constant(2, { dtype: 'int32' })], {}).outputs[0],
  SaveV2: (p) => (tg.saveV2('/nonexistent/ckpt', ['f'], [p.f]), []),
  RestoreV2: () => tg.restoreV2('/nonexistent/ckpt', ['f'], ['float32']),
  Restore: () => makeOp(getOpDef('Restore'), [tg.constant('/nonexistent/ckpt'), tg.constant('f')], { dt: 'float32' }).outputs[0],
  RestoreSlice: () => makeOp(getOpDef('RestoreSlice'), [tg.constant('/nonexistent/ckpt'), tg.constant('f'), tg.constant('')], { dt: 'float32' }).outputs[0],
  MergeV2Checkpoints: () => (tg.mergeV2Checkpoints(tg.constant(['/nonexistent/a']), '/nonexistent/b'), []),
  DynamicStitch: (p) => tg.dynamicStitch([[1, 0]], [p.f]),
  ParallelDynamicStitch: (p) => makeOp(getOpDef('ParallelDynamicStitch'), [tg.constant([1, 0], { dtype: 'int32' }), p.f], { N: 1 }).outputs[0],
  Variable: () => makeOp(getOpDef('Variable'), [], { shape: [2], dtype: 'float32', container: '', shared_name: '' }).outputs[0],
};

export function instantiate(def: OpDef, g: tg.Graph, p: Record<Token, tg.Tensor>, ctrl: tg.Operation): tg.Operation | null {
  const example = EXAMPLES[def.type];
  if (example) {
    g.asDefault(() => g.controlDependencies([ctrl], () => example(p)));
    return g.getOperations().find((o) => o.type === def.type) ?? null;
  }
  // TF's op def, where there is one, says how many inputs the op takes and which attrs it has
  const tf = tfOpDef(def.type);
  const fixed = tf ? tf.inputs.filter((a) => !a.numberAttr).length : 0;
  const arityFits = (n: number) => !tf || (tf.inputs.some((a) => a.numberAttr) ? n > fixed : n === fixed);
  const tfAttrs = (attrs: tg.AttrMap): tg.AttrMap => (tf ? Object.fromEntries(Object.entries(attrs).filter(([k]) => tf.attrs.some((a) => a.name === k))) : attrs);
  for (const t of TEMPLATES) {
    if (!arityFits(t.length)) continue;
    for (const attrs of ATTR_OPTIONS) {
      try {
        return makeOp(def, t.map((k) => p[k]), tfAttrs(attrs), { graph: g, name: `the_${def.type}`, controlInputs: [ctrl] });
      } catch {
        // try the next template
      }
    }
  }
  return null;
}
