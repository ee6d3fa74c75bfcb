import { expect } from 'chai';
import { threadedRunCount, withKernelThreads } from '../../runtime/cpu/wasm/threads.js';
import { float32Bits } from './float32_ulps.js';

/**
 * Runs a wasm kernel call on 1, 2 and 3 threads and checks the bits agree; `mustSplit` (default
 * true): with 2 and 3 threads the call really split (a problem with one piece cannot). Callers
 * lower the split threshold first (setMinWorkPerThreadForTests) so small shapes split.
 */
export function sameOnEveryThreadCount(what: string, f: () => Float32Array, mustSplit = true): void {
  const one = withKernelThreads(1, f);
  for (const t of [2, 3]) {
    const before = threadedRunCount();
    const many = withKernelThreads(t, f);
    if (mustSplit) expect(threadedRunCount(), `${what}: ${t} threads split nothing`).to.be.greaterThan(before);
    expect(float32Bits(many), `${what}: ${t} threads`).to.deep.equal(float32Bits(one));
  }
}
