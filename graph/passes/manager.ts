import { InvalidArgumentError } from '../ir/index.js';
import { ANY_TARGET, CompileTarget, FusedRegion, Pass, PassContext } from './pass.js';
import { PIPELINE, Stage } from './pipeline.js';
import { IdSource, Program } from './program.js';
import { verifyProgram } from './verify_program.js';

export interface OptimizerOptions {
  /** Pass names to skip; 'all' skips every pass (and memory planning). */
  readonly disable?: readonly string[];
  /** Run only these passes (names from the pipeline, and 'memory'). */
  readonly only?: readonly string[];
  /** Extra passes, run after the built-in pipeline. */
  readonly passes?: readonly Pass[];
  /** Rounds a fixed-point stage may take before the manager stops it (default 4). */
  readonly maxIterations?: number;
  /** Milliseconds each pass run may take before it must stop (default 250). */
  readonly passBudgetMs?: number;
  /** Largest folded constant, in elements (default 65536). */
  readonly foldSizeLimit?: number;
  /** Verify the IR after every pass (tests and debug mode). */
  readonly verify?: boolean;
  /** Compile-time kernel evaluation for constant folding (the session passes the CPU one). */
  readonly evaluate?: PassContext['evaluate'];
  /** The backend compiled for (the session passes its default device's); default: any. */
  readonly target?: CompileTarget;
}

export interface PassReport {
  readonly pass: string;
  readonly iteration: number;
  readonly millis: number;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  readonly removed: number;
  readonly added: number;
  readonly rewritten: number;
  readonly fused: readonly FusedRegion[];
  readonly stoppedAtBudget: boolean;
  readonly notes: readonly string[];
}

/** What the compiler did to one program, printable as a table. */
export class OptimizeReport {
  readonly passes: PassReport[] = [];
  /** Filled by the plan: memory planning's effect on the peak of live intermediate values. */
  memory: { peakBytes: number; unplannedPeakBytes: number; noLivenessPeakBytes: number; reusedBuffers: number; inPlaceSteps: number } | null = null;

  get totalMillis(): number {
    return this.passes.reduce((s, p) => s + p.millis, 0);
  }

  /** Every fused region, in the order passes made them. */
  get fused(): FusedRegion[] {
    return this.passes.flatMap((p) => p.fused);
  }

  toString(): string {
    const head = ['pass', 'iter', 'ms', 'before', 'after', 'removed', 'added', 'rewritten', 'notes'];
    const rows = this.passes.map((p) => [
      p.pass,
      String(p.iteration),
      p.millis.toFixed(2),
      String(p.nodesBefore),
      String(p.nodesAfter),
      String(p.removed),
      String(p.added),
      String(p.rewritten),
      [p.stoppedAtBudget ? 'stopped at budget' : '', ...p.notes, p.fused.length ? `${p.fused.length} fused` : ''].filter(Boolean).join('; '),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
    const fused = this.fused;
    if (fused.length > 0) {
      out.push('', 'fused regions:');
      for (const f of fused) out.push(`  ${f.kind} ${f.node}: ${f.ops.join(' → ')}`);
    }
    if (this.memory) {
      const m = this.memory;
      out.push('', `memory: peak ${m.peakBytes} bytes (no reuse or in-place: ${m.unplannedPeakBytes}; no liveness either: ${m.noLivenessPeakBytes}), ${m.reusedBuffers} buffers reused, ${m.inPlaceSteps} steps in place`);
    }
    return out.join('\n');
  }
}

/** Names a user may pass to `disable`/`only`: the pipeline's passes and the memory planner. */
export function knownPassNames(extra: readonly Pass[] = []): string[] {
  return [...PIPELINE.flatMap((s) => s.passes.map((p) => p.name)), 'memory', ...extra.map((p) => p.name)];
}

export function passEnabled(name: string, options: OptimizerOptions): boolean {
  if (options.disable?.includes('all') || options.disable?.includes(name)) return false;
  if (options.only) return options.only.includes(name);
  return true;
}

/** Runs the pipeline (then any custom passes) over a program. */
export function optimizeProgram(program: Program, options: OptimizerOptions = {}): { program: Program; report: OptimizeReport } {
  const known = knownPassNames(options.passes);
  for (const n of [...(options.disable ?? []), ...(options.only ?? [])]) {
    if (n !== 'all' && !known.includes(n)) throw new InvalidArgumentError(`Unknown optimizer pass '${n}'; known passes: ${known.join(', ')}`);
  }
  const report = new OptimizeReport();
  const ids = IdSource.after(program);
  const maxIterations = options.maxIterations ?? 4;
  const stages: Stage[] = [...PIPELINE, ...(options.passes?.length ? [{ name: 'custom', passes: options.passes, fixedPoint: false }] : [])];
  if (options.verify) verifyProgram(program);
  let current = program;
  for (const stage of stages) {
    const passes = stage.passes.filter((p) => passEnabled(p.name, options));
    for (let iteration = 1; iteration <= (stage.fixedPoint ? maxIterations : 1); iteration++) {
      let changed = false;
      for (const pass of passes) {
        const before = current;
        const t0 = performance.now();
        const ctx: PassContext = { ids, deadline: t0 + (options.passBudgetMs ?? 250), foldSizeLimit: options.foldSizeLimit ?? 65536, evaluate: options.evaluate, target: options.target ?? ANY_TARGET };
        const result = pass.run(before, ctx);
        const millis = performance.now() - t0;
        current = result.program;
        if (options.verify) verifyProgram(current, pass.name);
        const beforeIds = new Set(before.nodes.map((n) => n.id));
        const afterIds = new Set(current.nodes.map((n) => n.id));
        const removed = before.nodes.filter((n) => !afterIds.has(n.id)).length;
        const added = current.nodes.filter((n) => !beforeIds.has(n.id)).length;
        if (current !== before) changed = true;
        report.passes.push({
          pass: pass.name,
          iteration,
          millis,
          nodesBefore: before.nodes.length,
          nodesAfter: current.nodes.length,
          removed,
          added,
          rewritten: result.rewritten ?? 0,
          fused: result.fused ?? [],
          stoppedAtBudget: result.stoppedAtBudget ?? false,
          notes: result.notes ?? [],
        });
      }
      if (!changed) break;
      if (stage.fixedPoint && iteration === maxIterations) {
        report.passes[report.passes.length - 1] = {
          ...report.passes[report.passes.length - 1],
          notes: [...report.passes[report.passes.length - 1].notes, `stage '${stage.name}' hit the iteration limit (${maxIterations})`],
        };
      }
    }
  }
  return { program: current, report };
}
