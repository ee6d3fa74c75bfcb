import { expect } from 'chai';
import { finetune } from '../../examples/onnx-finetune/finetune.js';

describe('examples/onnx-finetune (reduced size)', () => {
  it('imports the exported MNIST model as trainable, fine-tunes it (loss falls, accuracy rises), and ONNX Runtime agrees on the re-export', async function () {
    this.timeout(180000);
    const r = await finetune({ pretrainExamples: 960, steps: 60, evalCount: 300, log: () => undefined });
    expect(r.lossEnd).to.be.lessThan(r.lossStart);
    expect(r.accuracyAfter).to.be.at.least(r.accuracyBefore);
    expect(r.agree).to.equal(r.total);
    expect(r.maxAbsDiff).to.be.lessThan(1e-4);
  });
});
