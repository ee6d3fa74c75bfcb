import protobuf from 'protobufjs';
import { TENSORFLOW_PROTO } from './tensorflow_proto.js';

/**
 * TensorFlow's message types, parsed once from `tensorflow.proto`. The schema text is embedded in
 * a generated module (scripts/gen-proto-schema.mjs), not read from disk: the op registry reaches
 * this file when the public entry loads, and that must work in a browser.
 */
function loadRoot(): protobuf.Root {
  return protobuf.parse(TENSORFLOW_PROTO, { keepCase: true }).root;
}

const root = loadRoot();

function type(name: string): protobuf.Type {
  return root.lookupType(`tensorflow.${name}`);
}

export const pb = {
  TensorShapeProto: type('TensorShapeProto'),
  TensorProto: type('TensorProto'),
  AttrValue: type('AttrValue'),
  NodeDef: type('NodeDef'),
  GraphDef: type('GraphDef'),
  CollectionDef: type('CollectionDef'),
  SignatureDef: type('SignatureDef'),
  SaverDef: type('SaverDef'),
  MetaGraphDef: type('MetaGraphDef'),
  SavedModel: type('SavedModel'),
  VariableDef: type('VariableDef'),
  SavedObjectGraph: type('SavedObjectGraph'),
  TrackableObjectGraph: type('TrackableObjectGraph'),
  FunctionDef: type('FunctionDef'),
  BundleHeaderProto: type('BundleHeaderProto'),
  BundleEntryProto: type('BundleEntryProto'),
  SavedTensorSlices: type('SavedTensorSlices'),
  CheckpointState: type('CheckpointState'),
  HistogramProto: type('HistogramProto'),
  Summary: type('Summary'),
  Event: type('Event'),
};

/** Plain objects of decoded messages: int64 as numbers, enums as numbers, bytes as Uint8Array. */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true, objects: true };
