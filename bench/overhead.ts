/**
 * The runtime's fixed cost: a cached run of a 3-op graph on small tensors (add, mul, sum over 8
 * floats, one feed, one fetch), with the passes on and with them off (3 kernel steps). The budget
 * is 15 µs per run once warm; this prints the median, never asserts it. Run: npm run bench:overhead
 */
import * as tg from '../src/index.js';

async function perRun(optimizer: tg.OptimizerOptions | undefined): Promise<number> {
  const g = new tg.Graph();
  const { x, s } = g.asDefault(() => {
    const x = tg.placeholder('float32', [8], 'x');
    const y = tg.add(x, tg.constant(new Float32Array(8).fill(1), { shape: [8] }));
    const z = tg.mul(y, y);
    return { x, s: tg.reduceSum(z) };
  });
  const sess = new tg.Session({ graph: g, optimizer });
  const feed = { [x.name]: tg.NDArray.from(new Float32Array(8).fill(0.5), [8]) };
  const batch = 2000;
  for (let i = 0; i < batch; i++) await sess.run(s, feed);
  const rounds: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await sess.run(s, feed);
    rounds.push(((performance.now() - t0) * 1000) / batch);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)];
}

console.log(`cached run, 3-op graph, passes on:  ${(await perRun(undefined)).toFixed(2)} µs/run (median of 15 rounds of 2000)`);
console.log(`cached run, 3-op graph, passes off: ${(await perRun({ disable: ['all'] })).toFixed(2)} µs/run`);
