import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tg from '../../src/index.js';
import { tempDir } from './fixtures.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** Runs the CLI expecting failure: exit code 1, nothing on stdout, exactly one line on stderr. */
function cliFails(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  const what = `tensorgraph ${args.join(' ')}`;
  expect(r.status, `${what}: exit code (stderr: ${r.stderr})`).to.equal(1);
  expect(r.stdout, `${what}: stdout`).to.equal('');
  expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2, `${what}: one line on stderr, got ${JSON.stringify(r.stderr)}`).to.equal(true);
  expect(r.stderr, what).to.not.match(/\n\s+at |node:internal|Error: /);
  return r.stderr;
}

describe('serialization: tensorgraph CLI', () => {
  it('--help for the tool and each command', () => {
    expect(cli('--help')).to.contain('freeze').and.contain('inspect');
    expect(cli('freeze', '--help')).to.contain('--checkpoint');
    expect(cli('inspect', '--help')).to.contain('checkpoint prefix');
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
    expect(cli('--version')).to.equal(`tensorgraph ${version}\n`);
    expect(cli('-v')).to.equal(`tensorgraph ${version}\n`);
  });

  it('a command missing a required option says which one (exit code 2, usage on stdout)', () => {
    const r = spawnSync(process.execPath, [CLI, 'freeze', '--checkpoint', 'ckpt', '--outputs', 'y'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('tensorgraph freeze: missing --out <frozen.pb>\n');
    expect(r.stdout).to.contain('Usage: tensorgraph freeze');
    const e = spawnSync(process.execPath, [CLI, 'export-onnx', 'f.pb', '--outputs', 'y'], { encoding: 'utf8' });
    expect(e.status).to.equal(2);
    expect(e.stderr).to.equal('tensorgraph export-onnx: missing --inputs <x:0,...>, --out <model.onnx>\n');
    const i = spawnSync(process.execPath, [CLI, 'inspect'], { encoding: 'utf8' });
    expect(i.status).to.equal(2);
    expect(i.stderr).to.equal('tensorgraph inspect: missing the file to inspect\n');
  });

  it('freeze turns a checkpoint + .meta into a frozen .pb that inspect describes and that runs', async () => {
    const dir = tempDir('cli');
    const g = new tg.Graph();
    const sess = new tg.Session({ graph: g });
    const saver = g.asDefault(() => {
      const x = tg.placeholder('float32', [null, 2], 'x');
      const w = new tg.Variable(tg.NDArray.from([[2], [3]]), { name: 'W' });
      tg.matMul(x, w, {}, 'out');
      return new tg.train.Saver({ graph: g });
    });
    await sess.run(tg.globalVariablesInitializer(g));
    const prefix = await saver.save(sess, join(dir, 'model'), { globalStep: 5 });
    expect(cli('inspect', prefix)).to.contain('W\tDT_FLOAT\t[2,1]');
    const out = join(dir, 'frozen.pb');
    cli('freeze', '--checkpoint', dir, '--outputs', 'out', '--out', out);
    expect(existsSync(out)).to.equal(true);
    const info = cli('inspect', out);
    expect(info).to.contain('inputs: x (float32, [?,2])').and.contain('outputs: out').and.contain('variables: \n');
    const g2 = new tg.Graph();
    tg.importGraphDef(readFileSync(out), { graph: g2 });
    expect((await new tg.Session({ graph: g2 }).run('out:0', { 'x:0': [[1, 1]] }))!.toArray()).to.deep.equal([[5]]);
  });

  it('every failure is one line on stderr naming the file and the problem, exit code 1 (issue 10)', () => {
    const dir = tempDir('cli-fail');
    expect(cliFails('inspect', join(dir, 'nope.pb'))).to.contain(`nope.pb: cannot read: no such file or directory`);
    expect(cliFails('inspect', join(dir, 'nope.pbtxt'))).to.contain('nope.pbtxt: cannot read');
    expect(cliFails('inspect', join(dir, 'nope.meta'))).to.contain('nope.meta: cannot read');
    expect(cliFails('inspect', join(dir, 'nope'))).to.contain(join(dir, 'nope'));
    expect(cliFails('freeze', '--checkpoint', join(dir, 'nope'), '--outputs', 'y', '--out', join(dir, 'f.pb'))).to.contain(join(dir, 'nope'));
    expect(cliFails('export-onnx', join(dir, 'nope.pb'), '--inputs', 'x', '--outputs', 'y', '--out', join(dir, 'o.onnx'))).to.contain('nope.pb: cannot read');
    // a directory where a file belongs
    const sub = join(dir, 'sub.pb');
    mkdirSync(sub);
    expect(cliFails('inspect', sub)).to.contain('sub.pb: cannot read: is a directory');
    // an empty file, and a graph with no nodes, are errors
    writeFileSync(join(dir, 'empty.pb'), new Uint8Array(0));
    expect(cliFails('inspect', join(dir, 'empty.pb'))).to.contain('empty.pb: the file is empty');
    writeFileSync(join(dir, 'empty.pbtxt'), 'versions { producer: 27 }\n');
    expect(cliFails('inspect', join(dir, 'empty.pbtxt'))).to.contain('empty.pbtxt: the graph has no nodes');
    // corrupt and hostile contents
    writeFileSync(join(dir, 'junk.pb'), Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(cliFails('inspect', join(dir, 'junk.pb'))).to.contain('junk.pb');
    writeFileSync(join(dir, 'proto.pbtxt'), 'node { name: "a" op: "NoOp" }\n__proto__ { }\n');
    expect(cliFails('inspect', join(dir, 'proto.pbtxt'))).to.contain("proto.pbtxt: text proto parse error at line 2: message GraphDef has no field '__proto__'");
    // an unwritable output
    const g = new tg.Graph();
    g.asDefault(() => tg.relu(tg.placeholder('float32', [1], 'x'), 'y'));
    const pb = join(dir, 'g.pb');
    writeFileSync(pb, tg.graphUtil.encodeGraphDef(g.toGraphDef()));
    expect(cliFails('export-onnx', pb, '--inputs', 'x', '--outputs', 'y', '--out', join(dir, 'no', 'such', 'dir', 'o.onnx'))).to.contain('o.onnx: cannot write: no such file or directory');
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.pb');
      writeFileSync(locked, tg.graphUtil.encodeGraphDef(g.toGraphDef()));
      chmodSync(locked, 0o000);
      expect(cliFails('inspect', locked)).to.contain('locked.pb: cannot read: permission denied');
    }
  });
});
