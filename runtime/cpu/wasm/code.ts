import { InvalidArgumentError } from '../../../graph/ir/index.js';
import { pushI32, pushU32 } from './leb128.js';
import { MEMORY, PLAIN, SIMD, SIMD_LANE, SIMD_MEMORY, SIMD_MEMORY_LANE, SIMD_PREFIX, VALTYPE } from './opcodes.js';
import type { MemoryOp, PlainOp, SimdLaneOp, SimdMemoryLaneOp, SimdMemoryOp, SimdOp, ValType } from './opcodes.js';

/** A parameter or local of a function being built; its type is part of its TypeScript type. */
export interface Local<T extends ValType> {
  readonly index: number;
  readonly type: T;
  /** The builder it belongs to: a local of another function is refused. */
  readonly owner: FuncBuilder;
}

/** A block or loop the body can branch to; valid only while it is open. */
export interface Label {
  readonly kind: 'block' | 'loop' | 'if';
}

/**
 * Writes one function body. Every method appends one instruction (or a structured group) and
 * checks its immediates, so the bytes come only from typed values; the engine's validator checks
 * the stack types when the module is compiled.
 */
export class FuncBuilder {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  private readonly locals: ValType[] = [];
  private readonly body: number[] = [];
  // the enclosing structured instructions, innermost last: branch depths are positions in it
  private readonly open: Label[] = [];

  constructor(params: readonly ValType[], results: readonly ValType[]) {
    this.params = params;
    this.results = results;
  }

  param<T extends ValType>(i: number, type: T): Local<T> {
    if (this.params[i] !== type) throw new InvalidArgumentError(`wasm emitter: parameter ${i} is ${this.params[i] ?? 'missing'}, not ${type}`);
    return { index: i, type, owner: this };
  }

  local<T extends ValType>(type: T): Local<T> {
    this.locals.push(type);
    return { index: this.params.length + this.locals.length - 1, type, owner: this };
  }

  get(l: Local<ValType>): this {
    return this.localOp(0x20, l);
  }

  set(l: Local<ValType>): this {
    return this.localOp(0x21, l);
  }

  tee(l: Local<ValType>): this {
    return this.localOp(0x22, l);
  }

  i32(v: number): this {
    this.body.push(0x41);
    pushI32(this.body, v);
    return this;
  }

  f32(v: number): this {
    if (typeof v !== 'number') throw new InvalidArgumentError('wasm emitter: f32 constant must be a number');
    const bytes = new Uint8Array(new Float32Array([v]).buffer);
    this.body.push(0x43, ...bytes);
    return this;
  }

  /** A v128 constant of four f32 lanes. */
  f32x4(lanes: readonly [number, number, number, number]): this {
    for (const v of lanes) if (typeof v !== 'number') throw new InvalidArgumentError('wasm emitter: f32x4 lane must be a number');
    const bytes = new Uint8Array(new Float32Array(lanes).buffer);
    this.body.push(SIMD_PREFIX);
    pushU32(this.body, 0x0c);
    this.body.push(...bytes);
    return this;
  }

  op(name: PlainOp): this {
    this.body.push(lookup(PLAIN, name));
    return this;
  }

  simd(name: SimdOp): this {
    this.body.push(SIMD_PREFIX);
    pushU32(this.body, lookup(SIMD, name));
    return this;
  }

  /** A scalar load or store at the address on the stack plus a constant byte offset. */
  mem(name: MemoryOp, offset = 0): this {
    const [code, align] = lookup(MEMORY, name);
    this.body.push(code);
    return this.memarg(align, offset);
  }

  simdMem(name: SimdMemoryOp, offset = 0): this {
    const [code, align] = lookup(SIMD_MEMORY, name);
    this.body.push(SIMD_PREFIX);
    pushU32(this.body, code);
    return this.memarg(align, offset);
  }

  /** Stores one lane of the v128 on the stack at the address below it plus a byte offset. */
  simdMemLane(name: SimdMemoryLaneOp, lane: number, offset = 0): this {
    const [code, align, count] = lookup(SIMD_MEMORY_LANE, name);
    if (!Number.isInteger(lane) || lane < 0 || lane >= count) throw new InvalidArgumentError(`wasm emitter: lane ${String(lane)} out of range for ${name}`);
    this.body.push(SIMD_PREFIX);
    pushU32(this.body, code);
    this.memarg(align, offset);
    this.body.push(lane);
    return this;
  }

  lane(name: SimdLaneOp, lane: number): this {
    const [code, count] = lookup(SIMD_LANE, name);
    if (!Number.isInteger(lane) || lane < 0 || lane >= count) throw new InvalidArgumentError(`wasm emitter: lane ${String(lane)} out of range for ${name}`);
    this.body.push(SIMD_PREFIX);
    pushU32(this.body, code);
    this.body.push(lane);
    return this;
  }

  /** A block without results; `br(label)` inside jumps past its end. */
  block(body: (exit: Label) => void): this {
    return this.structured(0x02, body);
  }

  /** A loop without results; `br(label)` inside jumps back to its start. */
  loop(body: (top: Label) => void): this {
    return this.structured(0x03, body);
  }

  /** Pops an i32 condition; runs `then` when it is non-zero, else `otherwise`. */
  if(then: () => void, otherwise?: () => void): this {
    this.body.push(0x04, 0x40);
    this.open.push({ kind: 'if' });
    then();
    if (otherwise) {
      this.body.push(0x05);
      otherwise();
    }
    this.open.pop();
    this.body.push(0x0b);
    return this;
  }

  br(label: Label): this {
    this.body.push(0x0c);
    pushU32(this.body, this.relative(label));
    return this;
  }

  brIf(label: Label): this {
    this.body.push(0x0d);
    pushU32(this.body, this.relative(label));
    return this;
  }

  /** Calls function `index` of the module (ModuleBuilder.func's index), its arguments on the stack. */
  call(index: number): this {
    if (!Number.isInteger(index) || index < 0) throw new InvalidArgumentError(`wasm emitter: no function ${String(index)} to call`);
    this.body.push(0x10);
    pushU32(this.body, index);
    return this;
  }

  /**
   * `for (i = start; i < end; i += step) body()` over i32 values, skipping the body when the range
   * is empty. `start` and `end` push their value.
   */
  forRange(i: Local<'i32'>, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.block((exit) => {
      this.get(i);
      end();
      this.op('i32.ge_s').brIf(exit);
      this.loop((top) => {
        body();
        this.get(i).i32(step).op('i32.add').tee(i);
        end();
        this.op('i32.lt_s').brIf(top);
      });
    });
  }

  /** The function's code-section entry: locals run-length encoded, then the body and `end`. */
  encode(): number[] {
    if (this.open.length !== 0) throw new InvalidArgumentError('wasm emitter: a block is still open');
    const out: number[] = [];
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    pushU32(out, runs.length);
    for (const [n, t] of runs) {
      pushU32(out, n);
      out.push(VALTYPE[t]);
    }
    for (const b of this.body) out.push(b);
    out.push(0x0b);
    const sized: number[] = [];
    pushU32(sized, out.length);
    return sized.concat(out);
  }

  private localOp(code: number, l: Local<ValType>): this {
    if (l.owner !== this) throw new InvalidArgumentError('wasm emitter: a local of another function');
    this.body.push(code);
    pushU32(this.body, l.index);
    return this;
  }

  private memarg(align: number, offset: number): this {
    pushU32(this.body, align);
    pushU32(this.body, offset);
    return this;
  }

  private structured(code: number, body: (label: Label) => void): this {
    this.body.push(code, 0x40);
    const label: Label = { kind: code === 0x03 ? 'loop' : 'block' };
    this.open.push(label);
    body(label);
    this.open.pop();
    this.body.push(0x0b);
    return this;
  }

  private relative(label: Label): number {
    const at = this.open.lastIndexOf(label);
    if (at < 0) throw new InvalidArgumentError('wasm emitter: branch to a label that is not open');
    return this.open.length - 1 - at;
  }
}

/** Reads a typed table by a name its type allows; a forged name (not an own key) is refused. */
function lookup<T extends Readonly<Record<string, unknown>>>(table: T, name: keyof T & string): T[keyof T] {
  if (!Object.prototype.hasOwnProperty.call(table, name)) throw new InvalidArgumentError(`wasm emitter: unknown instruction '${String(name)}'`);
  return table[name];
}
