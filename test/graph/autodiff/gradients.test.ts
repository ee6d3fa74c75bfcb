import { expect } from 'chai';
import * as tg from '../../../src/index.js';
import { checkGradients } from '../../util/grad_check.js';
import { randomArray } from '../../util/oracle.js';

async function value(g: tg.Graph, t: tg.Tensor | null, feeds?: tg.Feeds): Promise<number[]> {
  expect(t).to.not.equal(null);
  const sess = new tg.Session({ graph: g });
  const out = (await sess.run(t!, feeds)) as tg.NDArray;
  return Array.from(out.data);
}

describe('graph/autodiff: tg.gradients (TF1 semantics)', () => {
  it('sums over all paths', async () => {
    const g = new tg.Graph();
    const { x, dx } = g.asDefault(() => {
      const x = tg.placeholder('float32', [], 'x');
      // y = x*x + 3x: two paths through x*x and one through 3x
      const y = tg.add(tg.mul(x, x), tg.mul(3, x));
      return { x, dx: tg.gradients(y, [x])[0] };
    });
    expect(await value(g, dx, new Map([[x, 2]]))).to.deep.equal([7]);
  });
  it('is null for an unconnected x, like TF', () => {
    new tg.Graph().asDefault(() => {
      const a = tg.placeholder('float32', [2], 'a');
      const b = tg.placeholder('float32', [2], 'b');
      const [da, db] = tg.gradients(tg.reduceSum(tg.square(a)), [a, b]);
      expect(da).to.not.equal(null);
      expect(db).to.equal(null);
    });
  });
  it('stopGradient cuts a path', async () => {
    const g = new tg.Graph();
    const { x, dx } = g.asDefault(() => {
      const x = tg.placeholder('float32', [], 'x');
      const y = tg.add(tg.mul(tg.stopGradient(x), x), x);
      return { x, dx: tg.gradients(y, x)[0] };
    });
    // d/dx [sg(x)*x + x] = sg(x) + 1 = 4
    expect(await value(g, dx, new Map([[x, 3]]))).to.deep.equal([4]);
  });
  it('gradYs weights the output; several ys are summed', async () => {
    const g = new tg.Graph();
    const { x, dx } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2], 'x');
      const y1 = tg.mul(x, 2);
      const y2 = tg.square(x);
      return { x, dx: tg.gradients([y1, y2], [x], [tg.constant([1, 10]), null])[0] };
    });
    // 2*[1,10] + 2x
    expect(await value(g, dx, new Map([[x, [1, 2]]]))).to.deep.equal([4, 24]);
  });
  it('through variables: gradients w.r.t. a Variable follow its reads', async () => {
    const g = new tg.Graph();
    const { W, dW, init } = g.asDefault(() => {
      const W = new tg.Variable(tg.constant([1, 2, 3]), { name: 'W' });
      const loss = tg.reduceSum(tg.mul(tg.square(W), 0.5));
      return { W, dW: tg.gradients(loss, [W])[0], init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g });
    await sess.run(init);
    expect(Array.from(((await sess.run(dW!)) as tg.NDArray).data)).to.deep.equal([1, 2, 3]);
    expect(W.name).to.equal('W:0');
  });
  it('integer tensors carry no gradient', () => {
    new tg.Graph().asDefault(() => {
      const i = tg.placeholder('int32', [2], 'i');
      const f = tg.cast(i, 'float32');
      expect(tg.gradients(tg.reduceSum(f), [i])[0]).to.equal(null);
    });
  });
  it('backward ops live under gradients/', () => {
    new tg.Graph().asDefault(() => {
      const x = tg.placeholder('float32', [2, 2], 'x');
      const [d] = tg.gradients(tg.reduceSum(tg.matMul(x, x)), [x]);
      expect(d!.name.startsWith('gradients/')).to.equal(true);
    });
  });
  it('a small network: matmul + bias + relu + mean, checked numerically', async () => {
    await checkGradients(
      ([x, w, b]) => tg.reduceMean(tg.relu(tg.add(tg.matMul(x, w), b)), 1),
      [randomArray([3, 4], 1), randomArray([4, 5], 2), randomArray([5], 3)],
    );
  });
  it('unknown static shapes: broadcasting gradients worked out at run time', async () => {
    const g = new tg.Graph();
    const { a, b, da, db } = g.asDefault(() => {
      const a = tg.placeholder('float32', null, 'a');
      const b = tg.placeholder('float32', null, 'b');
      const [da, db] = tg.gradients(tg.reduceSum(tg.mul(a, b)), [a, b]);
      return { a, b, da, db };
    });
    const sess = new tg.Session({ graph: g });
    const [ga, gb] = await sess.run([da!, db!], new Map<tg.Tensor, tg.FeedValue>([[a, [[1, 2, 3], [4, 5, 6]]], [b, [10, 20, 30]]]));
    expect(ga.toArray()).to.deep.equal([[10, 20, 30], [10, 20, 30]]);
    expect(gb.toArray()).to.deep.equal([5, 7, 9]);
  });
});

describe('train: GradientDescentOptimizer', () => {
  it('minimize applies var -= lr * grad with ApplyGradientDescent and bumps globalStep', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const w = new tg.Variable(tg.constant([1, -1]), { name: 'w' });
      const step = new tg.Variable(tg.constant(0, { dtype: 'int32' }), { name: 'global_step', trainable: false });
      const loss = tg.reduceSum(tg.square(w));
      const train = new tg.train.GradientDescentOptimizer(0.25).minimize(loss, { globalStep: step, name: 'train_step' });
      return { w, step, train, init: tg.globalVariablesInitializer() };
    });
    const types = g.getOperations().map((o) => o.type);
    expect(types).to.include('ApplyGradientDescent');
    expect(t.train.name).to.equal('train_step');
    const sess = new tg.Session({ graph: g });
    await sess.run(t.init);
    await sess.run(t.train);
    expect(Array.from(((await sess.run(t.w)) as tg.NDArray).data)).to.deep.equal([0.5, -0.5]);
    expect(((await sess.run(t.step)) as tg.NDArray).item()).to.equal(1);
  });
  it('minimizes a non-scalar loss as TF1 does: the gradient of its sum', async () => {
    const g = new tg.Graph();
    const t = g.asDefault(() => {
      const w = new tg.Variable(tg.constant([1, 2]), { name: 'w' });
      const b = new tg.Variable(tg.constant(3), { name: 'b' });
      // a per-example loss vector, as the notes' AdamOptimizer().minimize(cross_entropy)
      const perExample = tg.add(tg.square(w), b);
      const opt = new tg.train.GradientDescentOptimizer(0.5);
      const gv = opt.computeGradients(perExample);
      return { w, b, gv, train: opt.minimize(perExample), init: tg.globalVariablesInitializer() };
    });
    const sess = new tg.Session({ graph: g });
    await sess.run(t.init);
    const grads = (await sess.run(t.gv.map(([gr]) => gr as tg.Tensor))) as tg.NDArray[];
    expect(Array.from(grads[0].data)).to.deep.equal([2, 4]);   // d sum(w^2 + b) / dw = 2w
    expect(grads[1].item()).to.equal(2);                       // d sum / db = number of elements
    await sess.run(t.train);
    expect(Array.from(((await sess.run(t.w)) as tg.NDArray).data)).to.deep.equal([0, 0]);
    expect(((await sess.run(t.b)) as tg.NDArray).item()).to.equal(2);
  });
  it('still refuses a loss that is not float32', () => {
    new tg.Graph().asDefault(() => {
      const w = new tg.Variable(tg.constant([1, 2]), { name: 'w' });
      expect(() => new tg.train.GradientDescentOptimizer(0.1).minimize(tg.cast(w, 'int32'))).to.throw(tg.InvalidArgumentError, /must be float32/);
    });
  });
});

describe('train: variables without a gradient path', () => {
  it('are skipped with a warning naming them, like TF', () => {
    const warnings: string[] = [];
    const saved = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      new tg.Graph().asDefault(() => {
        const used = new tg.Variable(tg.constant([1, 2]), { name: 'used' });
        new tg.Variable(tg.constant([3]), { name: 'unused' });
        const op = new tg.train.GradientDescentOptimizer(0.1).minimize(tg.reduceSum(tg.square(used)));
        expect(op.type).to.equal('NoOp');
      });
    } finally {
      console.warn = saved;
    }
    expect(warnings.join('\n')).to.include('unused');
  });
});
