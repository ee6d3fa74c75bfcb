import { requireAdapter } from '../webgpu/adapter.js';

/** The session backends the TF1-semantics tests run on. */
export type TestBackend = 'cpu' | 'webgpu';

export const TEST_BACKENDS: readonly TestBackend[] = ['cpu', 'webgpu'];

/**
 * Declares the suites `body` builds once per backend, titled `[cpu]` and `[webgpu]`. The WebGPU
 * copy runs only where an adapter exists: elsewhere its suites skip with one line and count as
 * skipped, and in CI (CI=true) a missing adapter fails them (test/webgpu/adapter.ts). Tests that
 * hold only on one backend are declared inside `body` under `if (backend === ...)`, with the reason.
 */
export function describeEachBackend(title: string, body: (backend: TestBackend) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      if (backend === 'webgpu') {
        before(async function () {
          await requireAdapter(this);
        });
      }
      body(backend);
    });
  }
}
