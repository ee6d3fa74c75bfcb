import { existsSync, mkdirSync, readdirSync, readFileSync, requireFileSystem } from '../platform/fs.js';
import { join } from '../platform/path.js';
import { Graph, InvalidArgumentError, NDArray, NotFoundError, Tensor, UnimplementedError } from '../graph/ir/index.js';
import { callsFunctions, inlineFunctions } from './function_inline.js';
import { importGraphDef } from './import_graph_def.js';
import { isObjectBased, readObjectBasedVariables } from './saved_model_v2.js';
import { addObjectVariables } from './saved_model_v2_variables.js';
import { hasOpDef } from '../ops/registry.js';
import { globalVariables } from '../ops/state/variable.js';
import { writeFileAtomic } from './checkpoint/atomic_file.js';
import { writeBundle } from './checkpoint/bundle.js';
import { readForRestore } from './checkpoint/restore.js';
import { decodeMessage, encodeMessage, pb } from './codec.js';
import { fromTfDTypeOrNull, TF_DTYPE } from './dtypes.js';
import { extractSubGraph } from './graph_util.js';
import { defaultSaverDef, exportMetaGraph, graphDefForImport, importMetaGraphDef } from './meta_graph.js';
import { shapeToProto } from './tensor_proto.js';
import { parseInputName } from './graph_def.js';
import type { GraphDef, MetaGraphDef, NodeDef, SignatureDef, TensorInfo } from './types.js';

/** What SavedModel save/load need from a session. */
export interface SessionLike {
  readonly graph: Graph;
  variableValue(name: string): NDArray | undefined;
  setVariableValues(values: ReadonlyMap<string, NDArray>): void;
}

export interface SignatureSpec {
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
  methodName?: string;
}

export interface SavedModelSaveOptions {
  tags?: readonly string[];
  signatureDefs?: Record<string, SignatureSpec>;
}

/** A loaded signature: keys → tensor names (with dtype and shape). */
export interface LoadedSignature {
  inputs: Record<string, { name: string; dtype: number; shape: (number | null)[] | null }>;
  outputs: Record<string, { name: string; dtype: number; shape: (number | null)[] | null }>;
  methodName: string;
}

export interface LoadedMetaGraph {
  metaInfoDef: { tags: string[] };
  signatureDef: Record<string, LoadedSignature>;
  /** Signatures left out because their subgraph uses ops tensorgraph lacks, with the reason. */
  skippedSignatures: Record<string, string>;
  /** The raw MetaGraphDef, as decoded. */
  metaGraphDef: MetaGraphDef;
}

const SAVED_MODEL_FILE = 'saved_model.pb';
export const PREDICT_METHOD_NAME = 'tensorflow/serving/predict';

function tensorInfo(t: Tensor): TensorInfo {
  return { name: t.name, dtype: TF_DTYPE[t.dtype], tensor_shape: shapeToProto(t.shape) };
}

/** TF1's SavedModelBuilder with one MetaGraphDef: `saved_model.pb` and `variables/variables.*`. */
export function saveSavedModel(sess: SessionLike, dir: string, options: SavedModelSaveOptions = {}): void {
  requireFileSystem('tg.savedModel.save');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new InvalidArgumentError(`Export directory already exists, and isn't empty. Please choose a different export directory, or delete all the contents of the specified directory: ${dir}`);
  const graph = sess.graph;
  const values = new Map<string, NDArray>();
  for (const v of globalVariables(graph)) {
    const value = sess.variableValue(v.op.name);
    if (!value) throw new InvalidArgumentError(`Attempting to use uninitialized value ${v.op.name} (SavedModel save)`);
    values.set(v.op.name, value);
  }
  const signatureDefs: Record<string, SignatureDef> = Object.create(null) as Record<string, SignatureDef>;
  for (const [key, s] of Object.entries(options.signatureDefs ?? {})) {
    const inputs: Record<string, TensorInfo> = {};
    const outputs: Record<string, TensorInfo> = {};
    for (const [k, t] of Object.entries(s.inputs)) inputs[k] = tensorInfo(t);
    for (const [k, t] of Object.entries(s.outputs)) outputs[k] = tensorInfo(t);
    signatureDefs[key] = { inputs, outputs, method_name: s.methodName ?? PREDICT_METHOD_NAME };
  }
  const meta = exportMetaGraph(graph, { tags: options.tags ?? ['serve'], signatureDefs, saverDef: defaultSaverDef(5, 10000) });
  mkdirSync(join(dir, 'variables'), { recursive: true });
  writeBundle(join(dir, 'variables', 'variables'), values);
  writeFileAtomic(join(dir, SAVED_MODEL_FILE), encodeMessage(pb.SavedModel, { saved_model_schema_version: 1, meta_graphs: [meta] }));
}

/**
 * TF1's loader.load: picks the MetaGraphDef whose tags match, imports its graph into the session's
 * graph and restores the variables. TF's saver subgraph is kept when all its ops exist here (as
 * importMetaGraph does), so the SaverDef's own restore op and save tensor run through `session.run`;
 * when the graph holds ops tensorgraph does not have (e.g. tf.Example parsing), only the part that
 * the signatures, the variables and the saver need is imported. All or nothing: when anything fails (a corrupt or mismatched
 * checkpoint, a bad collection), the session's graph and variables are left as they were.
 */
export function loadSavedModel(sess: SessionLike, tags: readonly string[], dir: string): LoadedMetaGraph {
  requireFileSystem('tg.savedModel.load');
  const file = join(dir, SAVED_MODEL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new NotFoundError(`SavedModel file does not exist at: ${file} (${(e as Error).message})`);
  }
  const sm = decodeMessage<{ meta_graphs?: MetaGraphDef[] }>(pb.SavedModel, bytes, file);
  const want = [...tags].sort().join(',');
  const meta = (sm.meta_graphs ?? []).find((m) => [...(m.meta_info_def?.tags ?? [])].sort().join(',') === want);
  if (!meta) {
    const avail = (sm.meta_graphs ?? []).map((m) => `{${(m.meta_info_def?.tags ?? []).join(', ')}}`).join(' ');
    throw new NotFoundError(`MetaGraphDef associated with tags {${tags.join(', ')}} could not be found in SavedModel ${dir}. Available: ${avail}`);
  }
  let graphDef = graphDefForImport(meta);
  const sigs = meta.signature_def ?? {};
  const needed = new Set<string>();
  // keyed by names from the file: no prototype, so a signature named '__proto__' or 'constructor' is just a key
  const skippedSignatures: Record<string, string> = Object.create(null) as Record<string, string>;
  const placeholders = new Map<string, NodeDef>();
  const byName = new Map(graphDef.node.map((n) => [n.name, n] as const));
  for (const [key, s] of Object.entries(sigs)) {
    // fed inputs cut the graph, as in TF: what produces them need not be importable
    const inputs = new Map(Object.values(s.inputs ?? {}).filter((ti) => ti.name).map((ti) => [parseInputName(ti.name!)[0], ti] as const));
    const outs = Object.values(s.outputs ?? {}).map((ti) => parseInputName(ti.name ?? '')[0]);
    const seen = new Set<string>();
    const stack = [...outs];
    let problem: string | null = null;
    while (stack.length > 0 && !problem) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const node = byName.get(n);
      if (!node) problem = `refers to '${n}', which is not in the graph`;
      else if (!inputs.has(n)) {
        if (!hasOpDef(node.op) && !callsFunctions(node.op)) problem = `needs op '${node.op}', which tensorgraph does not have`;
        for (const i of node.input ?? []) stack.push(parseInputName(i)[0]);
      }
    }
    // what the signature needs must import: its functions inline into ops tensorgraph has, its dtypes are ours
    if (!problem) problem = trialImport(graphDef, seen, inputs, file);
    if (problem) {
      skippedSignatures[key] = problem;
      continue;
    }
    for (const n of seen) needed.add(n);
    for (const [n, ti] of inputs) {
      needed.add(n);
      const node = byName.get(n);
      let ok = !!node;
      try {
        ok = ok && extractSubGraph(graphDef, [n]).node.every((x) => hasOpDef(x.op));
      } catch {
        ok = false;
      }
      if (!ok && ti.dtype) {
        placeholders.set(n, { name: n, op: 'Placeholder', input: [], attr: { dtype: { type: ti.dtype }, shape: { shape: ti.tensor_shape ?? { unknown_rank: true } } } });
      }
    }
  }
  for (const [key, col] of Object.entries(meta.collection_def ?? {})) {
    if (!col.bytes_list || (key !== 'variables' && key !== 'trainable_variables')) continue;
    for (const b of col.bytes_list.value ?? []) {
      const vd = decodeMessage<{ variable_name?: string; initializer_name?: string; snapshot_name?: string }>(pb.VariableDef, b, file);
      for (const n of [vd.variable_name, vd.initializer_name, vd.snapshot_name]) if (n) needed.add(n);
    }
  }
  // TF1's saver subgraph, when kept, is part of what must import: its restore op and save tensor.
  // TF2's saver is a function call (restore_op_name 'StatefulPartitionedCall_n'), not imported:
  // its variables come back through the object-based checkpoint below
  for (const n of [meta.saver_def?.restore_op_name, meta.saver_def?.save_tensor_name]) {
    const node = n ? byName.get(parseInputName(n)[0]) : undefined;
    if (needed.size > 0 && node && hasOpDef(node.op)) needed.add(node.name);
  }
  if (needed.size > 0) {
    graphDef = { ...graphDef, node: graphDef.node.map((n) => placeholders.get(n.name) ?? n) };
    // as in TF, the whole graph is there, not only what the signatures fetch: a tensor such as y2,
    // computable from a fed x, exists even when its own signature (tf.Example in) was skipped
    const whole = extractSubGraph(graphDef, [...needed, ...importableNodes(graphDef)]);
    graphDef = trialImport(whole, new Set(whole.node.map((n) => n.name)), new Map(), file) === null ? whole : extractSubGraph(graphDef, [...needed]);
  }
  const prefix = join(dir, 'variables', 'variables');
  // TF2: resource variables restored from the object-based checkpoint, matched through the object graph
  const objectValues = isObjectBased(meta) ? readObjectBasedVariables(meta, graphDef, prefix, new Set(graphDef.node.map((n) => n.name)), file) : new Map<string, NDArray>();
  const { graphDef: inlined, aliases } = inlineFunctions(graphDef, file);
  // all or nothing: a checkpoint that fails to read takes the imported graph with it
  sess.graph.atomically(() => {
    const vars = importMetaGraphDef({ ...meta, collection_def: pickCollections(meta) }, sess.graph, file, inlined);
    if (vars.size > 0) sess.setVariableValues(readForRestore(prefix, vars));
    if (objectValues.size > 0) {
      sess.setVariableValues(objectValues);
      addObjectVariables(sess.graph, meta, graphDef, objectValues);
    }
  });
  const signatureDef: Record<string, LoadedSignature> = Object.create(null) as Record<string, LoadedSignature>;
  for (const [k, s] of Object.entries(sigs)) {
    if (Object.hasOwn(skippedSignatures, k)) continue;
    const conv = (m: Record<string, TensorInfo> | undefined) =>
      Object.fromEntries(Object.entries(m ?? {}).map(([kk, ti]) => [kk, { name: aliasOf(aliases, ti.name ?? ''), dtype: ti.dtype ?? 0, shape: ti.tensor_shape?.unknown_rank ? null : (ti.tensor_shape?.dim ?? []).map((d) => (d.size === -1 ? null : Number(d.size ?? 0))) }]));
    signatureDef[k] = { inputs: conv(s.inputs), outputs: conv(s.outputs), methodName: s.method_name ?? '' };
  }
  return { metaInfoDef: { tags: [...(meta.meta_info_def?.tags ?? [])] }, signatureDef, skippedSignatures, metaGraphDef: meta };
}

/**
 * The nodes whose whole input closure imports: registered ops (function calls aside: those come in
 * through their signatures) with no attr naming a dtype tensorgraph lacks. Decided in topological
 * order (Kahn's), without recursion; nodes on a cycle or reading a missing node are left out.
 */
function importableNodes(graphDef: GraphDef): string[] {
  const own = (n: NodeDef): boolean =>
    typeof n.op === 'string' &&
    hasOpDef(n.op) &&
    Object.values(n.attr ?? {}).every((a) => typeof a === 'object' && a !== null && (a.type === undefined || fromTfDTypeOrNull(a.type) !== null) && (a.list?.type ?? []).every((t) => fromTfDTypeOrNull(t) !== null));
  const nodes = graphDef.node.filter((n) => typeof n?.name === 'string');
  const byName = new Map(nodes.map((n) => [n.name, n] as const));
  const waiting = new Map<string, number>();
  const readers = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = [...new Set((Array.isArray(n.input) ? n.input : []).map((i) => parseInputName(String(i))[0]))];
    waiting.set(n.name, deps.length);
    for (const d of deps) {
      const list = readers.get(d);
      if (list) list.push(n.name);
      else readers.set(d, [n.name]);
    }
  }
  const ok = new Set<string>();
  const ready = nodes.filter((n) => waiting.get(n.name) === 0 && own(n)).map((n) => n.name);
  while (ready.length > 0) {
    const name = ready.pop()!;
    ok.add(name);
    for (const r of readers.get(name) ?? []) {
      const left = waiting.get(r)! - 1;
      waiting.set(r, left);
      if (left === 0 && own(byName.get(r)!)) ready.push(r);
    }
  }
  return [...ok];
}

/** A signature tensor's name after inlining (a call's output i > 0 moved to `<call>/output_<i>:0`). */
function aliasOf(aliases: ReadonlyMap<string, string>, name: string): string {
  const [n, i] = parseInputName(name);
  return aliases.get(`${n}:${i}`) ?? name;
}

/**
 * Why a signature's subgraph cannot be imported (a function missing or recursive, an op or dtype
 * tensorgraph lacks), or null: the subgraph, its fed inputs as placeholders, is imported into a
 * scratch graph, and the typed error of a failure becomes the signature's skip reason.
 */
function trialImport(graphDef: GraphDef, seen: ReadonlySet<string>, fed: ReadonlyMap<string, TensorInfo>, file: string): string | null {
  const node = graphDef.node.filter((n) => seen.has(n.name)).map((n) => {
    const ti = fed.get(n.name);
    return ti ? { name: n.name, op: 'Placeholder', input: [], attr: { dtype: { type: ti.dtype ?? 0 }, shape: { shape: ti.tensor_shape ?? { unknown_rank: true } } } } : n;
  });
  try {
    const { graphDef: inlined } = inlineFunctions({ ...graphDef, node }, file);
    const bad = inlined.node.find((n) => !hasOpDef(n.op));
    if (bad) return `needs op '${bad.op}' (node '${bad.name}'), which tensorgraph does not have`;
    importGraphDef(inlined, { graph: new Graph(), source: file });
    return null;
  } catch (e) {
    // what tensorgraph lacks (an op, a dtype, a library function) skips the signature; a malformed
    // file (a bad attr, a recursive function) fails the load
    if (e instanceof UnimplementedError || e instanceof NotFoundError) return e.message;
    throw e;
  }
}

/** Collections whose entries were imported (others may name pruned nodes). */
function pickCollections(meta: MetaGraphDef): MetaGraphDef['collection_def'] {
  const out: NonNullable<MetaGraphDef['collection_def']> = {};
  for (const [k, c] of Object.entries(meta.collection_def ?? {})) if (k === 'variables' || k === 'trainable_variables') out[k] = c;
  return out;
}
