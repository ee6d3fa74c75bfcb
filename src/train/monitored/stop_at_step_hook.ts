import { InvalidArgumentError, Tensor } from '../../../graph/ir/index.js';
import type { Session } from '../../session.js';
import { requireGlobalStep } from './global_step.js';
import { HookFetches, HookResults, scalarOf, SessionRunContext, SessionRunHook } from './hook.js';

/**
 * TF's StopAtStepHook: stops when the global step reaches `lastStep`, or after `numSteps` more
 * steps than it had when the session was created (a restored run counts from its checkpoint).
 */
export class StopAtStepHook implements SessionRunHook {
  private lastStep: number | null;
  private readonly numSteps: number | null;
  private step: Tensor | null = null;

  constructor(options: { numSteps?: number; lastStep?: number }) {
    if ((options.numSteps === undefined) === (options.lastStep === undefined)) {
      throw new InvalidArgumentError('StopAtStepHook: exactly one of numSteps and lastStep must be given.');
    }
    this.numSteps = options.numSteps ?? null;
    this.lastStep = options.lastStep ?? null;
  }

  begin(): void {
    this.step = requireGlobalStep('StopAtStepHook');
  }

  async afterCreateSession(session: Session, requestStop: () => void): Promise<void> {
    const now = (await session.run(this.step!)).item();
    if (this.lastStep === null) this.lastStep = now + this.numSteps!;
    // a run restored at or past its last step does no more steps
    if (now >= this.lastStep) requestStop();
  }

  beforeRun(): HookFetches {
    return { globalStep: this.step! };
  }

  async afterRun(context: SessionRunContext, results: HookResults): Promise<void> {
    // the fetched value was read before this step's increment
    if (scalarOf(results.globalStep, 'StopAtStepHook') + 1 < this.lastStep!) return;
    const now = (await context.session.run(this.step!)).item();
    if (now >= this.lastStep!) context.requestStop();
  }
}
