import type { GpuBufferHandle, GpuDevice } from './gpu_globals.js';
import { ResourceExhaustedError } from '../../graph/ir/index.js';

/** How many buffers and bytes the device holds (pooled ones included): what the leak test reads. */
export interface LiveBuffers {
  readonly count: number;
  readonly bytes: number;
}

const MIN_BYTES = 256;

/** The size class of a request: a power of two from 256 bytes, so freed buffers fit later requests. */
export function sizeClass(bytes: number): number {
  let c = MIN_BYTES;
  while (c < bytes) c *= 2;
  return c;
}

/**
 * Storage buffers by size class. `acquire` reuses a free buffer of the class or creates one;
 * `release` returns it for reuse. Free buffers over `keepBytes` are destroyed, oldest class
 * first, so a run with one huge temporary does not pin that memory forever.
 */
export class BufferPool {
  private readonly free = new Map<number, GpuBufferHandle[]>();
  private freeBytes = 0;
  /** Buffers to destroy once the commands recorded so far are submitted. */
  private readonly doomed: GpuBufferHandle[] = [];
  private liveCount = 0;
  private liveBytes = 0;

  constructor(
    private readonly device: GpuDevice,
    private readonly maxBufferSize: number,
    private readonly keepBytes = 1 << 30,
  ) {}

  acquire(bytes: number, what: string): GpuBufferHandle {
    const size = sizeClass(bytes);
    if (size > this.maxBufferSize && bytes <= this.maxBufferSize) return this.create(bytes, what);
    const list = this.free.get(size);
    const b = list?.pop();
    if (b) {
      this.freeBytes -= size;
      return b;
    }
    return this.create(size, what);
  }

  /**
   * Returns a buffer for reuse, or destroys it when the pool already keeps `keepBytes`. `recorded`:
   * a command recorded but not yet submitted may still use the buffer, so it is not destroyed now
   * (a submit would then fail validation) but after the next submit (`afterSubmit`). Reuse needs no
   * such wait: commands run in recording order, and uploads submit what is recorded first.
   */
  release(b: GpuBufferHandle, recorded = false): void {
    const size = b.size;
    if (this.freeBytes + size > this.keepBytes) {
      if (recorded) this.doomed.push(b);
      else this.destroy(b);
      return;
    }
    const list = this.free.get(size);
    if (list) list.push(b);
    else this.free.set(size, [b]);
    this.freeBytes += size;
  }

  /** What was recorded is submitted: the buffers released meanwhile over `keepBytes` go now. */
  afterSubmit(): void {
    for (const b of this.doomed) this.destroy(b);
    this.doomed.length = 0;
  }

  /** Destroys every pooled buffer (device loss, session close). Buffers in use stay counted. */
  trim(): void {
    this.afterSubmit();
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
    this.freeBytes = 0;
  }

  get live(): LiveBuffers {
    return { count: this.liveCount, bytes: this.liveBytes };
  }

  /** Forgets every buffer: the device they lived on is gone. */
  reset(): void {
    this.free.clear();
    this.doomed.length = 0;
    this.freeBytes = 0;
    this.liveCount = 0;
    this.liveBytes = 0;
  }

  private create(size: number, what: string): GpuBufferHandle {
    if (size > this.maxBufferSize) {
      throw new ResourceExhaustedError(`WebGPU: ${what} needs a buffer of ${size} bytes; the device's maxBufferSize is ${this.maxBufferSize}`);
    }
    const b = this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.liveCount++;
    this.liveBytes += size;
    return b;
  }

  private destroy(b: GpuBufferHandle): void {
    this.liveCount--;
    this.liveBytes -= b.size;
    b.destroy();
  }
}
