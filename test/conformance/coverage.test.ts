import { expect } from 'chai';
import { ALL_OPS } from '../../ops/registry.js';
import { CPU_KERNELS } from '../../runtime/cpu/kernels/index.js';

/** The op × facet table: what each op has, so later issues see what is missing. */
function facetTable(): { type: string; cpu: string; grad: string; wgsl: string; onnx: string }[] {
  return [...ALL_OPS]
    .sort((a, b) => a.type.localeCompare(b.type))
    .map((d) => ({
      type: d.type,
      cpu: d.lowering.kind === 'elementwise' ? 'expr' : d.lowering.kind === 'routine' && !('unsupported' in CPU_KERNELS[d.lowering.routine]) ? 'kernel' : '-',
      grad: d.grad === 'none' ? 'n/a' : 'yes',
      wgsl: d.wgsl ? 'yes' : '-',
      onnx: d.onnx === undefined ? '-' : d.onnx.kind === 'onnx' ? 'yes' : 'refused',
    }));
}

describe('conformance: op coverage', () => {
  it('prints the op x facet table (CPU kernel / gradient / WGSL / ONNX)', () => {
    const rows = facetTable();
    const w = Math.max(...rows.map((r) => r.type.length), 7);
    const line = (c: string[]) => `    ${c[0].padEnd(w)}  ${c[1].padEnd(6)}  ${c[2].padEnd(4)}  ${c[3].padEnd(4)}  ${c[4]}`;
    const out = [line(['op', 'cpu', 'grad', 'wgsl', 'onnx']), ...rows.map((r) => line([r.type, r.cpu, r.grad, r.wgsl, r.onnx]))];
    const count = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length;
    out.push(`    ${rows.length} ops: cpu ${count((r) => r.cpu !== '-')}, gradient ${count((r) => r.grad === 'yes')} (+${count((r) => r.grad === 'n/a')} not differentiable), wgsl ${count((r) => r.wgsl === 'yes')}, onnx ${count((r) => r.onnx === 'yes')} (+${count((r) => r.onnx === 'refused')} refused)`);
    console.log(out.join('\n'));
    expect(rows.length).to.be.greaterThan(0);
    // every op lowers to something the CPU backend runs (the types require it; this guards casts)
    for (const d of ALL_OPS) expect(rows.find((r) => r.type === d.type)!.cpu !== '-', d.type).to.equal(true);
  });
  it('op types are unique TF raw-op names', () => {
    const types = ALL_OPS.map((d) => d.type);
    expect(new Set(types).size).to.equal(types.length);
    for (const t of types) expect(t, t).to.match(/^[A-Z][A-Za-z0-9]*$/);
  });
});
