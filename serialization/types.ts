/**
 * Plain-object forms of TensorFlow's messages, as protobufjs decodes them (snake_case fields,
 * int64 as numbers, enums as numbers, bytes as Uint8Array). These are what `toGraphDef`,
 * `importGraphDef` and the graph utilities exchange.
 */
export interface TensorShapeObj {
  dim?: { size?: number; name?: string }[];
  unknown_rank?: boolean;
}

export interface TensorProtoObj {
  dtype?: number;
  tensor_shape?: TensorShapeObj;
  version_number?: number;
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  int64_val?: number[];
  bool_val?: boolean[];
  string_val?: Uint8Array[];
  half_val?: number[];
}

export interface NameAttrListObj {
  name?: string;
  attr?: Record<string, AttrValueObj>;
}

export interface AttrListObj {
  s?: Uint8Array[];
  i?: number[];
  f?: number[];
  b?: boolean[];
  type?: number[];
  shape?: TensorShapeObj[];
  tensor?: TensorProtoObj[];
  func?: NameAttrListObj[];
}

export interface AttrValueObj {
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeObj;
  tensor?: TensorProtoObj;
  list?: AttrListObj;
  func?: NameAttrListObj;
  placeholder?: string;
}

export interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  device?: string;
  attr?: Record<string, AttrValueObj>;
}

export interface VersionDef {
  producer?: number;
  min_consumer?: number;
  bad_consumers?: number[];
}

export interface GraphDef {
  node: NodeDef[];
  versions?: VersionDef;
  /** The function library (TF2 graphs call its functions with PartitionedCall ops). */
  library?: FunctionDefLibraryObj;
}

export interface ArgDefObj {
  name?: string;
  type?: number;
  type_attr?: string;
  number_attr?: string;
  type_list_attr?: string;
  is_ref?: boolean;
}

export interface FunctionDefObj {
  signature?: { name?: string; input_arg?: ArgDefObj[]; output_arg?: ArgDefObj[]; control_output?: string[]; is_stateful?: boolean };
  attr?: Record<string, AttrValueObj>;
  node_def?: NodeDef[];
  ret?: Record<string, string>;
  control_ret?: Record<string, string>;
}

export interface FunctionDefLibraryObj {
  function?: FunctionDefObj[];
}

/** SavedObjectGraph (saved_object_graph.proto), the parts the TF2 loader reads. */
export interface SavedObjectGraphObj {
  nodes?: {
    children?: { node_id?: number; local_name?: string }[];
    variable?: { dtype?: number; shape?: TensorShapeObj; trainable?: boolean; name?: string };
    function?: { concrete_functions?: string[] };
    bare_concrete_function?: { concrete_function_name?: string };
  }[];
  concrete_functions?: Record<string, { bound_inputs?: number[] }>;
}

/** TrackableObjectGraph (trackable_object_graph.proto): an object-based checkpoint's object graph. */
export interface TrackableObjectGraphObj {
  nodes?: {
    children?: { node_id?: number; local_name?: string }[];
    attributes?: { name?: string; full_name?: string; checkpoint_key?: string }[];
  }[];
}

export interface TensorInfo {
  name?: string;
  dtype?: number;
  tensor_shape?: TensorShapeObj;
}

export interface SignatureDef {
  inputs?: Record<string, TensorInfo>;
  outputs?: Record<string, TensorInfo>;
  method_name?: string;
}

export interface CollectionDef {
  node_list?: { value?: string[] };
  bytes_list?: { value?: Uint8Array[] };
  int64_list?: { value?: number[] };
  float_list?: { value?: number[] };
}

export interface SaverDef {
  filename_tensor_name?: string;
  save_tensor_name?: string;
  restore_op_name?: string;
  max_to_keep?: number;
  sharded?: boolean;
  keep_checkpoint_every_n_hours?: number;
  version?: number;
}

export interface MetaGraphDef {
  meta_info_def?: { meta_graph_version?: string; tags?: string[]; tensorflow_version?: string; tensorflow_git_version?: string; stripped_default_attrs?: boolean };
  graph_def?: GraphDef;
  saver_def?: SaverDef;
  collection_def?: Record<string, CollectionDef>;
  signature_def?: Record<string, SignatureDef>;
  object_graph_def?: SavedObjectGraphObj;
}

export interface VariableDefObj {
  variable_name?: string;
  initial_value_name?: string;
  initializer_name?: string;
  snapshot_name?: string;
  is_resource?: boolean;
  trainable?: boolean;
}
