import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { makeOp } from '../../ops/builder.js';
import { ALL_OPS } from '../../ops/registry.js';
import { attrKinds } from '../../ops/attr_schema.js';
import { decodeMessage, encodeMessage, pb } from '../../serialization/codec.js';
import { importGraphDef } from '../../serialization/import_graph_def.js';
import type { AttrValueObj, GraphDef, MetaGraphDef, NodeDef } from '../../serialization/types.js';
import { tempDir } from './fixtures.js';
import { instantiate, pool } from './op_instances.js';

/**
 * Issue 10, finding 1: attr values from a file reached `new Function` as source text. Every
 * payload here would, if it ran, bump a global counter and write a marker file; the tests feed
 * them to every op through every import path and through the builder, and check that each gives
 * a typed error (or, for a value of the right kind, a normal run) and that nothing ran.
 */
const FLAG = '__tgHostileRan';
const marker = join(tempDir('hostile'), 'ran');
const hits = (): number => (globalThis as Record<string, unknown>)[FLAG] as number | undefined ?? 0;
const JS = `(globalThis.${FLAG}=(globalThis.${FLAG}||0)+1,process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker)},'x'),0)`;
const PAYLOADS = [`0+${JS}`, `0);${JS};(0`, `'+${JS}+'`, `\`\${${JS}}\``, `${JS}//`];
const utf8 = new TextEncoder();

function expectNothingRan(): void {
  expect(hits(), 'a payload ran').to.equal(0);
  expect(existsSync(marker), 'a payload wrote its marker file').to.equal(false);
}

/** A JS object whose conversion to a string or number would run the payload. */
function trap(): object {
  const ran = () => {
    (globalThis as Record<string, unknown>)[FLAG] = hits() + 1;
    return 0;
  };
  return { toString: ran, valueOf: ran, [Symbol.toPrimitive]: ran, toJSON: ran };
}

function leakyGraph(): { g: tg.Graph; y: tg.Tensor } {
  const g = new tg.Graph();
  const y = g.asDefault(() => {
    const w = new tg.Variable(tg.NDArray.from([1, 1]), { name: 'w' });
    return tg.nn.leakyRelu(tg.mul(tg.placeholder('float32', [2], 'x'), w), 0.2, 'y');
  });
  return { g, y };
}

function poison(def: GraphDef, node: string, attr: string, value: AttrValueObj): GraphDef {
  return { ...def, node: def.node.map((n) => (n.name === node ? { ...n, attr: { ...(n.attr ?? {}), [attr]: value } } : n)) };
}

describe('serialization: hostile attrs never become code (issue 10)', () => {
  afterEach(expectNothingRan);

  it("LeakyRelu with a string alpha is refused on import, naming node and attr (GraphDef, pbtxt, .meta, SavedModel)", async () => {
    const { g, y } = leakyGraph();
    const bad = poison(g.toGraphDef(), 'y', 'alpha', { s: utf8.encode(PAYLOADS[0]) });
    const expectRefused = (f: () => unknown) => expect(f).to.throw(tg.InvalidArgumentError, /node 'y' \(LeakyRelu\): attr 'alpha' must be a float/);
    // GraphDef bytes and object
    const target = new tg.Graph();
    expectRefused(() => tg.importGraphDef(tg.graphUtil.encodeGraphDef(bad), { graph: target }));
    expectRefused(() => tg.importGraphDef(bad, { graph: target }));
    expect(target.numOps).to.equal(0);
    // .meta
    const dir = tempDir('hostile-meta');
    const sess = new tg.Session({ graph: g });
    await sess.run(tg.globalVariablesInitializer(g));
    const saver = new tg.train.Saver({ graph: g });
    const prefix = await saver.save(sess, join(dir, 'm'));
    const meta = decodeMessage<MetaGraphDef>(pb.MetaGraphDef, readFileSync(`${prefix}.meta`), 'meta');
    writeFileSync(`${prefix}.meta`, encodeMessage(pb.MetaGraphDef, { ...meta, graph_def: poison(meta.graph_def!, 'y', 'alpha', { s: utf8.encode(PAYLOADS[0]) }) }));
    expectRefused(() => tg.train.importMetaGraph(`${prefix}.meta`, { graph: new tg.Graph() }));
    // SavedModel
    const smDir = join(tempDir('hostile-sm'), 'model');
    tg.savedModel.save(sess, smDir, { signatureDefs: { serving_default: { inputs: { x: g.getTensorByName('x:0') }, outputs: { y } } } });
    const smFile = join(smDir, 'saved_model.pb');
    const sm = decodeMessage<{ meta_graphs: MetaGraphDef[] }>(pb.SavedModel, readFileSync(smFile), 'sm');
    const m0 = sm.meta_graphs[0];
    writeFileSync(smFile, encodeMessage(pb.SavedModel, { ...sm, meta_graphs: [{ ...m0, graph_def: poison(m0.graph_def!, 'y', 'alpha', { s: utf8.encode(PAYLOADS[0]) }) }] }));
    expectRefused(() => tg.savedModel.load(new tg.Session({ graph: new tg.Graph() }), ['serve'], smDir));
  });

  it('LeakyRelu with a string or trap object as alpha is refused by the builder', () => {
    const g = new tg.Graph();
    const x = g.asDefault(() => tg.placeholder('float32', [2], 'x'));
    const def = ALL_OPS.find((d) => d.type === 'LeakyRelu')!;
    for (const alpha of [PAYLOADS[0], trap(), [0.2], null]) {
      expect(() => makeOp(def, [x], { alpha } as unknown as tg.AttrMap, { graph: g, name: 'lr' })).to.throw(tg.InvalidArgumentError, /LeakyRelu 'lr': attr 'alpha' must be a float/);
    }
    // an own '__proto__' key (as JSON.parse makes it) is an attr the op lacks, not a prototype
    const viaProto = JSON.parse(`{"__proto__": {"alpha": ${JSON.stringify(PAYLOADS[0])}}}`) as tg.AttrMap;
    expect(() => makeOp(def, [x], viaProto, { graph: g, name: 'lr' })).to.throw(tg.InvalidArgumentError, /attr '__proto__' not in Op<name=LeakyRelu>/);
  });

  it('NaN, infinite and -0 alphas are accepted and computed, spelled as numbers in the kernel', async () => {
    for (const [alpha, want] of [[NaN, NaN], [Infinity, -Infinity], [-0, 0], [1e300, -Infinity]] as const) {
      const g = new tg.Graph();
      const y = g.asDefault(() => tg.nn.leakyRelu(tg.placeholder('float32', [1], 'x'), alpha, 'y'));
      const imported = new tg.Graph();
      importGraphDef(tg.graphUtil.encodeGraphDef(g.toGraphDef()), { graph: imported });
      for (const [graph, t] of [[g, y], [imported, 'y:0']] as const) {
        const out = (await new tg.Session({ graph }).run(t, { 'x:0': [-1] }))!;
        expect(Object.is(out.data[0], want) || (Number.isNaN(want) && Number.isNaN(out.data[0])), `alpha ${alpha}: ${out.data[0]}`).to.equal(true);
      }
    }
  });
});

/** The node and its ancestors (data and control), in file order: a small GraphDef that still imports. */
function closure(def: GraphDef, name: string): GraphDef {
  const byName = new Map(def.node.map((n) => [n.name, n]));
  const keep = new Set<string>();
  const visit = (n: string): void => {
    if (keep.has(n)) return;
    keep.add(n);
    for (const i of byName.get(n)?.input ?? []) visit(i.replace(/^\^/, '').replace(/:\d+$/, ''));
  };
  visit(name);
  return { ...def, node: def.node.filter((n) => keep.has(n.name)) };
}

/** AttrValues of every case, each wrong for most kinds; payload strings in every string slot. */
function protoPayloads(): AttrValueObj[] {
  const s = PAYLOADS.map((p) => utf8.encode(p));
  return [
    ...s.map((x) => ({ s: x })),
    { list: { s } },
    { i: 2 ** 60 },
    { i: -1 },
    { f: NaN },
    { f: 1e308 },
    { b: true },
    { type: 999 },
    { type: 7 },
    { shape: { dim: [{ size: -7 }] } },
    { list: { i: [1, 2 ** 60] } },
    { list: { f: [NaN, -Infinity] } },
    { list: { type: [1, 999] } },
    { list: { b: [true] } },
    { func: { name: PAYLOADS[0] } },
    { placeholder: PAYLOADS[0] },
    {},
  ];
}

/** JS values of every kind, for the builder. */
function jsPayloads(): unknown[] {
  return [...PAYLOADS, [PAYLOADS[0]], trap(), [trap()], NaN, Infinity, 2 ** 80, 1.5, -3, true, null, {}, [], [1, NaN], () => 0, 'float32', 'string', tg.NDArray.from([1])];
}

describe('serialization: hostile attrs, every op × every attr × every kind of value (issue 10)', () => {
  afterEach(expectNothingRan);

  const g = new tg.Graph();
  const p = pool(g);
  const ctrl = g.asDefault(() => tg.noOp('ctrl'));
  const instances = ALL_OPS.map((d) => ({ def: d, op: instantiate(d, g, p, ctrl)! }));
  const def = g.toGraphDef();

  it('GraphDef import: a wrong kind is an InvalidArgumentError naming node and attr; anything imported runs or fails typed', async function () {
    this.timeout(120_000);
    const outcomes = { refused: 0, ran: 0, typedAtRun: 0 };
    for (const { def: opDef, op } of instances) {
      const node = def.node.find((n) => n.name === op.name) as NodeDef;
      const small = closure(def, node.name);
      const kinds = attrKinds(opDef.type)!;
      for (const [attr, kind] of kinds) {
        for (const value of protoPayloads()) {
          const graph = new tg.Graph();
          const bytes = tg.graphUtil.encodeGraphDef(poison(small, node.name, attr, value));
          try {
            importGraphDef(bytes, { graph });
          } catch (e) {
            expect(e, `${opDef.type}.${attr} (${kind}) = ${JSON.stringify(value)}`).to.be.instanceOf(tg.TensorGraphError);
            outcomes.refused++;
            continue;
          }
          // a string value for a non-string attr never gets this far
          if (value.s !== undefined || value.list?.s !== undefined) expect(kind, `${opDef.type}.${attr} took a string`).to.match(/string/);
          try {
            await new tg.Session({ graph }).run(node.name);
            outcomes.ran++;
          } catch (e) {
            if (!(e instanceof tg.TensorGraphError)) throw new Error(`${opDef.type}.${attr} = ${JSON.stringify(value)}: untyped ${String(e)}`);
            outcomes.typedAtRun++;
          }
        }
      }
    }
    expect(outcomes.refused).to.be.greaterThan(1000);
    expect(outcomes.ran).to.be.greaterThan(0);
  });

  it('the builder: every op refuses a value of the wrong kind for each attr, naming op and attr', () => {
    let refused = 0;
    for (const { def: opDef, op } of instances) {
      for (const [attr] of attrKinds(opDef.type)!) {
        for (const value of jsPayloads()) {
          try {
            makeOp(opDef, op.inputs, { ...op.attrs, [attr]: value } as tg.AttrMap, { graph: g, name: `h_${opDef.type}` });
          } catch (e) {
            expect(e, `${opDef.type}.${attr}`).to.be.instanceOf(tg.TensorGraphError);
            refused++;
            continue;
          }
          expect(typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof tg.NDArray), `${opDef.type}.${attr} took an object`).to.equal(false);
          expect(typeof value, `${opDef.type}.${attr} took a function`).to.not.equal('function');
          if (typeof value === 'string') expect(attrKinds(opDef.type)!.get(attr), `${opDef.type}.${attr} took a string`).to.match(/string|type/);
        }
      }
      // an attr the op does not define
      expect(() => makeOp(opDef, op.inputs, { ...op.attrs, not_an_attr: 1 }, { graph: g })).to.throw(tg.InvalidArgumentError, "not_an_attr' not in Op");
    }
    expect(refused).to.be.greaterThan(1000);
  });
});
