import { parentPort, workerData } from 'node:worker_threads';
import { makeBase, runCase, workDirFor, type Format } from './import_fuzz_cases.js';

/**
 * Runs import-fuzz cases [start, end) of one format and posts each result as it finishes, so that
 * the driver can tell which case hangs (and kill this thread) without losing the others.
 */
interface Job {
  seed: number;
  format: Format;
  start: number;
  end: number;
}

const job = workerData as Job;
const base = await makeBase();
const dir = workDirFor(base);
parentPort!.postMessage({ ready: true });
for (let i = job.start; i < job.end; i++) {
  parentPort!.postMessage({ index: i, ...(await runCase(base, job.seed, job.format, i, dir)) });
}
parentPort!.postMessage({ done: true });
