import { DType, InvalidArgumentError } from '../graph/ir/index.js';

export const FLOATS: readonly DType[] = ['float32'];
export const NUMERIC: readonly DType[] = ['float32', 'int32', 'int64'];
export const INTEGERS: readonly DType[] = ['int32', 'int64'];
export const BOOLS: readonly DType[] = ['bool'];
export const ALL: readonly DType[] = ['float32', 'int32', 'int64', 'bool'];
/** Every dtype, strings included: for ops that only hold or pass values along (Placeholder, Identity, Const, saver ops). */
export const ANY: readonly DType[] = [...ALL, 'string'];

/** TF's message for a dtype outside an op's allowed list. */
export function checkDType(param: string, d: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(d)) {
    throw new InvalidArgumentError(`Value passed to parameter '${param}' has DataType ${d} not in list of allowed values: ${allowed.join(', ')}`);
  }
}

/** TF's message when two inputs that must share a type do not. */
export function checkSameDType(names: readonly string[], types: readonly DType[], opType: string): DType {
  for (let i = 1; i < types.length; i++) {
    if (types[i] !== types[0]) {
      throw new InvalidArgumentError(`Input '${names[i]}' of '${opType}' Op has type ${types[i]} that does not match type ${types[0]} of argument '${names[0]}'.`);
    }
  }
  return types[0];
}
