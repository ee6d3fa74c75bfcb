import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { ALL_OPS } from '../../ops/registry.js';
import { decodeGraphDef, encodeGraphDef, toGraphDef } from '../../serialization/graph_def.js';
import { importGraphDef } from '../../serialization/import_graph_def.js';
import { instantiate, pool } from './op_instances.js';

function sameAttr(a: tg.AttrValue, b: tg.AttrValue): boolean {
  if (a instanceof tg.NDArray || b instanceof tg.NDArray) {
    const values = (x: tg.NDArray): string => (x.dtype === 'string' ? JSON.stringify(x.bytes.map((e) => [...e])) : [...x.data].join());
    return a instanceof tg.NDArray && b instanceof tg.NDArray && a.dtype === b.dtype && a.shape.join() === b.shape.join() && values(a) === values(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export function expectSameGraphs(a: tg.Graph, b: tg.Graph): void {
  const ops = a.getOperations();
  expect(b.getOperations().map((o) => o.name)).to.have.members(ops.map((o) => o.name));
  for (const op of ops) {
    const other = b.getOperationByName(op.name);
    expect(other.type, op.name).to.equal(op.type);
    expect(Object.keys(other.attrs).sort(), `${op.name} attr names`).to.deep.equal(Object.keys(op.attrs).sort());
    for (const k of Object.keys(op.attrs)) expect(sameAttr(op.attrs[k], other.attrs[k]), `${op.name} (${op.type}) attr ${k}: ${String(op.attrs[k])} vs ${String(other.attrs[k])}`).to.equal(true);
    expect(other.inputs.map((t) => t.name), `${op.name} inputs`).to.deep.equal(op.inputs.map((t) => t.name));
    expect(other.controlInputs.map((o) => o.name), `${op.name} control inputs`).to.deep.equal(op.controlInputs.map((o) => o.name));
    expect(other.outputs.map((t) => `${t.dtype}${JSON.stringify(t.shape)}`), `${op.name} outputs`).to.deep.equal(op.outputs.map((t) => `${t.dtype}${JSON.stringify(t.shape)}`));
    expect(other.device).to.equal(op.device);
  }
}

describe('serialization/graph_def: every registered op round-trips', () => {
  it('builds one instance of each op type in ALL_OPS, exports, imports and compares', () => {
    const g = new tg.Graph();
    const p = pool(g);
    const ctrl = g.asDefault(() => tg.noOp('ctrl'));
    const missing: string[] = [];
    for (const def of ALL_OPS) if (!instantiate(def, g, p, ctrl)) missing.push(def.type);
    expect(missing, `no generic template fits these op types; add one to TEMPLATES`).to.deep.equal([]);
    const bytes = encodeGraphDef(toGraphDef(g));
    const back = new tg.Graph();
    importGraphDef(decodeGraphDef(bytes), { graph: back });
    expectSameGraphs(g, back);
    const types = new Set(back.getOperations().map((o) => o.type));
    for (const def of ALL_OPS) expect(types.has(def.type), def.type).to.equal(true);
  });
});
