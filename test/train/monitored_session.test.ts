import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tg from '../../src/index.js';

const CHILD = fileURLToPath(new URL('./fixtures/monitored_child.js', import.meta.url));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tg-mts-'));
}

/** A linear-regression graph with a global step; the caller adds hooks. */
function regression() {
  const g = new tg.Graph();
  const t = g.asDefault(() => {
    const x = tg.placeholder('float32', [null, 1], 'x');
    const y = tg.placeholder('float32', [null, 1], 'y');
    const w = new tg.Variable(tg.zeros([1, 1]), { name: 'W' });
    const loss = tg.reduceMean(tg.square(tg.sub(tg.matMul(x, w), y)), undefined, undefined, 'loss');
    const step = tg.train.getOrCreateGlobalStep();
    const train = new tg.train.GradientDescentOptimizer(0.1).minimize(loss, { globalStep: step });
    return { x, y, w, loss, step, train };
  });
  return { g, ...t, feeds: { 'x:0': [[1], [2]], 'y:0': [[2], [4]] } };
}

describe('train: MonitoredTrainingSession', function () {
  this.timeout(60_000);

  it('initialises, runs until StopAtStepHook, and logs with LoggingTensorHook', async () => {
    const m = regression();
    const lines: string[] = [];
    const mts = await tg.train.MonitoredTrainingSession({
      graph: m.g,
      hooks: [
        new tg.train.StopAtStepHook({ lastStep: 7 }),
        new tg.train.LoggingTensorHook({ loss: m.loss, step: m.step.value() }, { everyNIter: 3, log: (l) => lines.push(l) }),
      ],
    });
    let runs = 0;
    while (!mts.shouldStop()) {
      await mts.run(m.train, m.feeds);
      runs++;
    }
    expect(runs).to.equal(7);
    expect((await mts.session.run(m.step.value())).item()).to.equal(7);
    await mts.close();
    // iterations 0, 3, 6; the step is read before that iteration's increment
    expect(lines.map((l) => l.replace(/loss = [^,]+/, 'loss = L'))).to.deep.equal(['loss = L, step = 0', 'loss = L, step = 3', 'loss = L, step = 6']);
    expect(lines[0]).to.equal('loss = 10, step = 0'); // mean((0 - 2)^2, (0 - 4)^2)
    await mts.run(m.train, m.feeds).then(() => expect.fail('ran after close'), (e: Error) => expect(e).to.be.instanceOf(tg.FailedPreconditionError));
  });

  it('StopAtStepHook numSteps counts from the step the session starts at', async () => {
    const m = regression();
    const dir = tempDir();
    try {
      for (const expected of [4, 8]) {
        const mts = await tg.train.MonitoredTrainingSession({ graph: m.g, checkpointDir: dir, saveCheckpointSecs: null, hooks: [new tg.train.StopAtStepHook({ numSteps: 4 })] });
        while (!mts.shouldStop()) await mts.run(m.train, m.feeds);
        expect((await mts.session.run(m.step.value())).item()).to.equal(expected);
        // without checkpoints the second session starts from scratch: save one by hand
        await new tg.train.Saver({ graph: m.g }).save(mts.session, join(dir, 'model.ckpt'), { globalStep: expected });
        await mts.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CheckpointSaverHook saves at the start, every N steps and at the end; a new session restores the latest', async () => {
    const m = regression();
    const dir = tempDir();
    try {
      const mts = await tg.train.MonitoredTrainingSession({ graph: m.g, checkpointDir: dir, saveCheckpointSteps: 4, hooks: [new tg.train.StopAtStepHook({ lastStep: 10 })] });
      while (!mts.shouldStop()) await mts.run(m.train, m.feeds);
      const w10 = (await mts.session.run(m.w.value())).item();
      await mts.close();
      const steps = readdirSync(dir).filter((f) => f.endsWith('.index')).map((f) => Number(/-(\d+)\.index$/.exec(f)![1])).sort((a, b) => a - b);
      expect(steps).to.deep.equal([0, 4, 8, 10]);
      expect(tg.train.latestCheckpoint(dir)).to.equal(join(dir, 'model.ckpt-10'));
      // a new session over the same graph resumes: step 10, the same W, and stops at once at lastStep 10
      const again = await tg.train.MonitoredTrainingSession({ graph: m.g, checkpointDir: dir, saveCheckpointSteps: 4, hooks: [new tg.train.StopAtStepHook({ lastStep: 10 })] });
      expect(again.shouldStop()).to.equal(true);
      expect((await again.session.run(m.step.value())).item()).to.equal(10);
      expect((await again.session.run(m.w.value())).item()).to.equal(w10);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SummarySaverHook writes the merged summaries every N steps at their global step', async () => {
    const m = regression();
    m.g.asDefault(() => tg.summary.scalar('train_loss', m.loss));
    const dir = tempDir();
    try {
      const mts = await tg.train.MonitoredTrainingSession({ graph: m.g, checkpointDir: dir, saveCheckpointSecs: null, saveSummariesSteps: 3, hooks: [new tg.train.StopAtStepHook({ lastStep: 7 })] });
      while (!mts.shouldStop()) await mts.run(m.train, m.feeds);
      await mts.close();
      const file = readdirSync(dir).find((f) => f.startsWith('events.out.tfevents'))!;
      const events = tg.summary.readEvents(join(dir, file)).filter((e) => e.summary);
      expect(events.map((e) => Number(e.step))).to.deep.equal([0, 3, 6]);
      expect(events[0].summary!.value![0].tag).to.equal('train_loss');
      expect(events[0].summary!.value![0].simple_value).to.equal(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NanTensorHook fails the run on a NaN loss, or stops the loop when told not to fail', async () => {
    for (const failOnNanLoss of [true, false]) {
      const g = new tg.Graph();
      const t = g.asDefault(() => {
        const w = new tg.Variable(tg.constant(1), { name: 'w' });
        const loss = tg.log(tg.sub(w, 2), 'loss'); // log(-1) = NaN
        const step = tg.train.getOrCreateGlobalStep();
        return { loss, train: new tg.train.GradientDescentOptimizer(0.1).minimize(loss, { globalStep: step }) };
      });
      const warn = console.warn;
      console.warn = () => {};
      try {
        const mts = await tg.train.MonitoredTrainingSession({ graph: g, hooks: [new tg.train.NanTensorHook(t.loss, { failOnNanLoss })] });
        if (failOnNanLoss) {
          await mts.run(t.train).then(() => expect.fail('no error'), (e: Error) => {
            expect(e).to.be.instanceOf(tg.InvalidArgumentError);
            expect(e.message).to.contain("NaN loss during training: 'loss:0'");
          });
        } else {
          await mts.run(t.train);
          expect(mts.shouldStop()).to.equal(true);
        }
      } finally {
        console.warn = warn;
      }
    }
  });

  it('a training process killed mid-run resumes at the global step of its last checkpoint', async () => {
    const dir = tempDir();
    try {
      // run until at least step 12, then SIGKILL: no chance to save at the end
      const child = spawn(process.execPath, [CHILD, dir, '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const steps = [...out.matchAll(/^step (\d+)$/gm)].map((s) => Number(s[1]));
          if (steps.length > 0 && steps[steps.length - 1] >= 12) child.kill('SIGKILL');
        });
        child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended without being killed: ${out}\n${err}`))));
      });
      const latest = tg.train.latestCheckpoint(dir);
      expect(latest, 'a checkpoint survives the kill').to.match(/model\.ckpt-\d+$/);
      const saved = Number(/-(\d+)$/.exec(latest!)![1]);
      expect(saved % 5).to.equal(0);
      expect(saved).to.be.at.least(10);
      const wSaved = tg.train.loadVariable(latest!, 'W').item();
      const again = spawnSync(process.execPath, [CHILD, dir, String(saved + 7)], { encoding: 'utf8' });
      expect(again.status, again.stderr).to.equal(0);
      const lines = again.stdout.trim().split('\n');
      expect(lines[0]).to.equal(`start ${saved} ${wSaved}`);
      expect(lines.filter((l) => l.startsWith('step ')).length).to.equal(7);
      expect(lines[lines.length - 1]).to.equal(`done ${saved + 7}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics: accuracy with local variables', () => {
  it('accumulates over batches; localVariablesInitializer resets; Savers skip the counters', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const labels = tg.placeholder('int32', [null], 'labels');
      const predictions = tg.placeholder('int32', [null], 'predictions');
      const [acc, update] = tg.metrics.accuracy({ labels, predictions });
      new tg.Variable(tg.constant(1), { name: 'v' });
      return { acc, update, init: tg.globalVariablesInitializer(), local: tg.localVariablesInitializer() };
    });
    expect(tg.localVariables(g).map((v) => v.op.name)).to.deep.equal(['accuracy/total', 'accuracy/count']);
    expect(tg.globalVariables(g).map((v) => v.op.name)).to.deep.equal(['v']);
    const sess = new tg.Session({ graph: g });
    await sess.run([t.init, t.local]);
    expect((await sess.run(t.acc)).item()).to.equal(0);
    expect((await sess.run(t.update, { 'labels:0': [1, 2, 3, 4], 'predictions:0': [1, 2, 0, 0] })).item()).to.equal(0.5);
    expect((await sess.run(t.update, { 'labels:0': [5, 6], 'predictions:0': [5, 6] })).item()).to.be.closeTo(4 / 6, 1e-7);
    expect((await sess.run(t.acc)).item()).to.be.closeTo(4 / 6, 1e-7);
    await sess.run(t.local);
    expect((await sess.run(t.acc)).item()).to.equal(0);
  });
});
