import { Worker } from 'node:worker_threads';
import type { CaseResult, Format, Outcome } from './import_fuzz_cases.js';

/**
 * The import-then-run fuzz driver: cases run in a worker thread, each under a time limit; a case
 * that does not finish in time is a hang (a failure), its worker is terminated and a fresh one
 * goes on with the next case.
 */
export interface FuzzCounts {
  format: Format;
  cases: number;
  ran: number;
  typedImport: number;
  typedRun: number;
  untyped: number;
  partial: number;
  codeRan: number;
  hangs: number;
  /** The first failures of each kind (untyped, partial, code ran, hang), with case numbers to replay. */
  failures: string[];
}

const WORKER = new URL('./import_fuzz_worker.js', import.meta.url);

export async function fuzzImportRun(format: Format, cases: number, seed: number, caseLimitMs: number): Promise<FuzzCounts> {
  const counts: FuzzCounts = { format, cases, ran: 0, typedImport: 0, typedRun: 0, untyped: 0, partial: 0, codeRan: 0, hangs: 0, failures: [] };
  const noted = new Map<string, number>();
  const note = (index: number, what: string) => {
    const kind = what.split(':')[0];
    noted.set(kind, (noted.get(kind) ?? 0) + 1);
    if (noted.get(kind)! <= 10) counts.failures.push(`${format} case ${index} (seed ${seed}): ${what}`);
  };
  let next = 0;
  while (next < cases) {
    next = await new Promise<number>((resolve, reject) => {
      const w = new Worker(WORKER, { workerData: { seed, format, start: next, end: cases } });
      let current = next;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (resume: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void w.terminate();
        resolve(resume);
      };
      // building the base model is not a case: the clock starts when the worker is ready
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          counts.hangs++;
          note(current, `hang: no result within ${caseLimitMs} ms`);
          finish(current + 1);
        }, caseLimitMs);
      };
      w.on('message', (m: { ready?: true; done?: true; index?: number } & Partial<CaseResult>) => {
        if (m.ready) return arm();
        if (m.done) return finish(cases);
        const outcome = m.outcome as Outcome;
        counts[outcome]++;
        if (outcome === 'untyped' || outcome === 'partial' || outcome === 'codeRan') note(m.index!, `${outcome}: ${m.detail}`);
        current = m.index! + 1;
        arm();
      });
      w.on('error', (e) => {
        // a crash of the thread (out of memory, ...) fails the case it was running
        counts.untyped++;
        note(current, `crash: worker crashed: ${e.message}`);
        if (!settled) finish(current + 1);
      });
      w.on('exit', () => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(new Error(`import fuzz worker exited early at ${format} case ${current}`));
        }
      });
    });
  }
  return counts;
}
