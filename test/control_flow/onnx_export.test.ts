import { expect } from 'chai';
import onnxProto from 'onnx-proto';
import { switchOp } from '../../ops/control/control_flow.js';
import * as tg from '../../src/index.js';
import { randomArray } from '../util/oracle.js';
import { checkExport, expectClose, nodeTypes, runOrt } from '../serialization/onnx/helpers.js';

const f32 = (v: number | number[] | number[][]) => tg.NDArray.from(v);
const i32 = (v: number) => tg.NDArray.from(Int32Array.of(v), [], 'int32');
const bool = (v: boolean) => tg.NDArray.from(Uint8Array.of(v ? 1 : 0), [], 'bool');
const PRIMITIVES = ['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond'];

function expectStructured(model: Uint8Array, want: string): void {
  const types = nodeTypes(model);
  expect(types, types.join(',')).to.include(want);
  for (const p of PRIMITIVES) expect(types).to.not.include(p);
}

/** Node types of a model's graph and of every subgraph in it. */
function allNodeTypes(model: Uint8Array): string[] {
  const walk = (g: onnxProto.onnx.IGraphProto | null | undefined): string[] =>
    (g?.node ?? []).flatMap((n) => [n.opType!, ...(n.attribute ?? []).flatMap((a) => walk(a.g))]);
  return walk(onnxProto.onnx.ModelProto.decode(model).graph);
}

describe('control flow: ONNX export as If and Loop', () => {
  it('tg.cond becomes one If whose branches read outer values by name; both sides agree with ONNX Runtime', async () => {
    const build = () => {
      const p = tg.placeholder('bool', [], 'p');
      const x = tg.placeholder('float32', [2], 'x');
      const w = tg.constant([10, 20]);
      // the third output passes outer values through unchanged
      const [y, z, u] = tg.cond(p, () => [tg.add(tg.mul(x, 2), 1), tg.reduceSum(x), x], () => [tg.sub(tg.neg(x), w), tg.constant(-1), w]);
      return [y, z, u];
    };
    const model = await checkExport(build, [
      { 'p:0': bool(true), 'x:0': f32([1, 2]) },
      { 'p:0': bool(false), 'x:0': f32([1, 2]) },
    ]);
    expectStructured(model, 'If');
    expect(nodeTypes(model).filter((t) => t === 'If')).to.have.length(1);
  });

  it('tg.case (nested conds) and a cond whose branches return only constants', async () => {
    const build = () => {
      const x = tg.placeholder('float32', [], 'x');
      const c = tg.caseOp([[tg.less(x, 0), () => tg.neg(x)], [tg.less(x, 10), () => tg.mul(x, 3)]], { default: () => tg.constant(100) });
      const k = tg.cond(tg.greater(x, 5), () => tg.constant(1), () => tg.constant(2));
      return [c, k];
    };
    const model = await checkExport(build, [-2, 4, 20].map((v) => ({ 'x:0': f32(v) })));
    expectStructured(model, 'If');
  });

  it('whileLoop summing 0..n-1 becomes a Loop (the predicate before it and at the end of the body)', async () => {
    const build = () => {
      const n = tg.placeholder('int32', [], 'n');
      const [i, s] = tg.whileLoop((i: tg.Tensor) => tg.less(i, n), (i: tg.Tensor, s: tg.Tensor) => [tg.add(i, 1), tg.add(s, i)], [tg.constant(0, { dtype: 'int32' }), tg.constant(0, { dtype: 'int32' })]);
      return [i, s];
    };
    const model = await checkExport(build, [{ 'n:0': i32(10) }, { 'n:0': i32(0) }, { 'n:0': i32(1) }]);
    expectStructured(model, 'Loop');
    const [, s] = await runOrt(model, { 'n:0': i32(10) }, ['while/Exit_1:0', 'while/Exit_2:0']);
    expect(s.data).to.deep.equal([45]);
  });

  it('Fibonacci and maximumIterations', async () => {
    const build = () => {
      const n = tg.placeholder('int32', [], 'n');
      const [, a] = tg.whileLoop((i: tg.Tensor) => tg.less(i, n), (i: tg.Tensor, a: tg.Tensor, b: tg.Tensor) => [tg.add(i, 1), b, tg.add(a, b)], [tg.constant(0, { dtype: 'int32' }), 0, 1] as const);
      // stops at 4 iterations whatever n says
      const [, capped] = tg.whileLoop(() => tg.constant(true), (i: tg.Tensor, s: tg.Tensor) => [tg.add(i, 1), tg.mul(s, 2)], [tg.constant(0, { dtype: 'int32' }), tg.constant(1.5)] as const, { maximumIterations: 4, name: 'capped' });
      return [a, capped];
    };
    const model = await checkExport(build, [{ 'n:0': i32(10) }, { 'n:0': i32(2) }]);
    const [fib, capped] = await runOrt(model, { 'n:0': i32(10) }, ['while/Exit_2:0', 'capped/Exit_2:0']);
    expect(fib.data).to.deep.equal([55]);
    expect(capped.data).to.deep.equal([24]);
    // the bound becomes the Loop's M (the predicate keeps its test); the other loop has none
    const loops = (onnxProto.onnx.ModelProto.decode(model).graph?.node ?? []).filter((n) => n.opType === 'Loop');
    expect(loops.map((n) => n.input?.[0] !== '').sort()).to.deep.equal([false, true]);
  });

  it('a fed maximumIterations bound, negative and zero included', async () => {
    const build = () => {
      const m = tg.placeholder('int32', [], 'm');
      const [, s] = tg.whileLoop((i: tg.Tensor) => tg.less(i, 5), (i: tg.Tensor, s: tg.Tensor) => [tg.add(i, 1), tg.add(s, 3)], [tg.constant(0, { dtype: 'int32' }), tg.constant(0)] as const, { maximumIterations: m });
      return [s];
    };
    await checkExport(build, [3, 7, 0, -2].map((v) => ({ 'm:0': i32(v) })));
  });

  it('a loop with a matmul body over a captured weight, live and frozen from a variable', async () => {
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 4], 'x');
      const W = new tg.Variable(randomArray([4, 4], 3, -0.8, 0.8), { name: 'W' });
      const b = tg.constant(randomArray([4], 4));
      const [, h] = tg.whileLoop((i: tg.Tensor) => tg.less(i, 5), (i: tg.Tensor, h: tg.Tensor) => [tg.add(i, 1), tg.tanh(tg.add(tg.matMul(h, W.value()), b))], [tg.constant(0, { dtype: 'int32' }), x] as const, {
        shapeInvariants: [[], [null, 4]],
      });
      tg.identity(h, 'h');
    });
    await sess.run(tg.globalVariablesInitializer(g));
    const frozen = tg.graphUtil.convertVariablesToConstants(sess, g.toGraphDef(), ['h']);
    const model = tg.onnx.exportModel(frozen, { inputs: ['x:0'], outputs: ['h:0'] });
    expectStructured(model, 'Loop');
    for (const rows of [1, 3]) {
      const feeds = { 'x:0': randomArray([rows, 4], 10 + rows) };
      const [want] = (await sess.run(['h:0'], feeds)) as tg.NDArray[];
      const [got] = await runOrt(model, feeds, ['h:0']);
      expectClose(got, want, 'h');
    }
  });

  it('a cond inside a while loop body, and a loop inside a loop', async () => {
    const build = () => {
      const n = tg.placeholder('int32', [], 'n');
      const x = tg.placeholder('float32', [], 'x');
      const [, s] = tg.whileLoop(
        (i: tg.Tensor) => tg.less(i, n),
        (i: tg.Tensor, s: tg.Tensor) => [tg.add(i, 1), tg.add(s, tg.cond(tg.less(i, 3), () => tg.mul(x, tg.cast(i, 'float32')), () => tg.neg(x)))],
        [tg.constant(0, { dtype: 'int32' }), tg.constant(0)] as const,
      );
      const [, t] = tg.whileLoop(
        (i: tg.Tensor) => tg.less(i, 3),
        (i: tg.Tensor, t: tg.Tensor) => {
          const [, inner] = tg.whileLoop((j: tg.Tensor) => tg.less(j, i), (j: tg.Tensor, u: tg.Tensor) => [tg.add(j, 1), tg.add(u, x)], [tg.constant(0, { dtype: 'int32' }), t] as const, { name: 'inner' });
          return [tg.add(i, 1), inner];
        },
        [tg.constant(0, { dtype: 'int32' }), tg.constant(1)] as const,
        { name: 'outer' },
      );
      return [s, t];
    };
    const model = await checkExport(build, [{ 'n:0': i32(6), 'x:0': f32(1.5) }, { 'n:0': i32(0), 'x:0': f32(2) }]);
    expectStructured(model, 'Loop');
  });

  it('layout transposes cancel inside a branch, and one a branch reads from outside stays', async () => {
    const conv = (x: tg.Tensor, seed: number) => tg.relu(tg.nn.conv2d(x, tg.constant(randomArray([3, 3, 2, 2], seed)), { strides: 1, padding: 'SAME' }));
    const build = () => {
      const p = tg.placeholder('bool', [], 'p');
      const x = tg.placeholder('float32', [1, 4, 4, 2], 'x');
      const h = conv(x, 1);
      return [tg.cond(p, () => conv(conv(h, 2), 3), () => tg.mul(h, 2))];
    };
    const feeds = [true, false].map((p) => ({ 'p:0': bool(p), 'x:0': randomArray([1, 4, 4, 2], 7) }));
    const model = await checkExport(build, feeds);
    // outside: in and out of the first conv; in the true branch: in and out of its conv pair
    expect(allNodeTypes(model).filter((t) => t === 'Transpose')).to.have.length(4);
  });

  it('a cond built under controlDependencies (its pred_id then has a control input) still exports', async () => {
    const build = () => {
      const p = tg.placeholder('bool', [], 'p');
      const x = tg.placeholder('float32', [], 'x');
      const first = tg.identity(x, 'first');
      return [tg.controlDependencies([first.op], () => tg.cond(p, () => tg.add(x, 1), () => tg.constant(7)))];
    };
    await checkExport(build, [true, false].map((p) => ({ 'p:0': bool(p), 'x:0': f32(2) })));
  });

  it('a graph with control flow round-trips through a GraphDef and still exports', async () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const x = tg.placeholder('float32', [], 'x');
      tg.identity(tg.whileLoop((i: tg.Tensor) => tg.less(i, 3), (i: tg.Tensor, y: tg.Tensor) => [tg.add(i, 1), tg.mul(y, 2)], [tg.constant(0, { dtype: 'int32' }), x] as const)[1], 'y');
    });
    const model = tg.onnx.exportModel(tg.graphUtil.encodeGraphDef(g.toGraphDef()), { inputs: ['x:0'], outputs: ['y:0'] });
    expect((await runOrt(model, { 'x:0': f32(1.25) }, ['y:0']))[0].data).to.deep.equal([10]);
  });

  it('exports a loop whose gradient was built (the forward output needs no stack) and refuses the gradient, naming a stack op', async () => {
    const g = new tg.Graph();
    const { y, dx } = g.asDefault(() => {
      const x = tg.placeholder('float32', [], 'x');
      const [, y] = tg.whileLoop((i: tg.Tensor) => tg.less(i, 3), (i: tg.Tensor, v: tg.Tensor) => [tg.add(i, 1), tg.mul(v, x)], [tg.constant(0, { dtype: 'int32' }), x] as const);
      const [dx] = tg.gradients(y, [x]);
      return { y, dx };
    });
    const model = tg.onnx.exportModel(g, { inputs: ['x:0'], outputs: [y.name] });
    expect((await runOrt(model, { 'x:0': f32(2) }, [y.name]))[0].data).to.deep.equal([16]);
    expect(() => tg.onnx.exportModel(g, { inputs: ['x:0'], outputs: [dx!.name] })).to.throw(tg.errors.UnimplementedError, /\(Stack(V2|PushV2|PopV2)\) is not supported: it keeps a while loop's values for its gradient/);
  });

  it('refuses what it cannot structure, naming the op: a value read from inside a branch without its Merge', () => {
    const g = new tg.Graph();
    g.asDefault(() => {
      const p = tg.placeholder('bool', [], 'p');
      const x = tg.placeholder('float32', [], 'x');
      const [, t] = switchOp(x, p);
      tg.neg(t, 'y');
    });
    expect(() => tg.onnx.exportModel(g, { inputs: ['p:0', 'x:0'], outputs: ['y:0'] })).to.throw(tg.errors.UnimplementedError, /'y' \(Neg\).*true branch of cond on 'p:0'.*read from the root/);
  });
});
