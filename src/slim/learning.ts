import { getDefaultGraph, Graph, GraphKeys, InvalidArgumentError, Tensor } from '../../graph/ir/index.js';
import { identity } from '../../ops/control/control.js';
import type { Variable } from '../../ops/state/variable.js';
import type { Feeds } from '../feeds.js';
import type { Optimizer } from '../train/optimizer.js';
import { getOrCreateGlobalStep } from '../train/training_util.js';
import { MonitoredTrainingSession } from '../train/monitored/monitored_session.js';
import type { SessionRunHook } from '../train/monitored/hook.js';
import { StopAtStepHook } from '../train/monitored/stop_at_step_hook.js';
import { LoggingTensorHook } from '../train/monitored/logging_tensor_hook.js';
import { SummarySaverHook } from '../train/monitored/summary_saver_hook.js';

/**
 * slim.learning.create_train_op: the total loss, read after one optimizer update (and a global
 * step increment), so fetching it trains one step and reports the loss.
 */
export function createTrainOp(totalLoss: Tensor, optimizer: Optimizer, options: { globalStep?: Variable; varList?: readonly Variable[] } = {}): Tensor {
  const graph = totalLoss.graph;
  return graph.asDefault(() => {
    const globalStep = options.globalStep ?? getOrCreateGlobalStep(graph);
    const update = optimizer.minimize(totalLoss, { globalStep, varList: options.varList });
    const trainOp = graph.controlDependencies([update], () => identity(totalLoss, 'train_op'));
    graph.addToCollection(GraphKeys.TRAIN_OP, trainOp);
    return trainOp;
  });
}

export interface TrainOptions {
  /** Stop when the global step reaches this (slim's number_of_steps); default: run until a hook stops. */
  numberOfSteps?: number;
  /** Print `global step N: loss = L` every this many steps (default 1, as slim); 0 for never. */
  logEveryNSteps?: number;
  /** Seconds between checkpoints in logdir (default 600). */
  saveIntervalSecs?: number;
  /** Seconds between summaries in logdir (default 600), when the graph has summaries. */
  saveSummariesSecs?: number;
  feeds?: Feeds;
  graph?: Graph;
  hooks?: readonly SessionRunHook[];
  log?: (line: string) => void;
}

/**
 * slim.learning.train: a MonitoredTrainingSession over `logdir` (restoring its latest checkpoint,
 * saving every saveIntervalSecs and at the end) that fetches `trainOp` until numberOfSteps.
 * Returns the last loss.
 */
export async function train(trainOp: Tensor, logdir: string, options: TrainOptions = {}): Promise<number> {
  const graph = options.graph ?? trainOp.graph ?? getDefaultGraph();
  if (options.numberOfSteps === undefined && (options.hooks ?? []).length === 0) {
    throw new InvalidArgumentError('slim.learning.train: give numberOfSteps or a hook that stops the loop');
  }
  const globalStep = graph.asDefault(() => getOrCreateGlobalStep(graph));
  const hooks: SessionRunHook[] = [...(options.hooks ?? [])];
  if (options.numberOfSteps !== undefined) hooks.push(new StopAtStepHook({ lastStep: options.numberOfSteps }));
  const every = options.logEveryNSteps ?? 1;
  if (every > 0) {
    hooks.push(new LoggingTensorHook({ step: globalStep.value(), loss: trainOp }, {
      everyNIter: every,
      formatter: (v) => `global step ${v.step.item() + 1}: loss = ${v.loss.item().toFixed(4)}`,
      log: options.log,
    }));
  }
  if (graph.getCollection(GraphKeys.SUMMARIES).length > 0) hooks.push(new SummarySaverHook({ saveSecs: options.saveSummariesSecs ?? 600, outputDir: logdir }));
  const mts = await MonitoredTrainingSession({ graph, checkpointDir: logdir, hooks, saveCheckpointSecs: options.saveIntervalSecs ?? 600, saveSummariesSteps: null });
  let loss = Number.NaN;
  try {
    while (!mts.shouldStop()) loss = (await mts.run(trainOp, options.feeds)).item();
  } finally {
    await mts.close();
  }
  return loss;
}
