export { dense, flatten, dropout, batchNormalization } from './core.js';
export type { DenseOptions, Activation, TrainingFlag, BatchNormLayerOptions } from './core.js';
export { repeat, stack } from './slim.js';
export { conv2d, separableConv2d, conv2dTranspose, maxPooling2d, averagePooling2d } from './conv.js';
export type { Conv2DLayerOptions, Pool2DOptions } from './conv.js';
export { argScope, addArgScope } from './arg_scope.js';
export type { ArgScopeDefaults, LayerFunction } from './arg_scope.js';
