import { expect } from 'chai';
import { randomGraph, rng } from '../../util/random_graph.js';
import { compareOutcomes, DEFAULT, randomSubsetConfig, REFERENCE, reproducer, runGraph, singlePassConfigs } from '../../util/differential.js';

/**
 * The compiler never changes a result: 1,000 random graphs (broadcasts into reductions, partial
 * reductions with keepDims, MatMuls and convolutions with epilogues, reshapes and transposes
 * between fused ops, concat/slice, gradients, optimizer steps) run with every pass off and
 * compared with the default pipeline and one more setting per graph, in turn each pass alone,
 * each pass disabled and a random subset. `npm run fuzz:compiler` runs every setting on 20,000.
 */
describe('compiler: random graphs give the same results under every pass setting', () => {
  it('1,000 graphs: default pipeline and a rotating pass subset agree with every pass off', async function () {
    this.timeout(300000);
    const singles = singlePassConfigs();
    const problems: string[] = [];
    const fired = new Set<string>();
    for (let seed = 1; seed <= 1000; seed++) {
      const g = randomGraph(100000 + seed);
      const ref = await runGraph(g, REFERENCE);
      const other = seed % 3 === 0 ? randomSubsetConfig(rng(seed)) : singles[seed % singles.length];
      for (const config of [DEFAULT, other]) {
        const got = await runGraph(g, config);
        if (config === DEFAULT && 'changedBy' in got) for (const p of got.changedBy) fired.add(p);
        const problem = compareOutcomes(g, ref, got);
        if (problem) problems.push(reproducer(g, config, problem));
      }
    }
    expect(problems.slice(0, 3).join('\n\n'), `${problems.length} disagreements`).to.equal('');
    // the generator must keep exercising every pass, or this test proves nothing about it
    expect([...fired].sort()).to.include.members(['constant-fold', 'cse', 'fold-batch-norm', 'fuse-elementwise', 'fuse-epilogue', 'fuse-reduction', 'group-updates', 'layout', 'memory', 'prune', 'simplify']);
  });
});
