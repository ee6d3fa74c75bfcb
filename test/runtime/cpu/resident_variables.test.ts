import { expect } from 'chai';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { heapOffset, wasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { variableBlocks } from '../../../runtime/cpu/variable_blocks.js';
import { randomArray, randomInts } from '../../util/oracle.js';
import { tempDir } from '../../serialization/fixtures.js';

/** A small MLP trained with Adam: every float variable (weights, biases, m and v slots) is updated each step. */
function mlp() {
  const g = new tg.Graph();
  return g.asDefault(() => {
    const x = tg.placeholder('float32', [8, 12], 'x');
    const labels = tg.placeholder('int32', [8], 'labels');
    const w1 = new tg.Variable(tg.randomNormal([12, 16], { seed: 1, stddev: 0.3 }), { name: 'w1' });
    const b1 = new tg.Variable(tg.zeros([16]), { name: 'b1' });
    const w2 = new tg.Variable(tg.randomNormal([16, 4], { seed: 2, stddev: 0.3 }), { name: 'w2' });
    const logits = tg.matMul(tg.nn.relu(tg.add(tg.matMul(x, w1), b1)), w2);
    const loss = tg.reduceMean(tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const train = new tg.train.AdamOptimizer(0.05).minimize(loss);
    // a second variable that takes w1's value as it is (Assign shares the value, no copy)
    const snap = new tg.Variable(tg.zeros([12, 16]), { name: 'snap' });
    const takeSnap = snap.assign(w1);
    return { g, x, labels, w1, w2, snap, takeSnap, loss, train, init: tg.globalVariablesInitializer() };
  });
}

type Model = ReturnType<typeof mlp>;

const feeds = (m: Model, seed: number) =>
  new Map<tg.Tensor, tg.NDArray>([
    [m.x, randomArray([8, 12], seed)],
    [m.labels, randomInts([8], seed, 0, 4)],
  ]);

async function session(m: Model, options: tg.CpuBackendOptions): Promise<tg.Session> {
  const sess = new tg.Session({ graph: m.g, backend: new tg.CpuBackend(options) });
  await sess.run(m.init);
  return sess;
}

const valueOf = (sess: tg.Session, name: string): number[] => Array.from(sess.variableValue(name)!.data as Float32Array);

describe('runtime/cpu: variables resident in wasm memory', () => {
  it('Adam steps give the same variables bit for bit as with JS arrays and the JS kernels, across heap growth', async () => {
    const m = mlp();
    const resident = await session(m, { kernels: 'wasm' });
    const plain = await session(m, { kernels: 'wasm', memory: 'off' });
    const js = await session(m, { kernels: 'js' });
    for (let i = 0; i < 6; i++) {
      // grow the heap in the middle: the blocks' views must keep their values
      if (i === 3) wasmHeap().scratch(wasmHeap().memory.buffer.byteLength + (8 << 20), 'a growth in a test');
      for (const s of [resident, plain, js]) await s.run(m.train, feeds(m, i));
    }
    for (const name of ['w1', 'b1', 'w2', 'w1/Adam', 'w1/Adam_1']) {
      expect(valueOf(resident, name), name).to.deep.equal(valueOf(plain, name));
      expect(valueOf(resident, name), name).to.deep.equal(valueOf(js, name));
    }
    for (const s of [resident, plain, js]) s.close();
  });

  it('reaches a steady state: the updates replace values in the same arena blocks step after step', async () => {
    const m = mlp();
    const sess = await session(m, { kernels: 'wasm' });
    const blocks = variableBlocks()!;
    const arena = wasmHeap().arena!;
    for (let i = 0; i < 2; i++) await sess.run(m.train, feeds(m, i));
    const live = blocks.stats().live;
    const before = arena.stats();
    for (let i = 0; i < 5; i++) {
      await sess.run(m.train, feeds(m, i));
      // each step's old values went back to the arena when the run ended
      expect(blocks.stats().live).to.equal(live);
    }
    expect(arena.stats().freshBlocks).to.equal(before.freshBlocks);
    expect(arena.stats().topBytes).to.equal(before.topBytes);
    sess.close();
  });

  it('the optimizer writes variables into arena blocks that the next step reads in place', async () => {
    const m = mlp();
    const sess = await session(m, { kernels: 'wasm' });
    const made = blocks().made;
    await sess.run(m.train, feeds(m, 1));
    // w1, b1, w2 and their two Adam slots each: a new value in a block
    expect(blocks().made - made).to.equal(9);
    sess.close();
  });

  it('a fetched variable is the caller\'s: the step that replaced it and the steps after leave it unchanged', async () => {
    const m = mlp();
    const sess = await session(m, { kernels: 'wasm' });
    await sess.run(m.train, feeds(m, 1));
    // the value read in the run that replaces it: it leaves the variables in this very run
    const [w1] = (await sess.run([m.w1.value(), m.train], feeds(m, 2))) as [tg.NDArray, null];
    const w2 = (await sess.run(m.w2.value())) as tg.NDArray;
    const kept = [Array.from(w1.data), Array.from(w2.data)];
    expect(heapOffset(w1.data as Float32Array)).to.equal(-1);
    expect(heapOffset(w2.data as Float32Array)).to.equal(-1);
    for (let i = 0; i < 4; i++) await sess.run(m.train, feeds(m, 3 + i));
    expect([Array.from(w1.data), Array.from(w2.data)]).to.deep.equal(kept);
    sess.close();
  });

  it('a value two variables share stays while one of them holds it', async () => {
    const m = mlp();
    const sess = await session(m, { kernels: 'wasm' });
    await sess.run(m.train, feeds(m, 1));
    await sess.run(m.takeSnap);
    const snap = valueOf(sess, 'snap');
    expect(snap).to.deep.equal(valueOf(sess, 'w1'));
    // w1 moves on; its old block is still snap's value, and the steps' new blocks must not reuse it
    for (let i = 0; i < 4; i++) await sess.run(m.train, feeds(m, 2 + i));
    expect(valueOf(sess, 'snap')).to.deep.equal(snap);
    expect(valueOf(sess, 'w1')).to.not.deep.equal(snap);
    sess.close();
  });

  it('a failed run changes no variable and gives back the blocks it wrote', async () => {
    const m = mlp();
    const { failing, shape } = m.g.asDefault(() => {
      const shape = tg.placeholder('int32', [1], 'shape');
      // runs after the update and fails on a bad shape: the update's writes must be dropped
      const failing = tg.controlDependencies([m.train], () => tg.reshape(m.x, shape));
      return { failing, shape };
    });
    const sess = await session(m, { kernels: 'wasm' });
    for (let i = 0; i < 2; i++) await sess.run(m.train, feeds(m, i));
    const w1 = valueOf(sess, 'w1');
    const live = blocks().live;
    const bad = feeds(m, 5).set(shape, tg.NDArray.from(new Int32Array([7])));
    let error: unknown;
    try {
      await sess.run(failing, bad);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(valueOf(sess, 'w1')).to.deep.equal(w1);
    expect(blocks().live).to.equal(live);
    sess.close();
  });

  it('save and restore: a checkpoint of resident variables restores them, and training goes on from them as it would have', async () => {
    const m = mlp();
    const a = await session(m, { kernels: 'wasm' });
    for (let i = 0; i < 3; i++) await a.run(m.train, feeds(m, i));
    const saver = m.g.asDefault(() => new tg.train.Saver());
    const path = await saver.save(a, join(tempDir('resident-vars'), 'model'));
    const w1 = valueOf(a, 'w1');
    const b = await session(m, { kernels: 'wasm' });
    await saver.restore(b, path);
    expect(valueOf(b, 'w1')).to.deep.equal(w1);
    // and into the session that trained: its resident values are replaced outside a run
    await a.run(m.train, feeds(m, 9));
    await saver.restore(a, path);
    expect(valueOf(a, 'w1')).to.deep.equal(w1);
    for (let i = 3; i < 6; i++) for (const s of [a, b]) await s.run(m.train, feeds(m, i));
    for (const name of ['w1', 'b1', 'w2', 'w2/Adam_1']) expect(valueOf(a, name), name).to.deep.equal(valueOf(b, name));
    a.close();
    b.close();
  });
});

function blocks(): { made: number; live: number } {
  return variableBlocks()!.stats();
}
