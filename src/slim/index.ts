/** tg.slim: the TF-Slim names the notes use (arg_scope, repeat, stack, its layers, learning.train). */
export { argScope, addArgScope } from '../layers/arg_scope.js';
export { repeat, stack } from '../layers/slim.js';
export { conv2d, fullyConnected, maxPool2d } from './layers.js';
export type { SlimLayerOptions, SlimConv2DOptions } from './layers.js';
export { l2Regularizer } from '../regularizers.js';
export * as learning from './learning_index.js';
