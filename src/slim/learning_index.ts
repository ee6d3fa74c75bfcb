export { train, createTrainOp } from './learning.js';
export type { TrainOptions } from './learning.js';
