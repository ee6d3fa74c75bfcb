import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The import rules of ops/ (docs/adding-an-op.md, "Where code goes"), as a function over the
 * compiled import graph so the test can also show that it catches a breach.
 */

/** Modules of the elementwise family every family may build on: the scalar-expression language and the elementwise op templates. */
export const SHARED_ELEMENTWISE = ['ops/elementwise/scalar_expr.js', 'ops/elementwise/define.js', 'ops/elementwise/build.js'];

const DEFINES_OPS = /\b(defineOp|unaryOp|binaryOp|elementwiseOp)\(/;

/** ops/<family>/... -> <family>; a top-level ops/ helper -> null. */
export function familyOf(module: string): string | null {
  const m = /^ops\/([^/]+)\//.exec(module);
  return m ? m[1] : null;
}

export const isGradFile = (module: string): boolean => /^ops\/.*(_grad|\/grads)\.js$/.test(module);

/** Whether a compiled module defines ops (calls defineOp or an elementwise template). */
export function definesOps(distRoot: string, module: string): boolean {
  return DEFINES_OPS.test(readFileSync(join(distRoot, module), 'utf8'));
}

/**
 * Breaches of the ops/ rules, one line each:
 * - a file that defines ops imports only graph/ir, the top-level ops/ helpers, its own family and
 *   the shared elementwise modules (ops/fused/ may also import the definitions it fuses);
 * - a gradient file (`*_grad.ts`, `grads.ts`) may import any family's builders, but only the
 *   registry and other gradient files import it;
 * - nothing in ops/ imports runtime/, src/, serialization/, platform/ or the compiler.
 */
export function opsBreaches(edges: ReadonlyMap<string, readonly string[]>, isDefinitionFile: (module: string) => boolean): string[] {
  const bad: string[] = [];
  for (const [file, deps] of edges) {
    if (!file.startsWith('ops/')) continue;
    const fam = familyOf(file);
    const defines = isDefinitionFile(file);
    for (const d of deps) {
      if (/^(runtime|src|serialization|platform|graph\/(passes|autodiff))\//.test(d)) bad.push(`${file} -> ${d} (ops/ sits below the runtime, compiler and files)`);
      if (isGradFile(d) && !isGradFile(file) && file !== 'ops/registry.js') bad.push(`${file} -> ${d} (only the registry and gradient files import gradient files)`);
      if (!defines || fam === null) continue;
      const depFam = familyOf(d);
      const allowed =
        d.startsWith('graph/ir/') ||
        (d.startsWith('ops/') && depFam === null) ||
        depFam === fam ||
        SHARED_ELEMENTWISE.includes(d) ||
        (fam === 'fused' && isDefinitionFile(d));
      if (!allowed) bad.push(`${file} -> ${d} (a file defining ops imports only graph/ir, ops/ helpers and its own family)`);
    }
  }
  return bad.sort();
}
