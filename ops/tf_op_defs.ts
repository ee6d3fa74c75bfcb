/**
 * TensorFlow's op definitions (inputs, outputs and attrs) for every op type in our registry, as
 * reference data. TF requires each NodeDef to carry exactly the attrs of its op def (attrs with a
 * default may be left out, attrs the op def lacks are refused: "NodeDef mentions attr 'x' not in
 * Op"), so GraphDef export (serialization/graph_def.ts) fills and filters attrs by this table, and op
 * creation (attr_schema.ts) checks every attr value against its kind here.
 *
 * Source: the public tensorflow/tensorflow repository, one file per op at
 * `tensorflow/core/ops/compat/ops_history_v2/<OpName>.pbtxt`; the last `op { ... }` block of each
 * file is the current definition, transcribed here. Only facts from those files are written here
 * (arg names and kinds, attr names, types and defaults; allowed-value lists are left out).
 * Every entry has been read against its file (the last `op { ... }` block): Conv2D, MatMul,
 * BatchMatMulV2, SplitV, MaxPoolGradGrad, UnsortedSegmentSum, FusedBatchNormV3,
 * FusedBatchNormGradV3, Equal, RandomUniformInt, Placeholder, OneHot, Fill, ApplyAdagrad,
 * SparseSoftmaxCrossEntropyWithLogits and LeakyRelu first, then all the others (listed above SPECS
 * below). The files carry no TF version numbers; where an attr is missing from the earlier blocks
 * of an op's file (added later in the op's history), the entry says so. The test
 * tf_op_attrs.test.ts checks every entry's arity and fixed arg types against our ops.
 *
 * Notes: BatchMatMulV2's `grad_x`/`grad_y` are recent (TF 2.15); a TF older than an attr refuses
 * it, so `toGraphDef(g, { stripDefaultAttrs: true })` leaves attrs at their defaults out (TF fills
 * them in on load). MaxPoolGradGrad has no `explicit_paddings` in TF (our op carries one, which
 * export drops).
 *
 * Notation, one space-separated string per list:
 * - an arg is `name:T` (its dtype is type attr T), `name:N*T` (a list of N tensors of type T, N an
 *   int attr), `name:[Ts]` (a list typed one by one by the list(type) attr Ts), `name:DT_INT32`
 *   (a fixed type) or `name:Ref(T)` (a ref of type T);
 * - an attr is `name:kind` (required) or `name:kind=default`, kinds as TF writes them: `type`,
 *   `int`, `float`, `bool`, `string`, `shape`, `tensor`, `list(int)`, ...; a `shape` default of
 *   `?` is the unknown-rank shape, a `list(...)` default is written `[a,b,...]`, a `string`
 *   default is the text after `=` (empty for "").
 */

import type { OpType } from './registry.js';

export type TfAttrKind = 'type' | 'int' | 'float' | 'bool' | 'string' | 'shape' | 'tensor' | 'list(int)' | 'list(float)' | 'list(type)' | 'list(string)' | 'list(bool)';

/** A TF default value: a TF dtype enum name for `type`, `null` for the unknown-rank shape. */
export type TfDefault = number | boolean | string | null | readonly number[] | readonly string[] | readonly boolean[];

export interface TfArg {
  readonly name: string;
  /** The type attr that gives this arg's dtype, or undefined for a fixed type. */
  readonly typeAttr?: string;
  /** A fixed type, as TF's enum name (`DT_INT32`). */
  readonly type?: string;
  /** The int attr that counts this list arg's tensors. */
  readonly numberAttr?: string;
  /** The list(type) attr that gives this list arg's tensors their dtypes, one each (SaveV2's `tensors:[dtypes]`). */
  readonly typeListAttr?: string;
  readonly isRef?: boolean;
}

export interface TfAttrDef {
  readonly name: string;
  readonly kind: TfAttrKind;
  /** Present when TF defines a default (the attr may then be left out of a NodeDef). */
  readonly hasDefault: boolean;
  readonly default?: TfDefault;
}

export interface TfOpDef {
  readonly name: string;
  readonly inputs: readonly TfArg[];
  readonly outputs: readonly TfArg[];
  readonly attrs: readonly TfAttrDef[];
}

function parseArg(s: string): TfArg {
  const [name, spec] = s.split(':');
  const typeList = /^\[(\w+)\]$/.exec(spec);
  if (typeList) return { name, typeListAttr: typeList[1] };
  const ref = /^Ref\((.*)\)$/.exec(spec);
  const t = ref ? ref[1] : spec;
  const list = /^(\w+)\*(\w+)$/.exec(t);
  const base = list ? list[2] : t;
  const arg: { name: string; typeAttr?: string; type?: string; numberAttr?: string; isRef?: boolean } = { name };
  if (base.startsWith('DT_')) arg.type = base;
  else arg.typeAttr = base;
  if (list) arg.numberAttr = list[1];
  if (ref) arg.isRef = true;
  return arg;
}

function parseDefault(kind: TfAttrKind, text: string): TfDefault {
  switch (kind) {
    case 'type':
    case 'string':
      return text;
    case 'int':
    case 'float':
      return Number(text);
    case 'bool':
      return text === 'true';
    case 'shape':
      if (text !== '?') throw new Error(`tf_op_attrs: shape default '${text}' is not written`);
      return null;
    default: {
      const items = text.replace(/^\[|\]$/g, '').split(',').filter((x) => x !== '');
      if (kind === 'list(int)' || kind === 'list(float)') return items.map(Number);
      if (kind === 'list(bool)') return items.map((x) => x === 'true');
      return items;
    }
  }
}

function parseAttr(s: string): TfAttrDef {
  const m = /^(\w+):([a-z()]+)(?:=(.*))?$/.exec(s);
  if (!m) throw new Error(`tf_op_attrs: bad attr '${s}'`);
  const kind = m[2] as TfAttrKind;
  if (m[3] === undefined) return { name: m[1], kind, hasDefault: false };
  return { name: m[1], kind, hasDefault: true, default: parseDefault(kind, m[3]) };
}

const words = (s: string): string[] => s.split(' ').filter((x) => x !== '');

/** [inputs, outputs, attrs] in TF's order. */
type Spec = readonly [string, string, string];

const UNARY: Spec = ['x:T', 'y:T', 'T:type'];
const BINARY: Spec = ['x:T y:T', 'z:T', 'T:type'];
const COMPARE: Spec = ['x:T y:T', 'z:DT_BOOL', 'T:type'];
const EQUALITY: Spec = ['x:T y:T', 'z:DT_BOOL', 'T:type incompatible_shape_error:bool=true'];
const ACTIVATION: Spec = ['features:T', 'activations:T', 'T:type'];
const CWISE_GRAD: Spec = ['y:T dy:T', 'z:T', 'T:type'];
const FEATURE_GRAD: Spec = ['gradients:T features:T', 'backprops:T', 'T:type'];
const OUTPUT_GRAD: Spec = ['gradients:T outputs:T', 'backprops:T', 'T:type'];
const REDUCTION: Spec = ['input:T reduction_indices:Tidx', 'output:T', 'keep_dims:bool=false T:type Tidx:type=DT_INT32'];
const ARG_REDUCE: Spec = ['input:T dimension:Tidx', 'output:output_type', 'T:type Tidx:type=DT_INT32 output_type:type=DT_INT64'];
const CUMULATIVE: Spec = ['x:T axis:Tidx', 'out:T', 'exclusive:bool=false reverse:bool=false T:type Tidx:type=DT_INT32'];
const SHAPE_OF: Spec = ['input:T', 'output:out_type', 'T:type out_type:type=DT_INT32'];
const SLICE_MASKS = 'begin_mask:int=0 end_mask:int=0 ellipsis_mask:int=0 new_axis_mask:int=0 shrink_axis_mask:int=0';
const CONV2D_ATTRS = 'T:type strides:list(int) use_cudnn_on_gpu:bool=true padding:string explicit_paddings:list(int)=[] data_format:string=NHWC dilations:list(int)=[1,1,1,1]';
const DEPTHWISE_ATTRS = 'T:type strides:list(int) padding:string explicit_paddings:list(int)=[] data_format:string=NHWC dilations:list(int)=[1,1,1,1]';
const AVG_POOL_ATTRS = 'ksize:list(int) strides:list(int) padding:string data_format:string=NHWC T:type';
const LRN_ATTRS = 'depth_radius:int=5 bias:float=1 alpha:float=1 beta:float=0.5 T:type=DT_FLOAT';
const RANDOM: Spec = ['shape:T', 'output:dtype', 'seed:int=0 seed2:int=0 dtype:type T:type'];
const ASSIGN_UPDATE: Spec = ['ref:Ref(T) value:T', 'output_ref:Ref(T)', 'T:type use_locking:bool=false'];

// Verified entry by entry against tensorflow/tensorflow tensorflow/core/ops/compat/ops_history_v2/<Op>.pbtxt
// (the last `op { ... }` block, read as stored in the search index), beyond the 17 listed above:
// PlaceholderWithDefault Const Identity StopGradient NoOp AddN Neg Abs Exp Log Log1p Sqrt Rsqrt Square
// Reciprocal Floor Ceil Round Sign Sin Cos Tanh Sigmoid Erf SqrtGrad RsqrtGrad ReciprocalGrad TanhGrad
// SigmoidGrad Add AddV2 Sub Mul RealDiv FloorDiv FloorMod Pow Maximum Minimum SquaredDifference
// NotEqual Less LessEqual Greater GreaterEqual LogicalAnd LogicalOr LogicalNot SelectV2 Sum Mean Max
// Min Prod ArgMax ArgMin Cumsum Cumprod Reshape Shape Size Rank Squeeze ExpandDims
// BroadcastGradientArgs BroadcastTo ZerosLike OnesLike Range Cast Transpose InvertPermutation ConcatV2
// Pack Unpack Split Slice StridedSlice StridedSliceGrad GatherV2 Pad PadV2 Tile Conv2DBackpropInput
// Conv2DBackpropFilter DepthwiseConv2dNative DepthwiseConv2dNativeBackpropInput
// DepthwiseConv2dNativeBackpropFilter MaxPool MaxPoolGrad AvgPool AvgPoolGrad BiasAdd BiasAddGrad LRN
// LRNGrad RandomUniform RandomStandardNormal TruncatedNormal VariableV2 Assign AssignAdd AssignSub
// ApplyGradientDescent ApplyMomentum ApplyRMSProp ApplyAdam Relu Relu6 Elu Selu Softplus Softsign
// ReluGrad Relu6Grad SoftplusGrad SoftsignGrad EluGrad SeluGrad LeakyReluGrad Softmax LogSoftmax
// SoftmaxCrossEntropyWithLogits L2Loss
// A mapped type over the registry's op types: an op without its TF definition here, or an entry
// for a type the registry lacks, does not compile (every entry is a TF op our registry has).
const SPECS: { readonly [K in OpType]: Spec } = {
  // leaves, control
  Placeholder: ['', 'output:dtype', 'dtype:type shape:shape=?'],
  PlaceholderWithDefault: ['input:dtype', 'output:dtype', 'dtype:type shape:shape'],
  Const: ['', 'output:dtype', 'value:tensor dtype:type'],
  Identity: ['input:T', 'output:T', 'T:type'],
  StopGradient: ['input:T', 'output:T', 'T:type'],
  // read from ops_history_v2/CheckNumerics.pbtxt (last block)
  CheckNumerics: ['tensor:T', 'output:T', 'T:type message:string'],
  NoOp: ['', '', ''],
  // control flow: tensorflow/core/ops/control_flow_ops.cc (Switch, RefSwitch, Merge, RefMerge, Enter,
  // RefEnter, Exit, RefExit, NextIteration, RefNextIteration, LoopCond, ControlTrigger)
  Switch: ['data:T pred:DT_BOOL', 'output_false:T output_true:T', 'T:type'],
  RefSwitch: ['data:Ref(T) pred:DT_BOOL', 'output_false:Ref(T) output_true:Ref(T)', 'T:type'],
  Merge: ['inputs:N*T', 'output:T value_index:DT_INT32', 'T:type N:int'],
  RefMerge: ['inputs:Ref(N*T)', 'output:Ref(T) value_index:DT_INT32', 'T:type N:int'],
  Enter: ['data:T', 'output:T', 'T:type frame_name:string is_constant:bool=false parallel_iterations:int=10'],
  RefEnter: ['data:Ref(T)', 'output:Ref(T)', 'T:type frame_name:string is_constant:bool=false parallel_iterations:int=10'],
  Exit: ['data:T', 'output:T', 'T:type'],
  RefExit: ['data:Ref(T)', 'output:Ref(T)', 'T:type'],
  NextIteration: ['data:T', 'output:T', 'T:type'],
  RefNextIteration: ['data:Ref(T)', 'output:Ref(T)', 'T:type'],
  LoopCond: ['input:DT_BOOL', 'output:DT_BOOL', ''],
  ControlTrigger: ['', '', ''],
  // data_flow_ops.cc: TF's handle is `handle:resource`; ours is an int32 scalar (no resource dtype,
  // see ops/control/control_flow.ts), written here as what our ops carry.
  StackV2: ['max_size:DT_INT32', 'handle:DT_INT32', 'elem_type:type stack_name:string='],
  StackPushV2: ['handle:DT_INT32 elem:T', 'output:T', 'T:type swap_memory:bool=false'],
  StackPopV2: ['handle:DT_INT32', 'elem:elem_type', 'elem_type:type'],
  // math
  AddN: ['inputs:N*T', 'sum:T', 'N:int T:type'],
  Neg: UNARY, Abs: UNARY, Exp: UNARY, Log: UNARY, Log1p: UNARY, Sqrt: UNARY, Rsqrt: UNARY,
  Square: UNARY, Reciprocal: UNARY, Floor: UNARY, Ceil: UNARY, Round: UNARY, Sign: UNARY,
  Sin: UNARY, Cos: UNARY, Tanh: UNARY, Sigmoid: UNARY, Erf: UNARY,
  SqrtGrad: CWISE_GRAD, RsqrtGrad: CWISE_GRAD, ReciprocalGrad: CWISE_GRAD, TanhGrad: CWISE_GRAD, SigmoidGrad: CWISE_GRAD,
  Add: BINARY, AddV2: BINARY, Sub: BINARY, Mul: BINARY, RealDiv: BINARY, FloorDiv: BINARY, FloorMod: BINARY,
  Pow: BINARY, Maximum: BINARY, Minimum: BINARY, SquaredDifference: BINARY,
  // NotEqual.pbtxt: incompatible_shape_error is missing from the earlier blocks (added later).
  Equal: EQUALITY, NotEqual: EQUALITY,
  Less: COMPARE, LessEqual: COMPARE, Greater: COMPARE, GreaterEqual: COMPARE,
  LogicalAnd: ['x:DT_BOOL y:DT_BOOL', 'z:DT_BOOL', ''],
  LogicalOr: ['x:DT_BOOL y:DT_BOOL', 'z:DT_BOOL', ''],
  LogicalNot: ['x:DT_BOOL', 'y:DT_BOOL', ''],
  SelectV2: ['condition:DT_BOOL t:T e:T', 'output:T', 'T:type'],
  // reductions
  Sum: REDUCTION, Mean: REDUCTION, Max: REDUCTION, Min: REDUCTION, Prod: REDUCTION,
  // ArgMax/ArgMin.pbtxt: the first block has a fixed DT_INT64 output and no output_type attr.
  ArgMax: ARG_REDUCE, ArgMin: ARG_REDUCE,
  Cumsum: CUMULATIVE, Cumprod: CUMULATIVE,
  // arrays
  Reshape: ['tensor:T shape:Tshape', 'output:T', 'T:type Tshape:type=DT_INT32'],
  Shape: SHAPE_OF,
  Size: SHAPE_OF,
  Rank: ['input:T', 'output:DT_INT32', 'T:type'],
  Squeeze: ['input:T', 'output:T', 'T:type squeeze_dims:list(int)=[]'],
  ExpandDims: ['input:T dim:Tdim', 'output:T', 'T:type Tdim:type=DT_INT32'],
  BroadcastGradientArgs: ['s0:T s1:T', 'r0:T r1:T', 'T:type=DT_INT32'],
  BroadcastTo: ['input:T shape:Tidx', 'output:T', 'T:type Tidx:type=DT_INT32'],
  Fill: ['dims:index_type value:T', 'output:T', 'T:type index_type:type=DT_INT32'],
  ZerosLike: UNARY,
  OnesLike: UNARY,
  Range: ['start:Tidx limit:Tidx delta:Tidx', 'output:Tidx', 'Tidx:type=DT_INT32'],
  // Cast.pbtxt: Truncate is missing from the first block (added later).
  Cast: ['x:SrcT', 'y:DstT', 'SrcT:type DstT:type Truncate:bool=false'],
  Transpose: ['x:T perm:Tperm', 'y:T', 'T:type Tperm:type=DT_INT32'],
  InvertPermutation: ['x:T', 'y:T', 'T:type=DT_INT32'],
  ConcatV2: ['values:N*T axis:Tidx', 'output:T', 'N:int T:type Tidx:type=DT_INT32'],
  Pack: ['values:N*T', 'output:T', 'N:int T:type axis:int=0'],
  Unpack: ['value:T', 'output:num*T', 'num:int T:type axis:int=0'],
  Split: ['split_dim:DT_INT32 value:T', 'output:num_split*T', 'num_split:int T:type'],
  SplitV: ['value:T size_splits:Tlen split_dim:DT_INT32', 'output:num_split*T', 'num_split:int T:type Tlen:type=DT_INT64'],
  Slice: ['input:T begin:Index size:Index', 'output:T', 'T:type Index:type'],
  StridedSlice: ['input:T begin:Index end:Index strides:Index', 'output:T', `T:type Index:type ${SLICE_MASKS}`],
  StridedSliceGrad: ['shape:Index begin:Index end:Index strides:Index dy:T', 'output:T', `T:type Index:type ${SLICE_MASKS}`],
  // GatherV2.pbtxt: batch_dims is missing from the first block (added later).
  GatherV2: ['params:Tparams indices:Tindices axis:Taxis', 'output:Tparams', 'batch_dims:int=0 Tparams:type Tindices:type Taxis:type'],
  UnsortedSegmentSum: ['data:T segment_ids:Tindices num_segments:Tnumsegments', 'output:T', 'T:type Tindices:type Tnumsegments:type=DT_INT32'],
  Pad: ['input:T paddings:Tpaddings', 'output:T', 'T:type Tpaddings:type=DT_INT32'],
  PadV2: ['input:T paddings:Tpaddings constant_values:T', 'output:T', 'T:type Tpaddings:type=DT_INT32'],
  Tile: ['input:T multiples:Tmultiples', 'output:T', 'T:type Tmultiples:type=DT_INT32'],
  OneHot: ['indices:TI depth:DT_INT32 on_value:T off_value:T', 'output:T', 'axis:int=-1 T:type TI:type=DT_INT64'],
  // matmul, nn
  MatMul: ['a:T b:T', 'product:T', 'transpose_a:bool=false transpose_b:bool=false T:type'],
  BatchMatMulV2: ['x:T y:T', 'output:T', 'T:type adj_x:bool=false adj_y:bool=false grad_x:bool=false grad_y:bool=false'],
  Conv2D: ['input:T filter:T', 'output:T', CONV2D_ATTRS],
  // Conv2DBackpropInput.pbtxt: dilations came after the first block, explicit_paddings later still
  // (last two blocks only). Conv2DBackpropFilter's last block has the same attrs (its earlier blocks
  // were not read).
  Conv2DBackpropInput: ['input_sizes:DT_INT32 filter:T out_backprop:T', 'output:T', CONV2D_ATTRS],
  Conv2DBackpropFilter: ['input:T filter_sizes:DT_INT32 out_backprop:T', 'output:T', CONV2D_ATTRS],
  // DepthwiseConv2dNativeBackpropInput/Filter.pbtxt: explicit_paddings is only in the last block of
  // each file (a late addition, like MaxPool's below); an older TF refuses it unless stripDefaultAttrs
  // leaves it out at its default []. DepthwiseConv2dNative's earlier blocks were not read in full.
  DepthwiseConv2dNative: ['input:T filter:T', 'output:T', DEPTHWISE_ATTRS],
  DepthwiseConv2dNativeBackpropInput: ['input_sizes:DT_INT32 filter:T out_backprop:T', 'output:T', DEPTHWISE_ATTRS],
  DepthwiseConv2dNativeBackpropFilter: ['input:T filter_sizes:DT_INT32 out_backprop:T', 'output:T', DEPTHWISE_ATTRS],
  // MaxPool.pbtxt, MaxPoolGrad.pbtxt: explicit_paddings is only in the last block (recent, as above).
  MaxPool: ['input:T', 'output:T', 'T:type=DT_FLOAT ksize:list(int) strides:list(int) padding:string explicit_paddings:list(int)=[] data_format:string=NHWC'],
  MaxPoolGrad: ['orig_input:T orig_output:T grad:T', 'output:T', 'ksize:list(int) strides:list(int) padding:string explicit_paddings:list(int)=[] data_format:string=NHWC T:type=DT_FLOAT'],
  MaxPoolGradGrad: ['orig_input:T orig_output:T grad:T', 'output:T', 'ksize:list(int) strides:list(int) padding:string data_format:string=NHWC T:type'],
  AvgPool: ['value:T', 'output:T', AVG_POOL_ATTRS],
  AvgPoolGrad: ['orig_input_shape:DT_INT32 grad:T', 'output:T', AVG_POOL_ATTRS],
  BiasAdd: ['value:T bias:T', 'output:T', 'T:type data_format:string=NHWC'],
  BiasAddGrad: ['out_backprop:T', 'output:T', 'T:type data_format:string=NHWC'],
  LRN: ['input:T', 'output:T', LRN_ATTRS],
  LRNGrad: ['input_grads:T input_image:T output_image:T', 'output:T', LRN_ATTRS],
  // TopKV2.pbtxt: Tk and index_type are only in the last block (recent; older TF fixes k and indices
  // to DT_INT32, which is all we build, so stripDefaultAttrs leaves them out). InTopKV2.pbtxt.
  TopKV2: ['input:T k:Tk', 'values:T indices:index_type', 'sorted:bool=true T:type Tk:type=DT_INT32 index_type:type=DT_INT32'],
  InTopKV2: ['predictions:DT_FLOAT targets:T k:T', 'precision:DT_BOOL', 'T:type=DT_INT32'],
  // random
  RandomUniform: RANDOM,
  RandomStandardNormal: RANDOM,
  TruncatedNormal: RANDOM,
  RandomUniformInt: ['shape:T minval:Tout maxval:Tout', 'output:Tout', 'seed:int=0 seed2:int=0 Tout:type T:type'],
  // state, optimizers
  VariableV2: ['', 'ref:Ref(dtype)', 'shape:shape dtype:type container:string= shared_name:string='],
  // read from ops_history_v2/Variable.pbtxt: TF1's first variable op, the same as VariableV2
  Variable: ['', 'ref:Ref(dtype)', 'shape:shape dtype:type container:string= shared_name:string='],
  Assign: ['ref:Ref(T) value:T', 'output_ref:Ref(T)', 'T:type validate_shape:bool=true use_locking:bool=true'],
  AssignAdd: ASSIGN_UPDATE,
  AssignSub: ASSIGN_UPDATE,
  ApplyGradientDescent: ['var:Ref(T) alpha:T delta:T', 'out:Ref(T)', 'T:type use_locking:bool=false'],
  ApplyMomentum: ['var:Ref(T) accum:Ref(T) lr:T grad:T momentum:T', 'out:Ref(T)', 'T:type use_locking:bool=false use_nesterov:bool=false'],
  ApplyAdagrad: ['var:Ref(T) accum:Ref(T) lr:T grad:T', 'out:Ref(T)', 'T:type use_locking:bool=false update_slots:bool=true'],
  ApplyRMSProp: ['var:Ref(T) ms:Ref(T) mom:Ref(T) lr:T rho:T momentum:T epsilon:T grad:T', 'out:Ref(T)', 'T:type use_locking:bool=false'],
  // ApplyAdadelta.pbtxt, ApplyFtrl.pbtxt, ApplyFtrlV2.pbtxt: multiply_linear_by_lr is only in the
  // last blocks of the Ftrl files (recent, as above).
  ApplyAdadelta: ['var:Ref(T) accum:Ref(T) accum_update:Ref(T) lr:T rho:T epsilon:T grad:T', 'out:Ref(T)', 'T:type use_locking:bool=false'],
  ApplyFtrl: ['var:Ref(T) accum:Ref(T) linear:Ref(T) grad:T lr:T l1:T l2:T lr_power:T', 'out:Ref(T)', 'T:type use_locking:bool=false multiply_linear_by_lr:bool=false'],
  ApplyFtrlV2: ['var:Ref(T) accum:Ref(T) linear:Ref(T) grad:T lr:T l1:T l2:T l2_shrinkage:T lr_power:T', 'out:Ref(T)', 'T:type use_locking:bool=false multiply_linear_by_lr:bool=false'],
  // ApplyAdam.pbtxt: use_nesterov is missing from the first block (added later).
  ApplyAdam: ['var:Ref(T) m:Ref(T) v:Ref(T) beta1_power:T beta2_power:T lr:T beta1:T beta2:T epsilon:T grad:T', 'out:Ref(T)', 'T:type use_locking:bool=false use_nesterov:bool=false'],
  // resource variables: read from ops_history_v2/<Op>.pbtxt (last block). VarHandleOp's
  // allowed_devices and debug_name are missing from its earlier blocks (added later);
  // AssignVariableOp's validate_shape is newer than the file as stored in the search index (TF 2.11's
  // resource_variable_ops.cc), kept so files from newer TFs load.
  VarHandleOp: ['', 'resource:DT_RESOURCE', 'container:string= shared_name:string= debug_name:string= dtype:type shape:shape allowed_devices:list(string)=[]'],
  ReadVariableOp: ['resource:DT_RESOURCE', 'value:dtype', 'dtype:type'],
  AssignVariableOp: ['resource:DT_RESOURCE value:dtype', '', 'dtype:type validate_shape:bool=false'],
  AssignAddVariableOp: ['resource:DT_RESOURCE value:dtype', '', 'dtype:type'],
  AssignSubVariableOp: ['resource:DT_RESOURCE value:dtype', '', 'dtype:type'],
  VarIsInitializedOp: ['resource:DT_RESOURCE', 'is_initialized:DT_BOOL', ''],
  DestroyResourceOp: ['resource:DT_RESOURCE', '', 'ignore_lookup_error:bool=true'],
  ResourceGather: ['resource:DT_RESOURCE indices:Tindices', 'output:dtype', 'batch_dims:int=0 validate_indices:bool=true dtype:type Tindices:type'],
  ResourceApplyGradientDescent: ['var:DT_RESOURCE alpha:T delta:T', '', 'T:type use_locking:bool=false'],
  ResourceApplyMomentum: ['var:DT_RESOURCE accum:DT_RESOURCE lr:T grad:T momentum:T', '', 'T:type use_locking:bool=false use_nesterov:bool=false'],
  ResourceApplyAdagrad: ['var:DT_RESOURCE accum:DT_RESOURCE lr:T grad:T', '', 'T:type use_locking:bool=false update_slots:bool=true'],
  ResourceApplyRMSProp: ['var:DT_RESOURCE ms:DT_RESOURCE mom:DT_RESOURCE lr:T rho:T momentum:T epsilon:T grad:T', '', 'T:type use_locking:bool=false'],
  ResourceApplyAdam: ['var:DT_RESOURCE m:DT_RESOURCE v:DT_RESOURCE beta1_power:T beta2_power:T lr:T beta1:T beta2:T epsilon:T grad:T', '', 'T:type use_locking:bool=false use_nesterov:bool=false'],
  ResourceApplyAdadelta: ['var:DT_RESOURCE accum:DT_RESOURCE accum_update:DT_RESOURCE lr:T rho:T epsilon:T grad:T', '', 'T:type use_locking:bool=false'],
  ResourceApplyFtrl: ['var:DT_RESOURCE accum:DT_RESOURCE linear:DT_RESOURCE grad:T lr:T l1:T l2:T lr_power:T', '', 'T:type use_locking:bool=false multiply_linear_by_lr:bool=false'],
  ResourceApplyFtrlV2: ['var:DT_RESOURCE accum:DT_RESOURCE linear:DT_RESOURCE grad:T lr:T l1:T l2:T l2_shrinkage:T lr_power:T', '', 'T:type use_locking:bool=false multiply_linear_by_lr:bool=false'],
  // activations
  Relu: ACTIVATION, Relu6: ACTIVATION, Elu: ACTIVATION, Selu: ACTIVATION, Softplus: ACTIVATION, Softsign: ACTIVATION,
  ReluGrad: FEATURE_GRAD, Relu6Grad: FEATURE_GRAD, SoftplusGrad: FEATURE_GRAD, SoftsignGrad: FEATURE_GRAD,
  EluGrad: OUTPUT_GRAD, SeluGrad: OUTPUT_GRAD,
  LeakyRelu: ['features:T', 'activations:T', 'alpha:float=0.2 T:type=DT_FLOAT'],
  LeakyReluGrad: ['gradients:T features:T', 'backprops:T', 'alpha:float=0.2 T:type=DT_FLOAT'],
  Softmax: ['logits:T', 'softmax:T', 'T:type'],
  LogSoftmax: ['logits:T', 'logsoftmax:T', 'T:type'],
  // losses, normalization
  SoftmaxCrossEntropyWithLogits: ['features:T labels:T', 'loss:T backprop:T', 'T:type'],
  SparseSoftmaxCrossEntropyWithLogits: ['features:T labels:Tlabels', 'loss:T backprop:T', 'T:type Tlabels:type=DT_INT64'],
  L2Loss: ['t:T', 'output:T', 'T:type'],
  // summaries: read from ops_history_v2/{ScalarSummary,HistogramSummary,MergeSummary}.pbtxt (last
  // block). Our ops take the tag as an attr (their string output is TF's); GraphDef export writes
  // this TF form, the tag as a DT_STRING Const input (graph_def.ts).
  ScalarSummary: ['tags:DT_STRING values:T', 'summary:DT_STRING', 'T:type'],
  HistogramSummary: ['tag:DT_STRING values:T', 'summary:DT_STRING', 'T:type=DT_FLOAT'],
  MergeSummary: ['inputs:N*DT_STRING', 'summary:DT_STRING', 'N:int'],
  // strings and the Saver's ops: read from ops_history_v2/{StringJoin,ShardedFilename,
  // ShardedFilespec,SaveV2,RestoreV2,MergeV2Checkpoints}.pbtxt (last block); MergeV2Checkpoints'
  // allow_missing_files is missing from its first block (added later).
  StringJoin: ['inputs:N*DT_STRING', 'output:DT_STRING', 'N:int separator:string='],
  ShardedFilename: ['basename:DT_STRING shard:DT_INT32 num_shards:DT_INT32', 'filename:DT_STRING', ''],
  ShardedFilespec: ['basename:DT_STRING num_shards:DT_INT32', 'filename:DT_STRING', ''],
  SaveV2: ['prefix:DT_STRING tensor_names:DT_STRING shape_and_slices:DT_STRING tensors:[dtypes]', '', 'dtypes:list(type)'],
  RestoreV2: ['prefix:DT_STRING tensor_names:DT_STRING shape_and_slices:DT_STRING', 'tensors:[dtypes]', 'dtypes:list(type)'],
  MergeV2Checkpoints: ['checkpoint_prefixes:DT_STRING destination_prefix:DT_STRING', '', 'delete_old_dirs:bool=true allow_missing_files:bool=false'],
  // read from ops_history_v2/{Restore,RestoreSlice}.pbtxt (last block): TF1's V1 restore ops
  Restore: ['file_pattern:DT_STRING tensor_name:DT_STRING', 'tensor:dt', 'dt:type preferred_shard:int=-1'],
  RestoreSlice: ['file_pattern:DT_STRING tensor_name:DT_STRING shape_and_slice:DT_STRING', 'tensor:dt', 'dt:type preferred_shard:int=-1'],
  // read from ops_history_v2/{DynamicStitch,ParallelDynamicStitch}.pbtxt (last block)
  DynamicStitch: ['indices:N*DT_INT32 data:N*T', 'merged:T', 'N:int T:type'],
  ParallelDynamicStitch: ['indices:N*DT_INT32 data:N*T', 'merged:T', 'N:int T:type'],
  FusedBatchNormV3: [
    'x:T scale:U offset:U mean:U variance:U',
    'y:T batch_mean:U batch_variance:U reserve_space_1:U reserve_space_2:U reserve_space_3:U',
    'T:type U:type epsilon:float=0.0001 exponential_avg_factor:float=1 data_format:string=NHWC is_training:bool=true',
  ],
  FusedBatchNormGradV3: [
    'y_backprop:T x:T scale:DT_FLOAT reserve_space_1:U reserve_space_2:U reserve_space_3:U',
    'x_backprop:T scale_backprop:U offset_backprop:U reserve_space_4:U reserve_space_5:U',
    'T:type U:type epsilon:float=0.0001 data_format:string=NHWC is_training:bool=true',
  ],
};

export const TF_OP_DEFS: ReadonlyMap<string, TfOpDef> = new Map(
  Object.entries(SPECS).map(([name, [ins, outs, attrs]]) => [name, { name, inputs: words(ins).map(parseArg), outputs: words(outs).map(parseArg), attrs: words(attrs).map(parseAttr) }]),
);

/** TF's op definition for an op type, or undefined for a type TF does not have (ours only). */
export function tfOpDef(type: string): TfOpDef | undefined {
  return TF_OP_DEFS.get(type);
}
