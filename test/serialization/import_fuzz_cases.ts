import { mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { registeredOpTypes } from '../../ops/registry.js';
import { decodeMessage, encodeMessage, pb } from '../../serialization/codec.js';
import type { AttrValueObj, GraphDef, MetaGraphDef, NodeDef } from '../../serialization/types.js';
import { tempDir } from './fixtures.js';
import { toText } from './text_writer.js';
import { importMutatedOnnx, onnxBases } from './import_fuzz_onnx.js';

/**
 * One case of the import-then-run fuzz (issue 10): a valid model file of one format, mutated
 * (structure-aware edits of its GraphDef, then sometimes raw byte or text edits), imported into a
 * graph that already holds an op, and run in a Session when the import succeeds. Cases are
 * numbered and derive their randomness from (seed, format, index) only, so any case replays alone.
 */
export const FORMATS = ['graphdef', 'pbtxt', 'meta', 'savedmodel', 'onnx'] as const;
export type Format = (typeof FORMATS)[number];

export type Outcome = 'ran' | 'typedImport' | 'typedRun' | 'untyped' | 'partial' | 'codeRan';
export interface CaseResult {
  outcome: Outcome;
  /** For failures: what went wrong, to replay and fix. */
  detail?: string;
}

type Rand = () => number;

/** A deterministic PRNG (xorshift32) seeded from the case's coordinates. */
export function caseRng(seed: number, format: Format, index: number): Rand {
  let s = (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(FORMATS.indexOf(format) + 1, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const utf8 = new TextEncoder();

/** The valid model every case starts from, in each format. */
export interface Base {
  dir: string;
  def: GraphDef;
  meta: MetaGraphDef;
  savedModel: { meta_graphs: MetaGraphDef[] };
  savedModelDir: string;
  /** ONNX models written by PyTorch (test/fixtures/onnx). */
  onnx: Uint8Array[];
}

export async function makeBase(): Promise<Base> {
  const dir = tempDir('import-fuzz');
  const g = new tg.Graph();
  const { sess, y } = await g.asDefault(async () => {
    const x = tg.placeholder('float32', [null, 4], 'x');
    const w = new tg.Variable(tg.NDArray.from([[1, 0, 2], [0, 1, 0], [1, 1, 1], [-1, 0, 1]]), { name: 'W' });
    const b = new tg.Variable(tg.NDArray.from([0.5, -0.5, 0]), { name: 'b' });
    const h = tg.nn.leakyRelu(tg.add(tg.matMul(x, w), b), 0.1);
    const s = tg.addN([h, h, tg.mul(h, 2)]);
    const c = tg.concat([s, tg.nn.relu6(h)], 1);
    const p = tg.stack([c, tg.sigmoid(c)], 0);
    const y = tg.identity(tg.reduceMean(tg.exp(tg.neg(tg.square(p))), [0, 2]), 'y');
    const loss = tg.reduceSum(tg.square(tg.sub(h, 1)), undefined, false, 'loss');
    new tg.train.GradientDescentOptimizer(0.1).minimize(loss, { name: 'train' });
    const sess = new tg.Session({ graph: g });
    await sess.run(tg.globalVariablesInitializer(g));
    return { sess, y };
  });
  const saver = new tg.train.Saver({ graph: g });
  const prefix = await saver.save(sess, join(dir, 'base'));
  const meta = decodeMessage<MetaGraphDef>(pb.MetaGraphDef, (await import('node:fs')).readFileSync(`${prefix}.meta`), 'meta');
  const savedModelDir = join(dir, 'sm');
  tg.savedModel.save(sess, savedModelDir, { signatureDefs: { serving_default: { inputs: { x: g.getTensorByName('x:0') }, outputs: { y } } } });
  const savedModel = decodeMessage<{ meta_graphs: MetaGraphDef[] }>(pb.SavedModel, (await import('node:fs')).readFileSync(join(savedModelDir, 'saved_model.pb')), 'sm');
  return { dir, def: g.toGraphDef(), meta, savedModel, savedModelDir, onnx: onnxBases() };
}

// ---- mutations ----

const HOSTILE_STRINGS = ["0+(globalThis.__tgFuzzRan=1,0)", '__proto__', 'constructor', 'toString', '', 'float32', 'NHWC', 'SAME', '\u0000'];

function hostileAttr(r: Rand): AttrValueObj {
  switch (Math.floor(r() * 12)) {
    case 0: return { s: utf8.encode(pick(r, HOSTILE_STRINGS)) };
    case 1: return { i: pick(r, [-1, 0, 1, 2, 3, 7, 2 ** 31, 2 ** 53 + 2, -(2 ** 40)]) };
    case 2: return { f: pick(r, [NaN, Infinity, -Infinity, -0, 1e38, 1e-45, 0.5]) };
    case 3: return { b: r() < 0.5 };
    case 4: return { type: pick(r, [0, 1, 2, 3, 7, 9, 10, 19, 101, 999]) };
    case 5: return { shape: pick(r, [{ unknown_rank: true }, { dim: [] }, { dim: [{ size: -1 }, { size: 4 }] }, { dim: [{ size: -7 }] }, { dim: [{ size: 3 }, { size: 3 }] }]) };
    case 6: return { list: pick(r, [{}, { i: [1, 1, 1, 1] }, { i: [0, -1] }, { f: [NaN] }, { s: [utf8.encode('x')] }, { type: [1, 3] }, { b: [true] }]) };
    case 7: return { tensor: { dtype: pick(r, [1, 3, 10, 7, 2]), tensor_shape: { dim: [{ size: pick(r, [0, 1, 3, -1, 1000]) }] }, float_val: [1, 2], int_val: [3] } };
    case 8: return { func: { name: 'f' } };
    case 9: return {};
    case 10: return { placeholder: 'T' };
    default: return { list: { shape: [{ dim: [] }] } };
  }
}

const ATTR_NAMES = ['T', 'N', 'alpha', 'dtype', 'shape', 'value', 'keep_dims', 'axis', 'transpose_a', 'Tidx', '__proto__', 'constructor', 'toString', '_class'];

function allAttrs(def: GraphDef): AttrValueObj[] {
  return def.node.flatMap((n) => Object.values(n.attr ?? {}));
}

/** Edits the GraphDef's structure: attrs, inputs, op types, names, tensors. */
function mutateDef(def: GraphDef, r: Rand): GraphDef {
  const d = structuredClone(def) as GraphDef;
  const edits = 1 + Math.floor(r() * 3);
  for (let k = 0; k < edits && d.node.length > 0; k++) {
    const n: NodeDef = pick(r, d.node);
    const names = Object.keys(n.attr ?? {});
    const inputs = n.input ?? [];
    switch (Math.floor(r() * 11)) {
      case 0: // an attr takes another node's attr value (kind confusion)
        if (names.length > 0) n.attr![pick(r, names)] = structuredClone(pick(r, allAttrs(d)));
        break;
      case 1: // an attr takes a hostile value
        n.attr = { ...(n.attr ?? {}), [names.length > 0 && r() < 0.7 ? pick(r, names) : pick(r, ATTR_NAMES)]: hostileAttr(r) };
        break;
      case 2:
        if (inputs.length > 0) inputs.splice(Math.floor(r() * inputs.length), 1);
        break;
      case 3:
        if (inputs.length > 0) inputs.push(pick(r, inputs));
        break;
      case 4: {
        const src = pick(r, d.node).name;
        inputs.splice(Math.floor(r() * (inputs.length + 1)), 0, pick(r, [src, `${src}:${Math.floor(r() * 4)}`, `^${src}`, `${src}:-1`, `${src}:99999999999`, 'nope:0']));
        n.input = inputs;
        break;
      }
      case 5:
        n.op = pick(r, registeredOpTypes());
        break;
      case 6:
        d.node.splice(d.node.indexOf(n), 1);
        break;
      case 7:
        n.name = pick(r, ['__proto__', 'constructor', 'toString', pick(r, d.node).name, '', 'a/b', 'x:0', '^y']);
        break;
      case 8: { // a Const's tensor
        const c = d.node.filter((m) => m.op === 'Const');
        const t = c.length > 0 ? pick(r, c).attr?.value?.tensor : undefined;
        if (!t) break;
        const f = Math.floor(r() * 5);
        if (f === 0) t.dtype = pick(r, [1, 3, 9, 10, 7, 2, 0, 200]);
        else if (f === 4) {
          // string tensors: string_val against the shape, and tensor_content in TF's string-list
          // layout with truncated or absurd varint lengths
          t.dtype = 7;
          t.string_val = Array.from({ length: Math.floor(r() * 4) }, () => new TextEncoder().encode(pick(r, ['', 'a', 'ünï', 'x'.repeat(300)])));
          if (r() < 0.5) t.tensor_content = Uint8Array.from(pick(r, [[0x80], [0xff, 0xff, 0xff, 0xff, 0x0f], [2, 1, 0x61], [1, 0x61, 0x62], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]]));
          if (r() < 0.5) t.tensor_shape = { dim: [{ size: pick(r, [0, 1, 2, 3, 1e9, 2 ** 40]) }] };
        }
        else if (f === 1) t.tensor_shape = { dim: Array.from({ length: Math.floor(r() * 4) }, () => ({ size: pick(r, [0, 1, 2, 4, -1, 3]) })) };
        else if (f === 2) t.tensor_content = t.tensor_content?.slice(0, Math.floor(r() * t.tensor_content.length));
        else {
          t.float_val = [pick(r, [NaN, -1, 0, 3, 1e30])];
          t.int_val = [pick(r, [-1, 0, 1, 2, 3])];
        }
        break;
      }
      case 9:
        n.device = pick(r, ['/device:CPU:0', '/device:GPU:7', '__proto__', '']);
        break;
      default: // a node copied under a new name: duplicate structure, fresh edges
        d.node.push({ ...structuredClone(n), name: `${n.name}_dup${k}` });
    }
  }
  return d;
}

/** Edits a MetaGraphDef's collections and signatures (what import reads besides the graph). */
function mutateMeta(meta: MetaGraphDef, r: Rand): MetaGraphDef {
  const m = structuredClone(meta) as MetaGraphDef;
  const cols = (m.collection_def ??= {});
  const keys = Object.keys(cols);
  switch (Math.floor(r() * 5)) {
    case 0:
      if (keys.length > 0) cols[pick(r, keys)] = { node_list: { value: [pick(r, ['nope', '__proto__', 'W', 'W:0', 'y:3', ''])] } };
      break;
    case 1:
      if (keys.length > 0) cols[pick(r, keys)] = { bytes_list: { value: [mutateBytes(utf8.encode('\n\x03W:0\x12\x08W/Assign\x1a\x08W/read:0'), r)] } };
      break;
    case 2:
      cols[pick(r, ['__proto__', 'constructor', 'variables', 'trainable_variables', 'train_op'])] = { node_list: { value: ['W'] } };
      break;
    case 3: {
      const sig = m.signature_def?.serving_default;
      if (sig?.outputs) for (const o of Object.values(sig.outputs)) o.name = pick(r, ['nope:0', 'y:7', 'x:0', '__proto__', 'W']);
      break;
    }
    default: {
      const sig = m.signature_def?.serving_default;
      if (sig?.inputs) for (const o of Object.values(sig.inputs)) o.name = pick(r, ['nope:0', 'y:0', 'W/read:0', 'constructor']);
    }
  }
  return m;
}

function mutateBytes(src: Uint8Array, r: Rand): Uint8Array {
  if (r() < 0.2) return src.slice(0, Math.floor(r() * src.length));
  const out = Uint8Array.from(src);
  const flips = 1 + Math.floor(r() * 4);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(r() * out.length);
    out[at] = r() < 0.5 ? out[at] ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
  }
  return out;
}

const TEXT_TOKENS = ['__proto__ { }', 'constructor: 1', 'toString: "x"', 'hasOwnProperty {', '}', '{', '"', '\\', ': 1e999', 'nan', ': -', 'node {', 'attr { key: "__proto__" value { i: 1 } }', '#', '\n', 'type: toString'];

function mutateText(src: string, r: Rand): string {
  const at = Math.floor(r() * src.length);
  switch (Math.floor(r() * 4)) {
    case 0: return src.slice(0, at) + src.slice(at + 1 + Math.floor(r() * 20));
    case 1: return src.slice(0, at) + pick(r, TEXT_TOKENS) + src.slice(at);
    case 2: {
      const lines = src.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[Math.floor(r() * lines.length)]);
      return lines.join('\n');
    }
    default: return src.slice(0, at);
  }
}

// ---- running ----

function feedsFor(graph: tg.Graph): Map<tg.Tensor, tg.NDArray> {
  const feeds = new Map<tg.Tensor, tg.NDArray>();
  for (const op of graph.getOperations()) {
    if (op.type !== 'Placeholder') continue;
    const t = op.outputs[0];
    const shape = t.shape === null ? [2] : t.shape.map((dim) => (dim === null ? 2 : dim));
    if (shape.reduce((a, b) => a * b, 1) > 1e5) continue;
    const size = shape.reduce((a, b) => a * b, 1);
    feeds.set(t, tg.NDArray.from(t.dtype === 'float32' ? new Float32Array(size).fill(0.5) : t.dtype === 'bool' ? new Uint8Array(size).fill(1) : new Int32Array(size).fill(1), shape, t.dtype));
  }
  return feeds;
}

/** Initializes variables (Assign ops) and runs every sink (an op nothing reads). */
async function runImported(graph: tg.Graph, ops: readonly tg.Operation[]): Promise<void> {
  const sess = new tg.Session({ graph });
  const feeds = feedsFor(graph);
  const assigns = ops.filter((o) => o.type === 'Assign');
  if (assigns.length > 0) await sess.run(assigns, feeds);
  const read = new Set(ops.flatMap((o) => [...o.inputs.map((t) => t.op), ...o.controlInputs]));
  const sinks = ops.filter((o) => !read.has(o));
  await sess.run(sinks, feeds);
  const tensors = sinks.flatMap((o) => o.outputs).filter((t) => !feeds.has(t));
  if (tensors.length > 0) await sess.run(tensors, feeds);
}

const isTyped = (e: unknown): boolean => e instanceof tg.TensorGraphError;
const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e));
/** An untyped error is a bug to fix: where it was thrown helps. */
const withStack = (e: unknown): string => `${describeError(e)}${e instanceof Error ? ` ${(e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' < ')}` : ''}`;

const ranFlag = (): boolean => (globalThis as Record<string, unknown>).__tgFuzzRan !== undefined;

/** Runs case `index` of `format`; a payload that ran is reported whatever else happened. */
export async function runCase(base: Base, seed: number, format: Format, index: number, workDir: string): Promise<CaseResult> {
  const result = await runCaseInner(base, seed, format, index, workDir);
  return ranFlag() ? { outcome: 'codeRan', detail: 'a payload from the file executed' } : result;
}

async function runCaseInner(base: Base, seed: number, format: Format, index: number, workDir: string): Promise<CaseResult> {
  const r = caseRng(seed, format, index);
  const def = r() < 0.85 ? mutateDef(base.def, r) : base.def;
  const metaEdit = (meta: MetaGraphDef): MetaGraphDef => (r() < 0.3 ? mutateMeta(meta, r) : meta);
  const raw = r() < 0.35;
  const target = new tg.Graph();
  target.asDefault(() => tg.constant(1, { name: 'sentinel' }));
  const before = target.getOperations().length;
  const sess = format === 'savedmodel' ? new tg.Session({ graph: target }) : null;
  const doImport = (): void => {
    if (format === 'graphdef') {
      const bytes = tg.graphUtil.encodeGraphDef(def);
      tg.importGraphDef(raw ? mutateBytes(bytes, r) : bytes, { graph: target, source: 'fuzz.pb' });
    } else if (format === 'pbtxt') {
      const text = toText(pb.GraphDef, def as unknown as Record<string, unknown>);
      tg.importGraphDef(tg.graphUtil.parseGraphDefText(raw ? mutateText(text, r) : text, 'fuzz.pbtxt'), { graph: target, source: 'fuzz.pbtxt' });
    } else if (format === 'meta') {
      const bytes = encodeMessage(pb.MetaGraphDef, { ...metaEdit(base.meta), graph_def: def });
      const file = join(workDir, 'fuzz.meta');
      writeFileSync(file, raw ? mutateBytes(bytes, r) : bytes);
      tg.train.importMetaGraph(file, { graph: target });
    } else if (format === 'onnx') {
      importMutatedOnnx(base.onnx, r, raw, target);
    } else {
      const m0 = base.savedModel.meta_graphs[0];
      const bytes = encodeMessage(pb.SavedModel, { ...base.savedModel, meta_graphs: [{ ...metaEdit(m0), graph_def: def }] });
      writeFileSync(join(workDir, 'sm', 'saved_model.pb'), raw ? mutateBytes(bytes, r) : bytes);
      tg.savedModel.load(sess!, ['serve'], join(workDir, 'sm'));
    }
  };
  try {
    doImport();
  } catch (e) {
    const after = target.getOperations().length;
    if (!isTyped(e)) return { outcome: 'untyped', detail: `import: ${withStack(e)}` };
    if (after !== before) return { outcome: 'partial', detail: `${after - before} ops left after ${describeError(e)}` };
    return { outcome: 'typedImport' };
  }
  try {
    await runImported(target, target.getOperations().filter((o) => o.name !== 'sentinel'));
    return { outcome: 'ran' };
  } catch (e) {
    return isTyped(e) ? { outcome: 'typedRun' } : { outcome: 'untyped', detail: `run: ${withStack(e)}` };
  }
}

/** A private copy of the SavedModel directory for one worker (cases overwrite saved_model.pb). */
export function workDirFor(base: Base): string {
  const dir = tempDir('import-fuzz-work');
  mkdirSync(join(dir, 'sm'), { recursive: true });
  cpSync(base.savedModelDir, join(dir, 'sm'), { recursive: true });
  return dir;
}
