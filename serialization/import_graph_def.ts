import { getDefaultGraph, Graph, InvalidArgumentError, NotFoundError, Operation, Tensor, TensorGraphError } from '../graph/ir/index.js';
import type { AttrMap, AttrValue } from '../graph/ir/index.js';
import { checkAttrs } from '../ops/attr_schema.js';
import { makeOp } from '../ops/builder.js';
import { getOpDef } from '../ops/registry.js';
import { attrFromProto, tfDefaultToProto } from './attr_value.js';
import { decodeGraphDef, parseInputName } from './graph_def.js';
import { checkNodeDef } from './node_def_check.js';
import { tfOpDef, type TfOpDef } from './tf_op_attrs.js';
import { callsFunctions, inlineFunctions } from './function_inline.js';
import type { AttrValueObj, GraphDef, NodeDef } from './types.js';

/**
 * The TF attrs derived from tensors (type attrs, list counts) that our ops hold, as our builders
 * set them; export writes every TF attr (tf_op_attrs.ts), and import drops the derived ones our
 * op does not hold so that a graph reads back as it was built. Attrs in an OpDef's attrDefaults
 * are held too.
 */
const HELD_DERIVED_ATTRS: Readonly<Record<string, readonly string[]>> = {
  AddN: ['N'],
  Merge: ['N'],
  RefMerge: ['N'],
  StackPopV2: ['elem_type'],
  Cast: ['SrcT', 'DstT'],
  ConcatV2: ['N', 'Tidx'],
  Const: ['dtype'],
  GatherV2: ['Tparams', 'Tindices', 'Taxis'],
  OneHot: ['T', 'TI'],
  Pack: ['N'],
  Pad: ['Tpaddings'],
  PadV2: ['Tpaddings'],
  Placeholder: ['dtype'],
  PlaceholderWithDefault: ['dtype'],
  RandomUniform: ['dtype', 'T'],
  RandomStandardNormal: ['dtype', 'T'],
  TruncatedNormal: ['dtype', 'T'],
  RandomUniformInt: ['Tout', 'T'],
  Range: ['Tidx'],
  Slice: ['Index'],
  Split: ['num_split'],
  SplitV: ['num_split', 'Tlen'],
  StridedSlice: ['Index'],
  StridedSliceGrad: ['Index'],
  Tile: ['Tmultiples'],
  Unpack: ['num'],
  UnsortedSegmentSum: ['T', 'Tindices', 'Tnumsegments'],
  VariableV2: ['dtype'],
  ReadVariableOp: ['dtype'],
  AssignVariableOp: ['dtype'],
  AssignAddVariableOp: ['dtype'],
  AssignSubVariableOp: ['dtype'],
  ResourceGather: ['dtype'],
  Variable: ['dtype'],
  DynamicStitch: ['N'],
  ParallelDynamicStitch: ['N'],
  StringJoin: ['N'],
  Restore: ['dt'],
  RestoreSlice: ['dt'],
  ScalarSummary: ['T'],
  HistogramSummary: ['T'],
};

function sameAttrProto(a: AttrValueObj, b: AttrValueObj): boolean {
  const norm = (x: AttrValueObj) => JSON.stringify(x, (_k, v) => (v instanceof Uint8Array ? [...v] : v));
  return norm(a) === norm(b);
}

/**
 * Whether an attr of a TF NodeDef is one TF needs but our op does not hold: a type attr or list
 * count (derived from the tensors again on export), or an attr at TF's default that our op has
 * no use for (`incompatible_shape_error` of Equal, `grad_x` of BatchMatMulV2, ...). Attrs at
 * other values are kept, so that our op's inference sees them.
 */
function tfOnlyAttr(tf: TfOpDef, held: ReadonlySet<string>, name: string, value: AttrValueObj): boolean {
  if (held.has(name)) return false;
  const a = tf.attrs.find((x) => x.name === name);
  if (!a) return false;
  const args = [...tf.inputs, ...tf.outputs];
  if (a.kind === 'type' && args.some((x) => x.typeAttr === name)) return true;
  if (a.kind === 'int' && args.some((x) => x.numberAttr === name)) return true;
  return a.hasDefault && sameAttrProto(value, tfDefaultToProto(a.kind, a.name, a.default!));
}

export interface ImportGraphDefOptions {
  /** Prepended to every imported name (`prefix/name`); TF's default is 'import', ours is none. */
  prefix?: string;
  /** Replaces inputs: `{'x:0': tensor}` makes nodes that read x:0 read `tensor` instead. */
  inputMap?: Record<string, Tensor>;
  /** Names to return: `op:i` gives a Tensor, `op` an Operation. */
  returnElements?: readonly string[];
  /** Target graph (default: the default graph). */
  graph?: Graph;
  /** Name for errors (a file path). */
  source?: string;
}

/** Limits on what a file may ask for: far beyond real models, small enough to stay safe. */
const MAX_NODES = 1_000_000;

function hasFunctions(def: GraphDef): boolean {
  // a malformed GraphDef is left to checkNodeDefs, which names what is wrong
  if (typeof def !== 'object' || def === null || !Array.isArray(def.node)) return false;
  return (def.library?.function ?? []).length > 0 || def.node.some((n) => typeof n === 'object' && n !== null && callsFunctions(n.op));
}

function keyOf(name: string): string {
  const [n, i] = parseInputName(name);
  return `${n}:${i}`;
}

/**
 * Imports a GraphDef into a graph (TF's import_graph_def). Everything is checked first — names,
 * op types, inputs, cycles — and the import is rehearsed in a scratch graph, so a bad GraphDef
 * leaves the target graph untouched.
 */
export function importGraphDef(bytesOrDef: Uint8Array | GraphDef, options: ImportGraphDefOptions = {}): (Tensor | Operation)[] {
  const source = options.source ?? 'GraphDef';
  const decoded = bytesOrDef instanceof Uint8Array ? decodeGraphDef(bytesOrDef, source) : bytesOrDef;
  // TF2 graphs call their library's functions: each call is replaced by its function's body
  const raw = hasFunctions(decoded) ? inlineFunctions(decoded, source).graphDef : decoded;
  checkNodeDefs(raw, source);
  const def = liftSummaryTags(raw, source);
  const graph = options.graph ?? getDefaultGraph();
  const order = checkGraphDef(def, source);
  const inputMap = new Map<string, Tensor>();
  for (const [k, t] of Object.entries(options.inputMap ?? {})) {
    if (!(t instanceof Tensor)) throw new InvalidArgumentError(`${source}: inputMap['${k}'] is not a Tensor`);
    if (t.graph !== graph) throw new InvalidArgumentError(`${source}: inputMap['${k}'] is from a different graph`);
    inputMap.set(keyOf(k), t);
  }
  const names = new Set(def.node.map((n) => n.name));
  for (const k of inputMap.keys()) {
    const [n] = parseInputName(k);
    if (!names.has(n)) throw new InvalidArgumentError(`${source}: Attempted to map inputs that were not found in graph_def: [${k}]`);
  }
  // rehearsal: stand-ins of the mapped tensors in a scratch graph
  const scratch = new Graph();
  const scratchMap = new Map<string, Tensor>();
  for (const [k, t] of inputMap) {
    const op = scratch.addOp({ type: 'Placeholder', name: `input_map_${scratchMap.size}`, inputs: [], attrs: { dtype: t.dtype, shape: t.shape }, outputs: [{ dtype: t.dtype, shape: t.shape }] });
    scratchMap.set(k, op.outputs[0]);
  }
  build(def, order, scratch, '', scratchMap, source);
  const prefix = options.prefix ? `${options.prefix.replace(/\/$/, '')}/` : '';
  for (const n of def.node) {
    if (graph.hasOperation(prefix + n.name)) throw new InvalidArgumentError(`${source}: node '${prefix + n.name}' already exists in the graph`);
  }
  // atomically: whatever fails past the rehearsal (a bad return element) takes the new ops with it
  return graph.atomically(() => {
    const created = build(def, order, graph, prefix, inputMap, source);
    return (options.returnElements ?? []).map((name) => {
      const [n, i] = parseInputName(name);
      const op = created.get(n);
      if (!op) throw new NotFoundError(`${source}: Requested return element '${name}' was not found in graph_def`);
      if (!name.includes(':')) return op;
      if (i >= op.outputs.length) throw new NotFoundError(`${source}: Requested return tensor '${name}' does not exist`);
      return op.outputs[i];
    });
  });
}

/** TF's summary ops whose tag is a string input, and the attr our op holds it in. */
const TAG_INPUT: Readonly<Record<string, string>> = { ScalarSummary: 'tags', HistogramSummary: 'tag' };
const DT_STRING = 7;

/**
 * TF's ScalarSummary/HistogramSummary take the tag as a string tensor (input 0); ours hold it as
 * an attr, since our dtypes have no string. A tag that is a scalar DT_STRING Const becomes the
 * attr, and the Const is dropped when nothing else reads it; any other tag input is refused.
 */
function liftSummaryTags(def: GraphDef, source: string): GraphDef {
  if (!Array.isArray(def.node) || !def.node.some((n) => Object.hasOwn(TAG_INPUT, n.op))) return def;
  const byName = new Map(def.node.map((n) => [n.name, n]));
  const lifted = new Set<string>();
  const nodes = def.node.map((n) => {
    const attr = Object.hasOwn(TAG_INPUT, n.op) ? TAG_INPUT[n.op] : undefined;
    if (attr === undefined) return n;
    const [tagName, tagIndex] = parseInputName(n.input?.[0] ?? '^');
    const tag = byName.get(tagName);
    const t = tag?.attr?.value?.tensor;
    const dims = t?.tensor_shape?.dim ?? [];
    if (tagIndex !== 0 || tag?.op !== 'Const' || t?.dtype !== DT_STRING || dims.length !== 0 || t.string_val?.length !== 1) {
      throw new InvalidArgumentError(`${source}: node '${n.name}' (${n.op}): its tag must be a scalar string Const (our ${n.op} holds the tag as an attr: there is no string dtype)`);
    }
    lifted.add(tagName);
    return { ...n, input: n.input!.slice(1), attr: { ...(n.attr ?? {}), [attr]: { s: t.string_val[0] } } };
  });
  const stillRead = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => parseInputName(i)[0])));
  return { ...def, node: nodes.filter((n) => !(lifted.has(n.name) && !stillRead.has(n.name))) };
}

/** Each node's shape against TF's op definition (inputs, attr kinds), before summary tags are lifted. */
function checkNodeDefs(def: GraphDef, source: string): void {
  if (typeof def !== 'object' || def === null || !Array.isArray(def.node)) throw new InvalidArgumentError(`${source}: GraphDef has no node list`);
  for (const n of def.node) {
    if (typeof n !== 'object' || n === null) throw new InvalidArgumentError(`${source}: a node is not a NodeDef`);
    if (typeof n.name !== 'string' || n.name === '') throw new InvalidArgumentError(`${source}: a node has an empty name`);
    if (typeof n.op !== 'string') throw new InvalidArgumentError(`${source}: node '${n.name}' has no op type`);
    getOpDef(n.op);
    checkNodeDef(n, source);
  }
}

/** Validates names, types and edges; returns the nodes in a topological order. */
export function checkGraphDef(def: GraphDef, source: string): NodeDef[] {
  if (!Array.isArray(def.node)) throw new InvalidArgumentError(`${source}: GraphDef has no node list`);
  if (def.node.length > MAX_NODES) throw new InvalidArgumentError(`${source}: ${def.node.length} nodes is more than the ${MAX_NODES} allowed`);
  const byName = new Map<string, NodeDef>();
  for (const n of def.node) {
    if (typeof n.name !== 'string' || n.name === '') throw new InvalidArgumentError(`${source}: a node has an empty name`);
    if (byName.has(n.name)) throw new InvalidArgumentError(`${source}: Duplicate node name in graph: '${n.name}'`);
    byName.set(n.name, n);
  }
  for (const n of def.node) {
    getOpDef(n.op ?? '');
    for (const inp of n.input ?? []) {
      const [src] = parseInputName(inp);
      if (!byName.has(src)) throw new InvalidArgumentError(`${source}: Node '${n.name}': Unknown input node '${inp}'`);
    }
  }
  // Kahn's algorithm, stable in file order; a while loop's back edges (NextIteration -> Merge) are
  // not ordering constraints, as in TF's importer: the Merge is built first and rewired after
  const indeg = new Map<string, number>();
  const users = new Map<string, string[]>();
  for (const n of def.node) {
    const srcs = new Set((n.input ?? []).filter((i) => !isBackEdgeInput(n, i, byName)).map((i) => parseInputName(i)[0]));
    indeg.set(n.name, srcs.size);
    for (const s of srcs) {
      const u = users.get(s);
      if (u) u.push(n.name);
      else users.set(s, [n.name]);
    }
  }
  const ready = def.node.filter((n) => indeg.get(n.name) === 0).map((n) => n.name);
  const order: NodeDef[] = [];
  for (let i = 0; i < ready.length; i++) {
    order.push(byName.get(ready[i])!);
    for (const u of users.get(ready[i]) ?? []) {
      const d = indeg.get(u)! - 1;
      indeg.set(u, d);
      if (d === 0) ready.push(u);
    }
  }
  if (order.length !== def.node.length) {
    const stuck = def.node.filter((n) => indeg.get(n.name)! > 0).map((n) => n.name);
    throw new InvalidArgumentError(`${source}: GraphDef contains a cycle through nodes [${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ', ...' : ''}]`);
  }
  return order;
}

/** A Merge's input from a NextIteration node: a loop's back edge. */
function isBackEdgeInput(n: NodeDef, input: string, byName: ReadonlyMap<string, NodeDef>): boolean {
  if (n.op !== 'Merge' && n.op !== 'RefMerge') return false;
  const [src, i] = parseInputName(input);
  const op = byName.get(src)?.op;
  return i >= 0 && (op === 'NextIteration' || op === 'RefNextIteration');
}

function build(def: GraphDef, order: NodeDef[], graph: Graph, prefix: string, inputMap: Map<string, Tensor>, source: string): Map<string, Operation> {
  const byName = new Map(def.node.map((n) => [n.name, n]));
  const created = new Map<string, Operation>();
  // back edges to rewire once their NextIteration exists: [merge, input index, source, output index]
  const backEdges: [Operation, number, string, number][] = [];
  for (const n of order) {
    const where = `${source}: node '${n.name}' (${n.op})`;
    const opDef = getOpDef(n.op);
    const inputs: Tensor[] = [];
    const control: Operation[] = [];
    const pendingBack: [number, string, number][] = [];
    for (const inp of n.input ?? []) {
      const [src, i] = parseInputName(inp);
      if (i < 0) {
        control.push(created.get(src)!);
        continue;
      }
      if (isBackEdgeInput(n, inp, byName) && !created.has(src)) {
        // stands in for the NextIteration until it exists (a Merge's inputs share one type)
        pendingBack.push([inputs.length, src, i]);
        inputs.push(null as unknown as Tensor);
        continue;
      }
      const mapped = inputMap.get(`${src}:${i}`);
      if (mapped) {
        inputs.push(mapped);
        continue;
      }
      const op = created.get(src)!;
      if (i >= op.outputs.length) throw new InvalidArgumentError(`${where}: input '${inp}' refers to output ${i} of an op with ${op.outputs.length} outputs`);
      inputs.push(op.outputs[i]);
    }
    if (pendingBack.length > 0) {
      const first = inputs.find((t) => t !== null);
      if (!first) throw new InvalidArgumentError(`${where}: a Merge fed only by NextIteration nodes has no value to start a loop with`);
      for (const [k] of pendingBack) inputs[k] = first;
    }
    // a Map, then own properties only: an attr named 'constructor' or 'toString' stays an attr
    // (and is refused); '_'-prefixed ones, '__proto__' included, are TF's annotations, never read
    const attrs = new Map<string, AttrValue>();
    const tf = tfOpDef(n.op);
    const held = new Set([...Object.keys(opDef.attrDefaults ?? {}), ...(HELD_DERIVED_ATTRS[n.op] ?? [])]);
    for (const [k, v] of Object.entries(n.attr ?? {})) {
      if (k.startsWith('_')) continue;
      if (tf && tfOnlyAttr(tf, held, k, v)) continue;
      const a = attrFromProto(k, v, where);
      if (a !== undefined) attrs.set(k, a);
    }
    const attrMap = Object.fromEntries(attrs) as AttrMap;
    checkAttrs(n.op, attrMap, where);
    const make = () => makeOp(opDef, inputs, attrMap, { name: `${prefix}${n.name}/`, graph, controlInputs: control });
    let op: Operation;
    try {
      op = graph.nameScope(null, () => (n.device ? graph.device(n.device, make) : make()));
    } catch (e) {
      if (e instanceof TensorGraphError) throw e;
      // an op's inference met inputs or attrs it cannot make sense of (wrong arity, wrong kind)
      throw new InvalidArgumentError(`${where}: invalid node (${n.input?.length ?? 0} inputs, attrs [${[...attrs.keys()].join(', ')}]): ${(e as Error).message}`);
    }
    created.set(n.name, op);
    for (const [k, src, i] of pendingBack) backEdges.push([op, k, src, i]);
  }
  for (const [merge, k, src, i] of backEdges) {
    const next = created.get(src)!;
    if (i >= next.outputs.length) throw new InvalidArgumentError(`${source}: node '${merge.name}' (Merge): input '${src}:${i}' refers to output ${i} of an op with ${next.outputs.length} outputs`);
    graph.updateInput(merge, k, next.outputs[i]);
  }
  return created;
}
