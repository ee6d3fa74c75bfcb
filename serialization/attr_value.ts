import { AttrValue, InvalidArgumentError, isDType, NDArray } from '../graph/ir/index.js';
import { fromTfDType, TF_DTYPE, tfDTypeEnum } from './dtypes.js';
import { shapeFromProto, shapeToProto, tensorFromProto, tensorToProto } from './tensor_proto.js';
import type { TfAttrKind, TfDefault } from './tf_op_attrs.js';
import type { AttrValueObj } from './types.js';

/**
 * Our attrs are plain JS values, so the AttrValue case is chosen from the value and, where a JS
 * number or array is ambiguous, from TF's attr naming: `float` attrs (TF declares these names as
 * floats in its op registry), `type` attrs (`T`, `dtype`, `*type`, `Tout`, ...), `shape` attrs.
 */
const FLOAT_ATTRS = new Set(['alpha', 'epsilon', 'exponential_avg_factor', 'momentum', 'beta', 'beta1', 'beta2', 'rho', 'decay', 'l1', 'l2', 'lr', 'bias', 'min', 'max', 'rate', 'scale', 'mean', 'stddev', 'keep_prob', 'label_smoothing', 'delta']);

export function isTypeAttrName(name: string): boolean {
  return name === 'dtype' || /^T[A-Za-z0-9_]*$/.test(name) || /type$/i.test(name) || /^(Src|Dst)T$/.test(name) || name === 'dtypes';
}

export function isShapeAttrName(name: string): boolean {
  return name === 'shape' || name === 'shapes' || /(^|_)shapes?$/.test(name) && name !== 'validate_shape';
}

function isFloatAttr(name: string, v: number): boolean {
  return FLOAT_ATTRS.has(name) || !Number.isInteger(v) || !Number.isFinite(v);
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export function attrToProto(name: string, v: AttrValue): AttrValueObj {
  if (v instanceof NDArray) return { tensor: tensorToProto(v) };
  if (typeof v === 'boolean') return { b: v };
  if (typeof v === 'number') return isFloatAttr(name, v) ? { f: v } : { i: v };
  if (typeof v === 'string') {
    if (isDType(v) && isTypeAttrName(name)) return { type: TF_DTYPE[v] };
    return { s: utf8.encode(v) };
  }
  if (v === null) return { shape: shapeToProto(null) };
  if (isShapeAttrName(name) && v.every((d) => d === null || typeof d === 'number')) return { shape: shapeToProto(v as (number | null)[]) };
  if (v.length === 0) return { list: {} };
  if (v.every((x) => typeof x === 'boolean')) return { list: { b: [...(v as boolean[])] } };
  if (v.every((x) => typeof x === 'string')) {
    const ss = v as readonly string[];
    if (isTypeAttrName(name) && ss.every(isDType)) return { list: { type: ss.map((d) => TF_DTYPE[d as keyof typeof TF_DTYPE]) } };
    return { list: { s: ss.map((s) => utf8.encode(s)) } };
  }
  if (v.every((x) => typeof x === 'number')) {
    const ns = v as readonly number[];
    return ns.some((x) => isFloatAttr(name, x)) ? { list: { f: [...ns] } } : { list: { i: [...ns] } };
  }
  throw new InvalidArgumentError(`Attr '${name}': cannot encode value ${JSON.stringify(v)} as a TF AttrValue`);
}

/**
 * An attr value as the AttrValue case of TF's declared attr kind (from TF's op definition, so no
 * guessing from the name): `float` attrs are written as floats even when the value is integral.
 */
export function attrToProtoAs(kind: TfAttrKind, name: string, v: AttrValue): AttrValueObj {
  const bad = () => new InvalidArgumentError(`Attr '${name}': value ${v instanceof NDArray ? 'NDArray' : JSON.stringify(v)} is not a TF ${kind}`);
  const list = (): readonly unknown[] => {
    if (!Array.isArray(v)) throw bad();
    return v as readonly unknown[];
  };
  switch (kind) {
    case 'type':
      if (typeof v !== 'string' || !isDType(v)) throw bad();
      return { type: TF_DTYPE[v] };
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad();
      return { i: v };
    case 'float':
      if (typeof v !== 'number') throw bad();
      return { f: v };
    case 'bool':
      if (typeof v !== 'boolean') throw bad();
      return { b: v };
    case 'string':
      if (typeof v !== 'string') throw bad();
      return { s: utf8.encode(v) };
    case 'shape':
      if (v !== null && !(Array.isArray(v) && v.every((d) => d === null || typeof d === 'number'))) throw bad();
      return { shape: shapeToProto(v as (number | null)[] | null) };
    case 'tensor':
      if (!(v instanceof NDArray)) throw bad();
      return { tensor: tensorToProto(v) };
    case 'list(int)':
      if (!list().every((x) => typeof x === 'number' && Number.isInteger(x))) throw bad();
      return { list: { i: [...(v as number[])] } };
    case 'list(float)':
      if (!list().every((x) => typeof x === 'number')) throw bad();
      return { list: { f: [...(v as number[])] } };
    case 'list(bool)':
      if (!list().every((x) => typeof x === 'boolean')) throw bad();
      return { list: { b: [...(v as boolean[])] } };
    case 'list(string)':
      if (!list().every((x) => typeof x === 'string')) throw bad();
      return { list: { s: (v as string[]).map((x) => utf8.encode(x)) } };
    case 'list(type)':
      if (!list().every((x) => typeof x === 'string' && isDType(x))) throw bad();
      return { list: { type: (v as string[]).map((x) => TF_DTYPE[x as keyof typeof TF_DTYPE]) } };
  }
}

/** A default value from TF's op definition as an AttrValue (type defaults are TF enum names). */
export function tfDefaultToProto(kind: TfAttrKind, name: string, d: TfDefault): AttrValueObj {
  if (kind === 'type') return { type: tfDTypeEnum(d as string) };
  if (kind === 'list(type)') return { list: { type: (d as string[]).map(tfDTypeEnum) } };
  return attrToProtoAs(kind, name, d as AttrValue);
}

/** The shortest decimal that reads back as the same float32 (what Python prints for a float attr). */
export function shortestFloat32(f: number): number {
  // -0 prints as '0': keep the sign (it changes results: x * -0)
  if (!Number.isFinite(f) || Object.is(f, -0)) return f;
  const target = Math.fround(f);
  for (let p = 1; p <= 9; p++) {
    const c = Number(target.toPrecision(p));
    if (Math.fround(c) === target) return c;
  }
  return target;
}

/** Our attr value for an AttrValue, or undefined for kinds tensorgraph ops never carry (func, ...). */
export function attrFromProto(name: string, a: AttrValueObj, where: string): AttrValue | undefined {
  const w = `${where}: attr '${name}'`;
  if (a.s !== undefined) return utf8d.decode(a.s);
  if (a.i !== undefined) return checkInt(Number(a.i), w);
  if (a.f !== undefined) return shortestFloat32(a.f);
  if (a.b !== undefined) return a.b;
  if (a.type !== undefined) return fromTfDType(a.type, w);
  if (a.shape !== undefined) return shapeFromProto(a.shape, w);
  if (a.tensor !== undefined) return tensorFromProto(a.tensor, w);
  if (a.list !== undefined) {
    const l = a.list;
    if (l.s?.length) return l.s.map((s) => utf8d.decode(s));
    if (l.i?.length) return l.i.map((x) => checkInt(Number(x), w));
    if (l.f?.length) return l.f.map(shortestFloat32);
    if (l.b?.length) return [...l.b];
    if (l.type?.length) return l.type.map((t) => fromTfDType(t, w));
    if (l.shape?.length || l.tensor?.length || l.func?.length) return undefined;
    return [];
  }
  return undefined;
}

function checkInt(v: number, where: string): number {
  if (!Number.isSafeInteger(v)) throw new InvalidArgumentError(`${where}: integer ${v} is out of range`);
  return v;
}
