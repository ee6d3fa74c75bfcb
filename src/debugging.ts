export { checkNumerics } from '../ops/control/check_numerics.js';
export { readDump, type DumpEntry } from './debug_dump.js';
