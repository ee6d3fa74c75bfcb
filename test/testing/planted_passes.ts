import * as tg from '../../src/index.js';

/*
 * Three deliberately wrong passes for checkPass's own tests, each a kind of bug real passes have
 * had: a constant changed, a broadcast dropped, a stateful op moved past a read of its variable.
 */

const { makeNode, rebuild, usesOf } = tg.passes;

/** Scales every float Const with more than one element by 1.001 (a wrong folded constant). */
export const wrongConstant: tg.Pass = {
  name: 'planted-wrong-constant',
  run(program, ctx) {
    const replace = new Map<tg.ProgramValue, tg.ProgramValue>();
    const insert: tg.ProgramNode[] = [];
    for (const n of program.nodes) {
      const v = n.type === 'Const' ? (n.attrs.value as tg.NDArray) : null;
      if (!v || v.dtype !== 'float32' || v.data.length < 2) continue;
      const scaled = new tg.NDArray('float32', [...v.shape], Float32Array.from(v.data as Float32Array, (x) => x * 1.001));
      const c = makeNode(ctx.ids, { ...n, attrs: { ...n.attrs, value: scaled }, inputs: [], outputs: n.outputs });
      replace.set(n.outputs[0], c.outputs[0]);
      insert.push(c);
    }
    if (insert.length === 0) return { program };
    return { program: rebuild(program, ctx.ids, { replace, insertBefore: new Map([[program.nodes[0], insert]]) }) };
  },
};

/** Replaces BroadcastTo and Tile by their input, as if the broadcast were implicit everywhere. */
export const droppedBroadcast: tg.Pass = {
  name: 'planted-dropped-broadcast',
  run(program, ctx) {
    const replace = new Map<tg.ProgramValue, tg.ProgramValue>();
    for (const n of program.nodes) if (n.type === 'BroadcastTo' || n.type === 'Tile') replace.set(n.outputs[0], n.inputs[0]);
    if (replace.size === 0) return { program };
    const uses = usesOf(program);
    const drop = new Set(program.nodes.filter((n) => replace.has(n.outputs[0]) && !uses.controlDependents.has(n)));
    return { program: rebuild(program, ctx.ids, { replace, drop }) };
  },
};

/**
 * Drops the control edges that order assignments and runs later assignments first (in a valid
 * data order): what a scheduler that ignores state would do.
 */
export const reorderedState: tg.Pass = {
  name: 'planted-reordered-state',
  run(program, ctx) {
    const isUpdate = (n: tg.ProgramNode): boolean => /^Assign(Add|Sub)?$/.test(n.type);
    const updates = program.nodes.filter(isUpdate);
    if (updates.length < 2) return { program };
    // a node mapped to null loses the control edges to it: the bug is losing the order
    const loose = rebuild(program, ctx.ids, { replaceNode: new Map(updates.map((u) => [u, null])) });
    const index = new Map(loose.nodes.map((n, i) => [n, i]));
    const placed = new Set<tg.ProgramNode>(program.feeds.map((f) => f.value.node));
    const ready = (n: tg.ProgramNode): boolean => n.inputs.every((v) => placed.has(v.node) || !index.has(v.node)) && n.controlInputs.every((c) => placed.has(c) || !index.has(c));
    const nodes: tg.ProgramNode[] = [];
    const left = [...loose.nodes];
    while (left.length > 0) {
      const candidates = left.filter(ready);
      const latestUpdate = candidates.filter(isUpdate).sort((a, b) => index.get(b)! - index.get(a)!)[0];
      const next = latestUpdate ?? candidates[0];
      nodes.push(next);
      placed.add(next);
      left.splice(left.indexOf(next), 1);
    }
    const targeted = new Set(program.targets.filter(isUpdate).map((t) => t.name));
    return { program: { ...loose, nodes, targets: [...loose.targets, ...nodes.filter((n) => isUpdate(n) && targeted.has(n.name) && !loose.targets.includes(n))] } };
  },
};
