/**
 * How a gemm launch is tiled. Each thread computes `rows` rows × `cols` consecutive columns of C
 * (cols 4 or 8: one or two vec4 accumulators per row), `tx` × `ty` threads make a workgroup, so a
 * workgroup computes a (ty·rows) × (tx·cols) tile of C, stepping K by `tk` through workgroup-memory
 * panels of A and B.
 */
export interface GemmConfig {
  readonly name: string;
  readonly rows: number;
  readonly cols: 4 | 8;
  readonly tx: number;
  readonly ty: number;
  readonly tk: number;
}

/**
 * The tile shapes the backend chooses from. Workgroup memory stays within the 16 KiB every adapter
 * offers (xlarge: 128×16 + 16×128 floats = 16 KiB) and threads within 256.
 */
export const GEMM_CONFIGS = {
  /** 32×32 tiles of 64 threads: many workgroups for small products (a batch of 17×3 matrices). */
  small: { name: 'small', rows: 4, cols: 4, tx: 8, ty: 8, tk: 16 },
  /** 64×64 tiles of 256 threads, 4×4 per thread. */
  medium: { name: 'medium', rows: 4, cols: 4, tx: 16, ty: 16, tk: 16 },
  /** 128×64 tiles of 256 threads, 8×4 per thread: more reuse of each panel load. */
  large: { name: 'large', rows: 8, cols: 4, tx: 16, ty: 16, tk: 16 },
  /** 128×128 tiles of 256 threads, 8×8 per thread: the most arithmetic per load, for big products. */
  xlarge: { name: 'xlarge', rows: 8, cols: 8, tx: 16, ty: 16, tk: 16 },
} as const satisfies Record<string, GemmConfig>;

export type GemmConfigName = keyof typeof GEMM_CONFIGS;

/** Tile counts below which a product cannot keep a GPU's compute units busy with bigger tiles. */
const MEDIUM_MIN_TILES = 16;
const LARGE_MIN_TILES = 128;

let pinned: GemmConfig | null = null;

/**
 * The config for an m×n×k product over `batch` matrices: the largest tile that still gives enough
 * workgroups to fill the device. A fixed table, not a measured one (see docs/runtime.md, "The gemm").
 */
export function gemmConfigFor(m: number, n: number, batch: number): GemmConfig {
  if (pinned) return pinned;
  const tiles = (c: GemmConfig): number => Math.ceil(m / (c.ty * c.rows)) * Math.ceil(n / (c.tx * c.cols)) * batch;
  if (tiles(GEMM_CONFIGS.xlarge) >= LARGE_MIN_TILES) return GEMM_CONFIGS.xlarge;
  if (tiles(GEMM_CONFIGS.large) >= LARGE_MIN_TILES) return GEMM_CONFIGS.large;
  if (tiles(GEMM_CONFIGS.medium) >= MEDIUM_MIN_TILES) return GEMM_CONFIGS.medium;
  return GEMM_CONFIGS.small;
}

/**
 * Pins every gemm to one config (null: back to the table). For benchmarks and tests that compare
 * configs on the same device; a session never calls it.
 */
export function pinGemmConfig(c: GemmConfig | null): void {
  pinned = c;
}
