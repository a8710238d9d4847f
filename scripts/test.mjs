// `npm test`: build, type-check, run the unit/LSP/webview tests (node's test runner), then the
// extension suites inside a real VS Code (scripts/vscode-test/run.mjs). Prints one closing
// line "planmark: N passed, N failed" covering both. `--unit-only` stops before VS Code.
// dist/ is built once, first; test files use it as built (PLANMARK_PREBUILT_DIST, see
// test/builtDist.ts) and never rebuild it while others run. A heartbeat line shows the elapsed
// time and the last test seen whenever a step has printed nothing for 15 s, so a CI log never
// stays silent for more than 20 s.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const unitOnly = process.argv.includes('--unit-only');
const filter = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const started = Date.now();
const elapsed = (since = started) => {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};
const SILENCE_MS = 15_000;
/** A line that names a test: the spec reporter's ✔/✖ lines and mocha's. */
const TEST_LINE = /^\s*(✔|✖|✓|\d+\)|﹣)\s/;

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const stepStarted = Date.now();
    let output = '';
    let lastPrinted = Date.now();
    let lastTest = '';
    const seen = (d) => {
      output += d;
      lastPrinted = Date.now();
      // eslint-disable-next-line no-control-regex -- ANSI colour codes
      for (const line of String(d).replace(/\x1b\[[0-9;]*m/g, '').split('\n')) if (TEST_LINE.test(line)) lastTest = line.trim();
    };
    child.stdout.on('data', (d) => {
      seen(d);
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      seen(d);
      process.stderr.write(d);
    });
    const heartbeat = setInterval(() => {
      if (Date.now() - lastPrinted < SILENCE_MS) return;
      lastPrinted = Date.now();
      console.log(`[planmark test] ${elapsed()} elapsed (this step ${elapsed(stepStarted)}), still running; last test seen: ${lastTest || 'none yet'}`);
    }, 1000);
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
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

const step = async (name, command, args, count) => {
  console.log(`\n=== ${name} === (${elapsed()} elapsed)`);
  const result = await run(command, args, { env: { PLANMARK_PREBUILT_DIST: '1' } });
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

await step('build', process.execPath, ['scripts/build.mjs']);
// The VS Code the extension suites run in; its Markdown grammar is also used by the grammar tests.
await step('install VS Code for the tests (code-server, cached)', process.execPath, ['scripts/vscode-test/install-code-server.mjs']);
await step('typecheck', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
await step('lint (eslint, typescript-eslint)', process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '.']);

const tests = findTests(path.join(root, 'test')).filter((t) => !filter || t.includes(filter));
await step(
  `unit, LSP and webview tests (${tests.length} files)`,
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...tests],
  (output) => {
    const pass = /^ℹ pass (\d+)/m.exec(output);
    const fail = /^ℹ fail (\d+)/m.exec(output);
    return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
  },
);

if (!unitOnly) {
  await step('extension tests in real VS Code', process.execPath, ['scripts/vscode-test/run.mjs'], (output) => {
    const pass = /(\d+) passing/g;
    const fail = /(\d+) failing/g;
    let p = 0;
    let f = 0;
    for (const m of output.matchAll(pass)) p += Number(m[1]);
    for (const m of output.matchAll(fail)) f += Number(m[1]);
    return { passed: p, failed: f };
  });
}

console.log('');
if (failures.length) console.log(`Failed steps: ${failures.join(', ')}`);
console.log(`planmark: ${passed} passed, ${failed} failed (${elapsed()})`);
process.exit(failures.length || failed ? 1 : 0);
