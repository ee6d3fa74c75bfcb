import type { AcquiredDevice } from './device.js';
import { acquireDevice } from './device.js';

/**
 * The process's WebGPU device for the sessions that ask for `backend: 'webgpu'`, shared as a TF
 * process shares its GPU among sessions. A device per session was costly on every adapter (Dawn
 * and lavapipe start threads and pools per device) and, with a hundred sessions alive in one
 * test process, lavapipe crashed allocating descriptor pools. Each session's backend keeps its
 * own buffers, pipelines and variables; closing it destroys those and releases its share; the
 * last release destroys the device. A lost device is dropped, and the next acquire makes anew.
 */
interface Shared {
  readonly acquired: Promise<AcquiredDevice>;
  users: number;
  lost: boolean;
}

let shared: Shared | null = null;

export async function acquireSharedDevice(): Promise<AcquiredDevice> {
  if (!shared || shared.lost) {
    const entry: Shared = { acquired: acquireDevice(), users: 0, lost: false };
    shared = entry;
    entry.acquired.then(
      (a) =>
        void a.device.lost.then(() => {
          entry.lost = true;
          if (shared === entry) shared = null;
        }),
      () => {
        if (shared === entry) shared = null;
      },
    );
  }
  const entry = shared;
  entry.users++;
  let acquired: AcquiredDevice;
  try {
    acquired = await entry.acquired;
  } catch (e) {
    entry.users--;
    throw e;
  }
  let released = false;
  return {
    ...acquired,
    release: () => {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0 && !entry.lost) {
        if (shared === entry) shared = null;
        acquired.device.destroy();
      }
    },
  };
}

/** How many backends hold the shared device now (tests). */
export function sharedDeviceUsers(): number {
  return shared && !shared.lost ? shared.users : 0;
}
