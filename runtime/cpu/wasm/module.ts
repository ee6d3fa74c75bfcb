import { InvalidArgumentError } from '../../../graph/ir/index.js';
import { FuncBuilder } from './code.js';
import { pushName, pushU32 } from './leb128.js';
import { VALTYPE } from './opcodes.js';
import type { ValType } from './opcodes.js';

const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

/**
 * A WebAssembly module of functions over one imported memory (`env.memory`), so every kernel
 * module shares the memory the runtime owns. `bytes()` writes the binary format: the magic and
 * version, then the type, import, function, export and code sections.
 */
export class ModuleBuilder {
  private readonly funcs: { readonly f: FuncBuilder; readonly name: string | null }[] = [];
  private readonly exported = new Set<string>();

  constructor(private readonly memory: { readonly minPages: number; readonly shared?: boolean; readonly maxPages?: number } = { minPages: 1 }) {}

  /** Adds a function; `name` exports it. Returns its builder and its index (for calls). */
  func(name: string | null, params: readonly ValType[], results: readonly ValType[] = []): { f: FuncBuilder; index: number } {
    if (name !== null) {
      if (this.exported.has(name)) throw new InvalidArgumentError(`wasm emitter: export '${name}' defined twice`);
      this.exported.add(name);
    }
    const f = new FuncBuilder(params, results);
    this.funcs.push({ f, name });
    return { f, index: this.funcs.length - 1 };
  }

  bytes(): Uint8Array {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    // one type per distinct signature
    const sigs: string[] = [];
    const typeOf = this.funcs.map(({ f }) => {
      const key = `${f.params.join(',')}>${f.results.join(',')}`;
      let i = sigs.indexOf(key);
      if (i < 0) i = sigs.push(key) - 1;
      return i;
    });
    section(out, SECTION.type, (s) => {
      pushU32(s, sigs.length);
      for (const i of sigs.keys()) {
        const { f } = this.funcs[typeOf.indexOf(i)];
        s.push(0x60);
        valtypes(s, f.params);
        valtypes(s, f.results);
      }
    });
    section(out, SECTION.import, (s) => {
      pushU32(s, 1);
      pushName(s, 'env');
      pushName(s, 'memory');
      s.push(0x02);
      const { minPages, maxPages, shared } = this.memory;
      if (shared) {
        if (maxPages === undefined) throw new InvalidArgumentError('wasm emitter: a shared memory needs a maximum');
        s.push(0x03);
      } else s.push(maxPages === undefined ? 0x00 : 0x01);
      pushU32(s, minPages);
      if (maxPages !== undefined) pushU32(s, maxPages);
    });
    section(out, SECTION.function, (s) => {
      pushU32(s, typeOf.length);
      for (const t of typeOf) pushU32(s, t);
    });
    section(out, SECTION.export, (s) => {
      const named = this.funcs.map((e, i) => [e.name, i] as const).filter((e): e is readonly [string, number] => e[0] !== null);
      pushU32(s, named.length);
      for (const [name, i] of named) {
        pushName(s, name);
        s.push(0x00);
        pushU32(s, i);
      }
    });
    section(out, SECTION.code, (s) => {
      pushU32(s, this.funcs.length);
      for (const { f } of this.funcs) for (const b of f.encode()) s.push(b);
    });
    return Uint8Array.from(out);
  }
}

function valtypes(out: number[], types: readonly ValType[]): void {
  pushU32(out, types.length);
  for (const t of types) out.push(VALTYPE[t]);
}

function section(out: number[], id: number, fill: (s: number[]) => void): void {
  const s: number[] = [];
  fill(s);
  out.push(id);
  pushU32(out, s.length);
  for (const b of s) out.push(b);
}
