import { InvalidArgumentError, NDArray, allocData, formatShape } from '../../../graph/ir/index.js';
import { kernel } from './kernel.js';

function logSoftmaxInto(f: NDArray, out: NDArray): NDArray {
  const [rows, n] = f.shape;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, f.data[r * n + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(f.data[r * n + j] - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < n; j++) out.data[r * n + j] = f.data[r * n + j] - lse;
  }
  return out;
}

/** The loss family's CPU kernels. */
export const LOSS_KERNELS = {
  SoftmaxCrossEntropyWithLogits: kernel(([f, l]) => {
    if (f.shape.join() !== l.shape.join()) {
      throw new InvalidArgumentError(`logits and labels must be broadcastable: logits_size=${formatShape(f.shape)} labels_size=${formatShape(l.shape)}`);
    }
    const [rows, n] = f.shape;
    const loss = new Float32Array(rows);
    const back = new Float32Array(f.size);
    const lsm = logSoftmaxInto(f, new NDArray('float32', f.shape, allocData('float32', f.size)));
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const k = r * n + j;
        const lab = l.data[k];
        if (lab !== 0) s -= lab * lsm.data[k];
        back[k] = Math.exp(lsm.data[k]) - lab;
      }
      loss[r] = s;
    }
    return [new NDArray('float32', [rows], loss), new NDArray('float32', f.shape, back)];
  }),
  SparseSoftmaxCrossEntropyWithLogits: kernel(([f, l]) => {
    const [rows, n] = f.shape;
    if (l.shape[0] !== rows) {
      throw new InvalidArgumentError(`logits and labels must have the same first dimension, got logits shape ${formatShape(f.shape)} and labels shape ${formatShape(l.shape)}`);
    }
    for (let r = 0; r < rows; r++) {
      const lab = l.data[r];
      if (lab < 0 || lab >= n) {
        throw new InvalidArgumentError(`Received a label value of ${lab} which is outside the valid range of [0, ${n}).  Label values: ${Array.from(l.data).join(' ')}`);
      }
    }
    const lsm = logSoftmaxInto(f, new NDArray('float32', f.shape, new Float32Array(f.size)));
    const loss = new Float32Array(rows);
    const back = new Float32Array(f.size);
    for (let r = 0; r < rows; r++) {
      const lab = l.data[r];
      loss[r] = -lsm.data[r * n + lab];
      for (let j = 0; j < n; j++) back[r * n + j] = Math.exp(lsm.data[r * n + j]) - (j === lab ? 1 : 0);
    }
    return [new NDArray('float32', [rows], loss), new NDArray('float32', f.shape, back)];
  }),
  L2Loss: kernel(([x]) => {
    let s = 0;
    for (let i = 0; i < x.size; i++) s += x.data[i] * x.data[i];
    return [NDArray.scalar(s / 2, 'float32')];
  }),
};
