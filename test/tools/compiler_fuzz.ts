import { randomGraph, rng } from '../util/random_graph.js';
import { compareOutcomes, DEFAULT, PipelineConfig, randomSubsetConfig, REFERENCE, reproducer, runGraph, singlePassConfigs } from '../util/differential.js';

/**
 * The long differential run of the compiler (`npm run fuzz:compiler`): TG_FUZZ_GRAPHS random
 * graphs (default 20000) from seed TG_FUZZ_SEED (default 1), each run with every pass off (the
 * reference) and compared under the default pipeline, each pass alone, each pass disabled and
 * TG_FUZZ_SUBSETS random subsets (default 2); TG_FUZZ_MAX_OPS and TG_FUZZ_MAX_DIM size the graphs
 * (defaults 12 and 4, as in CI). Prints a reproducer for every disagreement and
 * exits 1 if there was any.
 */
async function main(): Promise<void> {
  const graphs = Number(process.env.TG_FUZZ_GRAPHS ?? 20000);
  const first = Number(process.env.TG_FUZZ_SEED ?? 1);
  const subsets = Number(process.env.TG_FUZZ_SUBSETS ?? 2);
  const maxOps = Number(process.env.TG_FUZZ_MAX_OPS ?? 12);
  const maxDim = Number(process.env.TG_FUZZ_MAX_DIM ?? 4);
  const singles = singlePassConfigs();
  let disagreements = 0;
  let comparisons = 0;
  let referenceErrors = 0;
  const fired = new Map<string, number>();
  const t0 = Date.now();
  for (let seed = first; seed < first + graphs; seed++) {
    const g = randomGraph(seed, { maxOps, maxDim });
    const ref = await runGraph(g, REFERENCE);
    if ('error' in ref) referenceErrors++;
    const r = rng(seed ^ 0x5bd1e995);
    const configs: PipelineConfig[] = [DEFAULT, ...singles, ...Array.from({ length: subsets }, () => randomSubsetConfig(r))];
    for (const config of configs) {
      const got = await runGraph(g, config);
      if (config === DEFAULT && 'changedBy' in got) for (const p of got.changedBy) fired.set(p, (fired.get(p) ?? 0) + 1);
      const problem = compareOutcomes(g, ref, got);
      comparisons++;
      if (problem) {
        disagreements++;
        console.log(reproducer(g, config, problem));
      }
    }
    if ((seed - first + 1) % 500 === 0) console.log(`${seed - first + 1} graphs, ${comparisons} comparisons, ${disagreements} disagreements, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(`compiler fuzz: ${graphs} graphs (seeds ${first}..${first + graphs - 1}), ${comparisons} comparisons against every pass off, ${disagreements} disagreements, ${referenceErrors} graphs whose reference run raised an error, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`graphs each pass changed under the default pipeline: ${[...fired].map(([p, n]) => `${p} ${n}`).join(', ')}`);
  if (disagreements > 0) process.exitCode = 1;
}

await main();
