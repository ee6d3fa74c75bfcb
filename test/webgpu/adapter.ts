import { findGpu } from '../../runtime/webgpu/device.js';

let probe: Promise<string | null> | null = null;

/**
 * Why WebGPU tests cannot run here (null when an adapter exists). In CI (env CI=true) a missing
 * adapter is a failure, not a skip: `.ci/run` installs Mesa's lavapipe so that one always exists.
 */
export function adapterMissing(): Promise<string | null> {
  probe ??= (async () => {
    const gpu = await findGpu();
    if (!gpu) return 'no navigator.gpu and the optional "webgpu" package is not loadable';
    const adapter = await gpu.requestAdapter();
    return adapter ? null : 'requestAdapter() found no adapter (install mesa-vulkan-drivers from bookworm-backports for lavapipe)';
  })();
  return probe;
}

/** Call in a `before` hook: skips the suite with one line, or fails it in CI. */
export async function requireAdapter(ctx: Mocha.Context): Promise<void> {
  const why = await adapterMissing();
  if (why === null) return;
  if (process.env.CI === 'true') throw new Error(`WebGPU tests must run in CI, but ${why}`);
  console.log(`    (WebGPU tests skipped: ${why})`);
  ctx.skip();
}
