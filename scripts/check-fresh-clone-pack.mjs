#!/usr/bin/env node
// What `npm pack` of a fresh clone publishes: clones HEAD into a temporary folder (with this
// checkout's node_modules linked, as an install would provide them), runs a plain `npm pack`
// (its `prepare` builds dist/, under the clone's own .npmrc) and checks the built library is in
// the tarball.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'tg-fresh-clone-'));
try {
  const clone = join(dir, 'tensorgraph');
  execFileSync('git', ['clone', '--quiet', repo, clone], { stdio: 'inherit' });
  symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const files = JSON.parse(out.slice(out.indexOf('[')))[0].files.map((f) => f.path);
  const needed = ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/tensor_methods.d.ts', 'dist/src/cli/main.js'];
  const missing = needed.filter((f) => !files.includes(f));
  console.log(`fresh clone packs ${files.length} files`);
  if (missing.length > 0) {
    console.error(`missing from the tarball: ${missing.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
