import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { describeEachBackend, TestBackend } from '../support/backends.js';
import { encodeGraphDef } from '../../serialization/graph_def.js';
import type { FunctionDefObj, GraphDef, NodeDef } from '../../serialization/types.js';
import { ADD_IT, BODY_NESTED, BODY_SUM, BODY_SUMN, COND_LT10, COND_LTN, DT_BOOL, DT_FLOAT, DT_INT32, ELSE_2, ELSE_LOG, SUB_IT, THEN_2, THEN_DOUBLE, binary, constNode, fn, graphOf, ifNode, placeholder, whileNode } from './functional_fixtures.js';

/**
 * TF2's functional control flow (If, StatelessIf, While, StatelessWhile over a FunctionDefLibrary),
 * written as TF writes it into a GraphDef and encoded with our protobuf encoder: the importer lowers
 * each into TF1's Switch/Merge/Enter/Exit/NextIteration/LoopCond structure with the functions
 * inlined, so only the taken branch runs and loops run in their frame.
 */
function imported(def: GraphDef): tg.Graph {
  const g = new tg.Graph();
  tg.importGraphDef(encodeGraphDef(def), { graph: g });
  return g;
}

const OPTIMIZERS = [{ label: 'pipeline on', optimizer: {} }, { label: 'pipeline off', optimizer: { disable: ['all'] } }] as const;

async function runWith(backend: TestBackend, optimizer: tg.SessionOptions['optimizer'], g: tg.Graph, fetches: string[], feeds?: tg.Feeds): Promise<unknown[]> {
  const sess = new tg.Session({ graph: g, backend, optimizer });
  try {
    return ((await sess.run(fetches, feeds)) as tg.NDArray[]).map((x) => x.toArray());
  } finally {
    sess.close();
  }
}

const IF_GRAPH: GraphDef = graphOf([placeholder('p', DT_BOOL), placeholder('x', DT_FLOAT), ifNode('cond', 'If', ['p', 'x'], 'then_double', 'else_log', [DT_FLOAT], [DT_FLOAT]), { name: 'out', op: 'Identity', input: ['cond'], attr: { T: { type: DT_FLOAT } } }], [THEN_DOUBLE, ELSE_LOG]);

describeEachBackend('TF1 control flow (functional If / While imported)', (backend) => {
  for (const { label, optimizer } of OPTIMIZERS) {
  describe(`control flow: functional If / While imported from a GraphDef (${label})`, () => {
    const run = (g: tg.Graph, fetches: string[], feeds?: tg.Feeds): Promise<unknown[]> => runWith(backend, optimizer, g, fetches, feeds);

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

    it('a While nested in a While body: 3 outer iterations each add 4 in an inner loop (s = 12)', async () => {
      const innerCond = fn('j_lt4', [['j', DT_INT32], ['s', DT_INT32]], [['c', DT_BOOL]], [constNode('four', 4, DT_INT32), binary('less', 'Less', 'j', 'four:output:0', DT_INT32)], { c: 'less:z:0' });
      const innerBody = fn('add_one', [['j', DT_INT32], ['s', DT_INT32]], [['j1', DT_INT32], ['s1', DT_INT32]], [constNode('one', 1, DT_INT32), binary('inc', 'AddV2', 'j', 'one:output:0', DT_INT32), binary('acc', 'AddV2', 's', 'one:output:0', DT_INT32)], { j1: 'inc:z:0', s1: 'acc:z:0' });
      const outerCond = fn('i_lt3', [['i', DT_INT32], ['s', DT_INT32]], [['c', DT_BOOL]], [constNode('three', 3, DT_INT32), binary('less', 'Less', 'i', 'three:output:0', DT_INT32)], { c: 'less:z:0' });
      const outerBody = fn('run_inner', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [
        constNode('j0', 0, DT_INT32),
        whileNode('inner', 'StatelessWhile', ['j0:output:0', 's'], 'j_lt4', 'add_one', [DT_INT32, DT_INT32]),
        constNode('one', 1, DT_INT32),
        binary('inc', 'AddV2', 'i', 'one:output:0', DT_INT32),
      ], { i1: 'inc:z:0', s1: 'inner:output:1' });
      const g = imported(graphOf([constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32), whileNode('w', 'While', ['i0', 's0'], 'i_lt3', 'run_inner', [DT_INT32, DT_INT32])], [innerCond, innerBody, outerCond, outerBody]));
      expect(await run(g, ['w:0', 'w/Exit_1:0'])).to.deep.equal([3, 12]);
      expect(g.getOperationByName('w/body/inner/Enter_0').attrs.frame_name).to.equal('w/body/inner');
    });

    it('the lowered graph re-exports as a TF1 GraphDef (no library needed) that imports and runs again', async () => {
      const g = imported(graphOf([constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32), whileNode('w', 'While', ['i0', 's0'], 'cond_lt10', 'body_nested', [DT_INT32, DT_INT32])], [COND_LT10, BODY_NESTED, ADD_IT, SUB_IT]));
      const again = new tg.Graph();
      tg.importGraphDef(tg.graphUtil.encodeGraphDef(g.toGraphDef()), { graph: again });
      expect(await run(again, ['w:0', 'w/Exit_1:0'])).to.deep.equal([10, -25]);
    });

    it('an If nested in a While body runs the branch each iteration picks (0+1+2+3+4-5-6-7-8-9 = -25)', async () => {
      const def = graphOf([constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32), whileNode('w', 'While', ['i0', 's0'], 'cond_lt10', 'body_nested', [DT_INT32, DT_INT32])], [COND_LT10, BODY_NESTED, ADD_IT, SUB_IT]);
      const g = imported(def);
      expect(await run(g, ['w:0', 'w/Exit_1:0'])).to.deep.equal([10, -25]);
      expect(g.getOperationByName('w/body/branch/output_0').type).to.equal('Merge');
    });
  });
  }

  describe('control flow: functional If / While with side effects', () => {
    const DT_RESOURCE = 20;
    const bump = (name: string, by: number): FunctionDefObj => ({
      signature: { name, input_arg: [{ name: 'h', type: DT_RESOURCE }], output_arg: [] },
      node_def: [constNode('by', by), { name: 'upd', op: 'AssignAddVariableOp', input: ['h', 'by:output:0'], attr: { dtype: { type: DT_FLOAT } } }],
      control_ret: { upd: 'upd' },
    });
    const variable: NodeDef[] = [
      { name: 'v', op: 'VarHandleOp', attr: { dtype: { type: DT_FLOAT }, shape: { shape: {} }, shared_name: { s: new TextEncoder().encode('v') } } },
      constNode('one', 1),
      { name: 'init', op: 'AssignVariableOp', input: ['v', 'one'], attr: { dtype: { type: DT_FLOAT } } },
    ];

    it('an If with no outputs runs only its taken branch assignment; ^if waits for it', async () => {
      const def = graphOf([...variable, placeholder('p', DT_BOOL), ifNode('if', 'If', ['p', 'v'], 'add10', 'add100', [DT_RESOURCE], []), { name: 'read', op: 'ReadVariableOp', input: ['v', '^if'], attr: { dtype: { type: DT_FLOAT } } }], [bump('add10', 10), bump('add100', 100)]);
      const g = new tg.Graph();
      tg.importGraphDef(encodeGraphDef(def), { graph: g });
      const sess = new tg.Session({ graph: g, backend });
      await sess.run('init');
      expect(((await sess.run('read:0', { 'p:0': true })) as tg.NDArray).toArray()).to.equal(11);
      expect(((await sess.run('read:0', { 'p:0': false })) as tg.NDArray).toArray()).to.equal(111);
      sess.close();
    });

    it('a While carrying a variable handle reads and bumps it once per iteration (reads 1..5: 15, then v = 6)', async () => {
      const body: FunctionDefObj = {
        signature: { name: 'read_bump', input_arg: [{ name: 'i', type: DT_INT32 }, { name: 's', type: DT_FLOAT }, { name: 'h', type: DT_RESOURCE }], output_arg: [{ name: 'i1', type: DT_INT32 }, { name: 's1', type: DT_FLOAT }, { name: 'h1', type: DT_RESOURCE }] },
        node_def: [
          { name: 'read', op: 'ReadVariableOp', input: ['h'], attr: { dtype: { type: DT_FLOAT } } },
          binary('acc', 'AddV2', 's', 'read:value:0'),
          constNode('one', 1),
          { name: 'upd', op: 'AssignAddVariableOp', input: ['h', 'one:output:0', '^read'], attr: { dtype: { type: DT_FLOAT } } },
          constNode('step', 1, DT_INT32),
          binary('inc', 'AddV2', 'i', 'step:output:0', DT_INT32),
        ],
        ret: { i1: 'inc:z:0', s1: 'acc:z:0', h1: 'h' },
        control_ret: { upd: 'upd' },
      };
      const cond = fn('lt5', [['i', DT_INT32], ['s', DT_FLOAT], ['h', DT_RESOURCE]], [['c', DT_BOOL]], [constNode('five', 5, DT_INT32), binary('less', 'Less', 'i', 'five:output:0', DT_INT32)], { c: 'less:z:0' });
      const def = graphOf(
        [...variable, constNode('i0', 0, DT_INT32), constNode('s0', 0), whileNode('w', 'While', ['i0', 's0', 'v', '^init'], 'lt5', 'read_bump', [DT_INT32, DT_FLOAT, DT_RESOURCE]), { name: 'after', op: 'ReadVariableOp', input: ['w:2', '^w'], attr: { dtype: { type: DT_FLOAT } } }],
        [cond, body],
      );
      const g = new tg.Graph();
      tg.importGraphDef(encodeGraphDef(def), { graph: g });
      const sess = new tg.Session({ graph: g, backend });
      expect(((await sess.run(['w:0', 'w/Exit_1:0', 'after:0'])) as tg.NDArray[]).map((x) => x.toArray())).to.deep.equal([5, 15, 6]);
      sess.close();
    });
  });

  describe('control flow: gradients through imported functional control flow', () => {
    it('an imported If is differentiated through its taken branch (d(x+x)/dx = 2, d(x-x)/dx = 0)', async () => {
      const g = imported(graphOf([placeholder('p', DT_BOOL), placeholder('x', DT_FLOAT), ifNode('c', 'If', ['p', 'x', 'x'], 'then_2', 'else_2', [DT_FLOAT, DT_FLOAT], [DT_FLOAT, DT_FLOAT])], [THEN_2, ELSE_2]));
      const [dx] = g.asDefault(() => tg.gradients(g.getTensorByName('c:0'), [g.getTensorByName('x:0')]));
      expect(dx).to.be.instanceOf(tg.Tensor);
      const sess = new tg.Session({ graph: g, backend });
      const at = async (p: boolean): Promise<unknown> => ((await sess.run([dx!], { 'p:0': p, 'x:0': 3 })) as tg.NDArray[])[0].toArray();
      expect(await at(true)).to.equal(2);
      expect(await at(false)).to.equal(0);
      sess.close();
    });

    it('an imported While is refused by tg.gradients with a typed error (it has no builder record)', () => {
      const g = imported(graphOf([placeholder('i0', DT_INT32), placeholder('s0', DT_INT32), whileNode('w', 'While', ['i0', 's0'], 'cond_lt10', 'body_sum', [DT_INT32, DT_INT32])], [COND_LT10, BODY_SUM]));
      expect(() => g.asDefault(() => tg.gradients(g.getTensorByName('w/Exit_1:0'), [g.getTensorByName('s0:0')]))).to.throw(tg.errors.UnimplementedError, 'need the loop built by tg.whileLoop');
    });
  });
});
