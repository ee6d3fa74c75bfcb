import { broadcastShapes, PartialShape } from '../ir/index.js';
import { exprArgs } from '../../ops/elementwise/scalar_expr.js';
import type { ProgramNode } from './program.js';

/**
 * Whether fusion may treat a node as elementwise: stateless, one output, lowered to a
 * scalar expression reading every input, and an output shaped as the broadcast of its inputs.
 * Every fusion relies on that last fact: a fused region and a fused reduction iterate over the
 * broadcast of their leaves, and an epilogue runs over its product's shape. BroadcastTo fails it
 * (its expression ignores the shape vector; its output can be larger than the broadcast of its
 * inputs), which is what the expression test catches; the shape test refuses any other op whose
 * static shapes say otherwise.
 */
export function isElementwise(n: ProgramNode): boolean {
  const low = n.def.lowering;
  if (low.kind !== 'elementwise' || n.def.stateful || n.outputs.length !== 1) return false;
  const used = exprArgs(low.expr(n.attrs));
  return n.inputs.every((_v, i) => used.has(i)) && outputIsInputBroadcast(n);
}

function outputIsInputBroadcast(n: ProgramNode): boolean {
  let shape: PartialShape = [];
  try {
    for (const v of n.inputs) shape = broadcastShapes(shape, v.shape, n.type);
  } catch {
    return false;
  }
  const out = n.outputs[0].shape;
  if (shape === null || out === null) return true;
  return shape.length === out.length && shape.every((d, i) => d === null || out[i] === null || d === out[i]);
}
