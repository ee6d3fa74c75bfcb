import type { NDArray } from '../graph/ir/index.js';

/**
 * Makes what a run returns the caller's own, as TF does: a fetched value that shares a buffer with
 * something the session keeps (a variable, a constant held by the plan) or with another fetch of
 * the same run is copied; every other fetch is a fresh kernel output and is handed over as is, so
 * the common case (a loss, a prediction) costs no copy. Values inside the session are never
 * written in place (variables are replaced, the memory planner only reuses buffers it owns), so
 * identity of the underlying storage (`NDArray.storage`) is exactly what "aliases" means here.
 */
export function detachFetches(
  fetched: readonly NDArray[],
  held: ReadonlySet<object>,
  variables: Iterable<NDArray>,
): NDArray[] {
  let kept: Set<object> | null = null;
  const isKept = (b: object): boolean => {
    if (held.has(b)) return true;
    kept ??= new Set([...variables].map((v) => v.storage));
    return kept.has(b);
  };
  const handed = new Set<object>();
  return fetched.map((v) => {
    const b = v.storage;
    if (handed.has(b) || isKept(b)) return v.clone();
    handed.add(b);
    return v;
  });
}
