// `npm test`: build, type-check, run the unit/LSP/webview tests (node's test runner), then the
// extension suites inside a real VS Code (scripts/vscode-test/run.mjs). Prints one closing
// line "planmark: N passed, N failed" covering both. `--unit-only` stops before VS Code.
// dist/ is built once, first; test files use it as built (PLANMARK_PREBUILT_DIST, see
// test/builtDist.ts) and never rebuild it while others run. A heartbeat line shows the elapsed
// time, the steps running and the last test seen whenever nothing has been printed for 15 s, so
// a CI log never stays silent for more than 20 s.
// Steps that do not depend on each other overlap, each on its own output (printed when it
// ends): the type check and the lint run side by side, and VS Code (code-server, installed on a
// fresh clone: mostly download and native builds) installs while they and the node tests run.
// Only the tests that read VS Code's own files wait for it: the grammar test and the suites.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const unitOnly = process.argv.includes('--unit-only');
const filter = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const started = Date.now();
const duration = (ms) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};
const elapsed = (since = started) => duration(Date.now() - since);
const SILENCE_MS = 15_000;
/** A line that names a test: the spec reporter's ✔/✖ lines and mocha's. */
const TEST_LINE = /^\s*(✔|✖|✓|\d+\)|﹣)\s/;

let lastPrinted = Date.now();
let lastTest = '';
/** Steps running now, by name, with their start time. */
const running = new Map();
const print = (stream, text) => {
  lastPrinted = Date.now();
  stream.write(text);
};
setInterval(() => {
  if (Date.now() - lastPrinted < SILENCE_MS) return;
  const steps = [...running].map(([name, since]) => `${name} ${elapsed(since)}`).join('; ');
  print(process.stdout, `[planmark test] ${elapsed()} elapsed (running: ${steps || 'none'}), still running; last test seen: ${lastTest || 'none yet'}\n`);
}, 1000).unref();

/**
 * Runs a command. Its output goes to this process's output as it comes, or, with `buffered`,
 * is kept and printed in one piece when the command ends (for steps that run side by side).
 */
function run(name, command, args, { env = {}, buffered = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    running.set(name, Date.now());
    let output = '';
    const seen = (stream) => (d) => {
      output += d;
      // eslint-disable-next-line no-control-regex -- ANSI colour codes
      for (const line of String(d).replace(/\x1b\[[0-9;]*m/g, '').split('\n')) if (TEST_LINE.test(line)) lastTest = line.trim();
      if (!buffered) print(stream, d);
    };
    child.stdout.on('data', seen(process.stdout));
    child.stderr.on('data', seen(process.stderr));
    child.on('close', (code, signal) => {
      running.delete(name);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

function findTests(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join(root, 'test', 'vscode') && entry.name !== 'fixtures') findTests(full, out);
    } else if (entry.name.endsWith('.test.ts')) out.push(path.relative(root, full));
  }
  return out.sort();
}

let passed = 0;
let failed = 0;
const failures = [];

/**
 * A step: its header, then the command (output streamed, or buffered and printed after a
 * header when `buffered`), its counts and its exit code added to the totals. `started` is a
 * step already running in the background (see background()): this waits for it and reports it.
 */
const step = async (name, command, args, { count, buffered = false, started } = {}) => {
  if (!buffered) print(process.stdout, `\n=== ${name} === (${elapsed()} elapsed)\n`);
  const since = started?.since ?? Date.now();
  const result = await (started?.result ?? run(name, command, args, { env: { PLANMARK_PREBUILT_DIST: '1' }, buffered }));
  if (buffered) {
    const took = duration((started?.ended ?? Date.now()) - since);
    print(process.stdout, `\n=== ${name} === (${started ? 'in the background, ' : ''}took ${took}, reported at ${elapsed()} elapsed)\n`);
    print(process.stdout, result.output);
  }
  const counts = count ? count(result.output) : undefined;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  }
  if (result.code !== 0) {
    failures.push(`${name} (exit ${result.code})`);
    if (!counts || counts.failed === 0) failed++;
  }
  return result;
};

/** Starts a step whose output is reported later, when step(..., { started }) waits for it. */
const background = (name, command, args) => {
  const started = { since: Date.now(), done: false, ended: undefined };
  started.result = run(name, command, args, { env: { PLANMARK_PREBUILT_DIST: '1' }, buffered: true }).finally(() => {
    started.done = true;
    started.ended = Date.now();
  });
  return started;
};

const nodeTestCounts = (output) => {
  const pass = /^ℹ pass (\d+)/m.exec(output);
  const fail = /^ℹ fail (\d+)/m.exec(output);
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
};
const nodeTests = (name, files) =>
  step(name, process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { count: nodeTestCounts });

await step('build', process.execPath, ['scripts/build.mjs']);
// The VS Code the extension suites run in; its Markdown grammar is also used by the grammar tests.
const installName = 'install VS Code for the tests (code-server, cached)';
const installing = background(installName, process.execPath, ['scripts/vscode-test/install-code-server.mjs']);
await Promise.all([
  step('typecheck', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { buffered: true }),
  step('lint (eslint, typescript-eslint)', process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '.'], { buffered: true }),
]);

const tests = findTests(path.join(root, 'test')).filter((t) => !filter || t.includes(filter));
/** Tests that read VS Code's own files (its Markdown grammar): with the others once VS Code is installed, else after. */
const needsVSCode = (t) => !installing.done && t.startsWith(path.join('test', 'syntaxes') + path.sep);
const ownTests = tests.filter((t) => !needsVSCode(t));
const vscodeTests = tests.filter(needsVSCode);
if (ownTests.length) await nodeTests(`unit, LSP and webview tests (${ownTests.length} files)`, ownTests);
await step(installName, undefined, undefined, { buffered: true, started: installing });
if (vscodeTests.length) await nodeTests(`tests against VS Code's Markdown grammar (${vscodeTests.length} file${vscodeTests.length === 1 ? '' : 's'})`, vscodeTests);

if (!unitOnly) {
  await step('extension tests in real VS Code', process.execPath, ['scripts/vscode-test/run.mjs'], {
    count: (output) => {
      const pass = /(\d+) passing/g;
      const fail = /(\d+) failing/g;
      let p = 0;
      let f = 0;
      for (const m of output.matchAll(pass)) p += Number(m[1]);
      for (const m of output.matchAll(fail)) f += Number(m[1]);
      return { passed: p, failed: f };
    },
  });
}

console.log('');
if (failures.length) console.log(`Failed steps: ${failures.join(', ')}`);
console.log(`planmark: ${passed} passed, ${failed} failed (${elapsed()})`);
process.exit(failures.length || failed ? 1 : 0);
