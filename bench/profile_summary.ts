/**
 * Groups a V8 `.cpuprofile`'s samples by self time: the top functions (with file:line) and a total
 * per source file, plus GC and the idle/program buckets, as percentages of the profile.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const p = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^.*\/dist\//, '') || '(native)';
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    files.set(file, (files.get(file) ?? 0) + t);
  }
  const show = (title: string, m: Map<string, number>, n: number) => {
    console.log(title);
    for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  };
  console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
  show('by function (self time)', fns, 25);
  show('by file (self time)', files, 15);
}

main();
