import { Graph, GraphKeys, NDArray } from '../graph/ir/index.js';
import { makeOp, toTensor } from '../ops/builder.js';
import { AssignVariableOp } from '../ops/state/resource_ops.js';
import { globalVariables, readVariableOp, Variable } from '../ops/state/variable.js';
import { variableHandles } from './saved_model_v2.js';
import type { GraphDef, MetaGraphDef } from './types.js';

/**
 * Variables over the VarHandleOps a TF2 SavedModel's object-based checkpoint restored, added to
 * GLOBAL_VARIABLES (and to TRAINABLE_VARIABLES when the object graph marks them trainable), so
 * that `tg.train.Saver`, `globalVariablesInitializer` and optimizers find them as they find TF1
 * variables. A TF2 MetaGraph has no VariableDefs: each gets what a resource variable built here
 * has, under its own name scope: `<v>/Read/ReadVariableOp`, and an initializer `<v>/Assign` whose
 * initial value `<v>/Initializer/initial_value` is the value the SavedModel held (what TF2 itself
 * starts a loaded variable from). Handles that already back a Variable are left as they are.
 */
export function addObjectVariables(graph: Graph, meta: MetaGraphDef, graphDef: GraphDef, values: ReadonlyMap<string, NDArray>): Variable[] {
  const objects = meta.object_graph_def?.nodes ?? [];
  const known = new Set(globalVariables(graph).map((v) => v.op.name));
  const added: Variable[] = [];
  for (const [id, name] of variableHandles(meta, graphDef)) {
    const value = values.get(name);
    if (!value || known.has(name) || !graph.hasOperation(name)) continue;
    known.add(name);
    const op = graph.getOperationByName(name);
    const handle = op.outputs[0];
    // proto3: an absent `trainable` is false (Keras optimizer state such as SGD/iter)
    const trainable = objects[id]?.variable?.trainable === true;
    const v = graph.controlDependencies(null, () =>
      graph.nameScope(`${name}/`, () => {
        const initialValue = graph.nameScope('Initializer/', () => toTensor(value, value.dtype, graph, 'initial_value'));
        const initializer = makeOp(AssignVariableOp, [handle, initialValue], { dtype: value.dtype, validate_shape: true }, { name: 'Assign', graph });
        const snapshot = graph.nameScope('Read/', () => readVariableOp(handle, value.dtype));
        return Variable.fromOps({ op, initializer, snapshot, initialValue, trainable });
      }),
    );
    graph.addToCollection(GraphKeys.GLOBAL_VARIABLES, v);
    if (trainable) graph.addToCollection(GraphKeys.TRAINABLE_VARIABLES, v);
    added.push(v);
  }
  return added;
}
