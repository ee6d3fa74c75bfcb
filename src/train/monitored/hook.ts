import { InternalError, NDArray } from '../../../graph/ir/index.js';
import type { Fetches } from '../../fetches.js';
import type { Feeds } from '../../feeds.js';
import type { Session } from '../../session.js';

/** What one `MonitoredSession.run` asked for, as hooks see it (TF's SessionRunContext). */
export class SessionRunContext {
  private stop = false;
  constructor(readonly originalFetches: Fetches, readonly feeds: Feeds | undefined, readonly session: Session) {}

  /** Ends the training loop after this step: `shouldStop()` turns true. */
  requestStop(): void {
    this.stop = true;
  }

  get stopRequested(): boolean {
    return this.stop;
  }
}

/** Extra tensors a hook wants fetched along with the step (TF's SessionRunArgs). */
export type HookFetches = Readonly<Record<string, Fetches>>;

/** The values of a hook's extra fetches, by the keys it asked with. */
export type HookResults = Readonly<Record<string, unknown>>;

/**
 * TF's SessionRunHook. `begin` runs while the graph can still grow; `afterCreateSession` once the
 * variables are initialised or restored; `beforeRun`/`afterRun` around every step; `end` when the
 * session closes normally.
 */
export interface SessionRunHook {
  begin?(): void;
  /** `requestStop` ends the loop before its first step (e.g. a run restored at its last step). */
  afterCreateSession?(session: Session, requestStop: () => void): Promise<void> | void;
  beforeRun?(context: SessionRunContext): HookFetches | null | undefined;
  afterRun?(context: SessionRunContext, results: HookResults): Promise<void> | void;
  end?(session: Session): Promise<void> | void;
}

/** Reads a fetched scalar as a JS number. */
export function scalarOf(value: unknown, what: string): number {
  if (!(value instanceof NDArray) || value.size !== 1) throw new InternalError(`${what}: expected a fetched scalar`);
  return value.item();
}
