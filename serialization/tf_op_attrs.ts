/**
 * TF's op definitions live in `ops/tf_op_defs.ts`, where op creation checks attrs against them
 * (ops must not depend on serialization); serialization code keeps importing them from here.
 */
export * from '../ops/tf_op_defs.js';
