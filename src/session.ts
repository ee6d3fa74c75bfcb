import {
  FailedPreconditionError,
  formatShape,
  getDefaultGraph,
  Graph,
  InvalidArgumentError,
  isCompatible,
  NDArray,
  Operation,
  Tensor,
} from '../graph/ir/index.js';
import { prune } from '../graph/passes/prune.js';
import { lowerProgram } from '../graph/passes/program.js';
import { OptimizeReport, optimizeProgram, OptimizerOptions, passEnabled } from '../graph/passes/manager.js';
import type { Backend, PrecompileReport, StagedFeed } from '../runtime/backend.js';
import { cpuEvaluatorWithin, DEFAULT_FOLD_SIZE_LIMIT } from '../runtime/cpu/const_evaluator.js';
import { defaultMemoryLimitBytes } from '../runtime/default_memory_limit.js';
import { fullDeviceName } from '../runtime/device_name.js';
import { execute, SessionState, StepStat } from '../runtime/executor.js';
import { buildPlan, Plan } from '../runtime/plan.js';
import { precompilePlan } from '../runtime/precompile.js';
import type { DeviceSet, PlacementEntry } from '../runtime/placement.js';
import { sessionDevices } from './session_devices.js';
import { convertFeed, FeedKey, feedEntries, Feeds, feedTensor } from './feeds.js';
import { FetchLeaf, Fetches, FetchResult, flattenFetches, unflattenResults } from './fetches.js';
import { RunMetadata } from './run_metadata.js';
import { writeDump } from './debug_dump.js';

export interface SessionOptions {
  graph?: Graph;
  /**
   * 'cpu' (default); 'null' records dispatches without computing (plan tests); a Backend instance
   * runs on that device. Any backend but the CPU comes with the host CPU as a second device.
   */
  backend?: 'cpu' | 'webgpu' | 'null' | Backend;
  /**
   * Threads of the CPU backend's WebAssembly kernels (default: the number of cores; 1 = no worker
   * threads). For a Backend instance, pass it to its constructor (`new tg.CpuBackend({ threads })`).
   */
  threads?: number;
  /** TF's allow_soft_placement: an op its device cannot run goes to the CPU (shown in lastPlacement). */
  allowSoftPlacement?: boolean;
  /** TF's log_device_placement: one line per step and copy when a plan is made (a function receives them). */
  logDevicePlacement?: boolean | ((line: string) => void);
  /**
   * The pass pipeline (on by default): `{ disable: ['fuse-elementwise'] }` skips passes,
   * `{ disable: ['all'] }` runs the plan as pruned, `only` picks passes, `passes` adds custom ones.
   */
  optimizer?: OptimizerOptions;
  /**
   * `verifyPasses` checks the IR after every pass. `checkNumerics` fails a run at the first op whose
   * float output holds NaN or Inf, naming it, its type, its input shapes and where it was created;
   * checked runs are compiled with the passes off (no fusion), so that op is the user's own.
   */
  debug?: { checkNumerics?: boolean; verifyPasses?: boolean };
  /**
   * Bytes a run may hold (variables, feeds, constants and live intermediates), checked before each
   * op allocates; over it the run fails with a ResourceExhaustedError naming the op, shape and bytes.
   * Default: a quarter of the machine's memory. `Infinity` turns the check off.
   */
  memoryLimitBytes?: number;
  /** How many compiled plans the session keeps, least recently used dropped first (default 64; 0 keeps none). */
  planCacheSize?: number;
  /**
   * Build a new plan's device kernels (WebGPU pipelines) when the plan is built, all at once and
   * before its first step runs, rather than one by one as each step first launches (default true).
   * `sess.precompile(fetches, feedShapes)` does it ahead of the first run. Steps with dims known
   * only at run time still compile at their first launch.
   */
  precompile?: boolean;
}

/** Feed shapes for `Session.precompile`: the tensors a run will feed, with the shapes it will feed. */
export type FeedShapes = Map<FeedKey, readonly number[]> | { readonly [name: string]: readonly number[] };

const DEFAULT_PLAN_CACHE_SIZE = 64;

export interface RunOptions {
  trace?: boolean;
  runMetadata?: RunMetadata;
  /**
   * `dump: dir` writes every tensor the run computes (feeds included) into `dir` for offline
   * inspection: one NumPy .npy per tensor and an index.json (name, op type, dtype, shape);
   * read it back with `tg.debugging.readDump(dir)`. `checkNumerics` turns the session's NaN/Inf
   * check on (or off) for this run; a checked run is compiled with the passes off, so the error
   * names the user op that made the NaN.
   */
  debug?: { dump?: string; checkNumerics?: boolean };
}

/**
 * TF1's Session: runs the part of a graph that the fetches need, with feeds replacing any tensor.
 * Variables live here. Runs are queued, so concurrent `run` calls on one session are safe and each
 * sees the variable state left by the previous one.
 */
export class Session {
  readonly graph: Graph;
  private readonly devices: DeviceSet;
  private readonly options: SessionOptions;
  private readonly state: SessionState;
  /** Compiled plans by run signature, in least-recently-used-first order (a Map keeps insertion order). */
  private readonly plans = new Map<string, { plan: Plan; report: OptimizeReport }>();
  /** Plans whose kernels were built ahead (see SessionOptions.precompile). */
  private readonly precompiled = new WeakSet<Plan>();
  private readonly planCacheSize: number;
  private readonly memoryLimitBytes: number;
  private lastReport: OptimizeReport | null = null;
  private lastPlan: Plan | null = null;
  private closed = false;
  private plansCompiled = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private runsQueued = 0;

  constructor(options: SessionOptions = {}) {
    this.options = options;
    this.graph = options.graph ?? getDefaultGraph();
    this.devices = sessionDevices(options.backend ?? 'cpu', options.threads);
    this.planCacheSize = checkCount('planCacheSize', options.planCacheSize ?? DEFAULT_PLAN_CACHE_SIZE);
    this.memoryLimitBytes = checkLimit(options.memoryLimitBytes ?? defaultMemoryLimitBytes());
    this.state = {
      variables: new Map(),
      runCounters: new Map(),
      sessionSeed: (Math.random() * 0x7fffffff) | 0,
    };
  }

  /** Runs the fetches. The result has the structure of `fetches`. */
  run<const F extends Fetches>(fetches: F, feeds?: Feeds, options: RunOptions = {}): Promise<FetchResult<F>> {
    if (this.closed) return Promise.reject(new FailedPreconditionError('Attempted to use a closed Session.'));
    let feedMap: Map<Tensor, NDArray>;
    const staged: StagedFeed[] = [];
    const release = (): void => {
      for (const s of staged) s.release();
    };
    try {
      // snapshot the feeds now: the caller may change its arrays while this run waits its turn
      feedMap = this.snapshotFeeds(feeds, staged);
    } catch (e) {
      release();
      return Promise.reject(e);
    }
    this.runsQueued++;
    const result = this.queue.then(() => this.runNow(fetches, feedMap, options, staged)).finally(release);
    this.queue = result.catch(() => undefined).then(() => {
      this.runsQueued--;
    });
    return result as Promise<FetchResult<F>>;
  }

  /**
   * Compiles the plan of a run with these fetches and feed shapes, and builds its device kernels
   * (WebGPU pipelines) now, so the first such run compiles nothing. Queued like a run; resolves to
   * one report per device that builds kernels (none on the CPU).
   */
  precompile(fetches: Fetches, feedShapes?: FeedShapes): Promise<PrecompileReport[]> {
    if (this.closed) return Promise.reject(new FailedPreconditionError('Attempted to use a closed Session.'));
    const result = this.queue.then(async () => {
      const shapes = new Map<Tensor, readonly number[]>();
      for (const [key, shape] of feedShapes instanceof Map ? [...feedShapes] : Object.entries(feedShapes ?? {})) {
        const t = feedTensor(this.graph, key);
        if (!isCompatible(t.shape, shape)) throw new InvalidArgumentError(`Cannot precompile with shape ${formatShape(shape)} for tensor '${t.name}', which has shape ${formatShape(t.shape)}`);
        shapes.set(t, [...shape]);
      }
      const leaves = flattenFetches(this.graph, fetches);
      const plan = this.planFor(
        unique(leaves.filter((l): l is Tensor => l instanceof Tensor)),
        unique(leaves.filter((l): l is Operation => l instanceof Operation)),
        [...shapes.keys()],
        shapes,
        this.options.debug?.checkNumerics ?? false,
      );
      this.precompiled.add(plan);
      return precompilePlan(plan);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Closes the session: later calls fail with FailedPreconditionError, and the devices the session
   * made release their memory (a WebGPU device is destroyed with its buffers) once the runs already
   * queued have finished. A backend object passed in `options.backend` is the caller's and stays.
   */
  close(): void {
    const wasClosed = this.closed;
    this.closed = true;
    this.plans.clear();
    this.state.variables.clear();
    if (wasClosed) return;
    const owned = this.devices.backends.filter((b) => b !== this.options.backend);
    const release = (): void => {
      for (const b of owned) b.close?.();
    };
    if (this.runsQueued === 0) release();
    else void this.queue.then(release);
  }

  /** How many compiled plans the session holds now (at most `planCacheSize`). */
  get cachedPlanCount(): number {
    return this.plans.size;
  }

  /** How many plans this session has compiled (a repeated run signature compiles nothing). */
  get compiledPlanCount(): number {
    return this.plansCompiled;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The names of the variables this session holds a value for (on the host or on its device). */
  initializedVariableNames(): string[] {
    const names = new Set(this.state.variables.keys());
    for (const b of this.devices.backends) for (const n of b.residentVariables?.newerOnDevice() ?? []) names.add(n);
    return [...names];
  }

  /**
   * A copy of a variable's value (for savers and tools): writing into it changes nothing here. On a
   * device that keeps variables (WebGPU), a value written there must first come back with
   * `await sess.syncVariables()` (Saver does this); until then this refuses rather than return a
   * stale value.
   */
  variableValue(name: string): NDArray | undefined {
    const device = this.devices.backends.find((b) => b.residentVariables?.has(name));
    if (device) throw new FailedPreconditionError(`Variable '${name}' was last written on ${device.device}: await sess.syncVariables() before reading it on the host`);
    return this.state.variables.get(name)?.clone();
  }

  /**
   * Reads back every variable whose newest value is on a device, so `variableValue` sees it. Queued
   * behind pending runs, like a run.
   */
  syncVariables(): Promise<void> {
    if (this.closed) return Promise.reject(new FailedPreconditionError('Attempted to use a closed Session.'));
    const result = this.queue.then(async () => {
      for (const b of this.devices.backends) {
        const store = b.residentVariables;
        if (!store) continue;
        for (const name of store.newerOnDevice()) {
          const v = await store.readBack(name);
          if (v) this.state.variables.set(name, v);
        }
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Replaces variable values all at once (restore is all-or-nothing); the session keeps copies. */
  setVariableValues(values: ReadonlyMap<string, NDArray>): void {
    if (this.closed) throw new FailedPreconditionError('Attempted to use a closed Session.');
    const own = [...values].map(([k, v]) => [k, v.clone()] as const);
    for (const [k, v] of own) {
      this.state.variables.set(k, v);
      for (const b of this.devices.backends) b.residentVariables?.drop(k);
    }
  }

  /**
   * Resolves and converts the feeds into arrays the session owns (each copied at most once). A
   * caller's array is copied where the host backend stages it (the CPU backend: straight into its
   * wasm heap, where the kernels read it without another copy) when the session has no other
   * device, else into a plain clone; `staged`
   * collects what must be released when the run is over.
   */
  private snapshotFeeds(feeds: Feeds | undefined, staged: StagedFeed[]): Map<Tensor, NDArray> {
    // only where every step runs on the host: a device's upload reads a plain JS copy as well (and
    // Dawn's writeBuffer refuses a view of shared memory)
    const backends = this.devices.backends;
    const host = backends.every((b) => b.hostResident) ? backends[this.devices.host] : null;
    const snapshot = (arr: NDArray): NDArray => {
      const s = host?.stageFeed?.(arr);
      if (!s) return arr.clone();
      staged.push(s);
      return s.value;
    };
    const feedMap = new Map<Tensor, NDArray>();
    for (const [key, value] of feedEntries(feeds)) {
      const t = feedTensor(this.graph, key);
      feedMap.set(t, convertFeed(t, value, snapshot));
    }
    return feedMap;
  }

  private async runNow(fetches: Fetches, feedMap: Map<Tensor, NDArray>, options: RunOptions, staged: readonly StagedFeed[]): Promise<unknown> {
    if (this.closed) throw new FailedPreconditionError('Attempted to use a closed Session.');
    const leaves = flattenFetches(this.graph, fetches);
    const userFetches = unique(leaves.filter((l): l is Tensor => l instanceof Tensor));
    const targets = unique(leaves.filter((l): l is Operation => l instanceof Operation));
    const feedTensors = [...feedMap.keys()];
    // a dump fetches every tensor the run computes: each is still computed once, in the same run
    const dumped = options.debug?.dump !== undefined ? prune(userFetches, targets, feedTensors).ops.flatMap((o) => o.outputs).filter((t) => !feedMap.has(t)) : [];
    const fetchTensors = unique([...userFetches, ...dumped]);
    const checkNumerics = options.debug?.checkNumerics ?? this.options.debug?.checkNumerics ?? false;
    const feedShapes = new Map<Tensor, readonly number[]>();
    for (const [t, v] of feedMap) feedShapes.set(t, v.shape);
    const plan = this.planFor(fetchTensors, targets, feedTensors, feedShapes, checkNumerics);
    this.validate(plan, feedMap);
    if ((this.options.precompile ?? true) && !this.precompiled.has(plan)) {
      this.precompiled.add(plan);
      await precompilePlan(plan);
    }

    const feedSlots = new Map<number, NDArray>();
    for (const [t, v] of feedMap) feedSlots.set(plan.feedSlots.get(t)!, v);
    const { fetched, stats } = await execute(plan, feedSlots, this.state, {
      trace: options.trace || options.runMetadata !== undefined,
      checkNumerics,
      memoryLimitBytes: this.memoryLimitBytes,
      device: this.deviceName(),
    });
    if (options.runMetadata) options.runMetadata.stepStats = statsByDevice(stats);
    if (staged.length > 0) this.unstage(staged, fetched);
    const byTensor = new Map<Tensor, NDArray>();
    fetchTensors.forEach((t, i) => byTensor.set(t, fetched[i]));
    if (options.debug?.dump !== undefined) writeDump(options.debug.dump, new Map([...feedMap, ...dumped.map((t) => [t, byTensor.get(t)!] as const)]));
    const values = leaves.map((l: FetchLeaf) => (l instanceof Tensor ? byTensor.get(l)! : null));
    return unflattenResults(fetches, values);
  }

  /**
   * Staged feeds go back to the backend when the run ends, so nothing may keep one: a fetch that is
   * a fed value (or a view of one: Identity, Reshape share the storage) and a variable assigned one
   * become copies here. (Kernels never write into a feed, and no other value outlives the run.)
   */
  private unstage(staged: readonly StagedFeed[], fetched: NDArray[]): void {
    const blocks = new Set(staged.map((s) => s.value.storage));
    for (let i = 0; i < fetched.length; i++) if (blocks.has(fetched[i].storage)) fetched[i] = fetched[i].clone();
    for (const [name, v] of this.state.variables) if (blocks.has(v.storage)) this.state.variables.set(name, v.clone());
  }

  /** Where each step and copy of the last run's plan ran (empty before the first run). */
  get lastPlacement(): readonly PlacementEntry[] {
    return this.lastPlan?.placement ?? [];
  }

  /** The optimizer's report for the plan the last run used (null before the first run). */
  get lastOptimizeReport(): OptimizeReport | null {
    return this.lastReport;
  }

  /** The host device's full name (OOM messages name it: the memory limit counts host memory). */
  private deviceName(): string {
    return fullDeviceName(this.devices.backends[this.devices.host].device);
  }

  /**
   * `unoptimized` (checkNumerics runs) compiles with every pass off: each user op is then its own
   * step, so a NaN is reported at the op that made it, with the line that created it, and not at
   * a fused kernel or folded constant further on.
   */
  private planFor(fetches: Tensor[], targets: Operation[], feeds: Tensor[], feedShapes: ReadonlyMap<Tensor, readonly number[]>, unoptimized = false): Plan {
    const key = [
      unoptimized ? 'unoptimized' : 'optimized',
      this.graph.version,
      fetches.map((t) => t.name).join(','),
      targets.map((o) => o.name).join(','),
      // sorted: the plan reads feeds by tensor (Plan.feedSlots), so their order does not change it
      feeds.map((t) => `${t.name}${formatShape(feedShapes.get(t)!)}`).sort().join(','),
    ].join('|');
    let entry = this.plans.get(key);
    if (entry) {
      // most recently used goes last
      this.plans.delete(key);
      this.plans.set(key, entry);
    } else {
      const pruned = prune(fetches, targets, feeds);
      const lowered = lowerProgram(pruned.ops, fetches, targets, feeds, feedShapes);
      const foldLimit = this.options.optimizer?.foldSizeLimit ?? DEFAULT_FOLD_SIZE_LIMIT;
      const target = { backend: this.devices.backends[0].name, lowerings: this.devices.backends[0].lowerings };
      const opts: OptimizerOptions = {
        evaluate: cpuEvaluatorWithin(foldLimit),
        target,
        ...this.options.optimizer,
        verify: this.options.debug?.verifyPasses || this.options.optimizer?.verify,
        ...(unoptimized ? { disable: ['all'] } : {}),
      };
      const { program, report } = optimizeProgram(lowered, opts);
      const plan = buildPlan(program, { planMemory: passEnabled('memory', opts), devices: this.devices, allowSoftPlacement: this.options.allowSoftPlacement });
      report.memory = plan.memory;
      this.logPlacement(plan);
      entry = { plan, report };
      this.plansCompiled++;
      if (this.planCacheSize > 0) {
        if (this.plans.size >= this.planCacheSize) this.plans.delete(this.plans.keys().next().value!);
        this.plans.set(key, entry);
      }
    }
    this.lastReport = entry.report;
    this.lastPlan = entry.plan;
    return entry.plan;
  }

  /** TF's placement log lines ('name: (Type): /job:localhost/replica:0/task:0/device:CPU:0'). */
  private logPlacement(plan: Plan): void {
    const log = this.options.logDevicePlacement;
    if (!log) return;
    const print = typeof log === 'function' ? log : (line: string) => console.log(line);
    for (const e of plan.placement) {
      const from = e.from ? ` (from ${fullDeviceName(e.from)})` : '';
      const soft = e.softPlaced ? ` (soft placement: ${e.softPlaced})` : '';
      print(`${e.name}: (${e.type}): ${fullDeviceName(e.device)}${from}${soft}`);
    }
  }

  /** Everything that can be known to fail is checked before any kernel runs. */
  private validate(plan: Plan, feeds: Map<Tensor, NDArray>): void {
    for (const op of plan.placeholders) {
      if (!op.origin[0] || !feeds.has(op.origin[0].outputs[0])) {
        throw new InvalidArgumentError(
          `You must feed a value for placeholder tensor '${op.name}' with dtype ${op.outputs[0].dtype} and shape ${formatShape(op.outputs[0].shape)}`,
          { opName: op.name, opType: op.type, traceback: op.traceback },
        );
      }
    }
    for (const op of plan.variableReads) {
      const onDevice = this.devices.backends.some((b) => b.residentVariables?.has(op.name));
      if (!this.state.variables.has(op.name) && !onDevice && !plan.variableWrites.has(op.name)) {
        throw new FailedPreconditionError(`Attempting to use uninitialized value ${op.name}`, { opName: op.name, opType: op.type, traceback: op.traceback });
      }
    }
  }
}

/** RunMetadata's step stats, one entry per device as TF groups them. */
function statsByDevice(stats: readonly StepStat[]): { device: string; nodeStats: StepStat[] }[] {
  const by = new Map<string, StepStat[]>();
  for (const st of stats) {
    const list = by.get(st.device);
    if (list) list.push(st);
    else by.set(st.device, [st]);
  }
  return [...by].map(([d, nodeStats]) => ({ device: fullDeviceName(d), nodeStats }));
}

function checkCount(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`SessionOptions.${what} must be a non-negative integer, got ${String(n)}`);
  return n;
}

function checkLimit(n: number): number {
  if (typeof n !== 'number' || Number.isNaN(n) || n <= 0) throw new InvalidArgumentError(`SessionOptions.memoryLimitBytes must be a positive number of bytes (or Infinity), got ${String(n)}`);
  return n;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
