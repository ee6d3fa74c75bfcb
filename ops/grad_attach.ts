import type { GradTable, OpDef, TypesOf } from './op_def.js';

/**
 * Gives each op of a family the gradient from its table. Gradients live in their own files so that
 * an op's definition imports no builder of the ops its gradient uses (which import it back): the
 * families load without import cycles. Every op ends with exactly one gradient decision.
 */
export function attachGrads<const L extends readonly OpDef[]>(defs: L, table: GradTable<TypesOf<L>>): L {
  // keys outside the family do not compile (GradTable is mapped over its types); whether an op has
  // its gradient here or in its definition is checked below and in checkGrads
  const byType: GradTable = table;
  const withGrads = defs.map((d) => {
    const g = Object.hasOwn(byType, d.type) ? byType[d.type] : undefined;
    if (g !== undefined && d.grad !== undefined) throw new Error(`Op '${d.type}' has a gradient in its definition and in its family's table`);
    if (g === undefined) return d;
    return { ...d, grad: g };
  });
  // each def keeps its type, in order, so the list keeps the family's types for attachOnnx's check
  return withGrads as readonly OpDef[] as L;
}

/** Load-time check over the whole registry: every op has a gradient or says it has none. */
export function checkGrads(defs: readonly OpDef[]): void {
  const missing = defs.filter((d) => d.grad === undefined).map((d) => d.type);
  if (missing.length > 0) throw new Error(`Ops without a gradient decision (give 'grad' or a gradient table entry): ${missing.join(', ')}`);
}
