import { InvalidArgumentError } from '../../graph/ir/index.js';
import type { ProgramNode } from '../../graph/passes/program.js';
import type { PlanStep } from '../plan.js';

/**
 * Where each step of a plan with control flow runs: TF's execution frames, worked out once per
 * plan. The root frame is the run itself; every distinct `frame_name` of an Enter (under its
 * parent frame) is a loop frame, whose steps run once per iteration. A step's frame is the
 * deepest frame among its inputs' and control inputs' frames (they must lie on one chain: an op
 * may read values of enclosing frames, as TF's constant Enters make them visible); an Enter opens
 * its frame and an Exit's output belongs to the parent.
 */
export interface Frame {
  /** '' for the root; a loop frame's names from the root, joined by '/'. */
  readonly key: string;
  /** The Enters' frame_name ('' for the root). */
  readonly name: string;
  readonly parent: Frame | null;
  readonly depth: number;
  /** TF's parallel_iterations of the Enters (accepted; iterations run one after another). */
  parallelIterations: number;
  /** One iteration's work in run order: steps of this frame and child loops, each run as a unit. */
  items: FrameItem[];
  /** Enter steps: they read the parent scope and seed every iteration. */
  readonly enters: number[];
  /** Exit steps: their last live value goes to the parent scope when the loop ends. */
  readonly exits: number[];
}

export type FrameItem = { readonly kind: 'step'; readonly step: number } | { readonly kind: 'frame'; readonly frame: Frame };

export interface ControlFlowPlan {
  readonly root: Frame;
  /** The frame each step runs in. */
  readonly frameOf: readonly Frame[];
  /** For each loop Merge step, the NextIteration steps feeding it (the back edges). */
  readonly backEdges: ReadonlyMap<number, readonly number[]>;
  /** For each NextIteration step, the Merge steps it feeds. */
  readonly mergesFed: ReadonlyMap<number, readonly number[]>;
  /** The step producing each slot (-1: a feed, or a slot filled by a copy: see copySource). */
  readonly producer: readonly number[];
  /** Control inputs of each step, as step indices (inputs that are not steps left out). */
  readonly controlSteps: readonly (readonly number[])[];
}

const ENTER = new Set(['Enter', 'RefEnter']);
const EXIT = new Set(['Exit', 'RefExit']);

export function analyzeFrames(steps: readonly PlanStep[], numSlots: number): ControlFlowPlan {
  const producer: number[] = new Array<number>(numSlots).fill(-1);
  const copySrc = new Map<number, number>();
  const stepOf = new Map<ProgramNode, number>();
  steps.forEach((s, i) => {
    stepOf.set(s.node, i);
    for (const o of s.outputSlots) if (o >= 0) producer[o] = i;
    for (const c of s.copiesBefore) copySrc.set(c.dst, c.src);
  });
  const producerOf = (slot: number): number => {
    let s = slot;
    for (let hops = 0; copySrc.has(s) && hops < 8; hops++) s = copySrc.get(s)!;
    return producer[s];
  };
  const root: Frame = { key: '', name: '', parent: null, depth: 0, parallelIterations: 1, items: [], enters: [], exits: [] };
  const frames = new Map<string, Frame>([['', root]]);
  const frameOf: Frame[] = [];
  const outFrame: Frame[] = [];
  const controlSteps: number[][] = [];
  const byName = new Map<string, number>();
  steps.forEach((s, i) => byName.set(s.node.name, i));

  steps.forEach((step, i) => {
    const n = step.node;
    const sources: Frame[] = [];
    for (const inp of step.inputs) {
      if (inp.kind !== 'slot') continue;
      const p = producerOf(inp.slot);
      if (p >= 0) sources.push(outFrame[p]);
    }
    const controls: number[] = [];
    for (const c of n.controlInputs) {
      const k = stepOf.get(c);
      if (k === undefined) continue;
      controls.push(k);
      sources.push(outFrame[k]);
    }
    controlSteps.push(controls);
    let deepest = root;
    for (const f of sources) if (f.depth > deepest.depth) deepest = f;
    for (const f of sources) {
      if (!isAncestor(f, deepest)) {
        throw new InvalidArgumentError(
          `'${n.name}' (${n.type}) has inputs from different while loops: frame '${f.key || '(root)'}' and frame '${deepest.key}'; a value enters a loop only through Enter`,
          { opName: n.name, opType: n.type, traceback: n.traceback },
        );
      }
    }
    let frame = deepest;
    if (ENTER.has(n.type)) {
      const name = String(n.attrs.frame_name ?? '');
      const key = deepest.key === '' ? name : `${deepest.key}/${name}`;
      let child = frames.get(key);
      if (!child) {
        child = { key, name, parent: deepest, depth: deepest.depth + 1, parallelIterations: Number(n.attrs.parallel_iterations ?? 10), items: [], enters: [], exits: [] };
        frames.set(key, child);
      }
      child.enters.push(i);
      frame = child;
    }
    frameOf.push(frame);
    if (EXIT.has(n.type)) {
      if (frame.parent === null) {
        throw new InvalidArgumentError(`'${n.name}' (${n.type}) is not inside a while loop: its input comes from no Enter`, { opName: n.name, opType: n.type, traceback: n.traceback });
      }
      frame.exits.push(i);
      outFrame.push(frame.parent);
    } else outFrame.push(frame);
  });

  const backEdges = new Map<number, number[]>();
  const mergesFed = new Map<number, number[]>();
  steps.forEach((s, i) => {
    const merges = s.node.attrs._loop_merge;
    if (!Array.isArray(merges)) return;
    for (const m of merges as readonly string[]) {
      const k = byName.get(m);
      if (k === undefined) continue;
      if (frameOf[k] !== frameOf[i]) {
        throw new InvalidArgumentError(`'${s.node.name}' (NextIteration) feeds '${m}' (Merge) of another frame`, { opName: s.node.name, opType: s.node.type });
      }
      (backEdges.get(k) ?? backEdges.set(k, []).get(k)!).push(i);
      (mergesFed.get(i) ?? mergesFed.set(i, []).get(i)!).push(k);
    }
  });

  orderItems(steps, frames, frameOf, producerOf, controlSteps);
  return { root, frameOf, backEdges, mergesFed, producer, controlSteps };
}

function isAncestor(a: Frame, b: Frame): boolean {
  for (let f: Frame | null = b; f !== null; f = f.parent) if (f === a) return true;
  return false;
}

/**
 * Each frame's items in an order that respects every edge between them: a child loop runs as one
 * unit once all its Enters' inputs exist and before anything reads its Exits. The plan's order is
 * topological over steps, so ties keep it.
 */
function orderItems(steps: readonly PlanStep[], frames: Map<string, Frame>, frameOf: readonly Frame[], producerOf: (slot: number) => number, controlSteps: readonly (readonly number[])[]): void {
  // the item of frame `f` that contains step s: s itself, or the child frame of f on s's chain
  const itemIn = (f: Frame, s: number): FrameItem | null => {
    let g: Frame | null = frameOf[s];
    if (g === f) return stepItem(s);
    while (g !== null && g.parent !== f) g = g.parent;
    return g === null ? null : frameItem(g);
  };
  const stepItems = new Map<number, FrameItem>();
  const frameItems = new Map<Frame, FrameItem>();
  const stepItem = (s: number): FrameItem => stepItems.get(s) ?? stepItems.set(s, { kind: 'step', step: s }).get(s)!;
  const frameItem = (g: Frame): FrameItem => frameItems.get(g) ?? frameItems.set(g, { kind: 'frame', frame: g }).get(g)!;

  for (const f of frames.values()) {
    const first = new Map<FrameItem, number>();
    const preds = new Map<FrameItem, Set<FrameItem>>();
    steps.forEach((step, s) => {
      const item = itemIn(f, s);
      if (item === null) return;
      if (!first.has(item)) {
        first.set(item, s);
        preds.set(item, new Set());
      }
      const dep = (p: number): void => {
        if (p < 0) return;
        const pi = itemIn(f, p);
        if (pi !== null && pi !== item) preds.get(item)!.add(pi);
      };
      for (const inp of step.inputs) if (inp.kind === 'slot') dep(producerOf(inp.slot));
      for (const c of controlSteps[s]) dep(c);
    });
    const items = [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!);
    const done = new Set<FrameItem>();
    const out: FrameItem[] = [];
    let start = 0; // items before it are all done: in the usual case the first pending one is ready
    while (out.length < items.length) {
      while (done.has(items[start])) start++;
      let next: FrameItem | undefined;
      for (let k = start; k < items.length && !next; k++) {
        const it = items[k];
        if (!done.has(it) && [...preds.get(it)!].every((p) => done.has(p))) next = it;
      }
      if (!next) {
        const stuck = items.filter((it) => !done.has(it)).map((it) => (it.kind === 'step' ? steps[it.step].node.name : `loop '${it.frame.key}'`));
        throw new InvalidArgumentError(`Control flow cannot be scheduled in frame '${f.key || '(root)'}': a cycle through ${stuck.slice(0, 5).join(', ')}`);
      }
      done.add(next);
      out.push(next);
    }
    f.items = out;
  }
}
