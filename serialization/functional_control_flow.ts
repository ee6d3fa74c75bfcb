import { InvalidArgumentError, NotFoundError, UnimplementedError } from '../graph/ir/index.js';
import type { AttrValueObj, FunctionDefObj, NodeDef } from './types.js';

/**
 * TF2's functional control flow: `If`/`StatelessIf(cond, input...)` call `then_branch` or
 * `else_branch`; `While`/`StatelessWhile(input...)` call `cond` and `body` until cond is false.
 * They are not ops of ours: the importer lowers each one, before any op is created, into the TF1
 * structure `tg.cond` / `tg.whileLoop` build (Switch, Merge, Enter, Exit, NextIteration, LoopCond —
 * what TF's own lower_if_op / lower_while_op do), with a PartitionedCall per function that the
 * inliner then expands in place. So only the taken branch runs, and a loop runs in its frame
 * without being unrolled; recursion, missing functions and size are the inliner's to check.
 */
export const FUNCTIONAL_IF_OPS: ReadonlySet<string> = new Set(['If', 'StatelessIf']);
export const FUNCTIONAL_WHILE_OPS: ReadonlySet<string> = new Set(['While', 'StatelessWhile']);

export function isFunctionalControlFlow(op: string): boolean {
  return FUNCTIONAL_IF_OPS.has(op) || FUNCTIONAL_WHILE_OPS.has(op);
}

const DT_BOOL = 10;
/**
 * Resource handles (TF2 passes captured variables as inputs and loop variables) are not switched
 * or entered: our variable ops need the VarHandleOp behind a handle statically, and a handle is a
 * name, not a value that changes. The pivot control input every inlined node gets keeps the ops
 * that use one in their branch or loop frame. A body must give its handles back unchanged, as TF2
 * bodies do; what it returns in their place is not read.
 */
const DT_RESOURCE = 20;
const BOOL: AttrValueObj = { type: DT_BOOL };

/** The function names a functional node calls, in the order the lowering calls them. */
export function functionsOf(node: NodeDef): string[] {
  const fn = (k: string): string => node.attr?.[k]?.func?.name ?? '';
  return FUNCTIONAL_IF_OPS.has(node.op) ? [fn('then_branch'), fn('else_branch')] : [fn('cond'), fn('body')];
}

/** Nodes the lowering adds besides its calls (sizes the library before anything is built). */
export function loweredExtraNodes(node: NodeDef): number {
  const n = (node.input ?? []).filter((s) => !s.startsWith('^')).length;
  // If: pred switch, 2 pivots, pred_id, a Switch per input, a Merge per output (at most n + 1) and the output node
  return FUNCTIONAL_IF_OPS.has(node.op) ? 5 + 2 * n : 5 * n + 2;
}

export interface Lowered {
  readonly nodes: NodeDef[];
  /** Outputs that moved: `node:i` → the tensor now holding output i. */
  readonly aliases: Map<string, string>;
}

interface Signature {
  readonly ins: number[];
  readonly outs: number[];
}

function signatureOf(fname: string, attr: string, node: NodeDef, library: ReadonlyMap<string, FunctionDefObj>, where: string): Signature {
  if (!fname) throw new InvalidArgumentError(`${where} has no function attr '${attr}'`);
  const fn = library.get(fname);
  if (!fn) throw new NotFoundError(`${where} names ${attr} '${fname}', which is not in the graph's function library`);
  const sig = fn.signature ?? {};
  return { ins: (sig.input_arg ?? []).map((a) => a.type ?? 0), outs: (sig.output_arg ?? []).map((a) => a.type ?? 0) };
}

function call(name: string, fname: string, inputs: string[], sig: Signature): NodeDef {
  return { name, op: 'PartitionedCall', input: inputs, attr: { f: { func: { name: fname } }, Tin: { list: { type: sig.ins } }, Tout: { list: { type: sig.outs } } } };
}

const typeList = (node: NodeDef, k: string): number[] | undefined => node.attr?.[k]?.list?.type;

export function lowerFunctional(node: NodeDef, library: ReadonlyMap<string, FunctionDefObj>, source: string): Lowered {
  const where = `${source}: node '${node.name}' (${node.op})`;
  return FUNCTIONAL_IF_OPS.has(node.op) ? lowerIf(node, library, where) : lowerWhile(node, library, where);
}

/**
 * If(cond, x...) → `n/Switch = Switch(cond, cond)`, pivots `n/switch_t`/`n/switch_f`, each input
 * through `Switch(x, n/pred_id)`, each branch a call on its side of the Switches with the pivot as
 * a control input (the inliner hands it to every body node, so a branch constant is dead with its
 * branch), and a Merge per output. Output 0 keeps the node's name (an Identity that also waits for
 * the other outputs, so `^n` waits for the whole If); with no outputs `n` merges the two pivots
 * behind the branch calls. A resource handle input reaches both branches as it is.
 */
function lowerIf(node: NodeDef, library: ReadonlyMap<string, FunctionDefObj>, where: string): Lowered {
  const n = node.name;
  const [thenName, elseName] = functionsOf(node);
  const thenSig = signatureOf(thenName, 'then_branch', node, library, where);
  const elseSig = signatureOf(elseName, 'else_branch', node, library, where);
  const data = (node.input ?? []).filter((s) => !s.startsWith('^'));
  const control = (node.input ?? []).filter((s) => s.startsWith('^'));
  if (data.length === 0) throw new InvalidArgumentError(`${where} has no cond input`);
  const tcond = node.attr?.Tcond?.type;
  if (tcond !== undefined && tcond !== DT_BOOL) throw new UnimplementedError(`${where}: cond has dtype enum ${tcond}; only a bool cond is supported (convert it with a comparison first)`);
  const [pred, ...args] = data;
  for (const [fname, sig, attr] of [[thenName, thenSig, 'then_branch'], [elseName, elseSig, 'else_branch']] as const) {
    if (sig.ins.length !== args.length) throw new InvalidArgumentError(`${where}: ${attr} '${fname}' takes ${sig.ins.length} inputs, the If gives ${args.length}`);
  }
  const tout = typeList(node, 'Tout') ?? thenSig.outs;
  if (thenSig.outs.length !== tout.length || elseSig.outs.length !== tout.length) {
    throw new InvalidArgumentError(`${where}: Tout has ${tout.length} outputs but then_branch '${thenName}' returns ${thenSig.outs.length} and else_branch '${elseName}' returns ${elseSig.outs.length}`);
  }
  const tin = typeList(node, 'Tin') ?? thenSig.ins;
  const nodes: NodeDef[] = [
    { name: `${n}/Switch`, op: 'Switch', input: [pred, pred, ...control], attr: { T: BOOL } },
    { name: `${n}/switch_t`, op: 'Identity', input: [`${n}/Switch:1`], attr: { T: BOOL } },
    { name: `${n}/switch_f`, op: 'Identity', input: [`${n}/Switch:0`], attr: { T: BOOL } },
    { name: `${n}/pred_id`, op: 'Identity', input: [pred, ...control], attr: { T: BOOL } },
  ];
  const handle = (i: number): boolean => (tin[i] ?? thenSig.ins[i]) === DT_RESOURCE;
  args.forEach((a, i) => {
    if (!handle(i)) nodes.push({ name: `${n}/input_${i}`, op: 'Switch', input: [a, `${n}/pred_id`], attr: { T: { type: tin[i] ?? thenSig.ins[i] } } });
  });
  const side = (out: string): string[] => args.map((a, i) => (handle(i) ? a : `${n}/input_${i}${out}`));
  nodes.push(call(`${n}/then`, thenName, [...side(':1'), `^${n}/switch_t`], thenSig));
  nodes.push(call(`${n}/else`, elseName, [...side(''), `^${n}/switch_f`], elseSig));
  const aliases = new Map<string, string>();
  if (tout.length === 0) {
    nodes.push({ name: `${n}/then_done`, op: 'Identity', input: [`${n}/switch_t`, `^${n}/then`], attr: { T: BOOL } });
    nodes.push({ name: `${n}/else_done`, op: 'Identity', input: [`${n}/switch_f`, `^${n}/else`], attr: { T: BOOL } });
    nodes.push({ name: n, op: 'Merge', input: [`${n}/else_done`, `${n}/then_done`], attr: { T: BOOL, N: { i: 2 } } });
    return { nodes, aliases };
  }
  tout.forEach((t, j) => {
    nodes.push({ name: `${n}/output_${j}`, op: 'Merge', input: [`${n}/else:${j}`, `${n}/then:${j}`], attr: { T: { type: t }, N: { i: 2 } } });
    if (j > 0) aliases.set(`${n}:${j}`, `${n}/output_${j}:0`);
  });
  nodes.push({ name: n, op: 'Identity', input: [`${n}/output_0`, ...tout.slice(1).map((_t, j) => `^${n}/output_${j + 1}`)], attr: { T: { type: tout[0] } } });
  return { nodes, aliases };
}

/**
 * While(x...) → per loop variable `Enter → Merge → Switch(LoopCond(cond(merges)))`, the true side
 * through an Identity into the body call, whose results go to NextIterations wired back into the
 * Merges; the false side leaves through an Exit. The frame is named after the node (unique in the
 * graph, also inside inlined functions since their nodes carry the caller's prefix). The cond call
 * takes the first Merge and the body call the first body Identity as a control input, so constants
 * of those functions live in the loop frame. Output 0 keeps the node's name.
 */
function lowerWhile(node: NodeDef, library: ReadonlyMap<string, FunctionDefObj>, where: string): Lowered {
  const n = node.name;
  const [condName, bodyName] = functionsOf(node);
  const condSig = signatureOf(condName, 'cond', node, library, where);
  const bodySig = signatureOf(bodyName, 'body', node, library, where);
  const data = (node.input ?? []).filter((s) => !s.startsWith('^'));
  const control = (node.input ?? []).filter((s) => s.startsWith('^'));
  const count = data.length;
  if (count === 0) throw new InvalidArgumentError(`${where} has no loop variables`);
  if (condSig.ins.length !== count) throw new InvalidArgumentError(`${where}: cond '${condName}' takes ${condSig.ins.length} inputs, the While has ${count} loop variables`);
  if (condSig.outs.length !== 1) throw new InvalidArgumentError(`${where}: cond '${condName}' returns ${condSig.outs.length} values; it must return one bool`);
  if (condSig.outs[0] !== DT_BOOL && condSig.outs[0] !== 0) throw new UnimplementedError(`${where}: cond '${condName}' returns dtype enum ${condSig.outs[0]}; only a bool cond is supported`);
  if (bodySig.ins.length !== count || bodySig.outs.length !== count) {
    throw new InvalidArgumentError(`${where}: body '${bodyName}' takes ${bodySig.ins.length} inputs and returns ${bodySig.outs.length}; the While has ${count} loop variables`);
  }
  const types = typeList(node, 'T') ?? bodySig.ins;
  if (types.length !== count) throw new InvalidArgumentError(`${where}: attr T lists ${types.length} types for ${count} loop variables`);
  // resource handles stay out of the frame (see the comment above); the first other variable's Merge and Identity are the pivots
  const carried = types.map((t, i) => (t === DT_RESOURCE ? -1 : i)).filter((i) => i >= 0);
  if (carried.length === 0) throw new UnimplementedError(`${where}: every loop variable is a resource handle; a loop needs a value to iterate on`);
  const pivot = carried[0];
  const parallel = node.attr?.parallel_iterations?.i ?? 10;
  const frame: AttrValueObj = { s: new TextEncoder().encode(n) };
  const nodes: NodeDef[] = [];
  const T = (i: number): AttrValueObj => ({ type: types[i] });
  const each = (f: (i: number) => NodeDef): void => {
    for (const i of carried) nodes.push(f(i));
  };
  const inFrame = (name: (i: number) => string): string[] => data.map((d, i) => (types[i] === DT_RESOURCE ? d : name(i)));
  each((i) => ({ name: `${n}/Enter_${i}`, op: 'Enter', input: [data[i], ...control], attr: { T: T(i), frame_name: frame, is_constant: { b: false }, parallel_iterations: { i: parallel } } }));
  each((i) => ({ name: `${n}/Merge_${i}`, op: 'Merge', input: [`${n}/Enter_${i}`, `${n}/NextIteration_${i}`], attr: { T: T(i), N: { i: 2 } } }));
  nodes.push(call(`${n}/cond`, condName, [...inFrame((i) => `${n}/Merge_${i}`), `^${n}/Merge_${pivot}`], condSig));
  nodes.push({ name: `${n}/LoopCond`, op: 'LoopCond', input: [`${n}/cond`] });
  each((i) => ({ name: `${n}/Switch_${i}`, op: 'Switch', input: [`${n}/Merge_${i}`, `${n}/LoopCond`], attr: { T: T(i) } }));
  each((i) => ({ name: `${n}/Identity_${i}`, op: 'Identity', input: [`${n}/Switch_${i}:1`], attr: { T: T(i) } }));
  nodes.push(call(`${n}/body`, bodyName, [...inFrame((i) => `${n}/Identity_${i}`), `^${n}/Identity_${pivot}`], bodySig));
  each((i) => ({ name: `${n}/NextIteration_${i}`, op: 'NextIteration', input: [`${n}/body:${i}`], attr: { T: T(i) } }));
  each((i) => ({ name: `${n}/Exit_${i}`, op: 'Exit', input: [`${n}/Switch_${i}`], attr: { T: T(i) } }));
  const outputs = inFrame((i) => `${n}/Exit_${i}:0`);
  const aliases = new Map<string, string>();
  for (let i = 1; i < count; i++) aliases.set(`${n}:${i}`, outputs[i]);
  nodes.push({ name: n, op: 'Identity', input: [outputs[0]], attr: { T: T(0) } });
  return { nodes, aliases };
}
