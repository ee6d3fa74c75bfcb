import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCustomPassExample } from '../../examples/custom-pass/main.js';

describe('examples/custom-pass: a pass from scratch, checked, printed and measured', () => {
  it('checkPass finds no disagreement; the printout shows the folded weights; the CLI measures one kernel fewer on MNIST and VGG16', async function () {
    this.timeout(180000);
    const dir = mkdtempSync(join(tmpdir(), 'tg-custom-pass-'));
    try {
      const r = await runCustomPassExample({ dir, graphs: 40, iterations: 1, log: () => undefined });
      expect(r.check.graphs).to.equal(42);
      expect(r.check.disagreements.map((d) => d.detail)).to.deep.equal([]);
      expect(r.printed).to.match(/^\/\/ after fold-scale-into-weights \(cleanup stage/);
      expect(r.printed).to.match(/^%\d+ model\/conv1\/Conv2D = Conv2D\(%\d+:0, %(\d+):0\).*$/m);
      expect(r.printed).to.contain('model/conv1/weights/scaled = Const()');
      for (const [name, text] of Object.entries(r.compare)) {
        const m = /^\s+kernels per run\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(text);
        expect(m, `${name}:\n${text}`).to.not.equal(null);
        expect(Number(m![1]), name).to.equal(Number(m![2]) - 1);
        expect(text).to.match(/outputs agree/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
