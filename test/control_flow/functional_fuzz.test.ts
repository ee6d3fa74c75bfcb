import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { encodeGraphDef } from '../../serialization/graph_def.js';
import type { FunctionDefObj, GraphDef, NodeDef } from '../../serialization/types.js';
import { caseRng } from '../serialization/import_fuzz_cases.js';
import { ADD_IT, BODY_NESTED, BODY_SUM, COND_LT10, DT_BOOL, DT_FLOAT, DT_INT32, ELSE_2, SUB_IT, THEN_2, binary, constNode, fn, graphOf, ifNode, placeholder, whileNode } from './functional_fixtures.js';

/**
 * Hostile functional control flow: If/While naming missing, recursive or mis-shaped functions is
 * refused at import with a typed error naming the node and the function, leaving the graph empty;
 * a seeded mutation fuzz over valid If/While graphs imports (and, without loops, runs) or fails
 * typed. `npm run fuzz:functional-cf` runs more cases (TG_FUNCTIONAL_FUZZ_CASES).
 */
const CASES = Number(process.env.TG_FUNCTIONAL_FUZZ_CASES ?? 150);
const SEED = Number(process.env.TG_FUZZ_SEED ?? 1);

type ErrorClass = new (...a: never[]) => Error;

function expectRefused(def: GraphDef, cls: ErrorClass, text: string): void {
  const g = new tg.Graph();
  expect(() => tg.importGraphDef(encodeGraphDef(def), { graph: g })).to.throw(cls, text);
  expect(g.getOperations()).to.deep.equal([]);
}

const inputs = [constNode('i0', 0, DT_INT32), constNode('s0', 0, DT_INT32)];
const loop = (cond: string, body: string, vars = ['i0', 's0'], op = 'While'): NodeDef => whileNode('w', op, vars, cond, body, vars.map(() => DT_INT32));
const twoWay = (thenF: string, elseF: string, ins = ['p', 'a', 'b'], tout = [DT_FLOAT, DT_FLOAT]): NodeDef => ifNode('c', 'If', ins, thenF, elseF, ins.slice(1).map(() => DT_FLOAT), tout);
const ifInputs = [placeholder('p', DT_BOOL), constNode('a', 5), constNode('b', 3)];

/** A While body that runs a While whose body is itself. */
const SELF_BODY = fn('self_body', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [whileNode('inner', 'While', ['i', 's'], 'cond_lt10', 'self_body', [DT_INT32, DT_INT32])], { i1: 'inner:output:0', s1: 'inner:output:1' });
/** then_ping's If calls then_pong, whose If calls then_ping. */
const pingPong = (name: string, other: string): FunctionDefObj =>
  fn(name, [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [constNode('t', 1, DT_BOOL), ifNode('again', 'If', ['t:output:0', 'a', 'b'], other, 'else_2', [DT_FLOAT, DT_FLOAT], [DT_FLOAT, DT_FLOAT])], { s: 'again:output:0', k: 'again:output:1' });
/** Each level's If calls the next level in both branches: 2^40 nodes if expanded. */
const DOUBLING: FunctionDefObj[] = Array.from({ length: 40 }, (_v, i) =>
  i === 39
    ? fn('d39', [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [binary('add', 'AddV2', 'a', 'b')], { s: 'add:z:0', k: 'a' })
    : fn(`d${i}`, [['a', DT_FLOAT], ['b', DT_FLOAT]], [['s', DT_FLOAT], ['k', DT_FLOAT]], [constNode('t', 1, DT_BOOL), ifNode('next', 'If', ['t:output:0', 'a', 'b'], `d${i + 1}`, `d${i + 1}`, [DT_FLOAT, DT_FLOAT], [DT_FLOAT, DT_FLOAT])], { s: 'next:output:0', k: 'next:output:1' }),
);

describe('control flow: hostile functional If / While', () => {
  it('missing functions and attrs: NotFound / InvalidArgument naming the node and the attr', () => {
    expectRefused(graphOf([...ifInputs, twoWay('nowhere', 'else_2')], [ELSE_2]), tg.errors.NotFoundError, "node 'c' (If) names then_branch 'nowhere', which is not in the graph's function library");
    expectRefused(graphOf([...inputs, loop('cond_lt10', 'gone')], [COND_LT10]), tg.errors.NotFoundError, "names body 'gone'");
    expectRefused(graphOf([...inputs, loop('cond_lt10', 'body_sum')], []), tg.errors.NotFoundError, "names cond 'cond_lt10'");
    const noCond: NodeDef = { ...loop('cond_lt10', 'body_sum'), attr: { body: { func: { name: 'body_sum' } } } };
    expectRefused(graphOf([...inputs, noCond], [COND_LT10, BODY_SUM]), tg.errors.InvalidArgumentError, "node 'w' (While) has no function attr 'cond'");
  });

  it('wrong arity: inputs, outputs, Tout and T that do not match the functions', () => {
    expectRefused(graphOf([...ifInputs, twoWay('then_2', 'else_2', ['p', 'a'])], [THEN_2, ELSE_2]), tg.errors.InvalidArgumentError, "then_branch 'then_2' takes 2 inputs, the If gives 1");
    expectRefused(graphOf([...ifInputs, twoWay('then_2', 'else_2', ['p', 'a', 'b'], [DT_FLOAT])], [THEN_2, ELSE_2]), tg.errors.InvalidArgumentError, "Tout has 1 outputs but then_branch 'then_2' returns 2");
    expectRefused(graphOf([...ifInputs, twoWay('then_2', 'add_it')], [THEN_2, ADD_IT]), tg.errors.InvalidArgumentError, "else_branch 'add_it' returns 1");
    expectRefused(graphOf([...ifInputs, twoWay('then_2', 'else_2', [])], [THEN_2, ELSE_2]), tg.errors.InvalidArgumentError, "node 'c' (If) has no cond input");
    expectRefused(graphOf([...inputs, constNode('n', 3, DT_INT32), loop('cond_lt10', 'body_sum', ['i0', 's0', 'n'])], [COND_LT10, BODY_SUM]), tg.errors.InvalidArgumentError, "cond 'cond_lt10' takes 2 inputs, the While has 3 loop variables");
    const condAsBody = fn('two_out', [['i', DT_INT32], ['s', DT_INT32]], [['c', DT_BOOL], ['d', DT_BOOL]], [binary('less', 'Less', 'i', 's', DT_INT32)], { c: 'less:z:0', d: 'less:z:0' });
    expectRefused(graphOf([...inputs, loop('two_out', 'body_sum')], [condAsBody, BODY_SUM]), tg.errors.InvalidArgumentError, "cond 'two_out' returns 2 values; it must return one bool");
    expectRefused(graphOf([...inputs, loop('cond_lt10', 'add_it')], [COND_LT10, ADD_IT]), tg.errors.InvalidArgumentError, "body 'add_it' takes 2 inputs and returns 1; the While has 2 loop variables");
    expectRefused(graphOf([...inputs, loop('cond_lt10', 'body_sum', [])], [COND_LT10, BODY_SUM]), tg.errors.InvalidArgumentError, "node 'w' (While) has no loop variables");
    const badT: NodeDef = { ...loop('cond_lt10', 'body_sum'), attr: { ...loop('cond_lt10', 'body_sum').attr, T: { list: { type: [DT_INT32] } } } };
    expectRefused(graphOf([...inputs, badT], [COND_LT10, BODY_SUM]), tg.errors.InvalidArgumentError, 'attr T lists 1 types for 2 loop variables');
    // the branch's own arity is still the inliner's: a body returning a non-argument is named
    const bad = fn('body_bad', [['i', DT_INT32], ['s', DT_INT32]], [['i1', DT_INT32], ['s1', DT_INT32]], [], { i1: 'i', s1: 'zz' });
    expectRefused(graphOf([...inputs, loop('cond_lt10', 'body_bad')], [COND_LT10, bad]), tg.errors.InvalidArgumentError, "refers to 'zz', which is not an argument");
  });

  it('recursion and blow-up: a body running itself, branches calling each other, a doubling If chain', () => {
    expectRefused(graphOf([...inputs, loop('cond_lt10', 'self_body')], [COND_LT10, SELF_BODY]), tg.errors.InvalidArgumentError, 'self_body -> self_body');
    expectRefused(graphOf([...ifInputs, twoWay('then_ping', 'else_2')], [pingPong('then_ping', 'then_pong'), pingPong('then_pong', 'then_ping'), ELSE_2]), tg.errors.InvalidArgumentError, 'then_ping -> then_pong -> then_ping');
    expectRefused(graphOf([...ifInputs, twoWay('d0', 'd0')], DOUBLING), tg.errors.ResourceExhaustedError, 'more than 200000 nodes');
  });

  it('a non-bool cond is refused as unimplemented, naming its dtype', () => {
    const intCond: NodeDef = { ...twoWay('then_2', 'else_2'), attr: { ...twoWay('then_2', 'else_2').attr, Tcond: { type: DT_INT32 } } };
    expectRefused(graphOf([...ifInputs, intCond], [THEN_2, ELSE_2]), tg.errors.UnimplementedError, "node 'c' (If): cond has dtype enum 3");
    const intLoopCond = fn('int_cond', [['i', DT_INT32], ['s', DT_INT32]], [['c', DT_INT32]], [], { c: 'i' });
    expectRefused(graphOf([...inputs, loop('int_cond', 'body_sum')], [intLoopCond, BODY_SUM]), tg.errors.UnimplementedError, "cond 'int_cond' returns dtype enum 3");
  });
});

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const FUNC_ATTRS = ['then_branch', 'else_branch', 'cond', 'body'] as const;

/** A valid graph with an If and, half the time, a While (whose body may hold an If), mutated 1-3 times. */
function mutated(r: Rand): GraphDef {
  const library = structuredClone([THEN_2, ELSE_2, COND_LT10, BODY_SUM, BODY_NESTED, ADD_IT, SUB_IT]);
  // half the cases have no loop, so that what imports can also be run
  const withLoop = r() < 0.5 ? [...inputs, loop('cond_lt10', pick(r, ['body_sum', 'body_nested']))] : [];
  const nodes: NodeDef[] = structuredClone([...ifInputs, twoWay('then_2', 'else_2'), ...withLoop]);
  const names = library.map((f) => f.signature!.name!);
  const functional = (): NodeDef[] => [...nodes, ...library.flatMap((f) => f.node_def ?? [])].filter((n) => /If|While/.test(n.op));
  for (let e = 1 + Math.floor(r() * 3); e > 0; e--) {
    const n = pick(r, functional());
    switch (Math.floor(r() * 6)) {
      case 0: // a function attr retargeted: another function, a missing one, none
        n.attr = { ...n.attr, [pick(r, FUNC_ATTRS)]: { func: { name: pick(r, [...names, 'missing', '']) } } };
        break;
      case 1: // an input dropped or duplicated
        if (r() < 0.5) n.input = (n.input ?? []).slice(1);
        else n.input = [...(n.input ?? []), ...(n.input ?? []).slice(0, 1)];
        break;
      case 2: // the op swapped between the four
        n.op = pick(r, ['If', 'StatelessIf', 'While', 'StatelessWhile']);
        break;
      case 3: // a type list shortened or a cond dtype changed
        n.attr = { ...n.attr, [pick(r, ['Tout', 'Tin', 'T'])]: { list: { type: [DT_FLOAT] } }, ...(r() < 0.3 ? { Tcond: { type: DT_FLOAT } } : {}) };
        break;
      case 4: { // a function made to run its own caller
        const f = pick(r, library);
        f.node_def = [...(f.node_def ?? []), { ...structuredClone(n), name: 'recur', attr: { ...n.attr, body: { func: { name: f.signature!.name! } }, then_branch: { func: { name: f.signature!.name! } } } }];
        break;
      }
      default: // a function's argument removed
        pick(r, library).signature!.input_arg!.pop();
    }
  }
  return graphOf(nodes, library);
}

describe('control flow: functional If / While import fuzz', () => {
  it(`${CASES} mutated If/While graphs import (and run when loop-free) or fail typed, with no partial state`, async function () {
    this.timeout(0);
    const counts = { imported: 0, refused: 0, ran: 0, runFailed: 0 };
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const r = caseRng(SEED, 'graphdef', 200_000 + i);
      const g = new tg.Graph();
      try {
        tg.importGraphDef(encodeGraphDef(mutated(r)), { graph: g });
        counts.imported++;
      } catch (e) {
        if (e instanceof tg.errors.OpError && g.getOperations().length === 0) counts.refused++;
        else failures.push(`case ${i}: import: ${(e as Error).stack ?? String(e)}`);
        continue;
      }
      // a mutated loop may never end, so only graphs without a loop frame are run
      if (g.getOperations().some((o) => o.type === 'Enter')) continue;
      const sess = new tg.Session({ graph: g });
      try {
        await sess.run(g.getOperations().filter((o) => o.type === 'Merge').map((o) => o.outputs[0]), { 'p:0': r() < 0.5 });
        counts.ran++;
      } catch (e) {
        if (e instanceof tg.errors.OpError) counts.runFailed++;
        else failures.push(`case ${i}: run: ${(e as Error).stack ?? String(e)}`);
      } finally {
        sess.close();
      }
    }
    if (process.env.TG_FUNCTIONAL_FUZZ_CASES) console.log(`      ${JSON.stringify(counts)}`);
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(counts.refused, 'some mutations are refused').to.be.greaterThan(0);
    expect(counts.imported, 'some mutations import').to.be.greaterThan(0);
    expect(counts.ran + counts.runFailed, 'some loop-free mutations run').to.be.greaterThan(0);
  });
});
