/**
 * `node --cpu-prof dist/bench/profile.js <workload> [iterations] [memory]`: one bench workload in
 * tensorgraph (CPU backend, auto kernels) run in a loop long enough for a CPU profile to show where
 * the time goes; `node dist/bench/profile_summary.js <file.cpuprofile>` then groups the samples.
 * Prints the median ms per run so the profile can be read against the bench figure.
 * `TG_PROFILE_THREADS=N` sets the backend's kernel threads (default: one per core).
 */
import * as tg from '../src/index.js';
import { buildOurs } from './ours.js';
import { input, median, TRAIN_LABELS, WORKLOADS } from './workloads.js';
import type { WorkloadId } from './workloads.js';

async function main(): Promise<void> {
  const id = process.argv[2] as WorkloadId;
  const iterations = Number(process.argv[3] ?? 200);
  // 'off': the CPU backend's buffers stay JS arrays (the before of the resident-memory change)
  const memory = process.argv[4] === 'off' ? 'off' : 'auto';
  if (!WORKLOADS.some((w) => w.id === id)) throw new Error(`workload '${id}' is not one of ${WORKLOADS.map((w) => w.id).join(', ')}`);
  const m = buildOurs(id);
  const sess = new tg.Session({ graph: m.graph, backend: new tg.CpuBackend({ kernels: 'auto', memory, threads: Number(process.env.TG_PROFILE_THREADS ?? 0) || undefined }) });
  if (m.init) await sess.run(m.init);
  const feeds = new Map<tg.Tensor, tg.FeedValue>(input(id).map((v, i) => [m.inputs[i], v]));
  if (m.labels) feeds.set(m.labels, TRAIN_LABELS);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await sess.run(m.fetch, feeds);
    times.push(performance.now() - t0);
  }
  sess.close();
  console.log(`${id} (memory ${memory}): ${iterations} runs, median ${median(times).toFixed(2)} ms, first ${times[0].toFixed(2)} ms`);
}

void main();
