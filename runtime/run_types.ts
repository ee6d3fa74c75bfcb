import type { NDArray } from '../graph/ir/index.js';

/* The types both executors (runtime/executor.ts, runtime/control_flow/executor.ts) and their shared
 * step and run helpers use: kept apart so that the helpers import no executor. */

/** What a session keeps between runs. */
export interface SessionState {
  readonly variables: Map<string, NDArray>;
  readonly runCounters: Map<string, number>;
  readonly sessionSeed: number;
}

export interface StepStat {
  nodeName: string;
  opType: string;
  /** Microseconds since the run started. */
  startMicros: number;
  durationMicros: number;
  outputShapes: number[][];
  kernel: string;
  /** The device the step ran on ('/device:CPU:0'). */
  device: string;
}

export interface ExecuteOptions {
  trace?: boolean;
  checkNumerics?: boolean;
  /** Bytes the run may hold in host memory, variables and feeds included (default: no limit). */
  memoryLimitBytes?: number;
  /** The device named in OOM messages. */
  device?: string;
}
