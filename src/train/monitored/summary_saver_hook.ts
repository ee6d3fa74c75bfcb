import { FailedPreconditionError, getDefaultGraph, InvalidArgumentError, NDArray, Tensor } from '../../../graph/ir/index.js';
import type { Session } from '../../session.js';
import { mergeAll } from '../../../ops/summary/summary_ops.js';
import { FileWriter } from '../../summary.js';
import { requireGlobalStep } from './global_step.js';
import { HookFetches, HookResults, scalarOf, SessionRunContext, SessionRunHook } from './hook.js';
import { StepTimer } from './step_timer.js';

export interface SummarySaverHookOptions {
  saveSteps?: number;
  saveSecs?: number;
  outputDir?: string;
  summaryWriter?: FileWriter;
  /** Default: every summary of the graph (`tg.summary.mergeAll()`). */
  summaryOp?: Tensor;
}

/** TF's SummarySaverHook: fetches the summary op with every Nth step (or after N seconds) and writes it at that step's global step. */
export class SummarySaverHook implements SessionRunHook {
  private step: Tensor | null = null;
  private op: Tensor | null;
  private writer: FileWriter | null;
  private readonly timer: StepTimer;
  private readonly outputDir: string | undefined;
  private due = false;
  private next = 0;

  constructor(options: SummarySaverHookOptions) {
    if ((options.saveSecs === undefined) === (options.saveSteps === undefined)) {
      throw new InvalidArgumentError('SummarySaverHook: exactly one of saveSecs and saveSteps must be given.');
    }
    if (!options.outputDir && !options.summaryWriter) throw new InvalidArgumentError('SummarySaverHook: give outputDir or summaryWriter.');
    this.timer = new StepTimer({ everySecs: options.saveSecs, everySteps: options.saveSteps });
    this.op = options.summaryOp ?? null;
    this.writer = options.summaryWriter ?? null;
    this.outputDir = options.outputDir;
  }

  begin(): void {
    this.step = requireGlobalStep('SummarySaverHook');
    this.op ??= mergeAll();
    if (!this.op) throw new FailedPreconditionError('SummarySaverHook: the graph has no summaries and no summaryOp was given.');
    this.writer ??= new FileWriter(this.outputDir!, getDefaultGraph());
  }

  async afterCreateSession(session: Session): Promise<void> {
    this.next = (await session.run(this.step!)).item();
  }

  beforeRun(): HookFetches {
    this.due = this.timer.shouldTrigger(this.next);
    return this.due ? { globalStep: this.step!, summary: this.op! } : { globalStep: this.step! };
  }

  afterRun(_context: SessionRunContext, results: HookResults): void {
    // the step's value as read in this run (before its increment), as TF writes it
    const step = scalarOf(results.globalStep, 'SummarySaverHook');
    this.next = step + 1;
    if (!this.due) return;
    this.timer.update(step);
    this.writer!.addSummary(results.summary as NDArray, step);
    this.writer!.flush();
  }

  end(): void {
    this.writer?.close();
  }
}
