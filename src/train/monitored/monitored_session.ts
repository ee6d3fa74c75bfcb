import { FailedPreconditionError, getDefaultGraph, Graph, GraphKeys } from '../../../graph/ir/index.js';
import { globalVariablesInitializer } from '../../../ops/state/variable.js';
import type { Fetches, FetchResult } from '../../fetches.js';
import type { Feeds } from '../../feeds.js';
import { Session, SessionOptions } from '../../session.js';
import { latestCheckpoint, Saver } from '../saver.js';
import { localVariablesInitializer } from '../../local_variables.js';
import { mergeAll } from '../../../ops/summary/summary_ops.js';
import { CheckpointSaverHook } from './checkpoint_saver_hook.js';
import { HookFetches, SessionRunContext, SessionRunHook } from './hook.js';
import { SummarySaverHook } from './summary_saver_hook.js';

export interface MonitoredTrainingSessionOptions {
  graph?: Graph;
  /** Restores the latest checkpoint found here, else initialises; and saves/writes summaries here. */
  checkpointDir?: string;
  hooks?: readonly SessionRunHook[];
  /** Seconds between checkpoints (default 600, TF's); null for none. */
  saveCheckpointSecs?: number | null;
  /** Steps between checkpoints, instead of seconds. */
  saveCheckpointSteps?: number;
  /** Steps between summaries written to checkpointDir (default 100); null for none. */
  saveSummariesSteps?: number | null;
  /** Replaces the Saver the checkpoints are saved and restored with (default: all global variables). */
  saver?: Saver;
  session?: SessionOptions;
}

/**
 * TF1's tf.train.MonitoredTrainingSession: builds the initialiser, a Saver and the default hooks
 * (checkpoints and summaries into `checkpointDir`), then creates a session that restores the
 * latest checkpoint of `checkpointDir` or, when there is none, initialises the variables; so a
 * killed run started again resumes at the global step it last saved.
 */
export async function MonitoredTrainingSession(options: MonitoredTrainingSessionOptions = {}): Promise<MonitoredSession> {
  const graph = options.graph ?? getDefaultGraph();
  const hooks = [...(options.hooks ?? [])];
  const { init, localInit, saver } = graph.asDefault(() => {
    const saver = options.saver ?? new Saver({ graph });
    if (options.checkpointDir) {
      const steps = options.saveCheckpointSteps;
      const secs = steps === undefined ? (options.saveCheckpointSecs === undefined ? 600 : options.saveCheckpointSecs) : undefined;
      if (steps !== undefined || secs !== null) hooks.push(new CheckpointSaverHook(options.checkpointDir, { saveSteps: steps, saveSecs: secs ?? undefined, saver }));
      const every = options.saveSummariesSteps === undefined ? 100 : options.saveSummariesSteps;
      if (every !== null && graph.getCollection(GraphKeys.SUMMARIES).length > 0) {
        hooks.push(new SummarySaverHook({ saveSteps: every, outputDir: options.checkpointDir, summaryOp: mergeAll() ?? undefined }));
      }
    }
    return { init: globalVariablesInitializer(graph), localInit: localVariablesInitializer(graph), saver };
  });
  graph.asDefault(() => {
    for (const h of hooks) h.begin?.();
  });
  const session = new Session({ ...options.session, graph });
  const restoreFrom = options.checkpointDir ? latestCheckpoint(options.checkpointDir) : null;
  if (restoreFrom) await saver.restore(session, restoreFrom);
  else await session.run(init);
  await session.run(localInit);
  const mts = new MonitoredSession(session, hooks);
  for (const h of hooks) await h.afterCreateSession?.(session, () => mts.requestStop());
  return mts;
}

/** The session MonitoredTrainingSession returns: `run` calls the hooks around each step. */
export class MonitoredSession {
  private stop = false;
  private closed = false;

  constructor(readonly session: Session, private readonly hooks: readonly SessionRunHook[]) {}

  shouldStop(): boolean {
    return this.stop || this.closed;
  }

  requestStop(): void {
    this.stop = true;
  }

  run<const F extends Fetches>(fetches: F, feeds?: Feeds): Promise<FetchResult<F>> {
    return this.step(fetches, feeds) as Promise<FetchResult<F>>;
  }

  private async step(fetches: Fetches, feeds: Feeds | undefined): Promise<unknown> {
    if (this.closed) throw new FailedPreconditionError('Attempted to use a closed MonitoredSession.');
    if (this.stop) throw new FailedPreconditionError('Run called even after shouldStop() requested.');
    const context = new SessionRunContext(fetches, feeds, this.session);
    const asked: (HookFetches | null)[] = this.hooks.map((h) => h.beforeRun?.(context) ?? null);
    const extra: Record<string, Fetches> = {};
    asked.forEach((a, i) => {
      if (a) extra[`h${i}`] = a;
    });
    const all: Fetches = { main: fetches, hooks: extra };
    // the fetch structure is only known at run time: its result type is not worked out statically
    const runAny = this.session.run.bind(this.session) as (f: Fetches, feeds?: Feeds) => Promise<unknown>;
    const out = (await runAny(all, feeds)) as { main: unknown; hooks: Record<string, Record<string, unknown>> };
    for (let i = 0; i < this.hooks.length; i++) {
      await this.hooks[i].afterRun?.(context, out.hooks[`h${i}`] ?? {});
    }
    if (context.stopRequested) this.stop = true;
    return out.main;
  }

  /** Calls every hook's `end`, then closes the session. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      for (const h of this.hooks) await h.end?.(this.session);
    } finally {
      this.closed = true;
      this.session.close();
    }
  }
}
