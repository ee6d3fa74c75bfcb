import { InvalidArgumentError } from '../graph/ir/index.js';
import type { Backend } from '../runtime/backend.js';
import { CpuBackend } from '../runtime/cpu/cpu_backend.js';
import { resolveThreads } from '../runtime/cpu/wasm/threads.js';
import { NullBackend } from '../runtime/null/null_backend.js';
import { WebGpuBackend } from '../runtime/webgpu/webgpu_backend.js';
import { acquireSharedDevice } from '../runtime/webgpu/shared_device.js';
import type { DeviceSet } from '../runtime/placement.js';

/**
 * The devices a session runs on: its backend first, then the host CPU unless the backend is it.
 * `threads` reaches every CPU backend made here (the session's own or the host beside WebGPU).
 */
export function sessionDevices(choice: 'cpu' | 'webgpu' | 'null' | Backend, threads?: number): DeviceSet {
  let backend: Backend;
  const isInstance = typeof choice === 'object' && choice !== null;
  if (threads !== undefined && isInstance) {
    throw new InvalidArgumentError(`Session option threads (${String(threads)}) applies to the backends a session makes; pass it to the backend's constructor instead (new tg.CpuBackend({ threads }))`);
  }
  // checked here too, so a bad value fails even where no CPU backend is made ('null')
  if (threads !== undefined) resolveThreads(threads, 'Session');
  const cpu = (): CpuBackend => new CpuBackend({ threads });
  // the WebGPU device is acquired on the first run (Backend.prepare): the constructor stays
  // synchronous; sessions share the process's device (runtime/webgpu/shared_device.ts)
  if (choice === 'webgpu') backend = new WebGpuBackend({ acquire: acquireSharedDevice });
  else if (choice === 'cpu') backend = cpu();
  else if (choice === 'null') backend = new NullBackend();
  else if (typeof choice === 'object' && choice !== null && typeof choice.dispatch === 'function') backend = choice;
  else throw new InvalidArgumentError(`Unknown backend '${String(choice)}': expected 'cpu', 'null' or 'webgpu'`);
  if (backend.deviceType === 'CPU' && backend.hostResident) return { backends: [backend], host: 0 };
  return { backends: [backend, cpu()], host: 1 };
}
