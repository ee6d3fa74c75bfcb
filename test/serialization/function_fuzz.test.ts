import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { decodeMessage, pb } from '../../serialization/codec.js';
import { encodeGraphDef } from '../../serialization/graph_def.js';
import { extractSubGraph } from '../../serialization/graph_util.js';
import type { FunctionDefObj, GraphDef, MetaGraphDef, NodeDef } from '../../serialization/types.js';
import { caseRng } from './import_fuzz_cases.js';
import { fixture } from './fixtures.js';

/**
 * Function-library fuzz: the TF2 fixture's serving graph (StatefulPartitionedCall into its library)
 * with its library mutated — calls retargeted (missing, recursive, mutually recursive functions),
 * FunctionDef references broken, returns and arguments removed, polymorphic attrs, duplicated or
 * doubled functions — is imported and run; each case runs or fails with a typed error and leaves
 * the target graph unchanged, without a stack overflow or a hang. `npm run fuzz:functions` runs
 * more cases (TG_FUNCTION_FUZZ_CASES).
 */
const CASES = Number(process.env.TG_FUNCTION_FUZZ_CASES ?? 150);
const SEED = Number(process.env.TG_FUZZ_SEED ?? 1);

function base(): GraphDef {
  const dir = fixture('tf2/half_plus_two_tf2');
  const sm = decodeMessage<{ meta_graphs: MetaGraphDef[] }>(pb.SavedModel, readFileSync(join(dir, 'saved_model.pb')), 'fixture');
  return extractSubGraph(sm.meta_graphs[0].graph_def!, ['StatefulPartitionedCall_5', 'StatefulPartitionedCall_2']);
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const clone = <T>(x: T): T => structuredClone(x);

function mutate(def: GraphDef, r: Rand): GraphDef {
  const d = clone(def);
  const fns = d.library!.function!;
  const names = fns.map((f) => f.signature!.name!);
  const bodies = (): NodeDef[] => fns.flatMap((f) => f.node_def ?? []);
  const calls = (): NodeDef[] => [...d.node, ...bodies()].filter((n) => n.op.endsWith('PartitionedCall'));
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits && fns.length > 0; e++) {
    const f: FunctionDefObj = pick(r, fns);
    switch (Math.floor(r() * 10)) {
      case 0: // retarget a call: to itself, to another function, or to nothing
        pick(r, calls()).attr = { f: { func: { name: pick(r, [...names, 'missing_fn', '']) } } };
        break;
      case 1: { // a body calls its own function (recursion)
        const n = pick(r, f.node_def ?? [{ name: 'x', op: 'NoOp' }]);
        n.op = 'StatefulPartitionedCall';
        n.attr = { f: { func: { name: f.signature!.name! } } };
        break;
      }
      case 2: { // a reference broken
        const n = pick(r, bodies());
        if (n.input && n.input.length > 0) n.input[Math.floor(r() * n.input.length)] = pick(r, ['nope', 'Mul:z:7', 'ghost:output:0', '^ghost', 'x', 'Mul/ReadVariableOp:value:0', ':', 'a:b:c:d', '']);
        break;
      }
      case 3: // a return value removed or broken
        if (f.ret) {
          const k = pick(r, Object.keys(f.ret).concat(['none']));
          if (r() < 0.5) delete f.ret[k];
          else f.ret[k] = pick(r, ['Mul:z:0', 'nothing:output:0', 'x', 'Identity:output:3']);
        }
        break;
      case 4: // an argument dropped or added
        if (r() < 0.5) f.signature!.input_arg?.pop();
        else f.signature!.input_arg?.push({ name: 'extra', type: 1 });
        break;
      case 5: // a polymorphic attr
        if (f.node_def?.length) pick(r, f.node_def).attr = { T: { placeholder: 'T' } };
        break;
      case 6: // the library duplicated or emptied
        if (r() < 0.5) fns.push(clone(f));
        else fns.splice(0, fns.length);
        break;
      case 7: { // a function that calls the next one twice, many levels
        const depth = 5 + Math.floor(r() * 60);
        for (let i = 0; i < depth; i++) {
          fns.push({
            signature: { name: `dbl${i}`, input_arg: [{ name: 'x', type: 1 }], output_arg: [{ name: 'o', type: 1 }] },
            node_def: i === depth - 1 ? [{ name: 'id', op: 'Identity', input: ['x'], attr: { T: { type: 1 } } }] : [0, 1].map((k) => ({ name: `c${k}`, op: 'PartitionedCall', input: ['x'], attr: { f: { func: { name: `dbl${i + 1}` } } } })),
            ret: { o: i === depth - 1 ? 'id:output:0' : 'c0:output:0' },
          });
        }
        pick(r, calls()).attr = { f: { func: { name: 'dbl0' } } };
        break;
      }
      case 8: // an output arg named differently from the ret map
        f.signature!.output_arg = [{ name: 'renamed', type: 1 }];
        break;
      default: // a body node renamed onto another
        if ((f.node_def ?? []).length > 1) f.node_def![1].name = f.node_def![0].name;
    }
  }
  return d;
}

/** Runs serving_default (y = a*x + b) with the fixture's variable values. */
async function serve(g: tg.Graph): Promise<unknown> {
  const sess = new tg.Session({ graph: g });
  sess.setVariableValues(new Map([['a', tg.NDArray.scalar(0.5)], ['b', tg.NDArray.scalar(2)], ['c', tg.NDArray.scalar(3)]]));
  return ((await sess.run('StatefulPartitionedCall_5:0', { 'serving_default_x:0': tg.NDArray.from([4], [1]) })) as tg.NDArray).toArray();
}

describe('serialization: function-library fuzz (TF2 graphs)', () => {
  it('the unmutated base imports and runs: y = 0.5 * 4 + 2', async () => {
    const g = new tg.Graph();
    tg.importGraphDef(encodeGraphDef(base()), { graph: g });
    expect(await serve(g)).to.deep.equal([4]);
  });

  it(`${CASES} mutated libraries import and run, or fail typed, with no partial state`, async function () {
    this.timeout(0);
    const def = base();
    const counts = { ran: 0, typedImport: 0, typedRun: 0 };
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const r = caseRng(SEED, 'graphdef', 100_000 + i);
      const bytes = encodeGraphDef(mutate(def, r));
      const g = new tg.Graph();
      const before = g.getOperations().length;
      try {
        tg.importGraphDef(bytes, { graph: g });
      } catch (e) {
        if (e instanceof tg.errors.OpError && g.getOperations().length === before) counts.typedImport++;
        else failures.push(`case ${i}: import: ${(e as Error).stack ?? String(e)}`);
        continue;
      }
      try {
        await serve(g);
        counts.ran++;
      } catch (e) {
        if (e instanceof tg.errors.OpError) counts.typedRun++;
        else failures.push(`case ${i}: run: ${(e as Error).stack ?? String(e)}`);
      }
    }
    if (process.env.TG_FUNCTION_FUZZ_CASES) console.log(`      ${JSON.stringify(counts)}`);
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(counts.typedImport, 'some mutations are refused').to.be.greaterThan(0);
    expect(counts.ran + counts.typedRun, 'some mutated libraries import').to.be.greaterThan(0);
  });
});
