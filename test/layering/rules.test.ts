import { expect } from 'chai';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareImports, compiledModules, importGraph } from './import_graph.js';
import { definesOps, opsBreaches } from './ops_rules.js';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIBRARY = ['platform', 'graph', 'ops', 'runtime', 'serialization', 'src'];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Library modules (the CLI aside: it is a Node program) that import a Node built-in outside platform/. */
function nodeImportsOutsidePlatform(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const bad: string[] = [];
  for (const [file, specs] of imports) {
    if (file.startsWith('platform/') || file.startsWith('src/cli/')) continue;
    for (const s of specs) if (NODE_BUILTINS.has(s) || s.startsWith('node:')) bad.push(`${file} imports ${s}`);
  }
  return bad.sort();
}

/**
 * Library modules (outside platform/ and the CLI) that read Node's `process` as a bare global: in a
 * browser that is a ReferenceError. The guarded form, `globalThis.process?.…`, is how the library
 * asks. Comments are left out (they name "the process" in prose).
 */
function bareProcessOutsidePlatform(sources: ReadonlyMap<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, src] of sources) {
    if (file.startsWith('platform/') || file.startsWith('src/cli/')) continue;
    const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    if (/(?<![\w.$/])process\s*(?:\.|\?\.)/.test(code)) bad.push(file);
  }
  return bad.sort();
}

describe('layering: what each folder may import', () => {
  it('the ops/ rules catch a definition importing another family, and a gradient file imported by a definition', () => {
    const edges = new Map([
      ['ops/nn/conv2d.js', ['graph/ir/index.js', 'ops/builder.js', 'ops/nn/conv_params.js', 'ops/array/reshape.js']],
      ['ops/nn/grads.js', ['ops/array/reshape.js', 'ops/nn/conv2d.js']],
      ['ops/nn/pool.js', ['ops/nn/grads.js', 'ops/elementwise/scalar_expr.js']],
      ['ops/registry.js', ['ops/nn/grads.js']],
    ]);
    const defines = (m: string) => !m.endsWith('grads.js') && m !== 'ops/registry.js';
    expect(opsBreaches(edges, defines)).to.deep.equal([
      'ops/nn/conv2d.js -> ops/array/reshape.js (a file defining ops imports only graph/ir, ops/ helpers and its own family)',
      'ops/nn/pool.js -> ops/nn/grads.js (only the registry and gradient files import gradient files)',
    ]);
  });

  it('a file that defines ops imports only graph/ir, ops/ helpers and its own family; gradient files sit apart', () => {
    const edges = importGraph(DIST, ['ops']);
    expect(edges.size).to.be.greaterThan(100);
    expect(opsBreaches(edges, (m) => definesOps(DIST, m))).to.deep.equal([]);
  });

  it('the check for Node built-ins sees them (static, side-effect, dynamic and getBuiltinModule imports)', () => {
    const fake = new Map([
      ['runtime/a.js', ['node:os']],
      ['serialization/b.js', ['fs', 'protobufjs']],
      ['platform/fs.js', ['node:fs']],
      ['src/cli/main.js', ['node:util']],
    ]);
    expect(nodeImportsOutsidePlatform(fake)).to.deep.equal(['runtime/a.js imports node:os', 'serialization/b.js imports fs']);
  });

  it('no library module outside platform/ imports a Node built-in (the CLI aside)', () => {
    const imports = bareImports(DIST, LIBRARY);
    expect(imports.size).to.be.greaterThan(100);
    expect(nodeImportsOutsidePlatform(imports)).to.deep.equal([]);
  });

  it('the bare-process check sees `process.env` and `process?.x`, and lets a module path, the guarded global and prose pass', () => {
    const fake = new Map([
      ['runtime/a.js', 'if (process.env.X) f();'],
      ['runtime/b.js', 'const v = process?.versions;'],
      ['runtime/c.js', "import { processId } from '../platform/process.js';\nconst e = globalThis.process?.env;\n// the process. Ends here\n/* process.env */"],
      ['platform/d.js', 'process.env.X;'],
    ]);
    expect(bareProcessOutsidePlatform(fake)).to.deep.equal(['runtime/a.js', 'runtime/b.js']);
  });

  it('no library module outside platform/ reads Node\'s `process` as a bare global (a ReferenceError in browsers)', () => {
    const sources = compiledModules(DIST, LIBRARY);
    expect(sources.size).to.be.greaterThan(100);
    expect(bareProcessOutsidePlatform(sources)).to.deep.equal([]);
  });

  it('platform/ sits below runtime and serialization: it imports only graph/ir', () => {
    const bad = [...importGraph(DIST, ['platform'])].flatMap(([f, deps]) =>
      deps.filter((d) => !d.startsWith('platform/') && !d.startsWith('graph/ir/')).map((d) => `${f} -> ${d}`),
    );
    expect(bad).to.deep.equal([]);
  });
});
