import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import * as tg from '../../src/index.js';
import { BundleReader, dataPath, indexPath } from '../../serialization/checkpoint/bundle.js';
import { checkpointSaveSteps, runSaveSteps, type CheckpointSave } from '../../serialization/checkpoint/checkpoint_commit.js';
import { removeStaleTemps } from '../../serialization/checkpoint/stale_temps.js';
import { writeCheckpointState } from '../../serialization/checkpoint/state.js';
import { tempDir } from './fixtures.js';

const TEMP = /\.tmp\d+/;

/** Generation k: W = k everywhere, step = k. */
function generation(k: number): Map<string, tg.NDArray> {
  return new Map([
    ['W', new tg.NDArray('float32', [8, 8], new Float32Array(64).fill(k))],
    ['step', tg.NDArray.scalar(k, 'int32')],
  ]);
}

/** The generation the latest checkpoint of `dir` holds, or a description of what is wrong. */
function latestGeneration(dir: string): number | string {
  const latest = tg.train.latestCheckpoint(dir);
  if (latest === null) return 'no latest checkpoint';
  try {
    const r = new BundleReader(latest);
    const s = r.read('step').item();
    return r.read('W').data.every((x) => x === s) ? s : `${latest} mixes generations`;
  } catch (e) {
    return `${latest}: ${(e as Error).message}`;
  }
}

type Pattern = 'fixed' | 'step';

/** The save of generation k by a Saver keeping 2 checkpoints. */
function saveOf(dir: string, pattern: Pattern, k: number): CheckpointSave {
  const path = (i: number) => join(dir, pattern === 'fixed' ? 'model' : `model-${i}`);
  const kept = pattern === 'fixed' ? [{ path: path(k), time: k }] : [k - 1, k].filter((i) => i >= 1).map((i) => ({ path: path(i), time: i }));
  const drop = pattern === 'step' && k > 2 ? [path(k - 2)] : [];
  return { path: path(k), tensors: generation(k), meta: new Uint8Array([k]), kept, drop };
}

describe('serialization: crash-safe checkpoint save, stopped after every step', () => {
  for (const pattern of ['fixed', 'step'] as const) {
    it(`${pattern === 'fixed' ? 'one fixed prefix' : 'globalStep prefixes'}: the latest checkpoint is always one whole generation, and the next save clears what was left`, () => {
      const n = checkpointSaveSteps(saveOf(tempDir('commit-probe'), pattern, 3)).length;
      expect(n).to.be.greaterThan(10);
      for (let stop = 0; stop <= n; stop++) {
        const dir = tempDir(`commit-${pattern}`);
        runSaveSteps(checkpointSaveSteps(saveOf(dir, pattern, 1)));
        runSaveSteps(checkpointSaveSteps(saveOf(dir, pattern, 2)));
        const steps = checkpointSaveSteps(saveOf(dir, pattern, 3));
        runSaveSteps(steps.slice(0, stop));
        const got = latestGeneration(dir);
        const where = `stopped after ${stop} step(s), the last '${steps[stop - 1]?.what ?? 'none'}'`;
        if (stop === n) expect(got, where).to.equal(3);
        else expect([2, 3], `${where}: ${got}`).to.include(got);
        // a later save (as by a restarted process, which may get the same pid) sweeps up
        runSaveSteps(checkpointSaveSteps(saveOf(dir, pattern, 4)));
        expect(latestGeneration(dir), where).to.equal(4);
        expect(readdirSync(dir).filter((f) => TEMP.test(f)), where).to.deep.equal([]);
      }
    });
  }

  it('a save to a fixed prefix leaves exactly TF\'s layout: prefix.index, prefix.data-00000-of-00001, prefix.meta, checkpoint', () => {
    const dir = tempDir('commit-layout');
    for (let k = 1; k <= 3; k++) runSaveSteps(checkpointSaveSteps(saveOf(dir, 'fixed', k)));
    expect(readdirSync(dir).sort()).to.deep.equal(['checkpoint', 'model.data-00000-of-00001', 'model.index', 'model.meta']);
    expect(tg.train.latestCheckpoint(dir)).to.equal(join(dir, 'model'));
  });
});

describe('serialization: stale temp files', () => {
  it('removes ours whose writer is gone and keeps live writers\' files, other files and named prefixes', () => {
    const dir = tempDir('stale');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const names = {
      deadWriter: `model.index.tmp${dead}-0_0123abcd`,
      deadStaged: `model.tmp${dead}-0_0123abcd.data-00000-of-00001`,
      legacy: `checkpoint.tmp${dead}_k3j2h1g0`,
      ownThread: `model.meta.tmp${process.pid}-${threadId}_89abcdef`,
      liveOther: `model.index.tmp${process.ppid}-0_0123abcd`,
      otherThread: `model.index.tmp${process.pid}-${threadId + 1}_0123abcd`,
      namedByState: `model.tmp${dead}-0_fedcba98.index`,
      notOurs: 'notes.tmp',
      userCheckpointLookalike: `run.tmp${dead}_ab.index`,
      checkpointFile: 'model.index',
    };
    for (const f of Object.values(names)) writeFileSync(join(dir, f), 'x');
    writeCheckpointState(dir, join(dir, `model.tmp${dead}-0_fedcba98`), [join(dir, `model.tmp${dead}-0_fedcba98`)], [1]);
    const removed = removeStaleTemps(dir, new Set([join(dir, `model.tmp${dead}-0_fedcba98`)]));
    expect(removed.sort()).to.deep.equal([names.deadWriter, names.deadStaged, names.legacy, names.ownThread].sort());
    const left = readdirSync(dir);
    for (const f of [names.liveOther, names.otherThread, names.namedByState, names.notOurs, names.userCheckpointLookalike, names.checkpointFile]) expect(left).to.include(f);
  });

  it('index and data of a staged generation sit beside the prefix under one recognisable name', () => {
    const dir = tempDir('stale-gen');
    const steps = checkpointSaveSteps(saveOf(dir, 'fixed', 1));
    runSaveSteps(steps.slice(0, 2));
    const staged = readdirSync(dir);
    expect(staged).to.have.length(2);
    const gen = join(dir, staged[0].replace(/\.(index|data-00000-of-00001)$/, ''));
    expect(staged.map((f) => join(dir, f)).sort()).to.deep.equal([dataPath(gen), indexPath(gen)].sort());
  });
});
