// The npm package as a user gets it: `npm pack` (with the bundles `npm test` built), installed
// into a fresh project with `npm i -D ./planmark-*.tgz`. The installed package must run without
// any dependency: `npx planmark check` on plans, and the language server through both bins.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProtocolConnection, InitializeRequest, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { builtDist } from '../builtDist';

const ROOT = path.resolve(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work = '';
let project = '';

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return r;
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(full) : fs.lstatSync(full).size;
  }
  return total;
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-package-'));
  // The package as `npm pack` in the repository would make it, from the bundles already built:
  // package.json's `files` decides what goes in (prepack, which rebuilds dist/, is skipped here).
  const stage = path.join(work, 'stage');
  fs.mkdirSync(path.join(stage, 'dist'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'bin', 'templates', 'images']) {
    if (fs.existsSync(path.join(ROOT, f))) fs.cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true });
  }
  const dist = builtDist();
  for (const f of [dist.cli, dist.server]) fs.copyFileSync(f, path.join(stage, 'dist', path.basename(f)));
  const packed = run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage);
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  project = path.join(work, 'project');
  fs.mkdirSync(path.join(project, 'plans'), { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-planmark', version: '1.0.0', private: true }));
  const installed = run(npm, ['install', '--save-dev', '--offline', path.join(work, info.filename)], project);
  assert.equal(installed.status, 0, installed.stderr);
  fs.writeFileSync(path.join(work, 'files.json'), JSON.stringify(info.files.map((f) => f.path).sort()));
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the npm package installed into a fresh project', () => {
  it('holds the bins, the two bundles and the template, nothing of the sources or tests', () => {
    const files = JSON.parse(fs.readFileSync(path.join(work, 'files.json'), 'utf8')) as string[];
    for (const f of ['bin/planmark.js', 'bin/planmark-language-server.js', 'dist/cli.js', 'dist/server.js', 'templates/plan-template.md', 'package.json', 'README.md']) {
      assert.ok(files.includes(f), `${f} is in the package: ${files.join(', ')}`);
    }
    assert.deepEqual(files.filter((f) => /^(server|client|shared|test|webview|bench|scripts|node_modules)\/|\.map$|\.ts$/.test(f)), []);
  });

  it('installs no dependency and stays small', () => {
    const modules = fs.readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.deepEqual(modules, ['planmark']);
    const mib = sizeOf(path.join(project, 'node_modules')) / 1024 / 1024;
    assert.ok(mib <= 15, `node_modules is ${mib.toFixed(1)} MiB`);
  });

  it('npx planmark check reports a plan\'s problems and exits 1 on an error', () => {
    fs.writeFileSync(
      path.join(project, 'plans', 'phase-1.md'),
      '# Implementation Plan: Phase 1\n\n## Task Breakdown with Dependencies\n\n| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_001 | TASK_009 | 2 |\n',
    );
    const check = run(npm, ['exec', '--offline', '--', 'planmark', 'check'], project);
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /^plans\/phase-1\.md:7:14: error unknown-task TASK_001 depends on TASK_009/m);
    assert.match(check.stderr, /1 plan checked: 1 error/);
  });

  it('npx planmark check --concurrency 2 checks plans in worker threads with the same output', () => {
    fs.mkdirSync(path.join(project, 'plans', 'later'), { recursive: true });
    for (const n of [2, 3]) {
      fs.writeFileSync(
        path.join(project, 'plans', 'later', `phase-${n}.md`),
        `# Implementation Plan: Phase ${n}\n\n## Task Breakdown with Dependencies\n\n| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_001 | TASK_0${n}9 | 2 |\n| TASK_002 | TASK_001 | -3 |\n`,
      );
    }
    const serial = run(npm, ['exec', '--offline', '--', 'planmark', 'check', '--concurrency', 'off', 'plans/later'], project);
    const workers = run(npm, ['exec', '--offline', '--', 'planmark', 'check', '--concurrency', '2', 'plans/later'], project);
    assert.equal(serial.status, 1, serial.stderr);
    assert.match(serial.stdout, /^plans\/later\/phase-3\.md:7:14: error unknown-task TASK_001 depends on TASK_039/m);
    assert.match(serial.stderr, /^2 plans checked: 4 errors/);
    assert.equal(workers.status, serial.status, workers.stderr);
    assert.equal(workers.stdout, serial.stdout);
    assert.equal(workers.stderr, serial.stderr);
  });

  for (const [name, bin, args] of [
    ['planmark lsp --stdio', 'planmark.js', ['lsp', '--stdio']],
    ['planmark-language-server --stdio', 'planmark-language-server.js', ['--stdio']],
  ] as const) {
    it(`${name} answers initialize`, async () => {
      const child = spawn(process.execPath, [path.join(project, 'node_modules', 'planmark', 'bin', bin), ...args], { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] });
      try {
        const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
        connection.listen();
        const result = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
        assert.equal(result.serverInfo?.name, 'planmark');
        assert.ok(result.capabilities.completionProvider);
        connection.dispose();
      } finally {
        child.kill();
      }
    });
  }
});
