import { expect } from 'chai';
import * as tg from '../../../src/index.js';

const W = (): tg.Tensor => tg.constant(Float32Array.from({ length: 12 }, (_v, i) => (i % 5) - 2), { shape: [3, 4] });
const B = (): tg.Tensor => tg.constant([0.5, -1, 2, -3]);

/** relu(x @ W + b) with W and b constants or Variables, x of unknown batch. */
function dense(useVariables: boolean): { g: tg.Graph; y: tg.Tensor } {
  const g = new tg.Graph();
  const y = g.asDefault(() => {
    const x = tg.placeholder('float32', [null, 3], 'x');
    const w = useVariables ? new tg.Variable(W(), { name: 'W' }).value() : W();
    const b = useVariables ? new tg.Variable(B(), { name: 'b' }).value() : B();
    return tg.nn.relu(tg.add(tg.matMul(x, w), b));
  });
  return { g, y };
}

describe('compiler: epilogue fusion with constant weights and an unknown batch', () => {
  for (const useVariables of [false, true]) {
    it(`relu(matMul(x, W) + b) with ${useVariables ? 'Variables' : 'constants'} W, b and x: [?, 3] compiles to one _FusedMatMul`, () => {
      const { g, y } = dense(useVariables);
      const types = tg.optimize(g, [y]).program.nodes.map((n) => n.type);
      expect(types.filter((t) => !['Placeholder', 'Const', 'VariableV2', 'Identity'].includes(t))).to.deep.equal(['_FusedMatMul']);
    });
  }

  it('at run time with rows known only from data (DynamicStitch): fused, and the values equal the unfused run', async () => {
    const g = new tg.Graph();
    const { rows, y } = g.asDefault(() => {
      const rows = tg.placeholder('float32', [2, 3], 'rows');
      const x = tg.dynamicStitch([[1, 0]], [rows]);
      return { rows, y: tg.nn.relu(tg.add(tg.matMul(x, W()), B())) };
    });
    expect(y.shape).to.deep.equal([null, 4]);
    const feeds = new Map([[rows, tg.NDArray.from([[1, 2, 3], [-1, 0.5, 2]])]]);
    const md = new tg.RunMetadata();
    const on = (await new tg.Session({ graph: g, debug: { verifyPasses: true } }).run(y, feeds, { runMetadata: md })) as tg.NDArray;
    const off = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(y, feeds)) as tg.NDArray;
    const types = md.stepStats[0].nodeStats.map((s) => s.opType);
    expect(types).to.include('_FusedMatMul');
    expect(types).to.not.include('MatMul');
    expect(on.shape).to.deep.equal([2, 4]);
    expect(Array.from(on.data)).to.deep.equal(Array.from(off.data));
  });

  it('an operand that could be larger than a product of unknown rows keeps them apart; values still equal', async () => {
    const g = new tg.Graph();
    const { rows, y } = g.asDefault(() => {
      const rows = tg.placeholder('float32', [1, 3], 'rows');
      const x = tg.dynamicStitch([[0]], [rows]);
      // [?,4] + [2,4]: with one row at run time the sum is [2,4], larger than the product
      return { rows, y: tg.add(tg.matMul(x, W()), tg.constant([[1, 2, 3, 4], [5, 6, 7, 8]])) };
    });
    const feeds = new Map([[rows, tg.NDArray.from([[1, 2, 3]])]]);
    const md = new tg.RunMetadata();
    const on = (await new tg.Session({ graph: g }).run(y, feeds, { runMetadata: md })) as tg.NDArray;
    const off = (await new tg.Session({ graph: g, optimizer: { disable: ['all'] } }).run(y, feeds)) as tg.NDArray;
    expect(md.stepStats[0].nodeStats.map((s) => s.opType)).to.not.include('_FusedMatMul');
    expect(on.shape).to.deep.equal([2, 4]);
    expect(Array.from(on.data)).to.deep.equal(Array.from(off.data));
  });
});
