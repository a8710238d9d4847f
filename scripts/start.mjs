#!/usr/bin/env node
// `npm start`: builds the extension, then opens VS Code with it loaded in development mode on
// examples/.
//   - desktop VS Code when `code` is on PATH: code --extensionDevelopmentPath=<repo> examples
//   - otherwise code-server (installed into .vscode-test/ on first use) on 127.0.0.1, opened
//     in the browser (xdg-open when a display is there; the URL is printed in any case).
//
// Usage: node scripts/start.mjs [--no-build] [--no-open] [--port <n>] [--folder <dir>]
//                               [--extension <dir>] [--code-server]
//   --code-server   use code-server even when `code` is on PATH
//   PLANMARK_PORT   port for code-server (default 8080, or a free one when taken)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from './vscode-test/install-code-server.mjs';
import { ROOT, startCodeServer, waitHealthy, remoteUri, workbenchUrl, which, freePort } from './vscode-test/lib.mjs';

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const log = (...a) => console.error('[start]', ...a);

const extension = path.resolve(opt('--extension') ?? ROOT);
const folder = path.resolve(opt('--folder') ?? path.join(ROOT, 'examples'));

if (!flag('--no-build')) {
  log('building: node scripts/build.mjs');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    log(`build failed (exit ${r.status})`);
    process.exit(r.status || 1);
  }
}
if (!fs.existsSync(folder)) fs.mkdirSync(folder, { recursive: true });

const code = flag('--code-server') ? null : which('code');
if (code) {
  log(`${code} --extensionDevelopmentPath=${extension} ${folder}`);
  const r = spawnSync(code, [`--extensionDevelopmentPath=${extension}`, folder], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// code-server
let entry;
try {
  entry = await ensureCodeServer({ log });
} catch (e) {
  log(`ERROR: ${e.message}`);
  log('Install VS Code (so that `code` is on PATH) or fix the above to use code-server.');
  process.exit(1);
}
const port = await freePort(Number(opt('--port') ?? process.env.PLANMARK_PORT ?? 8080));
const stateDir = path.join(ROOT, '.vscode-test', 'start-state');
fs.mkdirSync(stateDir, { recursive: true });
const server = await startCodeServer({ entry, workspace: folder, stateDir, port, logFile: path.join(stateDir, 'code-server.log') });
const stop = (codeOut = 0) => {
  server.kill();
  process.exit(codeOut);
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(0));
try {
  await waitHealthy(server);
} catch (e) {
  log(`ERROR: ${e.message}`);
  stop(1);
}

const url = workbenchUrl(port, folder, [['extensionDevelopmentPath', remoteUri(port, extension)]]);
console.log(`\nVS Code (code-server) with the extension from ${extension} in development mode:\n\n  ${url}\n`);
console.log(`Its log: ${path.relative(process.cwd(), server.logFile)}. Press Ctrl+C to stop.`);

const hasDisplay = process.platform === 'darwin' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;
const opener = process.platform === 'darwin' ? 'open' : which('xdg-open');
if (!flag('--no-open') && opener && hasDisplay) {
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => log('could not open a browser: open the URL above'));
  child.unref();
} else if (!flag('--no-open')) {
  log('no browser to open here: open the URL above');
}

server.child.on('exit', (c, s) => {
  log(`code-server exited (${c ?? s})`);
  stop(c ?? 1);
});
