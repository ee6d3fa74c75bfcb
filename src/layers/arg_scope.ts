import { InvalidArgumentError } from '../../graph/ir/index.js';

/** Any layer function; only its identity matters here. */
export type LayerFunction = (...args: never[]) => unknown;

export type ArgScopeDefaults = Readonly<Record<string, unknown>>;

/** Functions that read arg scopes (TF-Slim's @add_arg_scope); argScope refuses others, as Slim does. */
const scoped = new Set<LayerFunction>();
/** Innermost last: each entry gives defaults per function. */
const stack: Map<LayerFunction, ArgScopeDefaults>[] = [];

/** Marks `fn` as taking defaults from argScope (TF-Slim's add_arg_scope) and returns it. */
export function addArgScope<F extends LayerFunction>(fn: F): F {
  scoped.add(fn);
  return fn;
}

/**
 * TF-Slim's arg_scope: inside `body`, calls of each function in `fns` take `defaults` for options
 * they do not set themselves; nested scopes override outer ones key by key.
 */
export function argScope<T>(fns: readonly LayerFunction[], defaults: ArgScopeDefaults, body: () => T): T {
  const top = new Map(stack[stack.length - 1] ?? []);
  for (const fn of fns) {
    if (!scoped.has(fn)) throw new InvalidArgumentError(`argScope: ${fn.name || 'the function'} does not take arg scope defaults (only functions marked with addArgScope do)`);
    top.set(fn, { ...(top.get(fn) ?? {}), ...defaults });
  }
  stack.push(top);
  try {
    return body();
  } finally {
    stack.pop();
  }
}

/** `options` with the current arg scope's defaults for `fn` filled in under them. */
export function withArgScope<O extends object>(fn: LayerFunction, options: O): O {
  const defaults = stack[stack.length - 1]?.get(fn);
  return defaults ? ({ ...defaults, ...options } as O) : options;
}
