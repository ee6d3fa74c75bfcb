import { expect } from 'chai';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph } from './import_graph.js';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIBRARY = ['platform', 'graph', 'ops', 'runtime', 'serialization', 'src'];

describe('layering: the import graph', () => {
  it('the cycle finder finds cycles (a check that cannot fail proves nothing)', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(importCycles(edges)).to.deep.equal([['a', 'b', 'c'], ['e']]);
  });

  it('the library has no import cycles (gradients sit in their own files and import the builders)', () => {
    const edges = importGraph(DIST, LIBRARY);
    expect(edges.size).to.be.greaterThan(100);
    const cycles = importCycles(edges).map((c) => c.join(' -> '));
    expect(cycles).to.deep.equal([]);
  });
});
