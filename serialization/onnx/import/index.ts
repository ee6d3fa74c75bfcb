export { importModel, importModelBytes } from './import.js';
export type { OnnxImportOptions, OnnxImportResult } from './import.js';
export { MAX_OPSET, MIN_OPSET } from './versions.js';
