import { expect } from 'chai';
import * as tg from '../../../src/index.js';

describe('optimizer: printAfter, printTo and instrumentation hooks', () => {
  const build = (): { g: tg.Graph; y: tg.Tensor; x: tg.Tensor } => {
    const g = new tg.Graph();
    return g.asDefault(() => {
      const x = tg.placeholder('float32', [2, 3], 'x');
      const y = tg.relu(tg.add(tg.matMul(x, tg.constant([[1], [2], [3]])), tg.constant([0.5])), 'y');
      return { g, x, y };
    });
  };

  it('prints the program after the named passes, one node per line with type, inputs and shape', async () => {
    const { g, x, y } = build();
    const printed: string[] = [];
    const s = new tg.Session({ graph: g, optimizer: { printAfter: ['fuse-epilogue'], printTo: (t) => printed.push(t) } });
    await s.run(y, { [x.name]: new tg.NDArray('float32', [2, 3], new Float32Array(6)) });
    s.close();
    expect(printed).to.have.length(1);
    expect(printed[0]).to.match(/^\/\/ after fuse-epilogue/);
    expect(printed[0]).to.match(/= MatMul\(|fuses \[MatMul, (AddV2|Add), Relu\]/);
    expect(printed[0]).to.match(/-> float32\[2,1\]/);
    expect(printed[0]).to.match(/^fetch %\d+:0$/m);
  });

  it('prints a pinned device and control inputs', () => {
    const g = new tg.Graph();
    const { y, x } = g.asDefault(() => {
      const x = tg.placeholder('float32', [2], 'x');
      const first = tg.neg(x, 'first');
      const y = tg.device('/cpu:0', () => tg.controlDependencies([first], () => tg.exp(x, 'pinned')));
      return { x, y };
    });
    const printed: string[] = [];
    tg.optimize(g, [y], { feeds: [x], only: ['prune'], printAfter: ['prune'], printTo: (t) => printed.push(t) });
    expect(printed[0]).to.match(/^%\d+ pinned = Exp\(%\d+:0, \^%\d+\) -> float32\[2\] @\/cpu:0$/m);
  });

  it("'all' prints after every pass run; an unknown name is an error naming the known passes", () => {
    const { g, y, x } = build();
    const printed: string[] = [];
    const { report } = tg.optimize(g, [y], { feeds: [x], printAfter: 'all', printTo: (t) => printed.push(t) });
    expect(printed.length).to.equal(report.passes.length);
    expect(() => tg.optimize(g, [y], { feeds: [x], printAfter: ['no-such-pass'] })).to.throw(tg.InvalidArgumentError, /no-such-pass.*known passes/);
  });

  it('calls beforePass and afterPass with the pass name, program and report row', () => {
    const { g, y, x } = build();
    const seen: string[] = [];
    const { report } = tg.optimize(g, [y], {
      feeds: [x],
      instrument: {
        beforePass: (name, program) => seen.push(`before ${name} ${program.nodes.length}`),
        afterPass: (name, program, row) => {
          expect(row.pass).to.equal(name);
          expect(row.nodesAfter).to.equal(program.nodes.length);
          seen.push(`after ${name} ${program.nodes.length}`);
        },
      },
    });
    expect(seen.length).to.equal(2 * report.passes.length);
    expect(seen[0]).to.match(/^before constant-fold \d+$/);
    expect(seen[seen.length - 1]).to.match(/^after prune \d+$/);
  });
});
