import { isFullyDefined, NDArray } from '../../graph/ir/index.js';
import { fill } from '../../ops/array/fill_like.js';
import { shape } from '../../ops/array/reshape.js';
import { Variable } from '../../ops/state/variable.js';

/**
 * A slot variable as TF1's slot_creator makes it: for primary `W` and op name `Momentum`, the
 * non-trainable variable `W/Momentum` (uniqued like TF: a second one is `W/Momentum_1`) with W's
 * dtype and shape, filled with `initial`. TF names slots through a variable scope, which name
 * scopes do not prefix, so the name is built from the root; like TF's init_scope it ignores
 * enclosing control dependencies, and like TF's colocation it sits on the primary's device. It
 * lives in GLOBAL_VARIABLES, so globalVariablesInitializer initializes it.
 */
export function createSlot(primary: Variable, initial: number, opName: string): Variable {
  const graph = primary.graph;
  const known = isFullyDefined(primary.shape);
  const make = () =>
    new Variable(() => fill(known ? (primary.shape as number[]) : shape(primary.initialValue), NDArray.scalar(initial, primary.dtype)), {
      name: `${primary.op.name}/${opName}`,
      trainable: false,
      validateShape: known,
      // TF makes a resource variable's slots resource variables
      useResource: primary.isResource,
    });
  const device = primary.op.device;
  return graph.asDefault(() =>
    graph.nameScope(null, () => graph.controlDependencies(null, () => (device ? graph.device(device, make) : make()))),
  );
}
