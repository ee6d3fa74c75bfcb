/**
 * `npm run bench:threads`: the wasm kernels on 1 thread and on `threads` threads (default 2), each
 * workload's two sessions timed alternately, one run at a time, so both see the same machine load;
 * prints medians and the speed-up. Results are checked equal (bit for bit) first.
 * Arguments: workload ids (default all), `--threads=N`, `--rounds=N`.
 */
import * as os from 'node:os';
import * as tg from '../src/index.js';
import { buildOurs } from './ours.js';
import { input, TRAIN_LABELS, WORKLOADS } from './workloads.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const threads = flag('threads', 2);
const rounds = flag('rounds', 15);
const only = args.filter((a) => !a.startsWith('--'));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  console.log(`# ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}, node ${process.version}, ${rounds} alternating runs each`);
  console.log(`${'workload'.padEnd(34)} ${'1 thread ms'.padStart(12)} ${`${threads} threads ms`.padStart(13)} ${'speed-up'.padStart(9)}`);
  for (const w of WORKLOADS.filter((x) => only.length === 0 || only.includes(x.id))) {
    const sides = [1, threads].map((t) => {
      const m = buildOurs(w.id);
      const sess = new tg.Session({ graph: m.graph, backend: new tg.CpuBackend({ kernels: 'wasm', threads: t }) });
      const feeds = new Map<tg.Tensor, tg.FeedValue>(input(w.id).map((v, i) => [m.inputs[i], v]));
      if (m.labels) feeds.set(m.labels, TRAIN_LABELS);
      return { m, sess, feeds, times: [] as number[] };
    });
    const checks: Uint32Array[] = [];
    for (const s of sides) {
      if (s.m.init) await s.sess.run(s.m.init);
      const [v] = (await s.sess.run([s.m.check, s.m.fetch], s.feeds)) as [tg.NDArray, unknown];
      checks.push(new Uint32Array((v.data as Float32Array).slice().buffer));
      await s.sess.run(s.m.fetch, s.feeds);
    }
    const same = checks[0].length === checks[1].length && checks[0].every((x, i) => x === checks[1][i]);
    for (let r = 0; r < rounds; r++) {
      for (const s of sides) {
        const t0 = performance.now();
        await s.sess.run(s.m.fetch, s.feeds);
        s.times.push(performance.now() - t0);
      }
    }
    const [a, b] = sides.map((s) => median(s.times));
    console.log(`${w.title.padEnd(34)} ${a.toFixed(2).padStart(12)} ${b.toFixed(2).padStart(13)} ${(a / b).toFixed(2).padStart(8)}x${same ? '' : '  RESULTS DIFFER'}`);
    for (const s of sides) s.sess.close();
  }
  console.log(`# load average after: ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
}

await main();
