import { softmaxRows } from '../../../ops/activation/softmax.js';
import { kernel } from './kernel.js';
/** The activation family's CPU kernels. */
export const ACTIVATION_KERNELS = {
  Softmax: kernel(([x]) => [softmaxRows(x, false)]),
  LogSoftmax: kernel(([x]) => [softmaxRows(x, true)]),
};
