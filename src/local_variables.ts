import { getDefaultGraph, Graph, GraphKeys, Operation } from '../graph/ir/index.js';
import { Variable, variablesInitializer } from '../ops/state/variable.js';

/** TF's local_variables(): variables of one process's run (metric counters), never saved. */
export function localVariables(graph: Graph = getDefaultGraph()): Variable[] {
  return graph.getCollection<Variable>(GraphKeys.LOCAL_VARIABLES);
}

/** TF's local_variables_initializer(): one op (`init_1`) running every local variable's initializer. */
export function localVariablesInitializer(graph: Graph = getDefaultGraph()): Operation {
  return graph.asDefault(() => variablesInitializer(localVariables(graph), 'init'));
}
