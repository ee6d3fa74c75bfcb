import type { OpDef, TypesOf } from '../op_def.js';
import { BiasAdd, BiasAddGrad } from './bias_add.js';
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } from './conv2d.js';
import { DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput } from './depthwise.js';
import { LRN, LRNGrad } from './lrn.js';
import { AvgPool, AvgPoolGrad, MaxPool, MaxPoolGrad, MaxPoolGradGrad } from './pool.js';
import { InTopKV2, TopKV2 } from './top_k.js';

/** Convolutions, pools, bias and local response normalisation, each with its gradient ops. */
export const NN_CONV_OPS = [
  Conv2D,
  Conv2DBackpropInput,
  Conv2DBackpropFilter,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  MaxPool,
  MaxPoolGrad,
  MaxPoolGradGrad,
  AvgPool,
  AvgPoolGrad,
  BiasAdd,
  BiasAddGrad,
  LRN,
  LRNGrad,
] as const satisfies readonly OpDef[];
export type NnConvOpType = TypesOf<typeof NN_CONV_OPS>;

/** Top-k selection (TF's nn_ops TopKV2 and InTopKV2); TopKV2's gradient is in top_k_grad.ts. */
export const NN_TOP_K_OPS = [TopKV2, InTopKV2] as const satisfies readonly OpDef[];
export type NnTopKOpType = TypesOf<typeof NN_TOP_K_OPS>;
