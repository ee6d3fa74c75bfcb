import type { Program, ProgramNode, ProgramValue } from './program.js';

/**
 * The program as text, one node per line, for `printAfter` and `tensorgraph optimize
 * --print-after-all`:
 *   %7 dense/MatMul = MatMul(%0:0, %3:0) -> float32[2,4] @/cpu:0 {transpose_a=false, transpose_b=false}
 *   %12 dense/Relu/fused_matmul = _FusedMatMul(%0:0, %3:0, %5:0) -> float32[2,4] fuses [MatMul, BiasAdd, Relu]
 * (`%id:k` is output k of node %id; `^%id` a control input; `@` the device the user pinned.)
 * A node's id (`%12`) is stable within a compilation, so the printouts after two passes can be
 * compared line by line; feeds print first, then the fetches and targets.
 */
export function formatProgram(program: Program): string {
  const lines: string[] = [];
  for (const f of program.feeds) lines.push(`feed ${valueRef(f.value)} -> ${typeOf(f.value)}`);
  for (const n of program.nodes) lines.push(formatNode(n));
  lines.push(`fetch ${program.fetches.map(valueRef).join(', ') || '(none)'}`);
  if (program.targets.length) lines.push(`targets ${program.targets.map((t) => `%${t.id} ${t.name}`).join(', ')}`);
  return lines.join('\n');
}

export function formatNode(n: ProgramNode): string {
  const ins = [...n.inputs.map(valueRef), ...n.controlInputs.map((c) => `^%${c.id}`)];
  const outs = n.outputs.map(typeOf).join(', ');
  const device = n.device;
  const attrs = Object.entries(n.attrs)
    .filter(([k, v]) => typeof v !== 'object' && typeof v !== 'function' && k !== 'T' && k !== 'dtype')
    .map(([k, v]) => `${k}=${String(v)}`);
  const fused = n.origin.length > 1 || n.type.startsWith('_Fused') ? ` fuses [${n.origin.map((o) => o.type).join(', ')}]` : '';
  return `%${n.id} ${n.name} = ${n.type}(${ins.join(', ')}) -> ${outs || '()'}${device ? ` @${device}` : ''}${attrs.length ? ` {${attrs.join(', ')}}` : ''}${fused}`;
}

function valueRef(v: ProgramValue): string {
  return `%${v.node.id}:${v.index}`;
}

function typeOf(v: ProgramValue): string {
  return `${v.dtype}[${v.shape === null ? '?' : v.shape.map((d) => d ?? '?').join(',')}]`;
}
