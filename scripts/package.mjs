#!/usr/bin/env node
// Packages the extension into planmark.vsix with vsce and prints its size and contents.
// Run through `npm run package`, which first builds minified bundles without source maps.
// When the tests' code-server is installed (.vscode-test/code-server-<version>/, see
// scripts/vscode-test/install-code-server.mjs), the VSIX is then installed into a temporary
// extensions folder with `code-server --install-extension`, and `--list-extensions
// --show-versions` must list <publisher>.<name>@<version> (`--no-install-check` skips this).
// The bundles carry all their runtime code, so vsce is told to skip node_modules
// (--no-dependencies). What goes in is decided by .vscodeignore (in a copy of the folder without
// package.json's `files`, which is the npm package's list); this script refuses a VSIX
// that holds anything it should not (sources, maps, tests, node_modules).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'planmark.vsix');

for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!fs.existsSync(path.join(root, f))) {
    console.error(`package: ${f} is missing; run \`node scripts/build.mjs --production\` first (npm run package does).`);
    process.exit(1);
  }
}
const maps = fs.existsSync(path.join(root, 'dist')) ? fs.readdirSync(path.join(root, 'dist')).filter((f) => f.endsWith('.map')) : [];
if (maps.length) console.warn(`package: dist/ has source maps (${maps.join(', ')}); .vscodeignore leaves them out.`);

// package.json's `files` decides what the npm package holds (CLI and language server), and vsce
// refuses a folder with both `files` and .vscodeignore. So vsce packages a copy of the folder
// whose package.json has no `files`: there .vscodeignore alone decides what the VSIX holds.
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-vsix-'));
process.once('exit', () => fs.rmSync(stage, { recursive: true, force: true }));
for (const entry of fs.readdirSync(root)) {
  if (['node_modules', '.git', '.vscode-test', 'out', 'bench', 'test', 'test-results'].includes(entry) || entry.endsWith('.vsix') || entry.endsWith('.tgz')) continue;
  fs.cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
}
const stagedPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
delete stagedPackage.files;
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(stagedPackage, null, 2) + '\n');

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// README's relative links stay relative (no rewriting to a repository URL that may not be
// reachable): what they name ships in the VSIX (.vscodeignore), checked below.
const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], {
  cwd: stage,
  stdio: 'inherit',
  env: { ...process.env, VSCE_TELEMETRY_DISABLED: '1' },
});
if (result.status !== 0) {
  console.error(`package: vsce package failed (exit ${result.status ?? result.signal}).`);
  process.exit(result.status || 1);
}

/** Entries of a zip file from its central directory: name, compressed and uncompressed size. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt central directory');
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    entries.push({ name, compressed, size });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const entries = zipEntries(out);
const total = fs.statSync(out).size;
console.log(`\n${path.relative(root, out)}: ${kb(total)} (${(total / 1024 / 1024).toFixed(2)} MiB), ${entries.length} files`);
const width = Math.max(...entries.map((e) => e.name.length));
for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
  console.log(`  ${e.name.padEnd(width)}  ${kb(e.size).padStart(11)}  (${kb(e.compressed)} packed)`);
}

// Every relative link of README.md (pictures, docs pages) must name a file in the VSIX.
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const readmeLinks = [...readme.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l));
const shipped = new Set(entries.map((e) => e.name.replace(/^extension\//, '')));
const unresolved = readmeLinks.filter((l) => !shipped.has(l));
if (unresolved.length) {
  console.error(`package: README.md links to files the VSIX does not hold:\n  ${unresolved.join('\n  ')}\nAdd them to .vscodeignore (or link elsewhere).`);
  process.exit(1);
}

// Refuse what must never ship.
const forbidden = entries
  .map((e) => e.name.replace(/^extension\//, ''))
  .filter(
    (n) =>
      n.startsWith('node_modules/') ||
      n.endsWith('.map') ||
      /\.(ts|mts|cts)$/.test(n) ||
      /^(client|server|shared|webview|test|scripts|bench|examples|\.ci|bin)\//.test(n) ||
      (n.startsWith('docs/') && !readmeLinks.includes(n)),
  );
if (forbidden.length) {
  console.error(`package: the VSIX holds files it must not ship:\n  ${forbidden.join('\n  ')}\nFix .vscodeignore.`);
  process.exit(1);
}

// Install the VSIX the way a user would, into a throw-away extensions folder.
async function installCheck() {
  const { installedCodeServer, DEFAULT_CODE_SERVER_VERSION, runtimeFor } = await import('./vscode-test/install-code-server.mjs');
  const version = DEFAULT_CODE_SERVER_VERSION;
  const entry = installedCodeServer(version);
  if (!entry) {
    console.log(`\ninstall check: skipped, code-server ${version} is not installed under .vscode-test/ (node scripts/vscode-test/install-code-server.mjs installs it).`);
    return true;
  }
  if (runtimeFor(version).nodeMajor && Number(process.versions.node.split('.')[0]) !== runtimeFor(version).nodeMajor) {
    console.log(`\ninstall check: skipped, code-server ${version} needs Node ${runtimeFor(version).nodeMajor}.`);
    return true;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const expected = `${pkg.publisher}.${pkg.name}@${pkg.version}`.toLowerCase();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-vsix-install-'));
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data'), TMPDIR: tmp };
  delete env.VSCODE_IPC_HOOK_CLI; // never hand the install to a running code-server
  const codeServer = (...args) =>
    spawnSync(process.execPath, [entry, '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions'), ...args], {
      cwd: tmp,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
  try {
    const t0 = Date.now();
    const install = codeServer('--install-extension', out);
    const said = `${install.stdout ?? ''}${install.stderr ?? ''}`.trim();
    if (install.status !== 0) {
      console.error(`\ninstall check: FAILED, code-server ${version} --install-extension exited ${install.status ?? install.signal}:\n${said}`);
      return false;
    }
    const list = codeServer('--list-extensions', '--show-versions');
    const listed = (list.stdout ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (list.status !== 0 || !listed.some((l) => l.toLowerCase() === expected)) {
      console.error(`\ninstall check: FAILED, code-server ${version} --list-extensions --show-versions printed ${JSON.stringify(listed)} (exit ${list.status}); expected ${expected}.\n${said}`);
      return false;
    }
    const installedTo = fs.readdirSync(path.join(tmp, 'extensions')).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
    console.log(`\ninstall check: OK, code-server ${version} (VS Code engine of the test runs) installed ${path.relative(root, out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s and lists ${listed.join(', ')} (folder ${installedTo.join(', ')}).`);
    return true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (!process.argv.includes('--no-install-check') && !(await installCheck())) process.exit(1);
