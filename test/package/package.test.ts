/**
 * The published package as a consumer sees it: `npm pack` of the built library, unpacked into a
 * fresh project (as `npm install <tarball>` lays it out; the project's dependency folders resolve
 * to ours so no network is needed), compiled with `tsc --strict` and run. Also the "defined at"
 * lines of errors under the three usual ways of running TypeScript.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_MODULES = join(REPO, 'node_modules');
const TSC = join(NODE_MODULES, 'typescript', 'bin', 'tsc');
// TG_TSX: a tsx cli.mjs elsewhere, for a checkout installed before tsx became a devDependency
const TSX = process.env.TG_TSX ?? join(NODE_MODULES, 'tsx', 'dist', 'cli.mjs');

function sh(cmd: string, args: string[], cwd: string): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

const CONSUMER = `import * as tg from 'tensorgraph';

const x: tg.Tensor = tg.placeholder('float32', [null, 2], 'x');
const w = tg.constant([[1, 2], [3, 4]]);
const y = x.matMul(w).add(1).relu();
const sess = new tg.Session();
const out = (await sess.run(y, { 'x:0': tg.NDArray.from([[1, 1]]) })) as tg.NDArray;
console.log(JSON.stringify(out.toArray()));
const v = new tg.Variable(tg.constant([1, 2]), { name: 'W' });
const z = v.value().mul(2);
try {
  await sess.run(z);
} catch (e) {
  console.log((e as Error).message);
}
`;
// the line of 'new tg.Variable' above, which the error must point at
const VARIABLE_LINE = CONSUMER.split('\n').findIndex((l) => l.includes('new tg.Variable')) + 1;

describe('package: what npm pack publishes', function () {
  this.timeout(240_000);
  let dir = '';
  let project = '';

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tg-pack-'));
    // dist/ is already built by `npm test`; the prepare script would build it again
    const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO);
    expect(pack.status, pack.out).to.equal(0);
    // the JSON is on stdout; npm's warnings (e.g. about .npmrc's onnxruntime-node key) on stderr
    const tarball = join(dir, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string }[])[0].filename);
    // <dir>/node_modules -> our dependencies; <dir>/app/node_modules/tensorgraph is the tarball
    symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
    project = join(dir, 'app');
    const pkgDir = join(project, 'node_modules', 'tensorgraph');
    mkdirSync(pkgDir, { recursive: true });
    const untar = sh('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], dir);
    expect(untar.status, untar.out).to.equal(0);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
        sourceMap: true, outDir: 'out', rootDir: '.', types: [], lib: ['ES2022', 'DOM'],
      },
      include: ['main.ts'],
    }));
    writeFileSync(join(project, 'main.ts'), CONSUMER);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the built library and its type declarations', () => {
    const pkg = join(project, 'node_modules', 'tensorgraph');
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/tensor_methods.d.ts', 'dist/src/cli/main.js']) {
      expect(existsSync(join(pkg, f)), f).to.equal(true);
    }
    expect(existsSync(join(pkg, 'dist/test'))).to.equal(false);
  });

  it('lets a consumer compiled with tsc --strict call Tensor methods (x.matMul(w).add(1))', () => {
    const r = sh(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    expect(r.status, r.out).to.equal(0);
    const run = sh(process.execPath, ['out/main.js'], project);
    expect(run.status, run.out).to.equal(0);
    expect(run.out.split('\n')[0]).to.equal('[[5,7]]');
  });

  describe('errors name the user\'s own file and line', () => {
    function definedAt(out: string): string {
      const lines = out.split('\n');
      const i = lines.findIndex((l) => l.includes('defined at:'));
      expect(i, out).to.be.greaterThan(-1);
      return lines[i + 1].trim();
    }

    it('plain compiled JS: the compiled file of the user', () => {
      const r = sh(process.execPath, ['out/main.js'], project);
      expect(definedAt(r.out)).to.match(/\/app\/out\/main\.js:\d+:\d+\)?$/);
    });

    it('node --enable-source-maps: the TypeScript file and line of the user', () => {
      const r = sh(process.execPath, ['--enable-source-maps', 'out/main.js'], project);
      expect(definedAt(r.out)).to.match(new RegExp(`/app/main\\.ts:${VARIABLE_LINE}:\\d+\\)?$`));
    });

    it('tsx: the TypeScript file and line of the user', function () {
      if (!existsSync(TSX)) {
        // tsx is a devDependency; a checkout installed before it was added lacks it
        console.log('    tsx is not installed (npm install adds it): the tsx case is not run');
        this.skip();
      }
      const r = sh(process.execPath, [TSX, 'main.ts'], project);
      expect(definedAt(r.out)).to.match(new RegExp(`/app/main\\.ts:${VARIABLE_LINE}:\\d+\\)?$`));
    });
  });
});

describe('package: scripts', () => {
  it('builds the library before npm packs or installs it from a clone (prepare)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).to.equal('npm run build');
  });
});
