import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import * as tg from '../../src/index.js';
import { ONNX_IMPORTS } from '../../serialization/onnx/import/table.js';
import { fixture } from './fixtures.js';
import { i64, makeModel } from './onnx_import/helpers.js';

const { onnx } = onnxProto;
type Rand = () => number;
type Model = onnxProto.onnx.ModelProto;

/**
 * The ONNX format of the import-then-run fuzz: the PyTorch-exported fixtures, edited the way a
 * corrupt or hostile file would be (operators, attributes of the wrong kind or value, dangling
 * and duplicated edges, initializers whose dims, type or bytes disagree, opsets and value types
 * out of range), then sometimes byte-flipped. The importer must build the model or refuse it
 * with a typed error and leave the target graph as it was.
 */
export function onnxBases(): Uint8Array[] {
  const torch = ['torch_mlp', 'torch_cnn_bn', 'torch_branches'].map((n) => new Uint8Array(readFileSync(fixture(`onnx/${n}.onnx`))));
  return [...torch, composedOps()];
}

/** A model of the operators the importer composes from several ops (pads, resizes, pools, splits). */
export function composedOps(): Uint8Array {
  return makeModel({
    opset: 19,
    nodes: [
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p'], attrs: { mode: { s: 'reflect' } } },
      { op: 'Resize', inputs: ['p', '', 'scales'], outputs: ['r'], attrs: { mode: { s: 'cubic' } } },
      { op: 'MaxPool', inputs: ['r'], outputs: ['m'], attrs: { kernel_shape: { ints: [2, 2] }, dilations: { ints: [2, 2] }, ceil_mode: { i: 1 } } },
      { op: 'AveragePool', inputs: ['m'], outputs: ['a'], attrs: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 0, 1, 2] }, count_include_pad: { i: 1 } } },
      { op: 'Split', inputs: ['a'], outputs: ['s0', 's1'], attrs: { axis: { i: 1 }, num_outputs: { i: 2 } } },
      { op: 'Concat', inputs: ['s1', 's0'], outputs: ['c'], attrs: { axis: { i: 1 } } },
      { op: 'Slice', inputs: ['c', 'starts', 'ends', 'axes', 'steps'], outputs: ['sl'] },
      { op: 'ReduceMean', inputs: ['sl', 'raxes'], outputs: ['rm'] },
      { op: 'Gather', inputs: ['rm', 'idx'], outputs: ['g'], attrs: { axis: { i: 1 } } },
      { op: 'LRN', inputs: ['c'], outputs: ['l'], attrs: { size: { i: 3 } } },
      { op: 'ConvTranspose', inputs: ['l', 'w'], outputs: ['ct'], attrs: { strides: { ints: [2, 2] }, output_padding: { ints: [1, 1] } } },
      { op: 'Shape', inputs: ['ct'], outputs: ['shp'] },
      { op: 'ConstantOfShape', inputs: ['shp'], outputs: ['ones'], attrs: { value: { t: tg.NDArray.from([1], [1]) } } },
      { op: 'Add', inputs: ['ct', 'ones'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: [null, 2, 6, 6] }],
    outputs: [{ name: 'g', dtype: 'float32', shape: null }, { name: 'y', dtype: 'float32', shape: null }],
    initializers: {
      pads: i64([0, 0, 1, 2, 0, 0, 2, 1]),
      scales: tg.NDArray.from([1, 1, 1.5, 1.5], [4]),
      starts: i64([0, -1]), ends: i64([2 ** 62, -(2 ** 62)]), axes: i64([1, 3]), steps: i64([1, -2]),
      raxes: i64([2]),
      idx: i64([1, -1]),
      w: tg.NDArray.from(Float32Array.from({ length: 2 * 3 * 3 * 3 }, (_v, i) => Math.sin(i)), [2, 3, 3, 3]),
    },
  });
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const AT = onnx.AttributeProto.AttributeType;
const OP_TYPES = [...ONNX_IMPORTS.keys(), 'If', 'Loop', 'NonZero', 'Resize', ''];
const ATTR_NAMES = ['axis', 'axes', 'perm', 'pads', 'kernel_shape', 'strides', 'dilations', 'group', 'to', 'value', 'mode', 'auto_pad', 'keepdims', 'split', 'num_outputs', 'size', '__proto__', 'constructor'];
const BIG = [-1, 0, 1, 2, 3, -(2 ** 40), 2 ** 31, 2 ** 53, 1000000];

function hostileAttr(r: Rand, name: string): onnxProto.onnx.IAttributeProto {
  switch (Math.floor(r() * 8)) {
    case 0: return { name, type: AT.INT, i: pick(r, BIG) };
    case 1: return { name, type: AT.FLOAT, f: pick(r, [NaN, Infinity, -1, 0, 1e38]) };
    case 2: return { name, type: AT.STRING, s: new TextEncoder().encode(pick(r, ['SAME_LOWER', 'reflect', 'wrap', '0+(globalThis.__tgFuzzRan=1,0)', '__proto__', ''])) };
    case 3: return { name, type: AT.INTS, ints: Array.from({ length: Math.floor(r() * 6) }, () => pick(r, BIG)) };
    case 4: return { name, type: AT.FLOATS, floats: [NaN, 1] };
    case 5: return { name, type: AT.TENSOR, t: { dataType: pick(r, [1, 7, 9, 11, 0, 99]), dims: [pick(r, [0, 1, 3, 100000])], floatData: [1, 2] } };
    case 6: return { name, type: pick(r, [0, 5, 99]) as onnxProto.onnx.AttributeProto.AttributeType };
    default: return { name, refAttrName: 'x', type: AT.INT };
  }
}

function mutateModel(m: Model, r: Rand): void {
  const g = m.graph!;
  const nodes = g.node!;
  const values = [...(g.input ?? []).map((v) => v.name!), ...(g.initializer ?? []).map((t) => t.name!), ...nodes.flatMap((n) => n.output ?? [])];
  const edits = 1 + Math.floor(r() * 3);
  for (let k = 0; k < edits && nodes.length > 0; k++) {
    const n = pick(r, nodes);
    const attrs = (n.attribute ??= []);
    switch (Math.floor(r() * 12)) {
      case 0: n.opType = pick(r, OP_TYPES); break;
      case 1: {
        const name = attrs.length > 0 && r() < 0.6 ? pick(r, attrs).name! : pick(r, ATTR_NAMES);
        n.attribute = [...attrs.filter((a) => a.name !== name), hostileAttr(r, name)];
        break;
      }
      case 2: if ((n.input ?? []).length > 0) n.input!.splice(Math.floor(r() * n.input!.length), 1); break;
      case 3: n.input = [...(n.input ?? []), pick(r, [...values, '', 'nope'])]; break;
      case 4: if ((n.input ?? []).length > 0) n.input![Math.floor(r() * n.input!.length)] = pick(r, [...values, '']); break;
      case 5: n.output = [pick(r, [...values, ''])]; break;
      case 6: nodes.splice(nodes.indexOf(n), 1); break;
      case 7: n.domain = pick(r, ['com.microsoft', 'ai.onnx', 'custom', '']); break;
      case 8: {
        const t = pick(r, g.initializer ?? []);
        if (!t) break;
        const f = Math.floor(r() * 4);
        if (f === 0) t.dims = Array.from({ length: Math.floor(r() * 4) }, () => pick(r, [0, 1, 2, 3, -1, 2 ** 33]));
        else if (f === 1) t.dataType = pick(r, [1, 6, 7, 9, 10, 11, 8, 0, 77]);
        else if (f === 2 && t.rawData) t.rawData = t.rawData.slice(0, Math.floor(r() * t.rawData.length));
        else t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        break;
      }
      case 9: m.opsetImport = [{ domain: '', version: pick(r, [1, 6, 7, 9, 12, 13, 17, 18, 23, 25, 26, 1000]) }]; break;
      case 10: {
        const v = pick(r, g.input ?? []);
        const tt = v?.type?.tensorType;
        if (!tt) break;
        if (r() < 0.5) tt.elemType = pick(r, [1, 7, 9, 11, 2, 0, 99]);
        else tt.shape = { dim: [{ dimValue: pick(r, [-3, 0, 1, 2 ** 40]) }, { dimParam: '' }] };
        break;
      }
      default: nodes.splice(Math.floor(r() * nodes.length), 0, { ...n, name: `${n.name}_dup`, output: (n.output ?? []).map((o) => `${o}_dup`) });
    }
  }
}

function mutateBytes(src: Uint8Array, r: Rand): Uint8Array {
  if (r() < 0.2) return src.slice(0, Math.floor(r() * src.length));
  const out = Uint8Array.from(src);
  for (let i = 0, flips = 1 + Math.floor(r() * 4); i < flips; i++) {
    const at = Math.floor(r() * out.length);
    out[at] = r() < 0.5 ? out[at] ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
  }
  return out;
}

/** Mutates one of the bases and imports it into `target` (sometimes as trainable). */
export function importMutatedOnnx(bases: readonly Uint8Array[], r: Rand, raw: boolean, target: tg.Graph): void {
  const m = onnx.ModelProto.decode(pick(r, bases));
  if (r() < 0.9) mutateModel(m, r);
  const bytes = onnx.ModelProto.encode(m).finish();
  tg.onnx.importModelBytes(raw ? mutateBytes(bytes, r) : bytes, { graph: target, trainable: r() < 0.3 }, 'fuzz.onnx');
}
