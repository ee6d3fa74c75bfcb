/*
 * tg.testing: the random-graph generator and differential harness the compiler's own tests use,
 * for pass authors (checkPass) and tools.
 */
export { checkPass, formatCheckPassReport } from './check_pass.js';
export type { CheckPassOptions, CheckPassReport, Disagreement } from './check_pass.js';
export type { Reproducer } from './shrink.js';
export type { ModelInput } from './model_case.js';
export { randomGraph, rng } from './random_graph.js';
export { OP_FAMILIES } from './random_graph_steps.js';
export type { OpFamily } from './random_graph_steps.js';
export type { RandomGraph, RandomGraphOptions } from './random_graph.js';
export { runGraph, compareOutcomes, reproducer, REFERENCE, DEFAULT } from './differential.js';
export type { Outcome, PipelineConfig, Tolerance } from './differential.js';
