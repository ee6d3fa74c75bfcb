import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tg from '../../src/index.js';
import { tempDir } from './fixtures.js';

const CHILD = fileURLToPath(new URL('./save_loop_child.js', import.meta.url));
/** Kills per pattern: a few in the normal suite, 100 in `npm run kill-test`. */
const KILLS = Number(process.env.TG_KILLS ?? 10);
/** Names our writers give files that are not yet (or no longer) part of a checkpoint. */
const TEMP = /\.tmp\d+/;

function runAndKill(dir: string, mode: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
}

for (const mode of ['step', 'fixed'] as const) {
  describe(`serialization: kill during save (${mode === 'step' ? 'globalStep prefixes' : 'one fixed prefix'})`, () => {
    it(`after ${KILLS} SIGKILLs at random moments the latest checkpoint always restores one whole generation`, async function () {
      this.timeout(0);
      const dir = tempDir(`kill-${mode}`);
      const g = new tg.Graph();
      const w = g.asDefault(() => new tg.Variable(tg.zeros([128, 128]), { name: 'W' }));
      const step = g.asDefault(() => new tg.Variable(tg.NDArray.scalar(0, 'int32'), { name: 'step', trainable: false }));
      const failures: string[] = [];
      let restored = 0;
      for (let i = 0; i < KILLS; i++) {
        await runAndKill(dir, mode, 1 + Math.floor(Math.random() * 80));
        const latest = tg.train.latestCheckpoint(dir);
        if (latest === null) {
          failures.push(`kill ${i}: no latest checkpoint`);
          continue;
        }
        const sess = new tg.Session({ graph: g });
        const saver = new tg.train.Saver({ graph: g });
        try {
          await saver.restore(sess, latest);
        } catch (e) {
          failures.push(`kill ${i}: ${latest}: ${(e as Error).message}`);
          continue;
        }
        const s = (await sess.run(step.value()))!.item();
        const wv = (await sess.run(w.value()))!;
        if (s < 1 || !wv.data.every((x) => x === s)) failures.push(`kill ${i}: ${latest} mixes generations (step ${s}, W[0] ${wv.data[0]})`);
        else if (mode === 'step' && !latest.endsWith(`model-${s}`)) failures.push(`kill ${i}: ${latest} holds step ${s}`);
        else restored++;
        // the next successful save clears what the killed one left behind
        await saver.save(sess, `${dir}/model`, mode === 'fixed' ? {} : { globalStep: s });
        const left = readdirSync(dir).filter((f) => TEMP.test(f));
        if (left.length > 0) failures.push(`kill ${i}: temp files left after the next save: ${left.join(', ')}`);
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
      expect(restored).to.equal(KILLS);
    });
  });
}
