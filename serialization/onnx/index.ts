export { exportModel, ONNX_OPSET } from './export.js';
export type { OnnxExportOptions } from './export.js';
export { importModel, importModelBytes, MAX_OPSET as MAX_IMPORT_OPSET, MIN_OPSET as MIN_IMPORT_OPSET } from './import/index.js';
export type { OnnxImportOptions, OnnxImportResult } from './import/index.js';
