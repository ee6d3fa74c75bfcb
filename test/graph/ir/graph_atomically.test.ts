import { expect } from 'chai';
import * as tg from '../../../src/index.js';

describe('graph/ir: Graph.atomically', () => {
  it('a throwing change is undone: ops, consumers, names, collections (same lists) and version', () => {
    const g = new tg.Graph();
    const x = g.asDefault(() => tg.placeholder('float32', [2], 'x'));
    g.addToCollection('outs', x);
    const outs = g.getCollectionRef('outs');
    const before = { ops: g.getOperations(), version: g.version, next: g.uniqueName('Add', false) };
    expect(() =>
      g.atomically(() =>
        g.asDefault(() => {
          const y = tg.add(x, x);
          g.addToCollection('outs', y);
          g.addToCollection('new_key', y);
          g.nameScope('block', () => tg.mul(y, 2));
          throw new tg.InvalidArgumentError('late failure');
        }),
      ),
    ).to.throw(tg.InvalidArgumentError, 'late failure');
    expect(g.getOperations()).to.deep.equal(before.ops);
    expect(g.version).to.equal(before.version);
    expect(g.uniqueName('Add', false)).to.equal(before.next);
    expect(g.uniqueName('block', false)).to.equal('block');
    expect(g.consumersOf(x)).to.deep.equal([]);
    expect(g.getAllCollectionKeys()).to.deep.equal(['outs']);
    expect(g.getCollectionRef('outs')).to.equal(outs);
    expect(outs).to.deep.equal([x]);
    // the graph works on as before: the same names come out
    expect(g.asDefault(() => tg.add(x, x)).name).to.equal('Add:0');
  });

  it('a change that succeeds stays, with its result', () => {
    const g = new tg.Graph();
    const t = g.atomically(() => g.asDefault(() => tg.placeholder('float32', [], 'p')));
    expect(t.name).to.equal('p:0');
    expect(g.numOps).to.equal(1);
  });

  it('an async function is refused and what it did synchronously is undone', () => {
    const g = new tg.Graph();
    expect(() =>
      g.atomically(async () => {
        g.asDefault(() => tg.placeholder('float32', [], 'p'));
      }),
    ).to.throw(tg.InvalidArgumentError, /synchronous/);
    expect(g.numOps).to.equal(0);
  });
});
