import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tg from '../../../src/index.js';
import { fixture, tempDir } from '../fixtures.js';
import { expectClose, runOrt } from '../onnx/helpers.js';
import { f32, makeModel } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('ONNX import: tensorgraph import-onnx and inspect model.onnx', () => {
  it('--help names the commands', () => {
    expect(cli('--help')).to.contain('import-onnx');
    expect(cli('import-onnx', '--help')).to.contain('-o <model.pb>');
    expect(cli('inspect', '--help')).to.contain('file.onnx');
  });
  it('import-onnx writes a GraphDef that runs like the model in ONNX Runtime', async () => {
    const dir = tempDir('onnx-cli');
    const model = fixture('onnx/torch_cnn_bn.onnx');
    const out = join(dir, 'cnn.pb');
    expect(cli('import-onnx', model, '-o', out)).to.contain('inputs: x:0; outputs: y:0');
    const g = new tg.Graph();
    tg.importGraphDef(readFileSync(out), { graph: g });
    const x = f32([2, 3, 9, 9], 4);
    const got = (await new tg.Session({ graph: g }).run('y:0', { 'x:0': x })) as tg.NDArray;
    const want = await runOrt(new Uint8Array(readFileSync(model)), { x }, ['y']);
    expectClose(want[0], got, 'y', 1e-5);
  });
  it('inspect lists opsets, operators, inputs, outputs and every node import would refuse', () => {
    const dir = tempDir('onnx-cli');
    const file = join(dir, 'm.onnx');
    writeFileSync(file, makeModel({
      opset: 13,
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'NonZero', inputs: ['a'], outputs: ['b'], name: 'nz' },
        { op: 'Unique', inputs: ['b'], outputs: ['y'], name: 'uq' },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3] }],
      outputs: [{ name: 'y', dtype: 'int64', shape: null }],
    }));
    const info = cli('inspect', file);
    expect(info).to.contain('opsets ai.onnx 13').and.contain('inputs: x float32 [?,3]').and.contain('Relu: 1');
    expect(info).to.contain('2 node(s) not supported').and.match(/node 'nz' \(op type NonZero/).and.match(/node 'uq' \(op type Unique/);
    const r = spawnSync(process.execPath, [CLI, 'import-onnx', file, '-o', join(dir, 'm.pb')], { encoding: 'utf8' });
    expect(r.status).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/tensorgraph import-onnx: ONNX import of node 'nz' \(op type NonZero, domain 'ai\.onnx' \(default\), opset 13\) is not supported/);
  });
  it('the other commands read .onnx models too (optimize, export-onnx)', async () => {
    const dir = tempDir('onnx-cli');
    const model = fixture('onnx/torch_branches.onnx');
    expect(cli('optimize', model)).to.contain('torch_branches.onnx: ').and.contain('constant-fold');
    const out = join(dir, 'again.onnx');
    cli('export-onnx', model, '--inputs', 'x', '--outputs', 'y', '--out', out);
    const x = f32([3, 2, 4, 4], 5);
    const want = await runOrt(new Uint8Array(readFileSync(model)), { x }, ['y']);
    const got = await runOrt(new Uint8Array(readFileSync(out)), { 'x:0': x }, ['y:0']);
    expectClose(got[0], tg.NDArray.from(Float32Array.from(want[0].data), want[0].dims), 'exported again', 1e-5);
  });
  it('a missing or corrupt file is one line and exit code 1', () => {
    const dir = tempDir('onnx-cli');
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]));
    for (const args of [['inspect', bad], ['import-onnx', bad, '-o', join(dir, 'x.pb')], ['import-onnx', join(dir, 'nope.onnx'), '-o', join(dir, 'x.pb')]]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).to.equal(1);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.not.contain('internal error');
    }
  });
});
