import * as tg from '../../../src/index.js';
import { randomArray, randomInts } from '../../util/oracle.js';
import { checkExport } from './helpers.js';

describe('serialization/onnx: activations, reductions, matmul, conv, pool and losses agree with ONNX Runtime', () => {
  const x = randomArray([2, 5], 1, -3, 3);
  const img = randomArray([2, 7, 6, 3], 2);
  const img3 = randomArray([3, 7, 6, 3], 3);

  it('activations and softmax / logSoftmax over the last axis', async () => {
    await checkExport(() => {
      const p = tg.placeholder('float32', [null, 5], 'x');
      return [
        tg.nn.relu6(tg.mul(p, 3)), tg.nn.leakyRelu(p, 0.3), tg.nn.elu(p), tg.nn.selu(p), tg.nn.softplus(p), tg.nn.softsign(p), tg.nn.erf(p),
        tg.nn.softmax(p), tg.nn.logSoftmax(p),
      ];
    }, [{ 'x:0': x }, { 'x:0': randomArray([4, 5], 7, -3, 3) }]);
  });

  it('reductions with and without keep_dims, over no axes, argMax/argMin as int32 and int64, cumsum', async () => {
    await checkExport(() => {
      const p = tg.placeholder('float32', [null, 3, 4], 'x');
      return [
        tg.reduceSum(p, [1]), tg.reduceSum(p, [0, 2], true), tg.reduceMean(p, [-1]), tg.reduceMax(p, [1], true), tg.reduceMin(p, [2]),
        tg.reduceProd(p, [1]), tg.reduceSum(p, []), tg.argMax(p, 1), tg.argMin(p, -1, { outputType: 'int32' }), tg.cumsum(p, 2),
        tg.cumsum(p, 1, { exclusive: true, reverse: true }),
      ];
    }, { 'x:0': randomArray([2, 3, 4], 4) });
  });

  it('matMul with each transpose flag (Gemm), int32 matMul, batch matMul with adjoints', async () => {
    await checkExport(() => {
      const a = tg.placeholder('float32', [null, 5], 'a');
      const w = tg.constant(randomArray([5, 4], 5));
      const b = tg.placeholder('float32', [2, 3, 4], 'b');
      const i = tg.placeholder('int32', [2, 3], 'i');
      return [
        tg.matMul(a, w), tg.matMul(a, tg.transpose(w), { transposeB: true }), tg.matMul(tg.transpose(a), w, { transposeA: true }),
        tg.matMul(i, tg.transpose(i)), tg.matMul(b, b, { transposeB: true }), tg.matMul(b, b, { transposeA: true }),
      ];
    }, { 'a:0': x, 'b:0': randomArray([2, 3, 4], 6), 'i:0': randomInts([2, 3], 2, -4, 4) });
  });

  it('conv2d (SAME/VALID/strides/dilations/explicit, NHWC and NCHW), depthwise, conv2dTranspose, biasAdd', async () => {
    const f = randomArray([3, 2, 3, 4], 8);
    const fd = randomArray([3, 3, 3, 2], 9);
    await checkExport(() => {
      const p = tg.placeholder('float32', [null, 7, 6, 3], 'x');
      const bias = tg.constant(randomArray([4], 10));
      const nchw = tg.transpose(p, [0, 3, 1, 2]);
      const dy = tg.placeholder('float32', [2, 4, 3, 4], 'dy');
      return [
        tg.nn.conv2d(p, f, { strides: 1, padding: 'SAME' }),
        tg.nn.biasAdd(tg.nn.conv2d(p, f, { strides: 2, padding: 'SAME' }), bias),
        tg.nn.conv2d(p, f, { strides: [1, 2], padding: 'VALID' }),
        tg.nn.conv2d(p, f, { strides: 1, padding: 'SAME', dilations: 2 }),
        tg.nn.conv2d(p, f, { strides: 1, padding: [[0, 0], [1, 2], [0, 1], [0, 0]] }),
        tg.nn.biasAdd(tg.nn.conv2d(nchw, f, { strides: 1, padding: 'SAME', dataFormat: 'NCHW' }), bias, { dataFormat: 'NCHW' }),
        tg.nn.depthwiseConv2d(p, fd, { strides: 1, padding: 'SAME' }),
        tg.nn.depthwiseConv2d(p, fd, { strides: 2, padding: 'VALID' }),
        tg.nn.conv2dTranspose(dy, f, [2, 7, 6, 3], { strides: 2, padding: 'SAME' }),
        tg.nn.conv2dTranspose(tg.slice(dy, [0, 0, 0, 0], [-1, 3, 3, -1]), f, [2, 7, 6, 3], { strides: 2, padding: 'VALID' }),
      ];
    }, [{ 'x:0': img, 'dy:0': randomArray([2, 4, 3, 4], 11) }]);
  });

  it('grouped conv2d and conv2dTranspose export ONNX group; conv2dTranspose with spatial-only sizes', async () => {
    // input depth 6 = 2 groups of the filter's 3; output depth 4 = 2 groups of 2
    const f = randomArray([3, 2, 3, 4], 12);
    await checkExport(() => {
      const p = tg.placeholder('float32', [null, 7, 6, 6], 'x6');
      const dy = tg.placeholder('float32', [2, 4, 3, 4], 'dy');
      return [
        tg.nn.conv2d(p, f, { strides: 1, padding: 'SAME' }),
        tg.nn.conv2d(p, f, { strides: 2, padding: 'VALID' }),
        tg.nn.conv2dTranspose(dy, f, [2, 7, 6, 6], { strides: 2, padding: 'SAME' }),
        tg.nn.conv2dTranspose(dy, f, [7, 6], { strides: 2, padding: 'SAME' }),
      ];
    }, [{ 'x6:0': randomArray([2, 7, 6, 6], 13), 'dy:0': randomArray([2, 4, 3, 4], 14) }]);
  });

  it('maxPool and avgPool (SAME excludes the padding from averages), LRN, inference fused batch norm; batch of 2 and 3', async () => {
    await checkExport(() => {
      const p = tg.placeholder('float32', [null, 7, 6, 3], 'x');
      const nchw = tg.transpose(p, [0, 3, 1, 2]);
      const c = (s: number) => tg.constant(randomArray([3], s, 0.5, 1.5));
      return [
        tg.nn.maxPool(p, { ksize: 2, strides: 2, padding: 'SAME' }),
        tg.nn.maxPool(p, { ksize: 3, strides: 1, padding: 'VALID' }),
        tg.nn.avgPool(p, { ksize: 3, strides: 2, padding: 'SAME' }),
        tg.nn.avgPool(nchw, { ksize: 2, strides: 2, padding: 'VALID', dataFormat: 'NCHW' }),
        tg.nn.localResponseNormalization(p, { depthRadius: 1, bias: 1.5, alpha: 0.3, beta: 0.75 }),
        tg.nn.fusedBatchNorm(p, c(1), c(2), { mean: c(3), variance: c(4), epsilon: 0.01, isTraining: false })[0],
        tg.nn.fusedBatchNorm(nchw, c(1), c(2), { mean: c(3), variance: c(4), isTraining: false, dataFormat: 'NCHW' })[0],
      ];
    }, [{ 'x:0': img }, { 'x:0': img3 }]);
  });

  it('losses: softmax cross entropy (dense and sparse labels) and l2Loss', async () => {
    const labels = tg.NDArray.from([[0, 1, 0, 0, 0], [0.5, 0, 0, 0.25, 0.25]], [2, 5]);
    await checkExport(() => {
      const p = tg.placeholder('float32', [null, 5], 'x');
      const l = tg.placeholder('float32', [null, 5], 'l');
      const s = tg.placeholder('int32', [null], 's');
      return [
        tg.nn.softmaxCrossEntropyWithLogits({ labels: l, logits: p }),
        tg.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: s, logits: p }),
        tg.nn.l2Loss(p),
      ];
    }, { 'x:0': x, 'l:0': labels, 's:0': tg.NDArray.from([4, 1], [2], 'int32') });
  });
});
