import { InvalidArgumentError, NotFoundError, ResourceExhaustedError, UnimplementedError } from '../graph/ir/index.js';
import { tfOpDef } from '../ops/tf_op_defs.js';
import { functionsOf, isFunctionalControlFlow, loweredExtraNodes, lowerFunctional } from './functional_control_flow.js';
import { parseInputName } from './graph_def.js';
import type { AttrValueObj, FunctionDefObj, GraphDef, NodeDef } from './types.js';

/** TF's function-call ops: `f` names a function of the GraphDef's library. */
export const CALL_OPS: ReadonlySet<string> = new Set(['PartitionedCall', 'StatefulPartitionedCall']);

/** Whether a node needs the library: a call, or functional control flow (If/While and stateless forms). */
export function callsFunctions(op: string): boolean {
  return CALL_OPS.has(op) || isFunctionalControlFlow(op);
}

/** Bounds on what a (possibly hostile) library may expand to. */
export interface InlineLimits {
  /** Deepest chain of nested calls (a recursive function is refused before this). */
  readonly maxDepth: number;
  /** Most nodes the inlined graph may have (a library that doubles at each level stops here). */
  readonly maxNodes: number;
}

export const DEFAULT_INLINE_LIMITS: InlineLimits = { maxDepth: 64, maxNodes: 200_000 };

export interface InlinedGraph {
  readonly graphDef: GraphDef;
  /**
   * Call outputs that moved: `call:1` → `call/output_1:0`. Output 0 keeps its name (an Identity
   * named as the call node), so `StatefulPartitionedCall:0` in a signature still resolves.
   */
  readonly aliases: ReadonlyMap<string, string>;
}

/** The functions being expanded around a node, innermost first (a shared linked list). */
interface Frame {
  readonly name: string;
  readonly depth: number;
  readonly parent: Frame | null;
}

interface Pending {
  readonly node: NodeDef;
  readonly stack: Frame | null;
}

function frames(f: Frame | null): string[] {
  const out: string[] = [];
  for (let x = f; x; x = x.parent) out.unshift(x.name);
  return out;
}

/**
 * Inlines every PartitionedCall / StatefulPartitionedCall of a GraphDef (TF's function inlining):
 * each call becomes its function's body, nodes renamed `<call>/<node>`, FunctionDef references
 * (`arg`, `node:output_arg:index`, `^node`) turned into GraphDef ones, and an Identity per output
 * named as the call (output 0) or `<call>/output_<i>`, which waits for the function's control
 * outputs. Nested calls are expanded in turn, without JS recursion. A missing function, a recursive
 * one, a bad reference or an expansion past `limits` is a typed error; nothing is half-done
 * because the input is not modified.
 */
export function inlineFunctions(def: GraphDef, source: string, limits: InlineLimits = DEFAULT_INLINE_LIMITS): InlinedGraph {
  checkStructure(def, source);
  const library = new Map<string, FunctionDefObj>();
  for (const f of def.library?.function ?? []) {
    const name = f.signature?.name ?? '';
    if (!name) throw new InvalidArgumentError(`${source}: a function of the library has no name`);
    if (library.has(name)) throw new InvalidArgumentError(`${source}: function '${name}' is defined twice in the library`);
    library.set(name, f);
  }
  // sized before anything is built: a library that would expand past the limit is refused at once
  let total = 0;
  const sizes = new Map<string, number>();
  for (const n of def.node) {
    if (CALL_OPS.has(n.op)) total += expandedSize(n.attr?.f?.func?.name ?? '', library, sizes, limits, source);
    else if (isFunctionalControlFlow(n.op)) total += functionsOf(n).reduce((s, f) => s + expandedSize(f, library, sizes, limits, source), loweredExtraNodes(n));
    else total += 1;
  }
  if (total > limits.maxNodes) throw new ResourceExhaustedError(`${source}: inlining the function library makes more than ${limits.maxNodes} nodes`);
  const out: NodeDef[] = [];
  const aliases = new Map<string, string>();
  const work: Pending[] = def.node.map((node) => ({ node, stack: null })).reverse();
  let count = def.node.length;
  while (work.length > 0) {
    const { node, stack } = work.pop()!;
    if (isFunctionalControlFlow(node.op)) {
      // lowered to TF1 control flow around calls of its functions, which are expanded in turn
      const lowered = lowerFunctional(node, library, source);
      count += lowered.nodes.length - 1;
      if (count > limits.maxNodes) throw new ResourceExhaustedError(`${source}: inlining the function library makes more than ${limits.maxNodes} nodes`);
      for (const [k, v] of lowered.aliases) aliases.set(k, v);
      for (let i = lowered.nodes.length - 1; i >= 0; i--) work.push({ node: lowered.nodes[i], stack });
      continue;
    }
    if (!CALL_OPS.has(node.op)) {
      out.push(node);
      continue;
    }
    const fname = node.attr?.f?.func?.name ?? '';
    const where = `${source}: node '${node.name}' (${node.op})`;
    if (!fname) throw new InvalidArgumentError(`${where} has no function attr 'f'`);
    const fn = library.get(fname);
    if (!fn) throw new NotFoundError(`${where} calls function '${fname}', which is not in the graph's function library`);
    for (let x = stack; x; x = x.parent) {
      if (x.name === fname) throw new InvalidArgumentError(`${where}: function '${fname}' calls itself (${[...frames(stack), fname].join(' -> ')}); recursive functions cannot be inlined`);
    }
    if ((stack?.depth ?? 0) >= limits.maxDepth) throw new ResourceExhaustedError(`${where}: calls nested more than ${limits.maxDepth} deep`);
    const expanded = expandCall(node, fn, fname, library, where);
    count += expanded.nodes.length - 1;
    if (count > limits.maxNodes) throw new ResourceExhaustedError(`${source}: inlining the function library makes more than ${limits.maxNodes} nodes`);
    for (const [k, v] of expanded.aliases) aliases.set(k, v);
    const inner: Frame = { name: fname, depth: (stack?.depth ?? 0) + 1, parent: stack };
    for (let i = expanded.nodes.length - 1; i >= 0; i--) work.push({ node: expanded.nodes[i], stack: inner });
  }
  const rename = (s: string): string => {
    if (s.startsWith('^')) return s;
    const [n, i] = parseInputName(s);
    return aliases.get(`${n}:${i}`) ?? s;
  };
  const node = aliases.size === 0 ? out : out.map((n) => ({ ...n, input: (n.input ?? []).map(rename) }));
  const { library: _dropped, ...rest } = def;
  return { graphDef: { ...rest, node }, aliases };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStringArray = (x: unknown): boolean => Array.isArray(x) && x.every((s) => typeof s === 'string');

function checkNodes(nodes: unknown, where: string): void {
  if (!Array.isArray(nodes)) throw new InvalidArgumentError(`${where}: the node list is not a list`);
  for (const n of nodes) {
    if (!isObject(n) || typeof n.name !== 'string' || typeof n.op !== 'string') throw new InvalidArgumentError(`${where}: a node is not a NodeDef with a name and an op`);
    if (n.input !== undefined && !isStringArray(n.input)) throw new InvalidArgumentError(`${where}: node '${n.name}' has inputs that are not strings`);
    if (n.attr !== undefined && (!isObject(n.attr) || !Object.values(n.attr).every(isObject))) throw new InvalidArgumentError(`${where}: node '${n.name}' has malformed attrs`);
  }
}

/**
 * The shapes the inliner reads, checked first (GraphDef objects may come from anywhere, not only
 * from the protobuf decoder): node lists, and each function's signature, body and return maps.
 */
function checkStructure(def: GraphDef, source: string): void {
  if (!isObject(def)) throw new InvalidArgumentError(`${source}: GraphDef is not an object`);
  checkNodes(def.node, source);
  const lib: unknown = def.library;
  if (lib === undefined || lib === null) return;
  const fns: unknown = (lib as { function?: unknown }).function ?? [];
  if (!isObject(lib) || !Array.isArray(fns)) throw new InvalidArgumentError(`${source}: the function library is malformed`);
  for (const f of fns as unknown[]) {
    const sig = isObject(f) ? f.signature : undefined;
    const name = isObject(sig) && typeof sig.name === 'string' ? sig.name : '';
    const where = `${source}: function '${name}'`;
    if (!isObject(f) || !isObject(sig)) throw new InvalidArgumentError(`${where}: not a FunctionDef with a signature`);
    for (const k of ['input_arg', 'output_arg'] as const) {
      const args: unknown = sig[k] ?? [];
      if (!Array.isArray(args) || !args.every((a) => isObject(a) && (a.name === undefined || typeof a.name === 'string'))) throw new InvalidArgumentError(`${where}: malformed ${k}`);
    }
    checkNodes(f.node_def ?? [], where);
    for (const k of ['ret', 'control_ret'] as const) {
      const m: unknown = f[k] ?? {};
      if (!isObject(m) || !Object.values(m).every((v) => typeof v === 'string')) throw new InvalidArgumentError(`${where}: malformed ${k} map`);
    }
  }
}

/**
 * How many nodes a call of `fname` becomes, all nested calls expanded (memoized in `sizes`), by an
 * iterative walk of the call graph: a cycle (recursion) or a chain deeper than the limit is
 * reported here with the same errors as the expansion's, and sizes saturate at the node limit.
 * Missing functions count as one node (the expansion names them).
 */
function expandedSize(root: string, library: ReadonlyMap<string, FunctionDefObj>, sizes: Map<string, number>, limits: InlineLimits, source: string): number {
  const cap = limits.maxNodes + 1;
  const onPath: string[] = [];
  const stack: { name: string; calls: string[]; next: number; size: number }[] = [];
  const enter = (name: string): number | null => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const fn = library.get(name);
    if (!fn) return 1;
    if (onPath.includes(name)) {
      throw new InvalidArgumentError(`${source}: function '${name}' calls itself (${[...onPath.slice(onPath.indexOf(name)), name].join(' -> ')}); recursive functions cannot be inlined`);
    }
    if (onPath.length >= limits.maxDepth) throw new ResourceExhaustedError(`${source}: function calls nested more than ${limits.maxDepth} deep (${onPath[0]} -> ...)`);
    const body = fn.node_def ?? [];
    const calls: string[] = [];
    let size = Math.max(1, (fn.signature?.output_arg ?? []).length);
    for (const n of body) {
      if (CALL_OPS.has(n.op)) calls.push(n.attr?.f?.func?.name ?? '');
      else if (isFunctionalControlFlow(n.op)) {
        calls.push(...functionsOf(n));
        size += loweredExtraNodes(n);
      } else if (library.has(n.op)) calls.push(n.op);
      else size += 1;
    }
    onPath.push(name);
    stack.push({ name, calls, next: 0, size });
    return null;
  };
  const first = enter(root);
  if (first !== null) return first;
  let result = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.calls.length) {
      const s = enter(top.calls[top.next++]);
      if (s !== null) top.size = Math.min(cap, top.size + s);
      continue;
    }
    stack.pop();
    onPath.pop();
    sizes.set(top.name, top.size);
    if (stack.length > 0) {
      const parent = stack[stack.length - 1];
      parent.size = Math.min(cap, parent.size + top.size);
    } else result = top.size;
  }
  return result;
}

/** The body of one call, renamed into the caller's scope, with its output identities. */
function expandCall(call: NodeDef, fn: FunctionDefObj, fname: string, library: ReadonlyMap<string, FunctionDefObj>, where: string): { nodes: NodeDef[]; aliases: Map<string, string> } {
  const prefix = `${call.name}/`;
  const data = (call.input ?? []).filter((s) => !s.startsWith('^'));
  const control = (call.input ?? []).filter((s) => s.startsWith('^'));
  const args = fn.signature?.input_arg ?? [];
  for (const a of args) if (a.number_attr || a.type_list_attr) throw new UnimplementedError(`${where}: function '${fname}' has a list argument '${a.name}'; only single-tensor arguments are inlined`);
  if (data.length !== args.length) throw new InvalidArgumentError(`${where}: function '${fname}' takes ${args.length} inputs, the call gives ${data.length}`);
  const argMap = new Map<string, string>(args.map((a, i) => [a.name ?? '', data[i]]));
  const body = new Map<string, NodeDef>();
  for (const n of fn.node_def ?? []) {
    if (!n.name || body.has(n.name)) throw new InvalidArgumentError(`${where}: function '${fname}' has a node with an empty or repeated name '${n.name}'`);
    body.set(n.name, n);
  }
  const resolve = (ref: string, what: string): string => {
    if (ref.startsWith('^')) {
      const name = ref.slice(1);
      if (body.has(name)) return `^${prefix}${name}`;
      const arg = argMap.get(name);
      if (arg !== undefined) return `^${parseInputName(arg)[0]}`;
      throw new InvalidArgumentError(`${where}: ${what} of function '${fname}' refers to '${ref}', which is neither a node nor an argument`);
    }
    const parts = ref.split(':');
    if (parts.length === 1) {
      const arg = argMap.get(ref);
      if (arg === undefined) throw new InvalidArgumentError(`${where}: ${what} of function '${fname}' refers to '${ref}', which is not an argument`);
      return arg;
    }
    const [nodeName, outArg, idxText] = parts.length === 3 ? parts : [parts[0], '', parts[1]];
    const producer = body.get(nodeName);
    const idx = Number(idxText);
    if (!producer || !/^\d+$/.test(idxText)) throw new InvalidArgumentError(`${where}: ${what} of function '${fname}' refers to '${ref}', which is not an output of its body`);
    return `${prefix}${nodeName}:${outArg ? outputIndex(producer, outArg, idx, library, where) : idx}`;
  };
  const nodes: NodeDef[] = [];
  for (const n of body.values()) {
    for (const [k, v] of Object.entries(n.attr ?? {})) {
      if (v.placeholder) throw new UnimplementedError(`${where}: node '${n.name}' of function '${fname}' has attr '${k}' bound to the function's attr '${v.placeholder}'; only concrete (non-polymorphic) functions are inlined`);
    }
    const input = (n.input ?? []).map((r) => resolve(r, `node '${n.name}'`));
    nodes.push({ ...n, name: prefix + n.name, input: [...input, ...control], ...(n.device || call.device ? { device: n.device || call.device } : {}) });
  }
  const after = Object.values(fn.control_ret ?? {}).map((r) => resolve(`^${r}`, 'a control output'));
  const outs = fn.signature?.output_arg ?? [];
  const tout = call.attr?.Tout?.list?.type ?? [];
  const aliases = new Map<string, string>();
  if (outs.length === 0) {
    nodes.push({ name: call.name, op: 'NoOp', input: [...after, ...control] });
  }
  outs.forEach((o, j) => {
    const ret = fn.ret?.[o.name ?? ''];
    if (ret === undefined) throw new InvalidArgumentError(`${where}: function '${fname}' has no return value for its output '${o.name}'`);
    const type: AttrValueObj = { type: tout[j] ?? o.type ?? 0 };
    const name = j === 0 ? call.name : `${call.name}/output_${j}`;
    if (j > 0) aliases.set(`${call.name}:${j}`, `${name}:0`);
    nodes.push({ name, op: 'Identity', input: [resolve(ret, `return value '${o.name}'`), ...after], attr: { T: type } });
  });
  return { nodes, aliases };
}

/**
 * The flat output index of `node:outArg:idx`: the outputs of the args before `outArg` (each one
 * tensor, or as many as its number or type-list attr says), plus idx. Known for call ops, library
 * functions and the ops of TF's op table; for an op outside them (which tensorgraph cannot run
 * anyway) each arg is taken as one tensor.
 */
function outputIndex(node: NodeDef, outArg: string, idx: number, library: ReadonlyMap<string, FunctionDefObj>, where: string): number {
  if (CALL_OPS.has(node.op)) return idx;
  const fn = library.get(node.op);
  const names = fn ? (fn.signature?.output_arg ?? []).map((a) => ({ name: a.name ?? '', count: 1 })) : tfOutputs(node);
  if (names === null) return idx;
  let offset = 0;
  for (const a of names) {
    if (a.name === outArg) {
      if (idx >= a.count) throw new InvalidArgumentError(`${where}: '${node.name}:${outArg}:${idx}' is past the ${a.count} tensors of output '${outArg}' of ${node.op}`);
      return offset + idx;
    }
    offset += a.count;
  }
  throw new InvalidArgumentError(`${where}: ${node.op} '${node.name}' has no output named '${outArg}'`);
}

function tfOutputs(node: NodeDef): { name: string; count: number }[] | null {
  const def = tfOpDef(node.op);
  if (!def) return null;
  return def.outputs.map((a) => {
    // a list(type) arg has one tensor per listed type (RestoreV2's `tensors:[dtypes]`)
    if (a.typeListAttr) return { name: a.name, count: node.attr?.[a.typeListAttr]?.list?.type?.length ?? 1 };
    if (!a.numberAttr) return { name: a.name, count: 1 };
    const n = node.attr?.[a.numberAttr]?.i;
    return { name: a.name, count: typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 1 };
  });
}
