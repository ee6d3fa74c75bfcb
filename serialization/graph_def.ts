import { Graph, Operation, Tensor } from '../graph/ir/index.js';
import { attrToProto, attrToProtoAs, tfDefaultToProto } from './attr_value.js';
import { decodeMessage, encodeMessage, pb } from './codec.js';
import { TF_DTYPE } from './dtypes.js';
import { parseTextMessage } from './text_format.js';
import { tfOpDef, type TfArg, type TfOpDef } from './tf_op_attrs.js';
import type { AttrValueObj, GraphDef, NodeDef } from './types.js';

/** GraphDef versions we write: TF 1.x's producer range, readable by any TF 1.x/2.x consumer. */
export const GRAPH_DEF_VERSIONS = { producer: 27, min_consumer: 0 };

/** TF's input string for a tensor: `op` for output 0, `op:i` otherwise. */
export function inputName(t: Tensor): string {
  return t.index === 0 ? t.op.name : `${t.op.name}:${t.index}`;
}

export interface ToGraphDefOptions {
  /**
   * Leave out attrs whose value is TF's default (TF's `strip_default_attrs`): TF fills them in on
   * load, and a TF older than the attr (e.g. BatchMatMulV2's grad_x, added in TF 2.15) then
   * accepts the node. Default false: every attr of TF's op def is written.
   */
  stripDefaultAttrs?: boolean;
}

/**
 * Where each arg of a TF op def falls in a flat tensor list of `count` tensors: [start, length].
 * List args (`N*T`, `[Ts]`) share what the single args leave, equally (DynamicStitch's indices
 * and data lists are both N long).
 */
export function argSpans(args: readonly TfArg[], count: number): [number, number][] {
  const lists = args.filter((a) => a.numberAttr || a.typeListAttr).length;
  const listLen = lists === 0 ? 0 : Math.floor((count - (args.length - lists)) / lists);
  let at = 0;
  return args.map((a) => {
    const len = a.numberAttr || a.typeListAttr ? Math.max(0, listLen) : 1;
    const span: [number, number] = [at, len];
    at += len;
    return span;
  });
}

/** The dtype a type attr takes in this op: from the first input, else output, that it types. */
function typeAttrFromTensors(def: TfOpDef, op: Operation, attr: string): string | undefined {
  const sides: [readonly TfArg[], readonly Tensor[]][] = [[def.inputs, op.inputs], [def.outputs, op.outputs]];
  for (const [args, tensors] of sides) {
    const spans = argSpans(args, tensors.length);
    for (let k = 0; k < args.length; k++) {
      const [start, len] = spans[k];
      if (args[k].typeAttr === attr && len > 0 && start < tensors.length) return tensors[start].dtype;
    }
  }
  return undefined;
}

/** The length of the list arg a number attr counts (inputs first, then outputs). */
function numberAttrFromTensors(def: TfOpDef, op: Operation, attr: string): number | undefined {
  const sides: [readonly TfArg[], readonly Tensor[]][] = [[def.inputs, op.inputs], [def.outputs, op.outputs]];
  for (const [args, tensors] of sides) {
    const k = args.findIndex((a) => a.numberAttr === attr);
    if (k >= 0) return argSpans(args, tensors.length)[k][1];
  }
  return undefined;
}

function sameProto(a: AttrValueObj, b: AttrValueObj): boolean {
  const norm = (x: AttrValueObj) => JSON.stringify(x, (_k, v) => (v instanceof Uint8Array ? [...v] : v));
  return norm(a) === norm(b);
}

/**
 * The NodeDef attrs TF's op def asks for: type attrs from our tensors' dtypes, list counts (N,
 * num, num_split) from our input/output counts, the rest from our attrs, else TF's default. Attrs
 * our op holds that TF's op def does not have are left out (TF refuses them), except `_`-prefixed
 * ones, which TF allows on any node. An attr that is required and that we cannot tell is left
 * out too (TF will then name it when loading).
 */
function tfAttrs(def: TfOpDef, op: Operation, options: ToGraphDefOptions): Record<string, AttrValueObj> {
  const attr: Record<string, AttrValueObj> = {};
  for (const a of def.attrs) {
    let value: AttrValueObj | undefined;
    const own = op.attrs[a.name];
    if (a.kind === 'type') {
      const d = typeAttrFromTensors(def, op, a.name) ?? (typeof own === 'string' && own in TF_DTYPE ? own : undefined);
      if (d !== undefined) value = attrToProtoAs('type', a.name, d);
    } else if (a.kind === 'int' && def.inputs.concat(def.outputs).some((x) => x.numberAttr === a.name)) {
      const n = numberAttrFromTensors(def, op, a.name);
      if (n !== undefined) value = { i: n };
    } else if (own !== undefined) {
      value = attrToProtoAs(a.kind, `${op.name} (${op.type}) attr ${a.name}`, own);
    }
    const dflt = a.hasDefault ? tfDefaultToProto(a.kind, a.name, a.default!) : undefined;
    if (value === undefined) value = dflt;
    if (value === undefined) continue;
    if (options.stripDefaultAttrs && dflt && sameProto(value, dflt)) continue;
    attr[a.name] = value;
  }
  for (const k of Object.keys(op.attrs)) if (k.startsWith('_')) attr[k] = attrToProto(k, op.attrs[k]);
  return Object.fromEntries(Object.keys(attr).sort().map((k) => [k, attr[k]]));
}

/**
 * A NodeDef for an op (for a summary op, the summary node; `nodeDefsOf` adds its tag Const). Op types TF defines (tf_op_attrs.ts: every type in our registry) get
 * exactly TF's attrs; any other type (one added to a Graph by hand: the fused ops `_FusedMatMul`,
 * `FusedElementwise`, `_GroupedApply` live only in compiled programs, never in a Graph) keeps its
 * attrs as they are, their AttrValue kinds guessed from value and name.
 */
export function nodeDefOf(op: Operation, options: ToGraphDefOptions = {}): NodeDef {
  return nodeDefsOf(op, options).at(-1)!;
}

/**
 * Our summary ops whose tag is an attr (no string dtype here) where TF's takes a string tensor:
 * exported in TF's form, the tag as a DT_STRING Const (named like TF's `<scope>/tags`) feeding
 * input 0.
 */
const TAG_ATTR: Readonly<Record<string, string>> = { ScalarSummary: 'tags', HistogramSummary: 'tag' };

function tagConstName(op: Operation, attr: string): string {
  let name = `${op.name}/${attr}`;
  for (let i = 1; op.graph.hasOperation(name); i++) name = `${op.name}/${attr}_${i}`;
  return name;
}

/**
 * The NodeDefs for an op: one, except for the summary ops, which are preceded by their tag's
 * Const (TF's form of them).
 */
export function nodeDefsOf(op: Operation, options: ToGraphDefOptions = {}): NodeDef[] {
  const tagAttr = TAG_ATTR[op.type];
  const node = plainNodeDefOf(op, options);
  if (tagAttr === undefined) return [node];
  const DT_STRING = 7;
  const tagName = tagConstName(op, tagAttr);
  const tag: NodeDef = {
    name: tagName,
    op: 'Const',
    input: [],
    attr: {
      dtype: { type: DT_STRING },
      value: { tensor: { dtype: DT_STRING, tensor_shape: {}, string_val: [new TextEncoder().encode(String(op.attrs[tagAttr]))] } },
    },
  };
  if (op.device) tag.device = op.device;
  node.input = [tagName, ...(node.input ?? [])];
  return [tag, node];
}

function plainNodeDefOf(op: Operation, options: ToGraphDefOptions): NodeDef {
  const def = tfOpDef(op.type);
  let attr: Record<string, AttrValueObj>;
  if (def) attr = tfAttrs(def, op, options);
  else {
    attr = {};
    for (const k of Object.keys(op.attrs).sort()) attr[k] = attrToProto(k, op.attrs[k]);
  }
  const node: NodeDef = {
    name: op.name,
    op: op.type,
    input: [...op.inputs.map(inputName), ...op.controlInputs.map((c) => `^${c.name}`)],
    attr,
  };
  if (op.device) node.device = op.device;
  return node;
}

/** The graph as a TF GraphDef (nodes in creation order, which is a topological order). */
export function toGraphDef(graph: Graph, options: ToGraphDefOptions = {}): GraphDef {
  return { node: graph.getOperations().flatMap((op) => nodeDefsOf(op, options)), versions: { ...GRAPH_DEF_VERSIONS } };
}

export function encodeGraphDef(def: GraphDef): Uint8Array {
  return encodeMessage(pb.GraphDef, def);
}

export function decodeGraphDef(bytes: Uint8Array, what = 'GraphDef'): GraphDef {
  const def = decodeMessage<GraphDef>(pb.GraphDef, bytes, what);
  def.node ??= [];
  return def;
}

export function parseGraphDefText(text: string, what = 'GraphDef text'): GraphDef {
  const def = parseTextMessage<GraphDef>(pb.GraphDef, text, what);
  def.node ??= [];
  return def;
}

/** `op:1` → ['op', 1], `op` → ['op', 0], `^op` → ['op', -1] (a control input). */
export function parseInputName(s: string): [string, number] {
  if (s.startsWith('^')) return [s.slice(1), -1];
  const m = /^(.*):(\d+)$/.exec(s);
  if (m) return [m[1], Number(m[2])];
  return [s, 0];
}
