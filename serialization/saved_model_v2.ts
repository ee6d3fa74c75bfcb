import { DataLossError, formatShape, InvalidArgumentError, NDArray, NotFoundError } from '../graph/ir/index.js';
import { BundleReader, partialShapeMatches } from './checkpoint/bundle.js';
import { readStringTensor } from './checkpoint/string_entry.js';
import { decodeMessage, pb } from './codec.js';
import { fromTfDTypeOrNull, tfDTypeName } from './dtypes.js';
import { CALL_OPS } from './function_inline.js';
import { shapeFromProto } from './tensor_proto.js';
import type { GraphDef, MetaGraphDef, SavedObjectGraphObj, TrackableObjectGraphObj } from './types.js';

/** The checkpoint entry holding an object-based checkpoint's TrackableObjectGraph (a DT_STRING scalar). */
export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';
const VARIABLE_VALUE = 'VARIABLE_VALUE';

/** Whether a MetaGraphDef is a TF2 one: its objects are described by a SavedObjectGraph. */
export function isObjectBased(meta: MetaGraphDef): boolean {
  return (meta.object_graph_def?.nodes ?? []).length > 0;
}

/**
 * SavedObjectGraph variable nodes → the VarHandleOp nodes of the MetaGraph's graph that hold them.
 * A call of a saved concrete function passes its captured variables after its own arguments, in
 * the order of the function's `bound_inputs` (object-graph node ids): TF's loader binds them the
 * same way. A variable no call captures is left out (nothing in the graph reads it).
 */
export function variableHandles(meta: MetaGraphDef, graphDef: GraphDef): Map<number, string> {
  const og = meta.object_graph_def ?? {};
  const nodes = og.nodes ?? [];
  const byName = new Map(graphDef.node.map((n) => [n.name, n] as const));
  const out = new Map<number, string>();
  for (const call of graphDef.node) {
    if (!CALL_OPS.has(call.op)) continue;
    const bound = og.concrete_functions?.[call.attr?.f?.func?.name ?? '']?.bound_inputs ?? [];
    // a signature wrapper's own concrete function is not in the object graph: its callee is
    const fn = graphDef.library?.function?.find((f) => f.signature?.name === call.attr?.f?.func?.name);
    const ins = (call.input ?? []).filter((s) => !s.startsWith('^'));
    const captured = bound.length > 0 ? bound : capturedByCallee(og, fn?.node_def ?? [], ins.length);
    const first = ins.length - captured.length;
    captured.forEach((id, k) => {
      if (!nodes[id]?.variable || first < 0) return;
      const producer = byName.get(ins[first + k].replace(/^\^/, '').replace(/:\d+$/, ''));
      if (producer?.op === 'VarHandleOp') out.set(id, producer.name);
    });
  }
  return out;
}

/** The bound inputs of the one concrete function a wrapper body calls, when its args line up. */
function capturedByCallee(og: SavedObjectGraphObj, body: NonNullable<GraphDef['node']>, arity: number): number[] {
  for (const n of body) {
    if (!CALL_OPS.has(n.op)) continue;
    const bound = og.concrete_functions?.[n.attr?.f?.func?.name ?? '']?.bound_inputs ?? [];
    if (bound.length > 0 && bound.length <= arity) return bound;
  }
  return [];
}

/**
 * Object-graph node id → checkpoint key of its VARIABLE_VALUE: the SavedObjectGraph and the
 * checkpoint's TrackableObjectGraph are walked together from their roots, matching children by
 * local name, as TF's object-based restore matches objects.
 */
export function variableKeys(meta: MetaGraphDef, reader: BundleReader, source: string): Map<number, string> {
  if (!reader.has(OBJECT_GRAPH_KEY)) throw new NotFoundError(`${source}: the checkpoint has no ${OBJECT_GRAPH_KEY} entry, so its values cannot be matched to the SavedModel's objects`);
  const [bytes] = readStringTensor(reader, OBJECT_GRAPH_KEY);
  if (!bytes) throw new DataLossError(`${source}: ${OBJECT_GRAPH_KEY} is empty`);
  const ckpt = decodeMessage<TrackableObjectGraphObj>(pb.TrackableObjectGraph, bytes, `${source}: ${OBJECT_GRAPH_KEY}`);
  const saved = meta.object_graph_def?.nodes ?? [];
  const ckptNodes = ckpt.nodes ?? [];
  const out = new Map<number, string>();
  const visited = new Set<number>();
  const queue: [number, number][] = saved.length > 0 && ckptNodes.length > 0 ? [[0, 0]] : [];
  // each saved node is visited once, so a cyclic object graph (CyclicModule) ends
  for (let head = 0; head < queue.length; head++) {
    const [s, c] = queue[head];
    if (visited.has(s)) continue;
    visited.add(s);
    const sn = saved[s];
    const cn = ckptNodes[c];
    if (!sn || !cn) throw new DataLossError(`${source}: object graph node ${!sn ? s : c} is referenced but missing`);
    const key = (cn.attributes ?? []).find((a) => a.name === VARIABLE_VALUE)?.checkpoint_key;
    if (sn.variable && key) out.set(s, key);
    const ckptChildren = new Map((cn.children ?? []).map((r) => [r.local_name ?? '', r.node_id ?? -1] as const));
    for (const ref of sn.children ?? []) {
      const cc = ckptChildren.get(ref.local_name ?? '');
      if (cc !== undefined && ref.node_id !== undefined) queue.push([ref.node_id, cc]);
    }
  }
  return out;
}

/**
 * The values to restore into the VarHandleOps of `graphDef` (by node name) from an object-based
 * checkpoint, every dtype and shape checked against the handle before anything is returned.
 */
export function readObjectBasedVariables(meta: MetaGraphDef, graphDef: GraphDef, prefix: string, keep: ReadonlySet<string>, source: string): Map<string, NDArray> {
  const handles = variableHandles(meta, graphDef);
  const wanted = [...handles].filter(([, name]) => keep.has(name));
  const out = new Map<string, NDArray>();
  if (wanted.length === 0) return out;
  const reader = new BundleReader(prefix);
  const keys = variableKeys(meta, reader, source);
  const byName = new Map(graphDef.node.map((n) => [n.name, n] as const));
  for (const [id, name] of wanted) {
    const key = keys.get(id);
    if (key === undefined) throw new NotFoundError(`${source}: variable '${name}' (object ${id}) has no value in the checkpoint ${prefix}`);
    const e = reader.entry(key);
    const attr = byName.get(name)?.attr ?? {};
    const dtype = fromTfDTypeOrNull(attr.dtype?.type ?? 0);
    if (e.dtype === null || e.dtype !== dtype) {
      throw new InvalidArgumentError(`${prefix}: tensor ${key} has dtype ${tfDTypeName(e.dtypeEnum)} in the checkpoint, but variable ${name} is ${dtype ?? tfDTypeName(attr.dtype?.type ?? 0)}`);
    }
    const declared = attr.shape?.shape ? shapeFromProto(attr.shape.shape, `${source}: node '${name}' attr 'shape'`) : null;
    if (!partialShapeMatches(declared, e.shape)) {
      throw new InvalidArgumentError(`Trying to assign to variable ${name} a tensor with wrong shape. Expected ${formatShape(declared)} got ${formatShape(e.shape)} (${key} in ${prefix})`);
    }
    out.set(name, reader.read(key));
  }
  return out;
}
