import { FailedPreconditionError, getDefaultGraph, Tensor } from '../../../graph/ir/index.js';
import { getGlobalStep } from '../training_util.js';

/** The default graph's global step as a tensor; `hook` names who needed it (TF's message). */
export function requireGlobalStep(hook: string): Tensor {
  const step = getGlobalStep(getDefaultGraph());
  if (!step) throw new FailedPreconditionError(`Global step should be created to use ${hook} (tg.train.getOrCreateGlobalStep()).`);
  return step.value();
}
