/**
 * The WebAssembly instructions the emitter can write, by their text-format names. Only what our
 * kernels use is listed; a name outside these tables does not compile, so generated code is built
 * from these typed values and never from strings.
 */

/** Value types and their type-section bytes. */
export const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = keyof typeof VALTYPE;

/** Single-byte instructions without immediates. */
export const PLAIN = {
  'drop': 0x1a,
  'select': 0x1b,
  'return': 0x0f,
  'i32.eqz': 0x45, 'i32.eq': 0x46, 'i32.ne': 0x47, 'i32.lt_s': 0x48, 'i32.lt_u': 0x49,
  'i32.gt_s': 0x4a, 'i32.gt_u': 0x4b, 'i32.le_s': 0x4c, 'i32.le_u': 0x4d, 'i32.ge_s': 0x4e, 'i32.ge_u': 0x4f,
  'f32.eq': 0x5b, 'f32.ne': 0x5c, 'f32.lt': 0x5d, 'f32.gt': 0x5e, 'f32.le': 0x5f, 'f32.ge': 0x60,
  'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.div_s': 0x6d, 'i32.div_u': 0x6e,
  'i32.rem_s': 0x6f, 'i32.rem_u': 0x70, 'i32.and': 0x71, 'i32.or': 0x72, 'i32.xor': 0x73,
  'i32.shl': 0x74, 'i32.shr_s': 0x75, 'i32.shr_u': 0x76,
  'f32.abs': 0x8b, 'f32.neg': 0x8c, 'f32.ceil': 0x8d, 'f32.floor': 0x8e, 'f32.trunc': 0x8f,
  'f32.nearest': 0x90, 'f32.sqrt': 0x91, 'f32.add': 0x92, 'f32.sub': 0x93, 'f32.mul': 0x94,
  'f32.div': 0x95, 'f32.min': 0x96, 'f32.max': 0x97, 'f32.copysign': 0x98,
  'i32.trunc_f32_s': 0xa8, 'f32.convert_i32_s': 0xb2, 'f64.convert_i32_s': 0xb7,
  'i32.reinterpret_f32': 0xbc, 'f32.reinterpret_i32': 0xbe,
  'f64.add': 0xa0, 'f64.sub': 0xa1, 'f64.div': 0xa3, 'f64.promote_f32': 0xbb,
} as const;
export type PlainOp = keyof typeof PLAIN;

/** Scalar memory instructions: opcode and natural alignment (log2 bytes). */
export const MEMORY = {
  'i32.load': [0x28, 2], 'f32.load': [0x2a, 2], 'i32.store': [0x36, 2], 'f32.store': [0x38, 2],
  'f64.load': [0x2b, 3], 'f64.store': [0x39, 3],
} as const;
export type MemoryOp = keyof typeof MEMORY;

/** 0xfd-prefixed SIMD instructions without immediates. */
export const SIMD = {
  'i32x4.splat': 0x11, 'f32x4.splat': 0x13,
  'f32x4.eq': 0x41, 'f32x4.ne': 0x42, 'f32x4.lt': 0x43, 'f32x4.gt': 0x44, 'f32x4.le': 0x45, 'f32x4.ge': 0x46,
  'v128.not': 0x4d, 'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.or': 0x50, 'v128.xor': 0x51,
  'v128.bitselect': 0x52,
  'f32x4.ceil': 0x67, 'f32x4.floor': 0x68, 'f32x4.trunc': 0x69, 'f32x4.nearest': 0x6a,
  'i32x4.shl': 0xab, 'i32x4.shr_s': 0xac, 'i32x4.shr_u': 0xad, 'i32x4.add': 0xae, 'i32x4.sub': 0xb1,
  'i32x4.mul': 0xb5, 'i32x4.min_s': 0xb6, 'i32x4.max_s': 0xb8,
  'f32x4.abs': 0xe0, 'f32x4.neg': 0xe1, 'f32x4.sqrt': 0xe3, 'f32x4.add': 0xe4, 'f32x4.sub': 0xe5,
  'f32x4.mul': 0xe6, 'f32x4.div': 0xe7, 'f32x4.min': 0xe8, 'f32x4.max': 0xe9,
  'f32x4.pmin': 0xea, 'f32x4.pmax': 0xeb,
  'i32x4.trunc_sat_f32x4_s': 0xf8, 'f32x4.convert_i32x4_s': 0xfa,
  // relaxed SIMD (only where the engine validates it; see features.ts)
  'f32x4.relaxed_madd': 0x105, 'f32x4.relaxed_nmadd': 0x106,
  // float64 pairs: the optimizer updates compute in double, as the JS kernels do
  'f64x2.splat': 0x14, 'f32x4.demote_f64x2_zero': 0x5e, 'f64x2.promote_low_f32x4': 0x5f,
  'f64x2.sqrt': 0xef, 'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3,
} as const;
export type SimdOp = keyof typeof SIMD;

/** 0xfd-prefixed SIMD memory instructions: opcode and natural alignment (log2 bytes). */
export const SIMD_MEMORY = {
  'v128.load': [0x00, 4], 'v128.load32_splat': [0x09, 2], 'v128.store': [0x0b, 4],
  'v128.load32_zero': [0x5c, 2], 'v128.load64_zero': [0x5d, 3],
} as const;
export type SimdMemoryOp = keyof typeof SIMD_MEMORY;

/** 0xfd-prefixed stores of one lane: opcode, natural alignment (log2 bytes) and lane count. */
export const SIMD_MEMORY_LANE = {
  'v128.store32_lane': [0x5a, 2, 4], 'v128.store64_lane': [0x5b, 3, 2],
} as const;
export type SimdMemoryLaneOp = keyof typeof SIMD_MEMORY_LANE;

/** 0xfd-prefixed lane instructions: opcode and lane count (the immediate must be below it). */
export const SIMD_LANE = {
  'i32x4.extract_lane': [0x1b, 4], 'f32x4.extract_lane': [0x1f, 4], 'f32x4.replace_lane': [0x20, 4],
  'f64x2.extract_lane': [0x21, 2], 'f64x2.replace_lane': [0x22, 2],
} as const;
export type SimdLaneOp = keyof typeof SIMD_LANE;

export const SIMD_PREFIX = 0xfd;
