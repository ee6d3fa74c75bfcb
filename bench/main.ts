/**
 * `npm run bench` (issue 12, item 6): every workload in tensorgraph (WebAssembly SIMD kernels on
 * one thread per core and on one thread, and the portable JS kernels for the before/after) and in each installed peer — tfjs cpu, tfjs wasm
 * with 1 and 2 threads (each in its own process), ONNX Runtime on our exported graphs — in one run.
 * Each result is checked against tensorgraph's before its time counts; a peer that disagrees is
 * shown as such and left out of the ratio. Prints ms (and GFLOP/s for the matMul) and ours ÷ best.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runOrt } from './peer_ort.js';
import { runOurs } from './ours.js';
import { mismatch, WORKLOADS } from './workloads.js';
import type { Result, WorkloadId } from './workloads.js';

type Table = Map<string, Record<string, Result>>;

function tfjsPeer(backend: string, threads: number): Record<string, Result> {
  const script = fileURLToPath(new URL('./peer_tfjs.js', import.meta.url));
  try {
    const out = execFileSync(process.execPath, [script, backend, String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop()!) as Record<string, Result>;
  } catch (e) {
    const error = `peer process failed: ${(e as Error).message.split('\n')[0]}`;
    return Object.fromEntries(WORKLOADS.map((w) => [w.id, { error }]));
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const workloads = WORKLOADS.filter((w) => only.length === 0 || only.includes(w.id));
  const table: Table = new Map();
  const record = (impl: string, id: WorkloadId, r: Result) => {
    if (!table.has(impl)) table.set(impl, {});
    table.get(impl)![id] = r;
  };
  for (const w of workloads) {
    record('tensorgraph', w.id, await runOurs(w, 'auto'));
    // the same wasm kernels on one thread (no workers): what the worker threads add
    record('tensorgraph-1t', w.id, await runOurs(w, 'auto', 1));
    record('tensorgraph-js', w.id, await runOurs(w, 'js'));
    try {
      record('onnxruntime-node', w.id, await runOrt(w));
    } catch (e) {
      record('onnxruntime-node', w.id, { error: (e as Error).message.split('\n')[0] });
    }
  }
  for (const [backend, threads] of [['cpu', 1], ['wasm', 1], ['wasm', 2]] as const) {
    const rs = tfjsPeer(backend, threads);
    for (const w of workloads) record(backend === 'cpu' ? 'tfjs-cpu' : `tfjs-wasm-${threads}t`, w.id, rs[w.id] ?? { error: 'no result' });
  }
  const load = os.loadavg().map((v) => v.toFixed(1)).join(' ');
  console.log(`# ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${load}, node ${process.version}`);
  console.log(`${'workload'.padEnd(34)} ${'implementation'.padEnd(17)} ${'ms'.padStart(9)} ${'GFLOP/s'.padStart(8)}  note`);
  for (const w of workloads) {
    const ours = table.get('tensorgraph')![w.id];
    let best = Infinity;
    for (const [impl, rs] of table) {
      const r = rs[w.id];
      if (!r) continue;
      if ('error' in r) {
        console.log(`${w.title.padEnd(34)} ${impl.padEnd(17)} ${'n/a'.padStart(9)} ${''.padStart(8)}  ${r.error}`);
        continue;
      }
      const bad = impl === 'tensorgraph' || 'error' in ours ? null : mismatch(r.check, ours.check, r.size);
      if (!bad && !impl.startsWith('tensorgraph')) best = Math.min(best, r.ms);
      const gflops = w.flops ? (w.flops / r.ms / 1e6).toFixed(1) : '';
      console.log(`${w.title.padEnd(34)} ${impl.padEnd(17)} ${r.ms.toFixed(2).padStart(9)} ${gflops.padStart(8)}  ${bad ? `DISAGREES with tensorgraph (${bad}); left out` : 'checked'}`);
    }
    if (!('error' in ours) && Number.isFinite(best)) console.log(`${''.padEnd(34)} ${'ours ÷ best peer'.padEnd(17)} ${(ours.ms / best).toPrecision(3).padStart(9)}`);
  }
}

await main();
