import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { ALL_OPS } from '../../ops/registry.js';
import { argSpans, nodeDefOf, toGraphDef } from '../../serialization/graph_def.js';
import { TF_DTYPE, tfDTypeEnum } from '../../serialization/dtypes.js';
import { tfOpDef } from '../../serialization/tf_op_attrs.js';
import type { AttrValueObj, NodeDef } from '../../serialization/types.js';
import { instantiate, pool } from './op_instances.js';

const utf8d = new TextDecoder();

/** A NodeDef's attrs as plain values, for deep comparisons. */
function plain(a: AttrValueObj): unknown {
  if (a.s !== undefined) return { s: utf8d.decode(a.s) };
  if (a.tensor !== undefined) return { tensor: true };
  if (a.list !== undefined) return { list: Object.fromEntries(Object.entries(a.list).filter(([, v]) => (v as unknown[]).length > 0).map(([k, v]) => [k, k === 's' ? (v as Uint8Array[]).map((x) => utf8d.decode(x)) : v])) };
  return a;
}

function attrsOf(node: NodeDef): Record<string, unknown> {
  return Object.fromEntries(Object.entries(node.attr ?? {}).map(([k, v]) => [k, plain(v)]));
}

function buildAll(): tg.Graph {
  const g = new tg.Graph();
  const p = pool(g);
  const ctrl = g.asDefault(() => tg.noOp('ctrl'));
  for (const def of ALL_OPS) if (!instantiate(def, g, p, ctrl)) throw new Error(`no instance of ${def.type}`);
  return g;
}

const SUMMARY_TYPES = new Set(['ScalarSummary', 'HistogramSummary', 'MergeSummary']);

const F = TF_DTYPE.float32;
const I32 = TF_DTYPE.int32;

describe("serialization/tf_op_attrs: exported NodeDefs carry exactly TF's attrs", () => {
  it('has a TF op def for every registered op type', () => {
    expect(ALL_OPS.map((d) => d.type).filter((t) => !tfOpDef(t))).to.deep.equal([]);
  });

  it('every op type: attr names are those of TF op def; type attrs, counts and fixed types match the tensors', () => {
    const g = buildAll();
    const seen = new Set<string>();
    for (const op of g.getOperations()) {
      if (seen.has(op.type)) continue;
      seen.add(op.type);
      const tf = tfOpDef(op.type)!;
      const node = nodeDefOf(op);
      const what = `${op.name} (${op.type})`;
      expect(Object.keys(node.attr ?? {}).sort(), `${what} attr names`).to.deep.equal(tf.attrs.map((a) => a.name).sort());
      // Our summary ops: the tag is an attr, exported as a DT_STRING Const that is input 0 of the
      // NodeDef; it stands for TF's DT_STRING input here. A serialized Summary is a string scalar, as TF's.
      const tagged = op.type === 'ScalarSummary' || op.type === 'HistogramSummary';
      if (tagged) expect(node.input![0], `${what}: tag Const input`).to.equal(`${op.name}/${op.type === 'ScalarSummary' ? 'tags' : 'tag'}`);
      const TAG = 'tag' as const;
      const ins: readonly (tg.Tensor | typeof TAG)[] = tagged ? [TAG, ...op.inputs] : op.inputs;
      const tfDType = (t: tg.Tensor | typeof TAG): number => {
        if (t === TAG) return tfDTypeEnum('DT_STRING');
        if (SUMMARY_TYPES.has(t.op.type)) expect(`${t.dtype}${JSON.stringify(t.shape)}`, `${what}: a summary is a string scalar`).to.equal('string[]');
        return TF_DTYPE[t.dtype];
      };
      const sides: [string, typeof tf.inputs, readonly (tg.Tensor | typeof TAG)[]][] = [['input', tf.inputs, ins], ['output', tf.outputs, op.outputs]];
      for (const [side, args, tensors] of sides) {
        const lists = args.filter((a) => a.numberAttr).length;
        if (lists === 0) expect(tensors.length, `${what}: ${side} count`).to.equal(args.length);
        else expect(tensors.length, `${what}: ${side} count`).to.be.at.least(args.length - lists);
        const spans = argSpans(args, tensors.length);
        args.forEach((a, k) => {
          const [start, len] = spans[k];
          if (a.numberAttr) expect(node.attr![a.numberAttr].i, `${what}: ${a.numberAttr}`).to.equal(len);
          for (let j = start; j < start + len; j++) {
            // a `[Ts]` list is typed one by one by its list(type) attr
            const want = a.type ? tfDTypeEnum(a.type) : a.typeListAttr ? node.attr![a.typeListAttr].list!.type![j - start] : node.attr![a.typeAttr!].type;
            expect(tfDType(tensors[j]), `${what}: ${side} ${a.name} dtype`).to.equal(want);
          }
        });
      }
      for (const a of tf.attrs) {
        const v = node.attr![a.name];
        const key = a.kind === 'type' ? 'type' : a.kind === 'int' ? 'i' : a.kind === 'float' ? 'f' : a.kind === 'bool' ? 'b' : a.kind === 'string' ? 's' : a.kind.startsWith('list') ? 'list' : a.kind;
        expect(v[key as keyof AttrValueObj], `${what}: attr ${a.name} is a ${a.kind}`).to.not.equal(undefined);
      }
    }
    expect([...seen].sort()).to.deep.equal(ALL_OPS.map((d) => d.type).sort());
  });

  it('hand-checked nodes', () => {
    const g = new tg.Graph();
    const ops = g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 3], 'x');
      const mm = tg.matMul(x, tg.constant(tg.NDArray.from(new Float32Array(6), [3, 2]), { name: 'w' }), { transposeB: false });
      const r = tg.reshape(mm, [4]);
      const s = tg.reduceSum(x, [1]);
      const c = tg.concat([x, x], 1);
      const img = tg.placeholder('float32', [1, 4, 4, 2], 'img');
      const conv = tg.nn.conv2d(img, tg.ones([2, 2, 2, 3]), { strides: 1, padding: 'SAME' });
      const cast = tg.cast(x, 'int32');
      const v = new tg.Variable(tg.NDArray.from([1, 2]), { name: 'var' });
      return { mm, r, s, c, conv, cast, v };
    });
    const n = (t: tg.Tensor | tg.Operation) => attrsOf(nodeDefOf(t instanceof tg.Tensor ? t.op : t));
    expect(n(ops.mm)).to.deep.equal({ T: { type: F }, transpose_a: { b: false }, transpose_b: { b: false } });
    expect(n(ops.r)).to.deep.equal({ T: { type: F }, Tshape: { type: I32 } });
    expect(n(ops.s)).to.deep.equal({ T: { type: F }, Tidx: { type: I32 }, keep_dims: { b: false } });
    expect(n(ops.c)).to.deep.equal({ N: { i: 2 }, T: { type: F }, Tidx: { type: I32 } });
    expect(n(ops.conv)).to.deep.equal({
      T: { type: F },
      strides: { list: { i: [1, 1, 1, 1] } },
      use_cudnn_on_gpu: { b: true },
      padding: { s: 'SAME' },
      explicit_paddings: { list: {} },
      data_format: { s: 'NHWC' },
      dilations: { list: { i: [1, 1, 1, 1] } },
    });
    expect(n(ops.cast)).to.deep.equal({ SrcT: { type: F }, DstT: { type: I32 }, Truncate: { b: false } });
    expect(n(g.getOperationByName('w'))).to.deep.equal({ dtype: { type: F }, value: { tensor: true } });
    expect(n(g.getOperationByName('x'))).to.deep.equal({ dtype: { type: F }, shape: { shape: { dim: [{ size: 2 }, { size: 3 }] } } });
    expect(n(ops.v.ref.op)).to.deep.equal({ shape: { shape: { dim: [{ size: 2 }] } }, dtype: { type: F }, container: { s: '' }, shared_name: { s: '' } });
  });

  it('a Placeholder of unknown shape gets the unknown-rank shape; float attrs are floats even when integral', () => {
    const g = new tg.Graph();
    const y = g.asDefault(() => tg.nn.localResponseNormalization(tg.placeholder('float32', null, 'p'), { depthRadius: 2 }));
    expect(attrsOf(nodeDefOf(g.getOperationByName('p')))).to.deep.equal({ dtype: { type: F }, shape: { shape: { unknown_rank: true } } });
    expect(attrsOf(nodeDefOf(y.op))).to.deep.equal({ T: { type: F }, depth_radius: { i: 2 }, bias: { f: 1 }, alpha: { f: 1 }, beta: { f: 0.5 } });
  });

  it('drops attrs TF does not define (MaxPoolGradGrad has no explicit_paddings) and adds those it does (Equal: incompatible_shape_error)', () => {
    const g = new tg.Graph();
    const { gg, eq } = g.asDefault(() => {
      const x = tg.placeholder('float32', [1, 3, 3, 1], 'x');
      const d = tg.gradients(tg.reduceSum(tg.nn.maxPool(x, { ksize: 2, strides: 1, padding: 'VALID' })), [x])[0]!;
      const gg = tg.gradients(tg.reduceSum(tg.mul(d, d)), [x])[0]!;
      return { gg, eq: tg.equal(x, x) };
    });
    const ggOp = g.getOperations().find((o) => o.type === 'MaxPoolGradGrad')!;
    void gg;
    expect(ggOp.attrs).to.have.property('explicit_paddings');
    expect(Object.keys(nodeDefOf(ggOp).attr!).sort()).to.deep.equal(['T', 'data_format', 'ksize', 'padding', 'strides']);
    expect(attrsOf(nodeDefOf(eq.op))).to.deep.equal({ T: { type: F }, incompatible_shape_error: { b: true } });
  });

  it('stripDefaultAttrs leaves out attrs at TF default, and import reads them back', () => {
    const g = new tg.Graph();
    const y = g.asDefault(() => tg.matMul(tg.placeholder('float32', [2, 2], 'a'), tg.placeholder('float32', [2, 2], 'b'), { transposeA: true }));
    const def = toGraphDef(g, { stripDefaultAttrs: true });
    const node = def.node.find((x) => x.name === y.op.name)!;
    expect(attrsOf(node)).to.deep.equal({ T: { type: F }, transpose_a: { b: true } });
    const back = new tg.Graph();
    tg.importGraphDef(def, { graph: back });
    expect(back.getOperationByName(y.op.name).attrs).to.deep.equal(y.op.attrs);
  });

  it('import of a TF-written node keeps what our op holds and drops what only TF needs', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const a = tg.placeholder('float32', [2], 'a');
      tg.equal(a, a, 'eq');
      tg.addN([a, a], 'sum');
    });
    const back = new tg.Graph();
    tg.importGraphDef(toGraphDef(g), { graph: back });
    expect(back.getOperationByName('eq').attrs).to.deep.equal({});
    expect(back.getOperationByName('sum').attrs).to.deep.equal({ N: 2 });
  });
});
