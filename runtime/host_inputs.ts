import type { OpDef } from '../ops/op_def.js';

/** Whether input `i` of an op with `count` inputs is host-memory: its position in `hostInputs`, or -1. */
export function hostInputIndex(def: OpDef, i: number, count: number): number {
  const h = def.hostInputs;
  if (!h) return -1;
  for (let k = 0; k < h.length; k++) if (h[k] === i || h[k] + count === i) return k;
  return -1;
}

/** The host-memory flags of an op's inputs. */
export function hostInputMask(def: OpDef, count: number): boolean[] {
  const mask = new Array<boolean>(count).fill(false);
  for (const k of def.hostInputs ?? []) {
    const i = k < 0 ? k + count : k;
    if (i >= 0 && i < count) mask[i] = true;
  }
  return mask;
}
