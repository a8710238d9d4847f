#!/usr/bin/env node
// Installs code-server (a real VS Code: server, web workbench, Node extension host) from the
// npm registry into .vscode-test/code-server-<version>/, outside the project's dependencies.
// Idempotent: does nothing when that version is already installed.
//
// Handles the offline traps (see shared/vscode-offline-tests.md):
//   - root: code-server's postinstall needs npm_config_unsafe_perm=true;
//   - node-pty's postinstall runs `npx node-gyp`: needs npm_config_yes=true (user npmrc has yes=false);
//   - @vscode/ripgrep downloads `rg` from GitHub unless its cache tarball exists: we pack
//     Debian's /usr/bin/rg into that cache first;
//   - the `kerberos` module needs libkrb5-dev (checked up front, with a clear message).
//
// Usage: node scripts/vscode-test/install-code-server.mjs [--version 4.100.3] [--quiet]
// Also importable: `import { ensureCodeServer } from './install-code-server.mjs'`.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function codeServerDir(version = DEFAULT_CODE_SERVER_VERSION) {
  return path.join(ROOT, '.vscode-test', `code-server-${version}`);
}

/** Path of the code-server entry script (run with `node`), or null when not installed. */
export function installedCodeServer(version = DEFAULT_CODE_SERVER_VERSION) {
  const dir = codeServerDir(version);
  const marker = path.join(dir, '.installed');
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (fs.existsSync(marker) && fs.existsSync(entry)) return entry;
  return null;
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function checkPrerequisites() {
  const missing = [];
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev (gssapi/gssapi.h, for the kerberos module)');
  if (!which('rg')) missing.push('ripgrep (/usr/bin/rg, replaces the rg that @vscode/ripgrep would download)');
  if (!which('make') || !which('g++')) missing.push('build-essential (native modules are built from source)');
  if (!which('python3')) missing.push('python3 (node-gyp)');
  if (missing.length) {
    throw new Error(
      'cannot install code-server, missing Debian packages:\n  - ' + missing.join('\n  - ') +
      '\nInstall them with: apt-get update && apt-get install -y chromium libkrb5-dev ripgrep build-essential python3',
    );
  }
}

/** Packs /usr/bin/rg into the download cache that @vscode/ripgrep's postinstall checks first. */
function seedRipgrepCache(tmpdir) {
  const cacheDir = path.join(tmpdir, `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const tarball = path.join(cacheDir, RIPGREP_ASSET);
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  const rg = fs.realpathSync(which('rg'));
  const stage = fs.mkdtempSync(path.join(tmpdir, 'rg-stage-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  const r = spawnSync('tar', ['-czf', tarball, '-C', stage, 'rg'], { stdio: 'inherit' });
  fs.rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0) throw new Error('could not pack /usr/bin/rg into ' + tarball);
}

/**
 * Ensures code-server `version` is installed; returns the path of its entry script.
 * @param {{version?: string, log?: (s: string) => void}} [opts]
 */
export async function ensureCodeServer(opts = {}) {
  const version = opts.version ?? DEFAULT_CODE_SERVER_VERSION;
  const log = opts.log ?? ((s) => console.error(`[vscode-test] ${s}`));
  const existing = installedCodeServer(version);
  if (existing) return existing;

  checkPrerequisites();
  const dir = codeServerDir(version);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // A package.json of its own so npm treats this folder as the project root (not /work/main).
  // allowScripts: npm 11 runs dependency install scripts only with a warning unless approved here
  // (and refuses them under strict-allow-scripts); code-server's postinstall installs and builds
  // VS Code's own modules, argon2 builds its native addon.
  const pkg = { name: 'planmark-code-server', private: true, allowScripts: { [`code-server@${version}`]: true, argon2: true } };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  const tmpdir = path.join(dir, '.tmp');
  fs.mkdirSync(tmpdir, { recursive: true });
  seedRipgrepCache(tmpdir);

  const env = {
    ...process.env,
    TMPDIR: tmpdir,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: process.env.npm_config_loglevel || 'warn',
    // The postinstall runs `npm install` inside code-server's lib/vscode, whose package.json
    // approves no script: keep npm's default (run with a notice) even under a strict user config.
    npm_config_strict_allow_scripts: 'false',
  };
  // `npm test` etc. put npm_config_* / npm_package_* of the outer project into the environment.
  for (const k of Object.keys(env)) {
    if (k.startsWith('npm_package_') || k === 'npm_config_prefix' || k === 'npm_config_global' || k === 'INIT_CWD') delete env[k];
  }
  const t0 = Date.now();
  log(`installing code-server@${version} into ${path.relative(ROOT, dir)} (takes about a minute) ...`);
  const code = await new Promise((resolve, reject) => {
    const child = spawn('npm', ['install', '--no-save', '--no-package-lock', `code-server@${version}`], {
      cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (c, sig) => resolve(sig ? 128 : c));
  });
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (code !== 0 || !fs.existsSync(entry)) {
    throw new Error(`npm install code-server@${version} failed (exit ${code}); see the output above`);
  }
  fs.rmSync(tmpdir, { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, '.installed'), JSON.stringify({ version, installedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 }) + '\n');
  log(`code-server@${version} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return entry;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const vi = args.indexOf('--version');
  const version = vi >= 0 ? args[vi + 1] : DEFAULT_CODE_SERVER_VERSION;
  try {
    const entry = await ensureCodeServer({ version });
    console.log(entry);
  } catch (e) {
    console.error(`[vscode-test] ERROR: ${e.message}`);
    process.exit(1);
  }
}
