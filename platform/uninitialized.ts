/** Node's Buffer, where the platform has it (a global there; absent in browsers). */
interface BufferLike {
  allocUnsafeSlow(size: number): Uint8Array;
}

/**
 * A Float32Array of `length` elements with undefined contents, for a caller that writes every
 * element before anything reads one (a kernel's fresh output). Where Node's Buffer exists it comes
 * from `allocUnsafeSlow`, i.e. from malloc, which hands back memory freed by earlier arrays; a zeroed
 * ArrayBuffer of megabytes is instead fresh from mmap, and the first write into each of its pages
 * takes a page fault (a tenth of a millisecond per 4 MB here). Elsewhere, a plain zeroed array. The
 * array always owns its whole ArrayBuffer, like `new Float32Array(length)`.
 */
export function uninitializedFloat32(length: number): Float32Array {
  const B = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (typeof B?.allocUnsafeSlow === 'function') {
    const bytes = B.allocUnsafeSlow(length * 4);
    if (bytes.byteOffset === 0 && bytes.buffer.byteLength === length * 4) return new Float32Array(bytes.buffer, 0, length);
  }
  return new Float32Array(length);
}
