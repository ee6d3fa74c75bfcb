import { InvalidArgumentError, NDArray, Tensor } from '../../../graph/ir/index.js';
import { HookFetches, HookResults, SessionRunContext, SessionRunHook } from './hook.js';

/**
 * TF's NanTensorHook: checks the loss after every step. A NaN fails the run (TF's
 * NanLossDuringTrainingError, here an InvalidArgumentError naming the loss), or with
 * `failOnNanLoss: false` logs a warning and stops the loop.
 */
export class NanTensorHook implements SessionRunHook {
  constructor(readonly loss: Tensor, private readonly options: { failOnNanLoss?: boolean } = {}) {}

  beforeRun(): HookFetches {
    return { loss: this.loss };
  }

  afterRun(context: SessionRunContext, results: HookResults): void {
    const v = results.loss as NDArray;
    if (!Array.from(v.data as Float32Array).some((x) => Number.isNaN(x))) return;
    const message = `NaN loss during training: '${this.loss.name}' is NaN (Model diverged with loss = NaN).`;
    if (this.options.failOnNanLoss ?? true) throw new InvalidArgumentError(message);
    console.warn(`tensorgraph: ${message} Stopping the training loop.`);
    context.requestStop();
  }
}
