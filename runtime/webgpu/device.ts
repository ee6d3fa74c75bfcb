import type { Gpu, GpuAdapter, GpuDevice } from './gpu_globals.js';
import { ResourceExhaustedError, UnavailableError } from '../../graph/ir/index.js';

/** What the kernels of this backend need from an adapter, checked before a device is made. */
export const REQUIRED_LIMITS = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 16384,
} as const;

/** Fails with a ResourceExhaustedError naming the first limit below what the kernels need. */
export function checkAdapterLimits(limits: { readonly [K in keyof typeof REQUIRED_LIMITS]: number }): void {
  for (const [name, need] of Object.entries(REQUIRED_LIMITS)) {
    const have = limits[name as keyof typeof REQUIRED_LIMITS];
    if (!(have >= need)) throw new ResourceExhaustedError(`WebGPU adapter limit ${name} is ${have}; the tensorgraph kernels need at least ${need}`);
  }
}

export interface AcquiredDevice {
  /** Held for the device's lifetime: Dawn for Node frees its instance when this is collected. */
  readonly gpu: Gpu;
  readonly device: GpuDevice;
  /** The adapter's own description (vendor, architecture, device), for messages and bench notes. */
  readonly description: string;
  readonly maxBufferSize: number;
  readonly maxStorageBindingSize: number;
  readonly maxWorkgroupsPerDimension: number;
  /**
   * Gives the device back instead of destroying it, where it is shared (shared_device.ts); absent
   * for a device of one backend's own, which its close destroys.
   */
  readonly release?: () => void;
}

/**
 * The `GPU` object: the browser's `navigator.gpu` when there is one, else (in Node only) the
 * `webgpu` package (Dawn), loaded by a dynamic import whose specifier is not a literal so that
 * browser bundlers never follow it. Null where neither exists.
 */
export async function findGpu(): Promise<Gpu | null> {
  const g = globalThis as { navigator?: { gpu?: Gpu }; process?: { versions?: { node?: string } } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  if (!g.process?.versions?.node) return null;
  nodeGpu ??= loadNodeGpu();
  return nodeGpu;
}

/**
 * The one Dawn instance of this process, made on first use and never dropped, as a page has one
 * `navigator.gpu`: every device comes from it (an instance per device cost a Vulkan instance each).
 */
let nodeGpu: Promise<Gpu | null> | null = null;

async function loadNodeGpu(): Promise<Gpu | null> {
  const specifier = ['web', 'gpu'].join('');
  let mod: { create?: (flags: string[]) => Gpu; globals?: object };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch {
    return null;
  }
  if (typeof mod.create !== 'function') return null;
  // the usage-flag constants (GPUBufferUsage, GPUShaderStage, GPUMapMode) are globals in browsers
  if (mod.globals) for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) Object.assign(globalThis, { [k]: v });
  return mod.create([]);
}

/**
 * An adapter and a device whose limits the kernels fit in. Fails with UnavailableError when no
 * adapter exists (no WebGPU in this browser, no Vulkan driver for Dawn), and with
 * ResourceExhaustedError naming the limit when the adapter is too small.
 */
export async function acquireDevice(): Promise<AcquiredDevice> {
  const gpu = await findGpu();
  if (!gpu) throw new UnavailableError('WebGPU is not available: no navigator.gpu, and the optional npm package "webgpu" could not be loaded (Node)');
  const adapter: GpuAdapter | null = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new UnavailableError('WebGPU: requestAdapter() found no adapter (no GPU, or no Vulkan/Metal/D3D12 driver such as Mesa lavapipe)');
  const lim = adapter.limits;
  checkAdapterLimits(lim);
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: lim.maxBufferSize,
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => typeof s === 'string' && s.length > 0).join(' ') || 'unknown adapter';
  return {
    gpu,
    device,
    description,
    maxBufferSize: device.limits.maxBufferSize,
    maxStorageBindingSize: device.limits.maxStorageBufferBindingSize,
    maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
  };
}
