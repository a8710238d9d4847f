// Shared helpers for running VS Code (code-server back end) from the project's scripts:
// free ports, starting/stopping code-server in its own process group, the workbench URL with a
// `payload`, and launching Debian's chromium through playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './install-code-server.mjs';

export { ROOT };

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v "${cmd}"`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function findChromium() {
  if (process.env.PLANMARK_CHROMIUM) return process.env.PLANMARK_CHROMIUM;
  for (const c of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (fs.existsSync(c)) return c;
  }
  return which('chromium') ?? which('chromium-browser') ?? which('google-chrome');
}

/** A free TCP port on 127.0.0.1 (or `preferred` when it is free). */
export function freePort(preferred = 0) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', (e) => {
      if (preferred) freePort(0).then(resolve, reject);
      else reject(e);
    });
    srv.listen(preferred, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `vscode-remote://127.0.0.1:PORT/abs/path` for a server-side path. */
export function remoteUri(port, absPath) {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${p.startsWith('/') ? p : '/' + p}`;
}

/**
 * The workbench URL opening `folder`, with a payload (list of [key, value] pairs) such as
 * [['extensionDevelopmentPath', remoteUri(...)], ['extensionTestsPath', remoteUri(...)]].
 */
export function workbenchUrl(port, folder, payload) {
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload && payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/**
 * User settings for a run with workspace trust on: trust enabled, and no modal "Do you trust
 * the authors?" prompt at startup (it would sit over the workbench; the folder stays
 * untrusted, i.e. restricted mode, until someone trusts it).
 */
export const TRUST_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/**
 * Starts code-server (entry script `entry`) in its own process group.
 * @param {object} o
 * @param {string} o.entry          code-server's out/node/entry.js
 * @param {string} [o.node]         the node binary to run it with (default: this one)
 * @param {string} o.workspace      folder to open
 * @param {string} o.stateDir       user data, extensions, TMPDIR and XDG dirs go below it
 * @param {number} [o.port]
 * @param {Record<string,string>} [o.env]  extra environment (reaches the extension host)
 * @param {string[]} [o.extraArgs]
 * @param {string} [o.logFile]      code-server's stdout+stderr (default stateDir/code-server.log)
 * @param {boolean} [o.echo]        also echo its output to our stderr
 * @param {object} [o.settings]      extra user settings (written when the user data is new)
 * @param {boolean} [o.workspaceTrust]  keep workspace trust on (no --disable-workspace-trust):
 *                                  the folder then opens in restricted mode, since a fresh
 *                                  browser profile has trusted nothing (see TRUST_SETTINGS)
 */
export async function startCodeServer(o) {
  const port = o.port ?? (await freePort());
  const dirs = {
    userData: path.join(o.stateDir, 'user-data'),
    extensions: path.join(o.stateDir, 'extensions'),
    tmp: path.join(o.stateDir, 'tmp'),
    config: path.join(o.stateDir, 'config'),
    data: path.join(o.stateDir, 'data'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  // Quiet defaults, written once (a user of `npm start` may change them afterwards).
  const settings = path.join(dirs.userData, 'User', 'settings.json');
  if (!fs.existsSync(settings)) {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'chat.disableAIFeatures': true,
      ...(o.workspaceTrust ? TRUST_SETTINGS : {}),
      ...(o.settings ?? {}),
    }, null, 2) + '\n');
  }
  const logFile = o.logFile ?? path.join(o.stateDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const args = [
    o.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...(o.extraArgs ?? []),
    path.resolve(o.workspace),
  ];
  const env = {
    ...process.env,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    ...(o.env ?? {}),
  };
  // code-server refuses to start inside another code-server's terminal otherwise.
  delete env.VSCODE_IPC_HOOK_CLI;
  const child = spawn(o.node ?? process.execPath, args, {
    cwd: ROOT,
    env,
    detached: true, // own process group: we kill the whole group
    stdio: ['ignore', o.echo ? 'pipe' : logFd, o.echo ? 'pipe' : logFd],
  });
  if (o.echo) {
    for (const s of [child.stdout, child.stderr]) {
      s.on('data', (b) => {
        fs.writeSync(logFd, b);
        process.stderr.write(b);
      });
    }
  }
  let exited = null;
  child.on('exit', (code, sig) => {
    exited = { code, sig };
  });
  const kill = () => {
    if (child.pid == null) return;
    for (const sig of ['SIGTERM', 'SIGKILL']) {
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* group gone */
      }
    }
  };
  // Kill the group on every path, including process.exit() and signals.
  process.on('exit', kill);
  const server = {
    port,
    pid: child.pid,
    child,
    logFile,
    dirs,
    kill,
    get exited() {
      return exited;
    },
    tailLog(n = 60) {
      try {
        return fs.readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n');
      } catch {
        return '';
      }
    },
  };
  return server;
}

/** Waits for GET /healthz to answer 200. */
export async function waitHealthy(server, timeoutMs = 60_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (server.exited) {
      throw new Error(`code-server exited early (${JSON.stringify(server.exited)}). Its log:\n${server.tailLog()}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${server.port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s. Its log:\n${server.tailLog()}`);
}

/** Launches headless Debian chromium through playwright-core. */
export async function launchChromium({ headless = true } = {}) {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error('no chromium found (apt-get install chromium, or set PLANMARK_CHROMIUM=/path/to/chrome)');
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless, args: CHROMIUM_ARGS });
}

export function mkTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
