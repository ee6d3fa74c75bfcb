import { AttrMap, NDArray } from '../ir/index.js';
import { getOpDef } from '../../ops/registry.js';
import type { Pass } from './pass.js';
import { constValue, makeNode, ProgramNode, ProgramValue } from './program.js';
import { constNode, Rewrite, RewriteEnv, rewritePass } from './simplify.js';

/**
 * Layout: the CPU kernels of convolutions and pools work in NHWC and convert NCHW operands with a
 * copy on the way in and out of every op. This pass makes those copies explicit Transposes around
 * an NHWC op, sinks Transposes below elementwise ops, and lets simplification's
 * transpose-of-transpose rule cancel the pairs that meet between consecutive ops, so a chain of
 * NCHW convolutions pays for one conversion at each end instead of two per op.
 */

const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];
const SPATIAL_OPS = ['Conv2D', 'MaxPool', 'AvgPool', 'BiasAdd'];

/** A 4-vector attr in NCHW order, in NHWC order. */
const reorder4 = (v: readonly number[]): number[] => [v[0], v[2], v[3], v[1]];

function nhwcAttrs(n: ProgramNode): AttrMap {
  const a: { [k: string]: AttrMap[string] } = { ...n.attrs, data_format: 'NHWC' };
  for (const k of ['strides', 'ksize', 'dilations']) {
    const v = n.attrs[k];
    if (Array.isArray(v) && v.length === 4) a[k] = reorder4(v as number[]);
  }
  const pads = n.attrs.explicit_paddings;
  if (Array.isArray(pads) && pads.length === 8) {
    const p = pads as number[];
    a.explicit_paddings = [p[0], p[1], p[4], p[5], p[6], p[7], p[2], p[3]];
  }
  return a;
}

/** A node of a registered type over `inputs`, its outputs inferred by the op's definition. */
function node(env: RewriteEnv, like: ProgramNode, name: string, type: string, inputs: readonly ProgramValue[], attrs: AttrMap): ProgramNode {
  const def = getOpDef(type);
  const full = { ...(def.attrDefaults ?? {}), ...attrs } as AttrMap;
  const specs = inputs.map((v) => ({ dtype: v.dtype, shape: v.shape, value: constValue(v) }));
  const outputs = def.infer(specs, full, { opName: name, opType: type });
  return makeNode(env.ids, { name, type, def, attrs: full, inputs, outputs, origin: like.origin });
}

function transposeNode(env: RewriteEnv, like: ProgramNode, x: ProgramValue, perm: number[], tag: string): ProgramNode[] {
  const p = constNode(env.ids, `${like.name}/${tag}/perm`, new NDArray('int32', [4], Int32Array.from(perm)), like);
  return [p, node(env, like, `${like.name}/${tag}`, 'Transpose', [x, p.outputs[0]], {})];
}

const nchwToNhwc: Rewrite = {
  name: 'NCHW op run as NHWC between transposes',
  targetOps: SPATIAL_OPS,
  apply(n, env) {
    if (n.attrs.data_format !== 'NCHW' || n.outputs.length !== 1 || n.inputs[0].shape?.length !== 4) return null;
    const [pIn, tIn] = transposeNode(env, n, n.inputs[0], TO_NHWC, 'to_nhwc');
    const op = node(env, n, `${n.name}/nhwc`, n.type, [tIn.outputs[0], ...n.inputs.slice(1)], nhwcAttrs(n));
    const [pOut, tOut] = transposeNode(env, n, op.outputs[0], TO_NCHW, 'to_nchw');
    return { value: tOut.outputs[0], added: [pIn, tIn, op, pOut, tOut] };
  },
};

/** f(Transpose(x)) → Transpose(f(x)) for an elementwise f of one tensor (and scalar constants). */
const sinkTranspose: Rewrite = {
  name: 'transpose sunk below an elementwise op',
  targetOps: ['Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Neg', 'Abs', 'Exp', 'Square', 'Sqrt', 'Softplus', 'LeakyRelu', 'Mul', 'Add', 'AddV2', 'Sub', 'Maximum', 'Minimum'],
  apply(n, env) {
    if (n.def.lowering.kind !== 'elementwise' || n.controlInputs.length > 0) return null;
    const t = n.inputs.findIndex((v) => v.node.type === 'Transpose');
    if (t < 0) return null;
    const tr = n.inputs[t].node;
    const readers = env.uses.readers.get(tr.outputs[0]) ?? [];
    if (readers.length !== 1 || env.uses.fetched.has(tr.outputs[0])) return null;
    const perm = constValue(tr.inputs[1]);
    if (!perm) return null;
    // the other operands must be single-value constants of no higher rank than the transpose, which
    // no permutation changes (a [1,1,1] one would add a dim the sunk transpose does not know)
    if (n.inputs.some((v, i) => i !== t && ((constValue(v)?.size ?? 0) !== 1 || v.shape === null || v.shape.length > perm.size))) return null;
    const inner = node(env, n, `${n.name}/unpermuted`, n.type, n.inputs.map((v, i) => (i === t ? tr.inputs[0] : v)), n.attrs);
    const out = node(env, n, `${n.name}/permuted`, 'Transpose', [inner.outputs[0], tr.inputs[1]], {});
    return { value: out.outputs[0], added: [inner, out] };
  },
};

/**
 * BiasAdd in NHWC is an Add that broadcasts along the last dim: as an Add it joins elementwise
 * fusion and so the epilogue of the Conv2D or MatMul before it. Only when the channel counts are
 * known to agree (BiasAdd's own check would otherwise be lost).
 */
const biasAddAsAdd: Rewrite = {
  name: 'NHWC BiasAdd as a broadcasting Add',
  targetOps: ['BiasAdd'],
  apply(n, env) {
    if (n.attrs.data_format !== 'NHWC' || n.controlInputs.length > 0) return null;
    const [x, b] = n.inputs;
    const c = x.shape?.[x.shape.length - 1];
    if (c === null || c === undefined || b.shape?.length !== 1 || b.shape[0] !== c || x.dtype !== b.dtype) return null;
    const add = node(env, n, `${n.name}/add`, 'AddV2', [x, b], {});
    return { value: add.outputs[0], added: [add] };
  },
};

export const layoutPass: Pass = rewritePass('layout', [nchwToNhwc, sinkTranspose, biasAddAsAdd]);
