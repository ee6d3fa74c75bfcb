import type { FuncBuilder, Local } from './code.js';

/** What a loop over patch rows reads of its parameters: the first row, the output size, the row stride. */
export interface PatchRowParams {
  readonly m0: Local<'i32'>;
  readonly ow: Local<'i32'>;
  readonly oh: Local<'i32'>;
  readonly rs: Local<'i32'>;
}

/** Where `emitPatchRowStart` puts its results. */
export interface PatchRowLocals {
  readonly mm: Local<'i32'>;
  readonly ox: Local<'i32'>;
  readonly oy: Local<'i32'>;
  readonly nb: Local<'i32'>;
  readonly at: Local<'i32'>;
}

/**
 * Emits the start of patch row r (im2col and its adjoint col2im walk the same rows): its output
 * pixel mm = m0 + r split into image nb, output row oy and column ox, and at = base + r·rs, the
 * row's first byte in the patch matrix.
 */
export function emitPatchRowStart(f: FuncBuilder, p: PatchRowParams, r: Local<'i32'>, base: Local<'i32'>, o: PatchRowLocals): void {
  f.get(p.m0).get(r).op('i32.add').set(o.mm);
  f.get(o.mm).get(p.ow).op('i32.rem_u').set(o.ox);
  f.get(o.mm).get(p.ow).op('i32.div_u').tee(o.oy).get(p.oh).op('i32.div_u').set(o.nb);
  f.get(o.oy).get(p.oh).op('i32.rem_u').set(o.oy);
  f.get(base).get(r).get(p.rs).op('i32.mul').op('i32.add').set(o.at);
}
