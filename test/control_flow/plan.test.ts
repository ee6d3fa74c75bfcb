import { expect } from 'chai';
import * as tg from '../../src/index.js';

describe('control flow: plans', () => {
  it('a plan with a loop reuses no buffer (values live across iterations); the same chain outside a loop does', () => {
    const g = new tg.Graph();
    const { x, plain, looped } = g.asDefault(() => {
      const x = tg.placeholder('float32', [4096], 'x');
      const chain = (v: tg.Tensor): tg.Tensor => tg.sqrt(tg.add(tg.square(tg.exp(tg.mul(v, 0.5))), 1));
      const plain = tg.reduceSum(chain(x));
      const [, y] = tg.whileLoop((i) => tg.less(i, 2), (i, v) => [tg.add(i, 1), chain(v)], [tg.constant(0, { dtype: 'int32' }), x]);
      return { x, plain, looped: tg.reduceSum(y) };
    });
    const feeds = new Map([[x, [4096]]]);
    const on = tg.optimize(g, plain, { feeds, disable: ['fuse-elementwise'] }).report.memory!;
    expect(on.inPlaceSteps + on.reusedBuffers).to.be.greaterThan(0);
    const loop = tg.optimize(g, looped, { feeds, disable: ['fuse-elementwise'] }).report.memory!;
    expect(loop.inPlaceSteps + loop.reusedBuffers).to.equal(0);
  });

  it('the optimised program of a loop keeps every control-flow op and no back-edge cycle', () => {
    const g = new tg.Graph();
    const [r] = g.asDefault(() => tg.whileLoop((i) => tg.less(i, 5), (i) => [tg.add(i, tg.constant(1, { dtype: 'int32' }))], [tg.constant(0, { dtype: 'int32' })]));
    const { program } = tg.optimize(g, r);
    const types = program.nodes.map((n) => n.type);
    for (const t of ['Enter', 'Merge', 'Switch', 'LoopCond', 'NextIteration', 'Exit']) expect(types, t).to.include(t);
    // the back edge is an attr of the NextIteration, not an input of the Merge
    const next = program.nodes.find((n) => n.type === 'NextIteration' && n.name === 'while/NextIteration_1')!;
    expect(next.attrs._loop_merge).to.deep.equal(['while/Merge_1']);
    expect(program.nodes.find((n) => n.name === 'while/Merge_1')!.inputs.map((v) => v.node.type)).to.deep.equal(['Enter']);
  });
});
