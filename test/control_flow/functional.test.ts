import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { encodeGraphDef } from '../../serialization/graph_def.js';
import type { FunctionDefObj, GraphDef, NodeDef } from '../../serialization/types.js';

/**
 * TF2's functional control flow (If, StatelessIf, While, StatelessWhile over a FunctionDefLibrary),
 * written as TF writes it into a GraphDef and encoded with our protobuf encoder: the importer lowers
 * each into TF1's Switch/Merge/Enter/Exit/NextIteration/LoopCond structure with the functions
 * inlined, so only the taken branch runs and loops run in their frame.
 */
const DT_FLOAT = 1;
const DT_INT32 = 3;
const DT_BOOL = 10;
const utf8 = new TextEncoder();

const arg = (name: string, type: number) => ({ name, type });

function constNode(name: string, v: number, dtype = DT_FLOAT, input: string[] = []): NodeDef {
  const tensor = dtype === DT_FLOAT ? { dtype, tensor_shape: {}, float_val: [v] } : { dtype, tensor_shape: {}, int_val: [v] };
  return { name, op: 'Const', input, attr: { dtype: { type: dtype }, value: { tensor } } };
}

function placeholder(name: string, dtype: number): NodeDef {
  return { name, op: 'Placeholder', attr: { dtype: { type: dtype }, shape: { shape: { unknown_rank: true } } } };
}

function binary(name: string, op: string, a: string, b: string, t = DT_FLOAT): NodeDef {
  return { name, op, input: [a, b], attr: { T: { type: t } } };
}

const fn = (name: string, ins: [string, number][], outs: [string, number][], body: NodeDef[], ret: Record<string, string>): FunctionDefObj => ({
  signature: { name, input_arg: ins.map(([n, t]) => arg(n, t)), output_arg: outs.map(([n, t]) => arg(n, t)) },
  node_def: body,
  ret,
});

function ifNode(name: string, op: string, inputs: string[], thenF: string, elseF: string, tin: number[], tout: number[]): NodeDef {
  return {
    name,
    op,
    input: inputs,
    attr: {
      Tcond: { type: DT_BOOL },
      Tin: { list: { type: tin } },
      Tout: { list: { type: tout } },
      then_branch: { func: { name: thenF } },
      else_branch: { func: { name: elseF } },
      output_shapes: { list: {} },
    },
  };
}

function whileNode(name: string, op: string, inputs: string[], cond: string, body: string, t: number[]): NodeDef {
  return { name, op, input: inputs, attr: { T: { list: { type: t } }, cond: { func: { name: cond } }, body: { func: { name: body } }, parallel_iterations: { i: 10 }, output_shapes: { list: {} } } };
}

/** then(x) = x * 2 (its constant lives in the branch); else(x) = CheckNumerics(log(x)): fails for x < 0 when it runs. */
const THEN_DOUBLE = fn('then_double', [['x', DT_FLOAT]], [['y', DT_FLOAT]], [constNode('two', 2), binary('mul', 'Mul', 'x', 'two:output:0')], { y: 'mul:z:0' });
const ELSE_LOG = fn('else_log', [['x', DT_FLOAT]], [['y', DT_FLOAT]], [
  { name: 'log', op: 'Log', input: ['x'], attr: { T: { type: DT_FLOAT } } },
  { name: 'check', op: 'CheckNumerics', input: ['log:y:0'], attr: { T: { type: DT_FLOAT }, message: { s: utf8.encode('else branch ran') } } },
], { y: 'check:output:0' });

/** Two inputs, two outputs: then(a, b) = (a + b, a), else(a, b) = (a - b, b). */
const THEN_2 = fn('then_2', [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [binary('add', 'AddV2', 'a', 'b')], { s: 'add:z:0', k: 'a' });
const ELSE_2 = fn('else_2', [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [binary('sub', 'Sub', 'a', 'b')], { s: 'sub:z:0', k: 'b' });

/** tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [0, 0]) as functions. */
const COND_LT10 = fn('cond_lt10', [['i', DT_INT32], ['s', DT_INT32]], [['c', DT_BOOL]], [constNode('ten', 10, DT_INT32), binary('less', 'Less', 'i', 'ten:output:0', DT_INT32)], { c: 'less:z:0' });
const BODY_SUM = fn('body_sum', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [constNode('one', 1, DT_INT32), binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32), binary('acc', 'AddV2', 's', 'i', DT_INT32)], { i1: 'inc:z:0', s1: 'acc:z:0' });

/** Three loop variables, the bound n fed: while i < n: s += i (no captures in functional loops). */
const COND_LTN = fn('cond_ltn', [['i', DT_INT32], ['s', DT_INT32], ['n', DT_INT32]], [['c', DT_BOOL]], [binary('less', 'Less', 'i', 'n', DT_INT32)], { c: 'less:z:0' });
const BODY_SUMN = fn('body_sumn', [['i', DT_INT32], ['s', DT_INT32], ['n', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32], ['n1', DT_INT32]], [constNode('one', 1, DT_INT32), binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32), binary('acc', 'AddV2', 's', 'i', DT_INT32)], { i1: 'inc:z:0', s1: 'acc:z:0', n1: 'n' });

/** A body with an If inside: s += i while i < 5, s -= i after (0+1+2+3+4 - (5+6+7+8+9) = -25). */
const ADD_IT = fn('add_it', [['s', DT_INT32], ['i', DT_INT32]], [['r', DT_INT32]], [binary('add', 'AddV2', 's', 'i', DT_INT32)], { r: 'add:z:0' });
const SUB_IT = fn('sub_it', [['s', DT_INT32], ['i', DT_INT32]], [['r', DT_INT32]], [binary('sub', 'Sub', 's', 'i', DT_INT32)], { r: 'sub:z:0' });
const BODY_NESTED = fn('body_nested', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [
  constNode('five', 5, DT_INT32),
  binary('small', 'Less', 'i', 'five:output:0', DT_INT32),
  ifNode('branch', 'StatelessIf', ['small:z:0', 's', 'i'], 'add_it', 'sub_it', [DT_INT32, DT_INT32], [DT_INT32]),
  constNode('one', 1, DT_INT32),
  binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32),
], { i1: 'inc:z:0', s1: 'branch:output:0' });

function graphOf(nodes: NodeDef[], functions: FunctionDefObj[]): GraphDef {
  return { node: nodes, library: { function: functions } };
}

function imported(def: GraphDef): tg.Graph {
  const g = new tg.Graph();
  tg.importGraphDef(encodeGraphDef(def), { graph: g });
  return g;
}

const OPTIMIZERS = [{ label: 'pipeline on', optimizer: {} }, { label: 'pipeline off', optimizer: { disable: ['all'] } }] as const;

async function runWith(optimizer: tg.SessionOptions['optimizer'], g: tg.Graph, fetches: string[], feeds?: tg.Feeds): Promise<unknown[]> {
  const sess = new tg.Session({ graph: g, optimizer });
  try {
    return ((await sess.run(fetches, feeds)) as tg.NDArray[]).map((x) => x.toArray());
  } finally {
    sess.close();
  }
}

const IF_GRAPH = graphOf([placeholder('p', DT_BOOL), placeholder('x', DT_FLOAT), ifNode('cond', 'If', ['p', 'x'], 'then_double', 'else_log', [DT_FLOAT], [DT_FLOAT]), { name: 'out', op: 'Identity', input: ['cond'], attr: { T: { type: DT_FLOAT } } }], [THEN_DOUBLE, ELSE_LOG]);

for (const { label, optimizer } of OPTIMIZERS) {
describe(`control flow: functional If / While imported from a GraphDef (${label})`, () => {
  const run = (g: tg.Graph, fetches: string[], feeds?: tg.Feeds): Promise<unknown[]> => runWith(optimizer, g, fetches, feeds);

  it('If runs only the taken branch: the else branch would fail on a negative x', async () => {
    const g = imported(IF_GRAPH);
    expect(g.getOperations().map((o) => o.type)).to.not.include.members(['If', 'PartitionedCall']);
    expect(g.getOperationByName('cond/output_0').type).to.equal('Merge');
    expect(await run(g, ['out:0', 'cond:0'], { 'p:0': true, 'x:0': -4 })).to.deep.equal([-8, -8]);
    const [e] = (await run(g, ['out:0'], { 'p:0': false, 'x:0': Math.E })) as number[];
    expect(e).to.be.closeTo(1, 1e-6);
    // the else branch does run when taken: a negative x trips its CheckNumerics
    let error: unknown = null;
    await run(g, ['out:0'], { 'p:0': false, 'x:0': -4 }).catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(tg.errors.InvalidArgumentError);
    expect(String(error)).to.contain('else branch ran');
  });

  it('StatelessIf with two inputs and two outputs; output 1 read downstream', async () => {
    const def = graphOf(
      [placeholder('p', DT_BOOL), constNode('a', 5), constNode('b', 3), ifNode('c', 'StatelessIf', ['p', 'a', 'b'], 'then_2', 'else_2', [DT_FLOAT, DT_FLOAT], [DT_FLOAT, DT_FLOAT]), binary('y', 'Mul', 'c:1', 'c')],
      [THEN_2, ELSE_2],
    );
    const g = imported(def);
    expect(await run(g, ['c:0', 'y:0'], { 'p:0': true })).to.deep.equal([8, 40]); // (5+3, 5): 8 * 5
    expect(await run(g, ['c:0', 'y:0'], { 'p:0': false })).to.deep.equal([2, 6]); // (5-3, 3): 2 * 3
  });

  it('While: sum of 0..9 = 45 carrying (i, s); the loop is built once, not unrolled', async () => {
    const def = graphOf([constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32), whileNode('w', 'While', ['i0', 's0'], 'cond_lt10', 'body_sum', [DT_INT32, DT_INT32]), binary('twice', 'AddV2', 'w:1', 'w:1', DT_INT32)], [COND_LT10, BODY_SUM]);
    const g = imported(def);
    // output 0 keeps the node's name; output i > 0 is the loop's Exit_i (inputs naming `w:1` are rewired to it)
    expect(await run(g, ['w:0', 'w/Exit_1:0', 'twice:0'])).to.deep.equal([10, 45, 90]);
    const types = g.getOperations().map((o) => o.type);
    expect(types.filter((t) => t === 'NextIteration')).to.have.length(2);
    expect(types.filter((t) => t === 'AddV2')).to.have.length(3); // the body's two, and `twice`
    expect(g.getOperationByName('w/Enter_0').attrs.frame_name).to.equal('w');
  });

  it('StatelessWhile with a fed bound: sum of 0..n-1 for n = 0, 1, 100 from the same graph', async () => {
    const def = graphOf([constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32), placeholder('n', DT_INT32), whileNode('w', 'StatelessWhile', ['i0', 's0', 'n'], 'cond_ltn', 'body_sumn', [DT_INT32, DT_INT32, DT_INT32])], [COND_LTN, BODY_SUMN]);
    const g = imported(def);
    expect(await run(g, ['w:0', 'w/Exit_1:0'], { 'n:0': 0 })).to.deep.equal([0, 0]);
    expect(await run(g, ['w:0', 'w/Exit_1:0'], { 'n:0': 1 })).to.deep.equal([1, 0]);
    expect(await run(g, ['w:0', 'w/Exit_1:0', 'w/Exit_2:0'], { 'n:0': 100 })).to.deep.equal([100, 4950, 100]);
  });

  it('an If nested in a While body runs the branch each iteration picks (0+1+2+3+4-5-6-7-8-9 = -25)', async () => {
    const def = graphOf([constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32), whileNode('w', 'While', ['i0', 's0'], 'cond_lt10', 'body_nested', [DT_INT32, DT_INT32])], [COND_LT10, BODY_NESTED, ADD_IT, SUB_IT]);
    const g = imported(def);
    expect(await run(g, ['w:0', 'w/Exit_1:0'])).to.deep.equal([10, -25]);
    expect(g.getOperationByName('w/body/branch/output_0').type).to.equal('Merge');
  });
});
}
