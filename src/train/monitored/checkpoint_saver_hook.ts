import { InvalidArgumentError, Tensor } from '../../../graph/ir/index.js';
import { join as joinPath } from '../../../platform/path.js';
import type { Session } from '../../session.js';
import { Saver } from '../saver.js';
import { requireGlobalStep } from './global_step.js';
import { HookFetches, HookResults, scalarOf, SessionRunContext, SessionRunHook } from './hook.js';
import { StepTimer } from './step_timer.js';

export interface CheckpointSaverHookOptions {
  /** Save every this many seconds (TF's default for MonitoredTrainingSession is 600) ... */
  saveSecs?: number;
  /** ... or every this many global steps; exactly one of the two. */
  saveSteps?: number;
  saver?: Saver;
  checkpointBasename?: string;
}

/**
 * TF's CheckpointSaverHook: saves `<dir>/model.ckpt-<global step>` when the session is created,
 * every `saveSteps` steps or `saveSecs` seconds, and at the end; the Saver keeps the `checkpoint`
 * state file whole across a kill, so a restarted run resumes from the last save.
 */
export class CheckpointSaverHook implements SessionRunHook {
  private step: Tensor | null = null;
  private saver: Saver | null;
  private readonly timer: StepTimer;
  private readonly prefix: string;
  private lastSaved = -1;

  constructor(readonly checkpointDir: string, options: CheckpointSaverHookOptions = {}) {
    if ((options.saveSecs === undefined) === (options.saveSteps === undefined)) {
      throw new InvalidArgumentError('CheckpointSaverHook: exactly one of saveSecs and saveSteps must be given.');
    }
    this.timer = new StepTimer({ everySecs: options.saveSecs, everySteps: options.saveSteps });
    this.saver = options.saver ?? null;
    this.prefix = joinPath(checkpointDir, options.checkpointBasename ?? 'model.ckpt');
  }

  begin(): void {
    this.step = requireGlobalStep('CheckpointSaverHook');
    this.saver ??= new Saver();
  }

  async afterCreateSession(session: Session): Promise<void> {
    const now = (await session.run(this.step!)).item();
    await this.save(session, now);
    this.timer.update(now);
  }

  beforeRun(): HookFetches {
    return { globalStep: this.step! };
  }

  async afterRun(context: SessionRunContext, results: HookResults): Promise<void> {
    const stale = scalarOf(results.globalStep, 'CheckpointSaverHook') + 1;
    if (!this.timer.shouldTrigger(stale)) return;
    const now = (await context.session.run(this.step!)).item();
    this.timer.update(now);
    await this.save(context.session, now);
  }

  async end(session: Session): Promise<void> {
    const now = (await session.run(this.step!)).item();
    if (now !== this.lastSaved) await this.save(session, now);
  }

  private async save(session: Session, step: number): Promise<void> {
    await this.saver!.save(session, this.prefix, { globalStep: step });
    this.lastSaved = step;
  }
}
