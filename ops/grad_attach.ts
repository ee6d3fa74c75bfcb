import type { GradTable, OpDef } from './op_def.js';

/**
 * Gives each op of a family the gradient from its table. Gradients live in their own files so that
 * an op's definition imports no builder of the ops its gradient uses (which import it back): the
 * families load without import cycles. Every op ends with exactly one gradient decision.
 */
export function attachGrads(defs: readonly OpDef[], table: GradTable): OpDef[] {
  const types = new Set(defs.map((d) => d.type));
  for (const k of Object.keys(table)) if (!types.has(k)) throw new Error(`Gradient table names op '${k}', which is not in its family`);
  return defs.map((d) => {
    const g = Object.hasOwn(table, d.type) ? table[d.type] : undefined;
    if (g !== undefined && d.grad !== undefined) throw new Error(`Op '${d.type}' has a gradient in its definition and in its family's table`);
    if (g === undefined) return d;
    return { ...d, grad: g };
  });
}

/** Load-time check over the whole registry: every op has a gradient or says it has none. */
export function checkGrads(defs: readonly OpDef[]): void {
  const missing = defs.filter((d) => d.grad === undefined).map((d) => d.type);
  if (missing.length > 0) throw new Error(`Ops without a gradient decision (give 'grad' or a gradient table entry): ${missing.join(', ')}`);
}
