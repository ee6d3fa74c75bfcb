/**
 * What `npm ci` / `npm install` runs now that `.npmrc` lets dependency install scripts run (so
 * that `prepare` builds the package when it is packed or installed from a clone): every installed
 * package with an install-time script is one reviewed here as offline, and onnxruntime-node's
 * script, under exactly the environment npm gives it from this checkout, skips its CUDA download.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Packages whose install scripts were read and do nothing over the network once npm has installed them. */
const REVIEWED: Record<string, string> = {
  'core-js': 'postinstall prints a banner',
  esbuild: 'postinstall checks the platform binary npm installed as @esbuild/<platform> (it downloads only when that optional dependency is missing)',
  'onnxruntime-node': 'postinstall exits at once with onnxruntime-node-install=skip (.npmrc)',
  webgpu: 'postinstall clears a quarantine attribute on macOS only',
  protobufjs: 'postinstall makes a folder and may print a version warning',
};

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** Every installed package (nested too) with an install-time script, or a binding.gyp (npm then runs node-gyp). */
function packagesWithInstallScripts(dir: string, found: Map<string, string[]>): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      packagesWithInstallScripts(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; scripts?: Record<string, string> };
      const scripts = INSTALL_SCRIPTS.filter((s) => pkg.scripts?.[s]);
      if (existsSync(join(path, 'binding.gyp')) && scripts.length === 0) scripts.push('node-gyp rebuild (binding.gyp)');
      if (scripts.length > 0) found.set(pkg.name ?? entry.name, scripts);
    }
    packagesWithInstallScripts(join(path, 'node_modules'), found);
  }
}

describe('package: dependency install scripts', () => {
  it('every installed package with an install script is one reviewed as offline', () => {
    const found = new Map<string, string[]>();
    packagesWithInstallScripts(join(REPO, 'node_modules'), found);
    const unreviewed = [...found].filter(([name]) => !(name in REVIEWED)).map(([name, s]) => `${name} (${s.join(', ')})`);
    expect(unreviewed, 'read these scripts: add them to REVIEWED if they stay offline, else keep them from running').to.deep.equal([]);
    expect([...found.keys()], 'the walk sees the scripts it must').to.include('onnxruntime-node');
  });

  it("onnxruntime-node's install script skips its download under the environment npm gives it here", () => {
    // what npm exports to scripts, without anything the caller (e.g. .ci/run) already exported
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ONNXRUNTIME_NODE_INSTALL|npm_config_|npm_lifecycle_|npm_package_)/i.test(k)));
    const probe = 'node -e "console.log(JSON.stringify(require(\'onnxruntime-node/script/install-utils.js\').parseInstallFlag()))"';
    const r = spawnSync('npm', ['exec', '--call', probe], { cwd: REPO, encoding: 'utf8', env: { ...env, NODE_OPTIONS: '' } });
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0);
    // false: the script's "skip"; undefined would fetch the linux/x64 CUDA files from NuGet
    expect(r.stdout.trim().split('\n').pop()).to.equal('false');
  });

  it('.npmrc lets lifecycle scripts run, so packing a clone runs prepare', () => {
    const npmrc = readFileSync(join(REPO, '.npmrc'), 'utf8');
    expect(npmrc).to.not.match(/^\s*ignore-scripts\s*=\s*true/m);
  });
});
