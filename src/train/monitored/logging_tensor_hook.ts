import { InvalidArgumentError, NDArray, Tensor } from '../../../graph/ir/index.js';
import { HookFetches, HookResults, SessionRunHook } from './hook.js';
import { StepTimer } from './step_timer.js';

export interface LoggingTensorHookOptions {
  everyNIter?: number;
  everyNSecs?: number;
  /** Replaces the default `name = value, ...` line. */
  formatter?: (values: Readonly<Record<string, NDArray>>) => string;
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
}

/** TF's LoggingTensorHook: prints the given tensors every N local steps (or seconds), as `name = value, ...`. */
export class LoggingTensorHook implements SessionRunHook {
  private readonly timer: StepTimer;
  private iter = 0;
  private due = false;
  private readonly log: (line: string) => void;

  constructor(readonly tensors: Readonly<Record<string, Tensor>>, private readonly options: LoggingTensorHookOptions = {}) {
    if ((options.everyNIter === undefined) === (options.everyNSecs === undefined)) {
      throw new InvalidArgumentError('LoggingTensorHook: exactly one of everyNIter and everyNSecs must be given.');
    }
    this.timer = new StepTimer({ everySteps: options.everyNIter, everySecs: options.everyNSecs });
    this.log = options.log ?? ((line) => console.log(line));
  }

  beforeRun(): HookFetches | null {
    this.due = this.timer.shouldTrigger(this.iter);
    return this.due ? { tensors: this.tensors } : null;
  }

  afterRun(_context: unknown, results: HookResults): void {
    if (this.due) {
      this.timer.update(this.iter);
      const values = results.tensors as Record<string, NDArray>;
      this.log(this.options.formatter ? this.options.formatter(values) : Object.entries(values).map(([k, v]) => `${k} = ${format(v)}`).join(', '));
    }
    this.iter++;
  }
}

function format(v: NDArray): string {
  return v.size === 1 ? String(v.item()) : JSON.stringify(v.toArray());
}
