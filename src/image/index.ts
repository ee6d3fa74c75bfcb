/** tg.image: TF1's tf.image functions that compose from existing ops. */
export { perImageStandardization } from './standardize.js';
export { flipLeftRight, randomFlipLeftRight, resizeNearestNeighbor, resizeBilinear, randomCrop } from './flip_resize.js';
