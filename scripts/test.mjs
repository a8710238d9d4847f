// `npm test`: build, type-check, run the unit/LSP/webview tests (node's test runner), then the
// extension suites inside a real VS Code (scripts/vscode-test/run.mjs). Prints one closing
// line "planmark: N passed, N failed" covering both. `--unit-only` stops before VS Code.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const unitOnly = process.argv.includes('--unit-only');
const filter = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
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
  console.log(`\n=== ${name} ===`);
  const result = await run(command, args);
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
console.log(`planmark: ${passed} passed, ${failed} failed`);
process.exit(failures.length || failed ? 1 : 0);
