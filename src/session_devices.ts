import { InvalidArgumentError } from '../graph/ir/index.js';
import type { Backend } from '../runtime/backend.js';
import { CpuBackend } from '../runtime/cpu/cpu_backend.js';
import { NullBackend } from '../runtime/null/null_backend.js';
import { WebGpuBackend } from '../runtime/webgpu/webgpu_backend.js';
import { acquireSharedDevice } from '../runtime/webgpu/shared_device.js';
import type { DeviceSet } from '../runtime/placement.js';

/** The devices a session runs on: its backend first, then the host CPU unless the backend is it. */
export function sessionDevices(choice: 'cpu' | 'webgpu' | 'null' | Backend): DeviceSet {
  let backend: Backend;
  // the WebGPU device is acquired on the first run (Backend.prepare): the constructor stays
  // synchronous; sessions share the process's device (runtime/webgpu/shared_device.ts)
  if (choice === 'webgpu') backend = new WebGpuBackend({ acquire: acquireSharedDevice });
  else if (choice === 'cpu') backend = new CpuBackend();
  else if (choice === 'null') backend = new NullBackend();
  else if (typeof choice === 'object' && choice !== null && typeof choice.dispatch === 'function') backend = choice;
  else throw new InvalidArgumentError(`Unknown backend '${String(choice)}': expected 'cpu', 'null' or 'webgpu'`);
  if (backend.deviceType === 'CPU' && backend.hostResident) return { backends: [backend], host: 0 };
  return { backends: [backend, new CpuBackend()], host: 1 };
}
