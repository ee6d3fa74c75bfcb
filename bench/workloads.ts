/**
 * The workloads of `npm run bench` (issue 12, item 6), described once so that every engine builds
 * the same model from the same weights and inputs, and a fingerprint of each result can be checked
 * against a peer's before anything is timed.
 */

export type WorkloadId = 'matmul' | 'mlp64' | 'mlp1024' | 'lenet64' | 'mlpTrain' | 'lenetTrain' | 'elementwise';

export interface Workload {
  readonly id: WorkloadId;
  readonly title: string;
  /** Multiply-adds ×2 per run, for a GFLOP/s column (matMul only). */
  readonly flops?: number;
  readonly runs: number;
}

export const N = 1024;
export const ELEMENTS = 1 << 20;

export const WORKLOADS: readonly Workload[] = [
  { id: 'matmul', title: 'matMul 1024x1024x1024', flops: 2 * N ** 3, runs: 7 },
  { id: 'mlp64', title: 'MLP 784-256-128-10 inference b64', runs: 20 },
  { id: 'mlp1024', title: 'MLP inference b1024', runs: 10 },
  { id: 'lenet64', title: 'LeNet-5 inference b64', runs: 10 },
  { id: 'mlpTrain', title: 'MLP training step Adam b64', runs: 10 },
  { id: 'lenetTrain', title: 'LeNet-5 training step SGD b64', runs: 5 },
  { id: 'elementwise', title: 'relu(x*1.5+0.25)*sigmoid(x) 1M', runs: 20 },
];

/** Deterministic floats in [-scale, scale): every engine gets the same numbers. */
export function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (2 * (s / 4294967296) - 1);
  }
  return out;
}

export function labels(n: number, seed: number): Int32Array {
  return Int32Array.from(values(n, seed), (v) => Math.min(9, Math.floor((v + 1) * 5)));
}

/** Dense layer shapes of the MLP and the LeNet (conv 5x5x8, 5x5x16 SAME, pool 2, fc 128, fc 10). */
export const MLP = [784, 256, 128, 10] as const;
export const LENET = { c1: [5, 5, 1, 8], c2: [5, 5, 8, 16], f1: [784, 128], f2: [128, 10] } as const;

/** Weights of layer `i` (seeded by position), scaled like a Glorot init so activations stay O(1). */
export function weight(shape: readonly number[], seed: number): Float32Array {
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return values(shape.reduce((a, b) => a * b, 1), 1000 + seed, Math.sqrt(3 / fanIn));
}

export function bias(n: number, seed: number): Float32Array {
  return values(n, 2000 + seed, 0.1);
}

/** The input of a workload (images are in [0, 1) as MNIST's). */
export function input(id: WorkloadId): { data: Float32Array; shape: number[] }[] {
  switch (id) {
    case 'matmul':
      return [{ data: values(N * N, 1), shape: [N, N] }, { data: values(N * N, 2), shape: [N, N] }];
    case 'mlp64':
    case 'mlpTrain':
    case 'lenet64':
    case 'lenetTrain':
      return [{ data: values(64 * 784, 3).map((v) => (v + 1) / 2), shape: [64, 784] }];
    case 'mlp1024':
      return [{ data: values(1024 * 784, 4).map((v) => (v + 1) / 2), shape: [1024, 784] }];
    case 'elementwise':
      return [{ data: values(ELEMENTS, 5, 4), shape: [ELEMENTS] }];
  }
}

export const TRAIN_LABELS = labels(64, 6);
export const ADAM_LR = 0.001;
export const SGD_LR = 0.01;

/**
 * What is compared between engines: 32 values spread over the result and its sum. Training steps
 * are compared by the loss of their first step (before the update).
 */
export interface Fingerprint {
  readonly sample: number[];
  readonly sum: number;
}

export function fingerprint(x: ArrayLike<number>): Fingerprint {
  const sample: number[] = [];
  for (let i = 0; i < 32; i++) sample.push(x[Math.floor((i * x.length) / 32)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return { sample, sum };
}

/** Null when the two agree (float32 tolerance scaled by size), else what differs. */
export function mismatch(a: Fingerprint, b: Fingerprint, n: number): string | null {
  for (let i = 0; i < a.sample.length; i++) {
    if (!(Math.abs(a.sample[i] - b.sample[i]) <= 1e-3 * (1 + Math.abs(b.sample[i])))) return `sample ${i}: ${a.sample[i]} vs ${b.sample[i]}`;
  }
  if (!(Math.abs(a.sum - b.sum) <= 1e-4 * n + 1e-3 * Math.abs(b.sum))) return `sum ${a.sum} vs ${b.sum}`;
  return null;
}

/** One engine's result for one workload: a median time and what it computed, or why it cannot. */
export type Result = { readonly ms: number; readonly check: Fingerprint; readonly size: number } | { readonly error: string };

export function median(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Warm-up time per engine and workload (ms; `TG_BENCH_WARMUP_MS` overrides): JIT engines (V8's
 * tiers for JS and wasm, ours and tfjs alike) and allocators reach their steady state only after
 * hundreds of runs of a small workload (our MLP b64 ran 0.99 ms median over runs 3-22 of a
 * process and 0.53 over runs 1-1000), and a served model runs for good; every engine gets the
 * same rule.
 */
const WARMUP_MS = Number(process.env.TG_BENCH_WARMUP_MS ?? 1500);

/** Warm-up (at least 2 runs, and until WARMUP_MS have passed, at most 5000 runs), then the median of `runs` timings. */
export async function timeRuns(runs: number, fn: () => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < 5000 && (i < 2 || performance.now() - start < WARMUP_MS); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
