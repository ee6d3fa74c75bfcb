import { InvalidArgumentError, UnimplementedError } from '../graph/ir/index.js';
import type { Backend } from '../runtime/backend.js';
import { CpuBackend } from '../runtime/cpu/cpu_backend.js';
import { NullBackend } from '../runtime/null/null_backend.js';
import type { DeviceSet } from '../runtime/placement.js';

/** The devices a session runs on: its backend first, then the host CPU unless the backend is it. */
export function sessionDevices(choice: 'cpu' | 'webgpu' | 'null' | Backend): DeviceSet {
  if (choice === 'webgpu') throw new UnimplementedError('The WebGPU backend is not available yet; use backend: "cpu".');
  let backend: Backend;
  if (choice === 'cpu') backend = new CpuBackend();
  else if (choice === 'null') backend = new NullBackend();
  else if (typeof choice === 'object' && choice !== null && typeof choice.dispatch === 'function') backend = choice;
  else throw new InvalidArgumentError(`Unknown backend '${String(choice)}': expected 'cpu', 'null' or 'webgpu'`);
  if (backend.deviceType === 'CPU' && backend.hostResident) return { backends: [backend], host: 0 };
  return { backends: [backend, new CpuBackend()], host: 1 };
}
