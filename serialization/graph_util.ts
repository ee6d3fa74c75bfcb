import { FailedPreconditionError, InvalidArgumentError, NDArray } from '../graph/ir/index.js';
import { TF_DTYPE } from './dtypes.js';
import { parseInputName } from './graph_def.js';
import { tensorToProto } from './tensor_proto.js';
import type { GraphDef, NodeDef } from './types.js';

/** What freezing needs from a session: the current values of its variables. */
export interface VariableSource {
  variableValue(name: string): NDArray | undefined;
}

const VARIABLE_OPS = new Set(['VariableV2', 'Variable', 'VarHandleOp']);

function strip(name: string): string {
  return parseInputName(name.replace(/:\d+$/, ''))[0];
}

/** The nodes `destNodes` need (data and control inputs), in the GraphDef's order (TF's extract_sub_graph). */
export function extractSubGraph(def: GraphDef, destNodes: readonly string[]): GraphDef {
  const byName = new Map(def.node.map((n) => [n.name, n] as const));
  const keep = new Set<string>();
  const stack = destNodes.map(strip);
  for (const d of stack) if (!byName.has(d)) throw new InvalidArgumentError(`${d} is not in graph`);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (keep.has(n)) continue;
    keep.add(n);
    const node = byName.get(n);
    if (!node) throw new InvalidArgumentError(`Node '${n}' is referenced but not in the graph`);
    for (const i of node.input ?? []) stack.push(parseInputName(i)[0]);
  }
  return { ...def, node: def.node.filter((n) => keep.has(n.name)) };
}

/**
 * Freezes a graph (TF's convert_variables_to_constants): keeps what `outputNames` need and turns
 * each variable into a Const holding the session's value; the `read` identities stay. Resource
 * variables as TF freezes them: VarHandleOp → Const of the value, ReadVariableOp → Identity,
 * ResourceGather → GatherV2 on that Const (axis 0, a Const added beside it).
 */
export function convertVariablesToConstants(sess: VariableSource, def: GraphDef, outputNames: readonly string[]): GraphDef {
  const sub = extractSubGraph(def, outputNames);
  const names = new Set(sub.node.map((n) => n.name));
  const node: NodeDef[] = sub.node.flatMap((n): NodeDef[] => {
    if (n.op === 'ReadVariableOp') return [{ ...n, op: 'Identity', attr: { T: n.attr?.dtype ?? { type: TF_DTYPE.float32 } } }];
    if (n.op === 'ResourceGather') {
      let axis = `${n.name}/axis`;
      while (names.has(axis)) axis += '_';
      names.add(axis);
      const int32 = { type: TF_DTYPE.int32 };
      const axisNode: NodeDef = { name: axis, op: 'Const', input: [], attr: { dtype: int32, value: { tensor: tensorToProto(NDArray.scalar(0, 'int32')) } } };
      const attr = { Tparams: n.attr?.dtype ?? { type: TF_DTYPE.float32 }, Tindices: n.attr?.Tindices ?? int32, Taxis: int32, batch_dims: { i: 0 } };
      const [h, ids, ...control] = n.input ?? [];
      return [axisNode, { ...n, op: 'GatherV2', input: [h, ids, axis, ...control], attr }];
    }
    if (!VARIABLE_OPS.has(n.op)) return [n];
    const value = sess.variableValue(n.name);
    if (!value) throw new FailedPreconditionError(`Attempting to use uninitialized value ${n.name} (convertVariablesToConstants)`);
    const out: NodeDef = { name: n.name, op: 'Const', input: [], attr: { dtype: { type: TF_DTYPE[value.dtype] }, value: { tensor: tensorToProto(value) } } };
    if (n.device) out.device = n.device;
    return [out];
  });
  return { ...sub, node };
}
