import { UnimplementedError } from '../graph/ir/index.js';

/**
 * The one door to Node's built-in modules. Nothing imports `node:*` statically, so the public
 * entry loads (and bundles) where there is no Node; a built-in is fetched synchronously through
 * `process.getBuiltinModule` (Node >= 20.16, package.json "engines" asks for 20.19) the first time
 * a file function actually needs it. Synchronous on purpose: `latestCheckpoint`, `listVariables`,
 * `FileWriter` and friends are synchronous in the public API, which a dynamic `import()` would
 * change; and a literal `import('node:fs')` would still be resolved (and rejected) by bundlers.
 */

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

/** Names of the built-ins this layer uses (bare ids: no `node:` specifier appears in a bundle). */
export type BuiltinId = 'fs' | 'path' | 'os' | 'worker_threads';

const cache = new Map<BuiltinId, unknown>();

/** True when Node's built-ins can be reached (Node, or a runtime that emulates them). */
export function hasNodeBuiltins(): boolean {
  return getBuiltinModuleFn() !== null;
}

function getBuiltinModuleFn(): ((id: string) => unknown) | null {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  return typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule.bind(proc) : null;
}

/**
 * The built-in module `id`, or an UnimplementedError naming `caller` (the public function that
 * needed it) and what to do instead.
 */
export function nodeBuiltin<T>(id: BuiltinId, caller: string): T {
  const hit = cache.get(id);
  if (hit !== undefined) return hit as T;
  const get = getBuiltinModuleFn();
  const mod = get?.(id);
  if (mod === undefined || mod === null) throw noFileSystem(caller);
  cache.set(id, mod);
  return mod as T;
}

export function noFileSystem(caller: string): UnimplementedError {
  return new UnimplementedError(
    `${caller} works on file paths, which needs Node's file system; this runtime has none (a browser?). ` +
      'Pass bytes instead where the API takes them (importGraphDef(bytes), onnx.exportModel, graph.toGraphDef, ' +
      'summary event encoding); see docs/browser.md',
  );
}
