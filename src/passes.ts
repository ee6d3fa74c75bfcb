/*
 * tg.passes: what a pass author needs to build one without deep imports. A pass is
 * `{ name, run(program, ctx) => ({ program, ... }) }`; nodes are made with makeNode, programs are
 * rebuilt with rebuild (replace values, drop nodes, insert new ones), local rewrites go in a rule
 * table through rewritePass. See docs/writing-a-pass.md.
 */
export { makeNode, rebuild, usesOf, constValue, IdSource } from '../graph/passes/program.js';
export type { NewNode, Uses, ProgramFeed } from '../graph/passes/program.js';
export { rewritePass, constNode } from '../graph/passes/simplify.js';
export type { Rewrite, RewriteEnv } from '../graph/passes/simplify.js';
export { PIPELINE } from '../graph/passes/pipeline.js';
export type { Stage } from '../graph/passes/pipeline.js';
export { knownPassNames, optimizeProgram } from '../graph/passes/manager.js';
export type { PassInstrument } from '../graph/passes/manager.js';
export { formatProgram, formatNode } from '../graph/passes/print_program.js';
export { verifyProgram } from '../graph/passes/verify_program.js';
export { getOpDef } from '../ops/registry.js';
export type { OpDef } from '../ops/op_def.js';
