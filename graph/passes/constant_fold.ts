import { NDArray, sizeOf } from '../ir/index.js';
import { getOpDef } from '../../ops/registry.js';
import type { Pass } from './pass.js';
import { constValue, makeNode, ProgramNode, ProgramValue, rebuild } from './program.js';

/** Types never folded even when their inputs are constant: leaves and feedable defaults. */
/**
 * Kernels that compute one node from constant inputs at compile time: given by the runtime (the
 * compiler itself touches no backend), null when the node cannot be evaluated.
 */
export type ConstEvaluator = (node: ProgramNode, inputs: readonly NDArray[]) => NDArray[] | null;

const NEVER: ReadonlySet<string> = new Set(['Const', 'Placeholder', 'PlaceholderWithDefault', '_Feed', 'VariableV2', 'Variable', 'NoOp']);

/**
 * Constant folding: a stateless node whose inputs are all Consts is run once at compile time (on
 * the CPU kernels) and replaced by Consts, unless a result is larger than the size limit. Stateful
 * ops (variables, assignments, random ops), placeholders and nodes with control inputs (or Const
 * inputs that have them) are left alone; a node whose kernel fails is left to fail at run time with its usual error. The pass
 * checks its time budget before each fold and stops there, saying so.
 */
export const constantFoldPass: Pass = {
  name: 'constant-fold',
  run(program, ctx) {
    if (!ctx.evaluate) return { program, notes: ['no kernel evaluator given: nothing folded'] };
    const replace = new Map<ProgramValue, ProgramValue>();
    const drop = new Set<ProgramNode>();
    const insertBefore = new Map<ProgramNode, ProgramNode[]>();
    const folded = new Map<ProgramValue, NDArray>();
    const notes: string[] = [];
    let stoppedAtBudget = false;
    let tooLarge = 0;
    // A Const with a control input runs only when that input did: a cond branch's or a loop
    // body's constants hang on its pivot. Folding through it would drop that edge and make the
    // result live everywhere (it would then win a Merge), so such a Const is no constant here.
    const valueOf = (v: ProgramValue): NDArray | null => folded.get(v) ?? (v.node.controlInputs.length === 0 ? constValue(v) : null);
    for (const n of program.nodes) {
      if (NEVER.has(n.type) || n.def.stateful || n.def.refInputs?.length || n.controlInputs.length > 0 || n.outputs.length === 0) continue;
      const inputs = n.inputs.map(valueOf);
      if (inputs.some((x) => x === null)) continue;
      if (performance.now() > ctx.deadline) {
        stoppedAtBudget = true;
        break;
      }
      const values = ctx.evaluate(n, inputs as NDArray[]);
      if (!values) continue;
      if (values.some((v) => sizeOf(v.shape) > ctx.foldSizeLimit)) {
        tooLarge++;
        continue;
      }
      const consts = values.map((value, i) =>
        makeNode(ctx.ids, {
          name: values.length === 1 ? `${n.name}/folded` : `${n.name}/folded_${i}`,
          type: 'Const',
          def: getOpDef('Const'),
          attrs: { value, dtype: value.dtype },
          inputs: [],
          outputs: [{ dtype: value.dtype, shape: [...value.shape] }],
          origin: n.origin,
          traceback: n.traceback,
        }),
      );
      n.outputs.forEach((o, i) => {
        replace.set(o, consts[i].outputs[0]);
        folded.set(o, values[i]);
      });
      drop.add(n);
      insertBefore.set(n, consts);
    }
    if (tooLarge > 0) notes.push(`${tooLarge} left unfolded: result over ${ctx.foldSizeLimit} elements`);
    if (stoppedAtBudget) notes.push('stopped at its time budget');
    if (drop.size === 0) return { program, notes, stoppedAtBudget };
    return { program: rebuild(program, ctx.ids, { replace, drop, insertBefore }), rewritten: drop.size, notes, stoppedAtBudget };
  },
};

