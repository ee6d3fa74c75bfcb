import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every compiled module under `roots`, as paths relative to `distRoot`, with its source text. */
export function compiledModules(distRoot: string, roots: readonly string[]): Map<string, string> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js')) files.push(p);
    }
  };
  for (const r of roots) walk(join(distRoot, r));
  return new Map(files.map((f) => [relative(distRoot, f), readFileSync(f, 'utf8')]));
}

/**
 * Bare module specifiers (`node:fs`, `fs`, a package name) each compiled module reaches: static
 * imports, a literal `import('…')`, and a literal `process.getBuiltinModule('…')` (how the library
 * reaches Node without an import).
 */
export function bareImports(distRoot: string, roots: readonly string[]): Map<string, string[]> {
  const spec = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\bgetBuiltinModule\??\.?\(\s*['"]([^'"]+)['"]/g;
  const out = new Map<string, string[]>();
  for (const [file, src] of compiledModules(distRoot, roots)) {
    const bare = [...src.matchAll(spec)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]).filter((s) => !s.startsWith('.'));
    out.set(file, bare);
  }
  return out;
}

/** Relative imports of every compiled module under `roots`: the graph the JS engine loads. */
export function importGraph(distRoot: string, roots: readonly string[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  // static `import … from`, `export … from` and side-effect `import '…'`; type-only imports are
  // erased by tsc, so what remains is what loads at run time
  const spec = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const [file, src] of compiledModules(distRoot, roots)) {
    const deps: string[] = [];
    for (const m of src.matchAll(spec)) {
      const s = m[1] ?? m[2];
      if (!s.startsWith('.')) continue;
      deps.push(relative(distRoot, resolve(dirname(join(distRoot, file)), s)));
    }
    edges.set(file, deps);
  }
  return edges;
}

/** Strongly connected components of more than one module (or a module importing itself). */
export function importCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}
