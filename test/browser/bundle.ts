import { build, type Message } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/browser/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface BrowserBundle {
  /** The ES module a page imports (`export *` of the package entry). */
  code: string;
  /** Import specifiers of Node built-ins found in the bundle's own imports and in its text. */
  nodeImports: string[];
}

/**
 * Bundles `import * as tg from 'tensorgraph'` the way a browser app would: the package name is
 * resolved from the repository root (package.json "exports" → dist/src/index.js), platform
 * browser, no Node built-ins provided. A `node:` import anywhere in the graph fails the build.
 */
export async function bundleForBrowser(): Promise<BrowserBundle> {
  let result;
  try {
    result = await build({
      stdin: { contents: "export * from 'tensorgraph';", resolveDir: repoRoot, sourcefile: 'entry.js', loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors ?? [];
    const lines = errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
    throw new Error(`esbuild (platform=browser) could not bundle 'tensorgraph':\n  ${lines.join('\n  ') || (e as Error).message}`);
  }
  const code = result.outputFiles[0].text;
  const nodeImports = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) if (isNodeBuiltin(imp.path)) nodeImports.add(imp.path);
  }
  for (const s of importSpecifiers(code)) if (isNodeBuiltin(s)) nodeImports.add(s);
  return { code, nodeImports: [...nodeImports].sort() };
}

const BUILTINS = new Set(['fs', 'fs/promises', 'path', 'os', 'url', 'util', 'child_process', 'crypto', 'stream', 'buffer', 'events', 'http', 'https', 'net', 'worker_threads', 'zlib', 'module', 'process', 'v8', 'vm']);

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier);
}

/** Specifiers of static imports/re-exports, dynamic `import("…")` and `require("…")` in the code. */
function importSpecifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}
