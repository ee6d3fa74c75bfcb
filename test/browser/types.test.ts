import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/*
 * A browser project type-checks against the published declarations without Node's types: the
 * public .d.ts files must not name `NodeJS.*`, `Buffer` or `node:*` modules. Compiled in-process
 * against dist/src/index.d.ts with lib DOM, `types: []` and skipLibCheck off.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const APP = `
import * as tg from 'tensorgraph';
const x = tg.placeholder('float32', [null, 2], 'x');
const sess = new tg.Session();
export const sum: Promise<tg.NDArray> = sess.run(tg.reduceSum(x), { x: [[1, 2]] });
export const events: Uint8Array = new tg.summary.BytesWriter().bytes();
export const onnx: Uint8Array = tg.onnx.exportModel(tg.getDefaultGraph(), { inputs: ['x:0'], outputs: ['Sum:0'] });
export const err: tg.UnimplementedError = new tg.UnimplementedError('no file system');
`;

describe('browser: the public type declarations', () => {
  it('type-check in a browser project without @types/node (lib DOM, types: [])', function () {
    this.timeout(120_000);
    const appFile = `${repoRoot}__browser_types_app.ts`;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      paths: { tensorgraph: [`${repoRoot}dist/src/index.d.ts`] },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (f) => (f === appFile ? APP : readFile(f));
    host.fileExists = (f) => f === appFile || fileExists(f);
    host.getSourceFile = (f, lang, onError, create) => (f === appFile ? ts.createSourceFile(f, APP, lang) : getSourceFile(f, lang, onError, create));
    const program = ts.createProgram([appFile], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.replace(repoRoot, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics, diagnostics.slice(0, 10).join('\n')).to.deep.equal([]);
  });
});
