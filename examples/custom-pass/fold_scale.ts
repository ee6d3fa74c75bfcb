/**
 * A compiler pass written from scratch with the public API only: a scalar constant Mul in front
 * of a MatMul or Conv2D with constant weights is folded into the weights,
 *   MatMul(x · c, W) = MatMul(x, c·W)      Conv2D(x · c, F) = Conv2D(x, c·F)
 * also through a Reshape between them (scaling commutes with reshaping). A frozen model that
 * takes raw 0..255 pixels and scales them by 1/255 saves one kernel and one pass over its input.
 *
 * Exact in real arithmetic; in float32 the products round differently (within 1 ulp each), which
 * is what checkPass's tolerance is for.
 */
import * as tg from 'tensorgraph';

const { constNode, constValue, makeNode, rewritePass } = tg.passes;

/** `c` when `v` is Mul(x, c) or Mul(c, x) with c a float32 scalar Const and nothing else reads v. */
function scaledBy(v: tg.ProgramValue, env: tg.passes.RewriteEnv): { x: tg.ProgramValue; c: number } | null {
  if (v.node.type !== 'Mul' || v.dtype !== 'float32' || (env.uses.readers.get(v)?.length ?? 0) !== 1 || env.uses.fetched.has(v)) return null;
  for (const [x, k] of [[0, 1], [1, 0]] as const) {
    const c = constValue(v.node.inputs[k]);
    const other = v.node.inputs[x];
    // the product must have x's shape: a scalar c never broadcasts x to something larger
    if (c && c.data.length === 1 && c.shape.length === 0 && other.shape !== null && v.shape !== null && other.shape.length === v.shape.length) return { x: other, c: Number(c.data[0]) };
  }
  return null;
}

function foldInto(types: string[], weightInput: number): tg.passes.Rewrite {
  return {
    name: `scalar Mul into ${types.join('/')} weights`,
    targetOps: types,
    apply(n, env) {
      const w = constValue(n.inputs[weightInput]);
      if (!w || w.dtype !== 'float32') return null;
      let input = n.inputs[0];
      const added: tg.ProgramNode[] = [];
      let found = scaledBy(input, env);
      if (found) input = found.x;
      else if (input.node.type === 'Reshape' && (env.uses.readers.get(input)?.length ?? 0) === 1 && !env.uses.fetched.has(input)) {
        found = scaledBy(input.node.inputs[0], env);
        if (!found) return null;
        const reshape = makeNode(env.ids, { ...input.node, inputs: [found.x, input.node.inputs[1]], outputs: input.node.outputs });
        added.push(reshape);
        input = reshape.outputs[0];
      }
      if (!found) return null;
      const c = found.c;
      const scaled = new tg.NDArray('float32', [...w.shape], Float32Array.from(w.data as Float32Array, (x) => x * c));
      const weights = constNode(env.ids, `${n.inputs[weightInput].node.name}/scaled`, scaled, n.inputs[weightInput].node);
      const inputs = n.inputs.map((v, i) => (i === 0 ? input : i === weightInput ? weights.outputs[0] : v));
      const folded = makeNode(env.ids, { ...n, inputs, outputs: n.outputs });
      return { value: folded.outputs[0], added: [...added, weights, folded] };
    },
  };
}

/** Runs in the cleanup stage, where MatMul and Conv2D are still themselves (fusion comes later). */
export const foldScalePass: tg.Pass = {
  ...rewritePass('fold-scale-into-weights', [foldInto(['MatMul'], 1), foldInto(['Conv2D'], 1)]),
  stage: 'cleanup',
};
